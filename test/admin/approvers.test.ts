/**
 * Approver settings on the sandbox: the admin page's pickers (`admin/approvers/*`) read Jira people,
 * groups and project roles through the real Jira adapter against the Jira emulator, and
 * `admin/allowlist/add|update` refuse approval steps naming a Jira group, project role or person Jira
 * does not know (POLICY.UNKNOWN_APPROVER), storing nothing, and keep steps that name known ones.
 */
import { useWorlds } from '../integration/world';
import { adminSite, type AdminSite } from './site';

useWorlds();

const policy = (t: AdminSite, over: Record<string, unknown> = {}) => ({
  groupId: t.w.groups.linux,
  maxDurationHours: 12,
  maxLifetimeHours: 24,
  maxExtensions: 2,
  reminderLeadMinutes: 60,
  approvalMode: 'status',
  allowedProjectKeys: [],
  ...over,
});

const step = (approvers: { jiraGroups?: string[]; projectRoles?: string[]; accountIds?: string[] }, count = 1) => ({
  approvers: { jiraGroups: [], projectRoles: [], accountIds: [], ...approvers },
  count,
});

/** Okta connected; in Jira the groups "Security" and "ops-oncall" and the project role "Approvers". */
async function site() {
  const t = await adminSite();
  await t.connect();
  const { sb, w } = t;
  const security = sb.jira.addJiraGroup('Security');
  const ops = sb.jira.addJiraGroup('ops-oncall');
  sb.jira.addUserToJiraGroup(w.jira.alice, 'Security');
  const approvers = sb.jira.setProjectRole(w.projectKey, 'Approvers', { accountIds: [w.jira.alice] });
  return Object.assign(t, { security, ops, approvers });
}

