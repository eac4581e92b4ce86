/**
 * Pick, don't type, on the sandbox: the admin page's Jira pickers (`admin/jira/*`) read fields, field
 * options, projects, and the statuses and workflow transitions of the projects in use through the real
 * Jira adapter against the Jira emulator, as the app; and `admin/policy/save` and
 * `admin/allowlist/add|update` refuse a choice Jira does not have, naming it on its field
 * (JIRA.NOT_FOUND with `fields`), storing and auditing nothing. Jira not answering: a refusal that
 * says so and that nothing was saved.
 */
import { groupPolicy } from '../../sandbox/seed';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import type { GroupPolicy } from '../../src/domain/policy';
import { useWorlds } from '../integration/world';
import { adminSite, type AdminSite } from './site';

useWorlds();

/**
 * Unconfigured app on the demo people; in Jira the projects ACC (the demo's), OPS (whose workflow has
 * one more status, "Security review", entered by "Send to security") and SEC, and a second select
 * field "Change risk" (Low, Medium, High; Retired disabled).
 */
async function site() {
  const t = await adminSite();
  const { sb } = t;
  sb.jira.addProject({ key: 'OPS', name: 'Operations' });
  sb.jira.addProject({ key: 'SEC', name: 'Security desk' });
  sb.jira.addWorkflowStatus('OPS', 'Security review', 'Send to security');
  const risk = sb.jira.addSelectField('Change risk', ['Low', 'Medium', 'High', { value: 'Retired', disabled: true }]);
  const allowlist = (...groups: GroupPolicy[]) => t.config((c) => c.saveAllowlist(groups));
  return Object.assign(t, { risk, allowlist });
}

const policyForm = (over: Record<string, unknown> = {}) => ({
  durationFieldName: 'Change type',
  durationMapping: [
    { value: 'Emergency', hours: 4 },
    { value: 'Standard', hours: 12 },
  ],
  defaultDurationHours: 12,
  approvalStatusName: 'Approved',
  emergencyValue: 'Emergency',
  emergencyMaxHours: 2,
  closeOutTransitionName: 'Done',
  requesterMapping: [],
  notifyByEmail: true,
  ...over,
});

/** The policy is as before and no change was audited. */
async function nothingSaved(t: AdminSite) {
  expect(await t.stored.policy()).toEqual(DEFAULT_POLICY);
  expect(t.audit({ action: 'CONFIG_CHANGED' })).toEqual([]);
}

