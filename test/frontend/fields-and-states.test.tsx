/**
 * The two custom fields and the panel's loading/error states, rendered with the real UI Kit
 * reconciler. The bridge answers `getContext` with a custom-field context (fieldValue, renderContext)
 * and routes `invoke` to the real UI resolver over in-memory ports; `view.submit` is recorded.
 */
import { ui } from './support/forge-ui'; // must be first: installs the bridge @forge/* read at import
import { AccessTypeEdit, AccessTypeView } from '../../src/frontend/fields/access-type';
import { AdminGroupEdit, AdminGroupView } from '../../src/frontend/fields/admin-group';
import { Panel } from '../../src/frontend/panel/Panel';
import { formatTimeLeft, formatWhen } from '../../src/frontend/shared/time';
import { fakesBackend } from './support/backends';
import { LINUX, makeGroupPolicy, WINDOWS } from '../factories/grant';
import { makeDeps } from '../fakes';

afterEach(async () => { await ui.show(null); });

function fieldWorld() {
  const w = makeDeps();
  w.config.allowlist = [makeGroupPolicy({ groupId: WINDOWS, displayName: 'PAM Windows Admins' }), makeGroupPolicy()];
  return w;
}

const select = () => ui.findAll((d) => d.type === 'Select')[0];

describe('Access type field', () => {
  it('offers exactly the three access types and submits the chosen one', async () => {
    ui.use(fakesBackend(fieldWorld().app, 'acc-neville', { moduleKey: 'access-type', renderContext: 'issue-create' }));
    await ui.show(<AccessTypeEdit />);
    const edit = ui.findAll((d) => d.type === 'CustomFieldEdit')[0];
    expect(edit).toBeDefined();
    expect(select().props.options.map((o: { value: string }) => o.value)).toEqual(['New access', 'Extend access', 'View access']);
    select().props.onChange({ label: 'Extend access', value: 'Extend access' });
    await new Promise((r) => setTimeout(r, 20));
    await ui.findAll((d) => d.type === 'CustomFieldEdit')[0].props.onSubmit();
    expect(ui.submits).toEqual(['Extend access']);
  });

  it('starts from the stored value, and ignores a stored value that is not one of the three', async () => {
    ui.use(fakesBackend(fieldWorld().app, 'acc-neville', { moduleKey: 'access-type', fieldValue: 'View access' }));
    await ui.show(<AccessTypeEdit />);
    await new Promise((r) => setTimeout(r, 30));
    expect(select().props.value).toEqual({ label: 'View access', value: 'View access' });

    ui.use(fakesBackend(fieldWorld().app, 'acc-neville', { moduleKey: 'access-type', fieldValue: 'Root please' }));
    await ui.show(<AccessTypeEdit />);
    await new Promise((r) => setTimeout(r, 30));
    expect(select().props.value).toBeNull();
  });

  it('shows the value in the view', async () => {
    ui.use(fakesBackend(fieldWorld().app, 'acc-neville', { moduleKey: 'access-type', fieldValue: 'New access' }));
    await ui.show(<AccessTypeView />);
    await ui.waitForText('New access');
  });
});

describe('Admin group field', () => {
  it('offers only allowlisted groups by display name and submits the Okta group id', async () => {
    const w = fieldWorld();
    ui.use(fakesBackend(w.app, 'acc-neville', { moduleKey: 'admin-group', renderContext: 'issue-create' }));
    await ui.show(<AdminGroupEdit />);
    for (let i = 0; i < 50 && select().props.options.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(ui.invokes.map((i) => i.functionKey)).toEqual(['field/groups']);
    expect(select().props.options).toEqual([
      { label: 'PAM Linux Sysadmins', value: LINUX }, { label: 'PAM Windows Admins', value: WINDOWS },
    ]);
    select().props.onChange({ label: 'PAM Windows Admins', value: WINDOWS });
    await new Promise((r) => setTimeout(r, 20));
    await ui.findAll((d) => d.type === 'CustomFieldEdit')[0].props.onSubmit();
    expect(ui.submits).toEqual([WINDOWS]);
  });

  it('view: shows the display name, and a warning lozenge once the group left the allowlist', async () => {
    const w = fieldWorld();
    ui.use(fakesBackend(w.app, 'acc-neville', { moduleKey: 'admin-group', fieldValue: LINUX, issue: { id: '10001', key: 'ACC-1' } }));
    await ui.show(<AdminGroupView />);
    await ui.waitForText('PAM Linux Sysadmins');
    expect(ui.lozenges()).toEqual([]);

    w.config.allowlist = w.config.allowlist.filter((g) => g.groupId !== LINUX);
    await ui.show(<AdminGroupView />);
    await ui.waitForText(LINUX);
    expect(ui.lozenges()).toEqual(['Not allowlisted']);
  });
});

describe('panel loading and error states', () => {
  it('shows a loading state, then an error a person understands with Try again', async () => {
    const w = fieldWorld();
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let fail = true;
    const real = fakesBackend(w.app, 'acc-neville', { moduleKey: 'access-panel', issue: { id: '10001', key: 'ACC-1' } });
    ui.use({
      context: real.context,
      invoke: async (key, payload) => {
        await gate;
        if (fail) throw new Error('function timed out');
        return real.invoke(key, payload);
      },
    });
    await ui.show(<Panel />);
    expect(ui.text()).toContain('Loading Okta access…');
    expect(ui.findAll((d) => d.type === 'Spinner')).toHaveLength(1);
    release();
    await ui.waitForText('Okta access could not be loaded');
    expect(ui.text()).toContain('The Okta access app did not answer. Try again in a moment');
    expect(ui.text()).not.toContain('function timed out'); // no internals on screen

    fail = false;
    w.jira.issues.set('ACC-1', { id: '10001', key: 'ACC-1', projectKey: 'ACC', reporterAccountId: 'acc-neville', statusName: 'To Do', accessType: 'New access', adminGroup: LINUX });
    await ui.click('Try again');
    await ui.waitForText('No grant yet');
  });

  it('shows a refusal from the server as its message', async () => {
    const w = fieldWorld();
    // No issue in the context: the resolver refuses with a message for people.
    ui.use(fakesBackend(w.app, 'acc-neville', { moduleKey: 'access-panel' }));
    await ui.show(<Panel />);
    await ui.waitForText('This panel only works on a Jira issue.');
  });
});

describe('client time formatting', () => {
  it('formats in the viewer\'s zone and counts down', () => {
    expect(formatWhen('2026-07-01T12:00:00.000Z', 'Europe/London')).toBe('Wed, 1 Jul 2026, 13:00 BST');
    expect(formatWhen('2026-07-01T12:00:00.000Z', 'Not/AZone')).toBe('Wed, 1 Jul 2026, 12:00 UTC');
    expect(formatTimeLeft(3 * 3_600_000 + 59 * 60_000 + 59_000)).toBe('3 h 59 min');
    expect(formatTimeLeft(12 * 60_000 + 5_000)).toBe('12 min 05 s');
    expect(formatTimeLeft(0)).toBe('ending now');
  });
});