describe('approver pickers', () => {
  test('people: active Atlassian accounts by name or email, never the app', async () => {
    const t = await site();
    expect(await t.admin('admin/approvers/people', { query: 'ali' })).toEqual({
      ok: true,
      data: [{ accountId: t.w.jira.alice, displayName: 'Alice Approver' }],
    });
    expect(await t.admin('admin/approvers/people', { query: 'okta' })).toEqual({ ok: true, data: [] });
    expect(await t.admin('admin/approvers/people', { query: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
  });

  test('groups: any part of the name, any case, with the groupId', async () => {
    const t = await site();
    expect(await t.admin('admin/approvers/groups', { query: 'SEC' })).toEqual({
      ok: true,
      data: [{ name: 'Security', groupId: t.security.groupId }],
    });
    expect(await t.admin('admin/approvers/groups', { query: 'call' })).toEqual({
      ok: true,
      data: [{ name: 'ops-oncall', groupId: t.ops.groupId }],
    });
  });

  test("roles: the site's project roles", async () => {
    const t = await site();
    expect(await t.admin('admin/approvers/roles', {})).toEqual({
      ok: true,
      data: [
        { name: 'Administrators', id: '10002' },
        { name: 'Approvers', id: String(t.approvers.id) },
      ],
    });
  });

  test('Jira failing: a clear refusal', async () => {
    const t = await site();
    t.sb.jira.failNext({ pathIncludes: '/rest/api/3/role', status: 503 });
    expect(await t.admin('admin/approvers/roles', {})).toEqual({
      ok: false,
      error: { code: 'JIRA.UNAVAILABLE', message: expect.stringContaining('try again') },
    });
  });
});

describe('approval steps on the allowlist', () => {
  const unknownCases: Array<[string, (t: AdminSite) => ReturnType<typeof step>, RegExp]> = [
    ['a Jira group', () => step({ jiraGroups: ['Securty'] }), /Jira group "Securty"/],
    ['a project role', () => step({ projectRoles: ['Approver'] }), /project role "Approver"/],
    ['a person', () => step({ accountIds: ['557058:00000000-0000-4000-8000-0000000dead0'] }), /person 557058:/],
  ];

  test.each(unknownCases)('add refuses a step naming %s Jira does not know, and stores nothing', async (_, s, why) => {
    const t = await site();
    const oktaCalls = t.oktaCalls();
    const r = await t.admin(
      'admin/allowlist/add',
      policy(t, { approvalSteps: [step({ jiraGroups: ['Security'] }), s(t)] }),
    );
    expect(r).toEqual({ ok: false, error: { code: 'POLICY.UNKNOWN_APPROVER', message: expect.stringMatching(why) } });
    expect(await t.stored.allowlist()).toEqual([]);
    expect(t.oktaCalls()).toBe(oktaCalls); // refused before Okta is asked anything
  });

  test.each(unknownCases)(
    'update refuses a step naming %s Jira does not know, and keeps the entry',
    async (_, s, why) => {
      const t = await site();
      expect(await t.admin('admin/allowlist/add', policy(t))).toMatchObject({ ok: true });
      const before = await t.stored.allowlist();
      const r = await t.admin('admin/allowlist/update', policy(t, { approvalSteps: [s(t)] }));
      expect(r).toEqual({ ok: false, error: { code: 'POLICY.UNKNOWN_APPROVER', message: expect.stringMatching(why) } });
      expect(await t.stored.allowlist()).toEqual(before);
    },
  );

  test('names every unknown approver at once', async () => {
    const t = await site();
    const r = await t.admin(
      'admin/allowlist/add',
      policy(t, { approvalSteps: [step({ jiraGroups: ['nope'], projectRoles: ['Nobody'] })] }),
    );
    expect(r.error.message).toMatch(/project role "Nobody".*Jira group "nope"/);
  });

  test('add and update keep steps that name known groups, roles and people', async () => {
    const t = await site();
    const steps = [
      step({ jiraGroups: ['Security'], projectRoles: ['Approvers'] }, 2),
      step({ accountIds: [t.w.jira.ada] }),
    ];
    const added = await t.admin('admin/allowlist/add', policy(t, { approvalSteps: steps }));
    expect(added).toMatchObject({
      ok: true,
      data: [
        {
          groupId: t.w.groups.linux,
          approvalSteps: steps,
          approverNames: { [t.w.jira.ada]: 'Ada Admin' },
          approversInWords: expect.stringContaining('Ada Admin'),
        },
      ],
    });
    expect((await t.stored.allowlist())[0].approvalSteps).toEqual(steps);
    const next = [step({ jiraGroups: ['ops-oncall'] })];
    expect(await t.admin('admin/allowlist/update', policy(t, { approvalSteps: next }))).toMatchObject({ ok: true });
    expect((await t.stored.allowlist())[0].approvalSteps).toEqual(next);
    // Steps sent empty go back to the default (one approval by anyone who can transition the issue).
    expect(await t.admin('admin/allowlist/update', policy(t, { approvalSteps: [] }))).toMatchObject({ ok: true });
    expect((await t.stored.allowlist())[0]).not.toHaveProperty('approvalSteps');
  });

  test('a named approver Jira cannot name is told apart in words, never by a raw account id', async () => {
    const t = await site();
    const steps = [step({ accountIds: [t.w.jira.ada] })];
    expect(await t.admin('admin/allowlist/add', policy(t, { approvalSteps: steps }))).toMatchObject({ ok: true });
    // Jira stops answering user look-ups (an outage; the same for an account since removed).
    t.sb.jira.failNext({ pathIncludes: '/rest/api/3/user', status: 503, times: 10 });
    const listed = await t.admin('admin/allowlist/list', {});
    const words = (listed as { data: Array<{ approversInWords: string }> }).data[0]!.approversInWords;
    expect(words).toContain(`a Jira user (id ending ${t.w.jira.ada.slice(-4)})`);
    expect(words).not.toContain(t.w.jira.ada);
  });

  test('Jira failing during the check: a clear refusal, nothing stored', async () => {
    const t = await site();
    t.sb.jira.failNext({ pathIncludes: '/groups/picker', status: 503 });
    const r = await t.admin('admin/allowlist/add', policy(t, { approvalSteps: [step({ jiraGroups: ['Security'] })] }));
    expect(r).toMatchObject({ ok: false, error: { code: 'JIRA.UNAVAILABLE' } });
    expect(await t.stored.allowlist()).toEqual([]);
  });
});