describe('Jira pickers', () => {
  test("fields: the site's single-choice select lists only, by name", async () => {
    const t = await site();
    expect(await t.admin('admin/jira/fields')).toEqual({
      ok: true,
      data: [
        { id: t.risk.id, name: 'Change risk' },
        { id: 'customfield_10050', name: 'Change type' },
      ],
    });
  });

  test("field options: every option of the field's contexts, disabled ones marked; an unknown field is refused", async () => {
    const t = await site();
    expect(await t.admin('admin/jira/field-options', { fieldId: 'customfield_10050' })).toEqual({
      ok: true,
      data: {
        listed: true,
        options: [
          { id: '10200', value: 'Emergency', disabled: false },
          { id: '10201', value: 'Standard', disabled: false },
          { id: '10202', value: 'Normal', disabled: false },
        ],
      },
    });
    expect(await t.admin('admin/jira/field-options', { fieldId: t.risk.id })).toMatchObject({
      ok: true,
      data: {
        listed: true,
        options: expect.arrayContaining([expect.objectContaining({ value: 'Retired', disabled: true })]),
      },
    });
    expect(await t.admin('admin/jira/field-options', { fieldId: 'customfield_99999' })).toEqual({
      ok: false,
      error: { code: 'JIRA.NOT_FOUND', message: expect.stringMatching(/no such field/) },
    });
    expect(await t.admin('admin/jira/field-options', { fieldId: 'summary' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
  });

  test('projects: all by key, or those whose key or name contains the query', async () => {
    const t = await site();
    expect(await t.admin('admin/jira/projects', {})).toEqual({
      ok: true,
      data: [
        { key: 'ACC', name: 'Access Requests' },
        { key: 'OPS', name: 'Operations' },
        { key: 'SEC', name: 'Security desk' },
      ],
    });
    expect(await t.admin('admin/jira/projects', { query: 'secur' })).toEqual({
      ok: true,
      data: [{ key: 'SEC', name: 'Security desk' }],
    });
    expect(await t.admin('admin/jira/projects', { query: 'nothing like it' })).toEqual({ ok: true, data: [] });
  });

  test('statuses: of every project while a group allows any project (or none is allowlisted); else of the projects named', async () => {
    const t = await site();
    const all = ['Approved', 'Done', 'In Progress', 'Security review', 'To Do'];
    expect(await t.admin('admin/jira/statuses')).toEqual({
      ok: true,
      data: { projects: { all: true, keys: ['ACC', 'OPS', 'SEC'], truncated: false }, names: all },
    });
    await t.allowlist(groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['ACC', 'SEC'] }));
    expect(await t.admin('admin/jira/statuses')).toEqual({
      ok: true,
      data: {
        projects: { all: false, keys: ['ACC', 'SEC'], truncated: false },
        names: ['Approved', 'Done', 'In Progress', 'To Do'],
      },
    });
    await t.allowlist(
      groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['ACC'] }),
      groupPolicy(t.w.groups.windows, 'PAM Windows Admins', { allowedProjectKeys: [] }),
    );
    expect(await t.admin('admin/jira/statuses')).toMatchObject({
      ok: true,
      data: { projects: { all: true }, names: all },
    });
  });

  test("transitions: the workflows' transition names of the projects in use", async () => {
    const t = await site();
    await t.allowlist(groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['ACC'] }));
    expect(await t.admin('admin/jira/transitions')).toEqual({
      ok: true,
      data: {
        projects: { all: false, keys: ['ACC'], truncated: false },
        listed: true,
        names: ['Approve', 'Done', 'Reopen', 'Start'],
      },
    });
    await t.allowlist(groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['ACC', 'OPS'] }));
    expect(await t.admin('admin/jira/transitions')).toMatchObject({
      ok: true,
      data: { listed: true, names: ['Approve', 'Done', 'Reopen', 'Send to security', 'Start'] },
    });
  });

  test('where Jira does not let the app read options or workflows, the pickers say so and typing is allowed', async () => {
    const t = await site();
    t.sb.jira.appUser.admin = false;
    expect(await t.admin('admin/jira/field-options', { fieldId: 'customfield_10050' })).toEqual({
      ok: true,
      data: { listed: false, options: [], note: expect.stringMatching(/Administer Jira.*Type each value/) },
    });
    expect(await t.admin('admin/jira/transitions')).toMatchObject({
      ok: true,
      data: { listed: false, names: [], note: expect.stringMatching(/Administer Jira.*Type the transition/) },
    });
    // Statuses and fields need no more than browsing: still listed.
    expect(await t.admin('admin/jira/statuses')).toMatchObject({
      ok: true,
      data: { names: expect.arrayContaining(['Approved']) },
    });
    // And the typed values the app cannot check are not refused.
    expect(
      await t.admin(
        'admin/policy/save',
        policyForm({
          durationMapping: [
            { value: 'Emergency', hours: 4 },
            { value: 'Anything', hours: 2 },
          ],
          closeOutTransitionName: 'Close it',
        }),
      ),
    ).toMatchObject({ ok: true });
  });

  test('a large site is read page by page; past the bound, the lists say they read only the first projects', async () => {
    const t = await site();
    const many = t.sb.jira.addSelectField(
      'Service',
      Array.from({ length: 230 }, (_, i) => `Service ${String(i).padStart(3, '0')}`),
    );
    const options = await t.admin('admin/jira/field-options', { fieldId: many.id });
    expect(options.data.options).toHaveLength(230);
    expect(options.data.options[229]).toMatchObject({ value: 'Service 229' });

    for (let i = 0; i < 100; i++) t.sb.jira.addProject({ key: `P${String(i).padStart(3, '0')}`, name: `Project ${i}` });
    expect((await t.admin('admin/jira/projects', {})).data).toHaveLength(50);
    const statuses = await t.admin('admin/jira/statuses');
    expect(statuses.data.projects).toMatchObject({ all: true, truncated: true });
    expect(statuses.data.projects.keys).toHaveLength(100);
    // A transition only an unread project's workflow might have cannot be ruled out: not refused.
    expect(await t.admin('admin/policy/save', policyForm({ closeOutTransitionName: 'Archive' }))).toMatchObject({
      ok: true,
    });
  });

  test('Jira not answering: each picker says so, with nothing changed', async () => {
    const t = await site();
    for (const [key, payload, path] of [
      ['admin/jira/fields', {}, '/rest/api/3/field'],
      ['admin/jira/field-options', { fieldId: 'customfield_10050' }, '/context'],
      ['admin/jira/projects', {}, '/project/search'],
      ['admin/jira/statuses', {}, '/rest/api/3/status'],
      ['admin/jira/transitions', {}, '/rest/api/3/workflows'],
    ] as const) {
      t.sb.jira.failNext({ pathIncludes: path, status: 503 });
      expect([key, await t.admin(key, payload)]).toEqual([
        key,
        {
          ok: false,
          error: {
            code: 'JIRA.UNAVAILABLE',
            message: expect.stringMatching(/^Jira is not answering right now \(.*503.*\)\. Nothing was changed/),
          },
        },
      ]);
    }
  });
});

