/**
 * The two custom fields and the panel's loading/error states, rendered with the real UI Kit
 * reconciler. The bridge answers `getContext` with a custom-field context (fieldValue, renderContext)
 * and routes `invoke` to the real UI resolver on the sandbox (KVS, Jira and Okta emulators);
 * `view.submit` is recorded.
 */
import { ui } from './support/forge-ui'; // must be first: installs the bridge @forge/* read at import
import { AccessTypeEdit, AccessTypeView } from '../../src/frontend/fields/access-type';
import { AdminGroupEdit, AdminGroupView } from '../../src/frontend/fields/admin-group';
import { Panel } from '../../src/frontend/panel/Panel';
import { formatTimeLeft, formatWhen } from '../../src/frontend/shared/time';
import { groupPolicy } from '../../sandbox/seed';
import { sandboxBackend } from './support/backends';
import { useWorlds, world, type World } from '../integration/world';

useWorlds();
afterEach(async () => {
  await ui.show(null);
});

/** The demo site with exactly two groups allowlisted: PAM Windows Admins and PAM Linux Sysadmins. */
async function fieldWorld(): Promise<World> {
  const t = await world();
  await t.config(async (c) =>
    c.saveAllowlist([
      groupPolicy(t.w.groups.windows, 'PAM Windows Admins'),
      groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins'),
    ]),
  );
  return t;
}

const select = () => ui.findAll((d) => d.type === 'Select')[0];

describe('Access type field', () => {
  it('offers exactly the three access types and submits the chosen one', async () => {
    const t = await fieldWorld();
    ui.use(sandboxBackend(t.sb, t.w.jira.neville, { moduleKey: 'access-type', renderContext: 'issue-create' }));
    await ui.show(<AccessTypeEdit />);
    const edit = ui.findAll((d) => d.type === 'CustomFieldEdit')[0];
    expect(edit).toBeDefined();
    expect(select().props.options.map((o: { value: string }) => o.value)).toEqual([
      'New access',
      'Extend access',
      'View access',
    ]);
    select().props.onChange({ label: 'Extend access', value: 'Extend access' });
    await ui.idle();
    await ui.findAll((d) => d.type === 'CustomFieldEdit')[0].props.onSubmit();
    expect(ui.submits).toEqual(['Extend access']);
  });

  it('starts from the stored value, and ignores a stored value that is not one of the three', async () => {
    const t = await fieldWorld();
    ui.use(sandboxBackend(t.sb, t.w.jira.neville, { moduleKey: 'access-type', fieldValue: 'View access' }));
    await ui.show(<AccessTypeEdit />);
    await ui.waitFor(
      (d) => d.type === 'Select' && d.props.value?.value === 'View access',
      'the stored value "View access"',
    );
    expect(select().props.value).toEqual({ label: 'View access', value: 'View access' });

    ui.use(sandboxBackend(t.sb, t.w.jira.neville, { moduleKey: 'access-type', fieldValue: 'Root please' }));
    await ui.show(<AccessTypeEdit />);
    expect(select().props.value).toBeNull();
  });

  it('shows the value in the view', async () => {
    const t = await fieldWorld();
    ui.use(sandboxBackend(t.sb, t.w.jira.neville, { moduleKey: 'access-type', fieldValue: 'New access' }));
    await ui.show(<AccessTypeView />);
    await ui.waitForText('New access');
  });
});

describe('Admin group field', () => {
  it('offers only allowlisted groups by display name and submits the Okta group id', async () => {
    const t = await fieldWorld();
    const { linux, windows } = t.w.groups;
    ui.use(sandboxBackend(t.sb, t.w.jira.neville, { moduleKey: 'admin-group', renderContext: 'issue-create' }));
    await ui.show(<AdminGroupEdit />);
    await ui.waitFor((d) => d.type === 'Select' && d.props.options.length > 0, 'the group options');
    expect(ui.invokes.map((i) => i.functionKey)).toEqual(['field/groups']);
    expect(select().props.options).toEqual([
      { label: 'PAM Linux Sysadmins', value: linux },
      { label: 'PAM Windows Admins', value: windows },
    ]);
    select().props.onChange({ label: 'PAM Windows Admins', value: windows });
    await ui.idle();
    await ui.findAll((d) => d.type === 'CustomFieldEdit')[0].props.onSubmit();
    expect(ui.submits).toEqual([windows]);
  });

  it('view: shows the display name, and a warning lozenge once the group left the allowlist', async () => {
    const t = await fieldWorld();
    const { linux } = t.w.groups;
    ui.use(
      sandboxBackend(t.sb, t.w.jira.neville, {
        moduleKey: 'admin-group',
        fieldValue: linux,
        issue: { id: '10001', key: 'ACC-1' },
      }),
    );
    await ui.show(<AdminGroupView />);
    await ui.waitForText('PAM Linux Sysadmins');
    expect(ui.lozenges()).toEqual([]);

    await t.removeFromAllowlist(linux);
    await ui.show(<AdminGroupView />);
    await ui.waitForText(linux);
    expect(ui.lozenges()).toEqual(['Not allowlisted']);
  });
});

describe('panel loading and error states', () => {
  it('shows a loading state, then an error a person understands with Try again', async () => {
    const t = await fieldWorld();
    // An access request whose created event has not arrived yet: no grant recorded.
    t.sb.holdEvents();
    const issue = await t.raise({ accessType: 'New access', adminGroup: t.w.groups.linux });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let fail = true;
    const real = sandboxBackend(t.sb, t.w.jira.neville, {
      moduleKey: 'access-panel',
      issue: { id: issue.id, key: issue.key },
    });
    ui.use({
      context: real.context,
      invoke: async (key, payload) => {
        await gate;
        if (fail) throw new Error('function timed out');
        return real.invoke(key, payload);
      },
    });
    const shown = ui.show(<Panel />);
    await ui.waitForText('Loading Okta access…');
    expect(ui.findAll((d) => d.type === 'Spinner')).toHaveLength(1);
    release();
    await shown;
    await ui.waitForText('Okta access could not be loaded');
    expect(ui.text()).toContain('The Okta access app did not answer. Try again in a moment');
    expect(ui.text()).not.toContain('function timed out'); // no internals on screen

    fail = false;
    await ui.click('Try again');
    await ui.waitForText('No grant yet');
    await t.sb.releaseEvents();
  });

  it('shows a refusal from the server as its message', async () => {
    const t = await fieldWorld();
    // No issue in the context: the resolver refuses with a message for people.
    ui.use(sandboxBackend(t.sb, t.w.jira.neville, { moduleKey: 'access-panel' }));
    await ui.show(<Panel />);
    await ui.waitForText('This panel only works on a Jira issue.');
  });
});

describe('client time formatting', () => {
  it("formats in the viewer's zone and counts down", () => {
    expect(formatWhen('2026-07-01T12:00:00.000Z', 'Europe/London')).toBe('Wed, 1 Jul 2026, 13:00 BST');
    expect(formatWhen('2026-07-01T12:00:00.000Z', 'Not/AZone')).toBe('Wed, 1 Jul 2026, 12:00 UTC');
    expect(formatTimeLeft(3 * 3_600_000 + 59 * 60_000 + 59_000)).toBe('3 h 59 min');
    expect(formatTimeLeft(12 * 60_000 + 5_000)).toBe('12 min 05 s');
    expect(formatTimeLeft(0)).toBe('ending now');
  });
});