describe('policy save: every Jira choice exists', () => {
  test('choices picked from the lists are saved (another select field and its values, a status, a transition)', async () => {
    const t = await site();
    const r = await t.admin(
      'admin/policy/save',
      policyForm({
        durationFieldName: 'Change risk',
        durationMapping: [
          { value: 'High', hours: 2 },
          { value: 'Low', hours: 24 },
        ],
        emergencyValue: 'High',
        approvalStatusName: 'Security review',
        closeOutTransitionName: 'send to security',
      }),
    );
    expect(r).toMatchObject({
      ok: true,
      data: { durationFieldName: 'Change risk', approvalStatusName: 'Security review' },
    });
    expect(await t.stored.policy()).toMatchObject({
      durationFieldName: 'Change risk',
      durationHoursByValue: { High: 2, Low: 24 },
      approvalStatusName: 'Security review',
    });
  });

  test('a duration field Jira does not have is refused on that field', async () => {
    const t = await site();
    expect(await t.admin('admin/policy/save', policyForm({ durationFieldName: 'Change kind' }))).toEqual({
      ok: false,
      error: {
        code: 'JIRA.NOT_FOUND',
        message: 'Jira has no field named "Change kind". Choose from the lists Jira fills; nothing was saved.',
        fields: { durationFieldName: 'Jira has no field named "Change kind".' },
      },
    });
    await nothingSaved(t);
  });

  test('a duration field that is not a select list is refused on that field', async () => {
    const t = await site();
    expect(await t.admin('admin/policy/save', policyForm({ durationFieldName: 'Requested end' }))).toMatchObject({
      ok: false,
      error: {
        code: 'JIRA.NOT_FOUND',
        fields: {
          durationFieldName: '"Requested end" is not a select list in Jira, so its values cannot be mapped to hours.',
        },
      },
    });
    await nothingSaved(t);
  });

  test('values that are not options of the field are refused on their rows (with the spelling Jira has)', async () => {
    const t = await site();
    const r = await t.admin(
      'admin/policy/save',
      policyForm({
        durationMapping: [
          { value: 'Emergency', hours: 4 },
          { value: 'standard', hours: 12 },
          { value: 'Urgent', hours: 1 },
        ],
        emergencyValue: 'Urgent',
      }),
    );
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'JIRA.NOT_FOUND',
        message: expect.stringMatching(
          /"standard" is not an option of Change type.*"Urgent" is not an option.*nothing was saved/,
        ),
        fields: {
          'durationMapping.1.value': '"standard" is not an option of Change type (did you mean "Standard"?).',
          'durationMapping.2.value': '"Urgent" is not an option of Change type.',
          emergencyValue: '"Urgent" is not an option of Change type.',
        },
      },
    });
    await nothingSaved(t);
  });

  test('an approval status outside the projects in use is refused on that field; once a group names its project it is in use', async () => {
    const t = await site();
    await t.allowlist(groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['ACC', 'SEC'] }));
    expect(await t.admin('admin/policy/save', policyForm({ approvalStatusName: 'Security review' }))).toMatchObject({
      ok: false,
      error: {
        code: 'JIRA.NOT_FOUND',
        fields: { approvalStatusName: 'No status named "Security review" is in the projects in use (ACC, SEC).' },
      },
    });
    expect(await t.admin('admin/policy/save', policyForm({ approvalStatusName: 'approved' }))).toMatchObject({
      error: { fields: { approvalStatusName: expect.stringContaining('(did you mean "Approved"?)') } },
    });
    await nothingSaved(t);

    await t.allowlist(
      groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['ACC', 'SEC'] }),
      groupPolicy(t.w.groups.windows, 'PAM Windows Admins', { allowedProjectKeys: ['OPS'] }),
    );
    expect(await t.admin('admin/policy/save', policyForm({ approvalStatusName: 'Security review' }))).toMatchObject({
      ok: true,
    });
  });

  test('a close-out transition no workflow in use has is refused on that field', async () => {
    const t = await site();
    await t.allowlist(groupPolicy(t.w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['ACC'] }));
    expect(await t.admin('admin/policy/save', policyForm({ closeOutTransitionName: 'Send to security' }))).toEqual({
      ok: false,
      error: {
        code: 'JIRA.NOT_FOUND',
        message:
          'No workflow of the projects in use (ACC) has a transition named "Send to security". Choose from the lists Jira fills; nothing was saved.',
        fields: {
          closeOutTransitionName: 'No workflow of the projects in use (ACC) has a transition named "Send to security".',
        },
      },
    });
    await nothingSaved(t);
    // The app matches transition names in any case on the issue: so does the check.
    expect(await t.admin('admin/policy/save', policyForm({ closeOutTransitionName: 'done' }))).toMatchObject({
      ok: true,
    });
  });

  test('Jira not answering: refused, saying Jira is not answering and nothing was saved', async () => {
    const t = await site();
    t.sb.jira.failNext({ pathIncludes: '/rest/api/3/field', status: 503 });
    expect(await t.admin('admin/policy/save', policyForm())).toEqual({
      ok: false,
      error: {
        code: 'JIRA.UNAVAILABLE',
        message: expect.stringMatching(
          /^Jira is not answering right now \(.*\)\. Nothing was saved; try again in a minute\.$/,
        ),
      },
    });
    await nothingSaved(t);
  });
});

describe('allowlist save: every project key exists', () => {
  const entry = (t: AdminSite, keys: string[]) => ({
    groupId: t.w.groups.linux,
    maxDurationHours: 12,
    maxLifetimeHours: 24,
    maxExtensions: 2,
    reminderLeadMinutes: 60,
    approvalMode: 'none',
    allowedProjectKeys: keys,
  });

  test('a project key Jira does not have is refused on the projects field, on add and on edit', async () => {
    const t = await site();
    await t.connect();
    expect(await t.admin('admin/allowlist/add', entry(t, ['ACC', 'NOPE']))).toEqual({
      ok: false,
      error: {
        code: 'JIRA.NOT_FOUND',
        message:
          'Jira has no project with the key NOPE (or the app cannot see it). Choose projects from the list; nothing was saved.',
        fields: {
          allowedProjectKeys: 'Jira has no project with the key NOPE (or the app cannot see it). Choose from the list.',
        },
      },
    });
    expect(await t.stored.allowlist()).toEqual([]);

    expect(await t.admin('admin/allowlist/add', entry(t, ['acc', 'OPS']))).toMatchObject({ ok: true });
    expect(await t.admin('admin/allowlist/update', entry(t, ['OPS', 'XX1', 'XX2']))).toMatchObject({
      ok: false,
      error: {
        code: 'JIRA.NOT_FOUND',
        fields: { allowedProjectKeys: expect.stringContaining('Jira has no projects XX1, XX2') },
      },
    });
    expect(await t.stored.allowlist()).toMatchObject([{ allowedProjectKeys: ['ACC', 'OPS'] }]);
  });

  test('Jira not answering: refused, nothing saved', async () => {
    const t = await site();
    await t.connect();
    t.sb.jira.failNext({ pathIncludes: '/project/search', status: 503 });
    expect(await t.admin('admin/allowlist/add', entry(t, ['ACC']))).toEqual({
      ok: false,
      error: {
        code: 'JIRA.UNAVAILABLE',
        message: expect.stringMatching(/^Jira is not answering right now.*Nothing was saved/),
      },
    });
    expect(await t.stored.allowlist()).toEqual([]);
  });
});
