/**
 * The allowlist tab on the sandbox: `admin/allowlist/*` and `admin/groups/search` through the admin
 * page's resolver as Ada, groups checked by the real Okta adapter against the Okta emulator (group
 * types, group rules, admin roles), the allowlist stored by the app's config store. (The limits'
 * validation is pure: test/shared/admin-contract.test.ts.)
 */
import { LIMITS } from '../../src/shared/admin-contract';
import { internalsIn } from '../support/no-internals';
import { makeGrant } from '../factories/grant';
import { useWorlds } from '../integration/world';
import { adminSite, type AdminSite } from './site';

useWorlds();

const policy = (t: AdminSite, over: Record<string, unknown> = {}) => ({
  groupId: t.w.groups.linux,
  maxDurationHours: 12,
  maxLifetimeHours: 24,
  maxExtensions: 2,
  reminderLeadMinutes: 60,
  approvalMode: 'none',
  allowedProjectKeys: [],
  ...over,
});

async function connected() {
  const t = await adminSite();
  await t.connect();
  return t;
}

/** Audit entries of allowlist changes (the connection's own CONFIG_CHANGED entry left out). */
const allowlistAudit = (t: AdminSite) =>
  t.audit({ action: 'CONFIG_CHANGED' }).filter((e) => !/connection|API token/i.test(e.detail ?? ''));

/** Okta's codes that an admin's main text must not carry (issue 13 §2); they belong in the details. */
const OKTA_CODES = /SUPER_ADMIN|APP_GROUP|OKTA_GROUP|BUILT_IN|_ADMIN\b/;

describe('allowlist', () => {
  test('adds an eligible group with the name Okta gives it, and audits who did it', async () => {
    const t = await connected();
    const linux = t.w.groups.linux;
    // Project keys must name projects Jira has (checked at save: jira-choices.test.ts).
    t.sb.jira.addProject({ key: 'OPS', name: 'Operations' });
    t.sb.jira.addProject({ key: 'SEC', name: 'Security desk' });
    const r = await t.admin('admin/allowlist/add', policy(t, { allowedProjectKeys: ['ops', 'SEC'] }));
    expect(r).toEqual({
      ok: true,
      data: [
        expect.objectContaining({
          groupId: linux,
          displayName: 'PAM Linux Sysadmins',
          allowedProjectKeys: ['OPS', 'SEC'],
          activeGrants: 0,
        }),
      ],
    });
    expect(await t.stored.allowlist()).toEqual([
      {
        groupId: linux,
        displayName: 'PAM Linux Sysadmins',
        maxDurationHours: 12,
        maxLifetimeHours: 24,
        maxExtensions: 2,
        reminderLeadMinutes: 60,
        approvalMode: 'none',
        allowedProjectKeys: ['OPS', 'SEC'],
        approvalWindowDays: 7,
      },
    ]);
    expect(allowlistAudit(t)).toEqual([
      expect.objectContaining({
        action: 'CONFIG_CHANGED',
        actor: t.w.jira.ada,
        groupId: linux,
        detail: expect.stringContaining('Allowlisted Okta group PAM Linux Sysadmins'),
      }),
    ]);
  });

  test.each([
    [
      'superAdmins',
      'GROUP.HAS_ADMIN_ROLE',
      /^This group holds Okta admin roles, so granting it would make people Okta administrators\. Choose another group\.$/,
      /SUPER_ADMIN/,
    ],
    ['appGroup', 'GROUP.NOT_OKTA_GROUP', /imported from an app or a directory/, /APP_GROUP/],
    ['ruleTargeted', 'GROUP.RULE_TARGETED', /An Okta group rule adds people to this group/, /Engineering department/],
    ['00gDOESNOTEXIST00000', 'GROUP.NOT_FOUND', /Okta no longer has this group/, undefined],
  ])(
    'refuses %s (%s) in words for the admin, codes in the details, and stores nothing',
    async (which, code, message, details) => {
      const t = await connected();
      const groupId = (t.w.groups as Record<string, string>)[which] ?? which;
      const r = await t.admin('admin/allowlist/add', policy(t, { groupId }));
      expect(r).toEqual({
        ok: false,
        error: {
          code,
          message: expect.stringMatching(message),
          ...(details ? { details: expect.stringMatching(details) } : {}),
        },
      });
      expect(internalsIn(r.error.message)).toEqual([]);
      expect(r.error.message).not.toMatch(OKTA_CODES);
      expect(r.error.message).not.toMatch(/an admin must/i);
      expect(await t.stored.allowlist()).toEqual([]);
      expect(allowlistAudit(t)).toEqual([]);
    },
  );

  test('refuses a duplicate before asking Okta', async () => {
    const t = await connected();
    await t.admin('admin/allowlist/add', policy(t));
    const calls = t.oktaCalls();
    const r = await t.admin('admin/allowlist/add', policy(t, { maxDurationHours: 4 }));
    expect(r).toEqual({
      ok: false,
      error: { code: 'ALLOWLIST.DUPLICATE', message: expect.stringContaining('already on the allowlist') },
    });
    expect(t.oktaCalls()).toBe(calls);
    const stored = await t.stored.allowlist();
    expect(stored).toHaveLength(1);
    expect(stored[0].maxDurationHours).toBe(12);
  });

  test('Okta down or not connected: a clear refusal, nothing stored', async () => {
    const t = await adminSite();
    expect(await t.admin('admin/allowlist/add', policy(t))).toMatchObject({
      ok: false,
      error: { code: 'OKTA.NOT_CONNECTED', message: expect.stringContaining('Okta connection tab') },
    });
    await t.connect();
    t.sb.okta.fault({ path: /^\/api\/v1\/groups\//, status: 503, times: 100 });
    expect(await t.admin('admin/allowlist/add', policy(t))).toMatchObject({
      ok: false,
      error: { code: 'OKTA.UNAVAILABLE', message: expect.stringMatching(/not answering.*Nothing was changed/) },
    });
    expect(await t.stored.allowlist()).toEqual([]);
  });

  test('refuses a new group when the allowlist is full', async () => {
    const t = await connected();
    await t.config((c) =>
      c.saveAllowlist(
        Array.from(
          { length: LIMITS.maxAllowlist },
          (_, i) => ({ ...policy(t, { groupId: `00g${String(i).padStart(17, '0')}` }), displayName: `G${i}` }) as any,
        ),
      ),
    );
    expect(await t.admin('admin/allowlist/add', policy(t))).toMatchObject({
      ok: false,
      error: { code: 'ALLOWLIST.FULL' },
    });
  });

  test('edits limits without touching the name, and removes an entry', async () => {
    const t = await connected();
    const { linux, windows } = t.w.groups;
    await t.admin('admin/allowlist/add', policy(t));
    await t.admin('admin/allowlist/add', policy(t, { groupId: windows }));
    const r = await t.admin('admin/allowlist/update', policy(t, { maxDurationHours: 4, approvalMode: 'status' }));
    expect(r.ok && r.data.find((e: { groupId: string }) => e.groupId === linux)).toMatchObject({
      displayName: 'PAM Linux Sysadmins',
      maxDurationHours: 4,
      approvalMode: 'status',
    });
    // A removal without a reason is refused before anything changes: the reason is for the audit trail.
    expect(await t.admin('admin/allowlist/remove', { groupId: windows, reason: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID', message: 'Reason is required.' },
    });
    const removed = await t.admin('admin/allowlist/remove', { groupId: windows, reason: 'Windows servers retired.' });
    expect(removed.ok && removed.data.map((e: { groupId: string }) => e.groupId)).toEqual([linux]);
    expect(
      await t.admin('admin/allowlist/remove', { groupId: windows, reason: 'Windows servers retired.' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'ALLOWLIST.NOT_FOUND' },
    });
    expect(await t.admin('admin/allowlist/update', policy(t, { groupId: windows }))).toMatchObject({
      ok: false,
      error: { code: 'ALLOWLIST.NOT_FOUND' },
    });
    expect(allowlistAudit(t).map((e) => e.detail)).toEqual([
      expect.stringContaining('Allowlisted'),
      expect.stringContaining('Allowlisted'),
      expect.stringContaining('Changed the policy of PAM Linux Sysadmins'),
      expect.stringMatching(/^Removed Okta group PAM Windows Admins.*Reason: Windows servers retired\.$/),
    ]);
  });

  test('counts grants that hold each group, so removing one is an informed choice', async () => {
    const t = await connected();
    await t.admin('admin/allowlist/add', policy(t));
    const base = { groupId: t.w.groups.linux, requesterAccountId: t.w.jira.neville };
    await t.putGrants(
      makeGrant({ ...base, id: 'g1', status: 'ACTIVE' }),
      makeGrant({ ...base, id: 'g2', status: 'REVOKING' }),
      makeGrant({ ...base, id: 'g3', status: 'EXPIRED' }),
    );
    expect(await t.admin('admin/allowlist/list')).toEqual({
      ok: true,
      data: [expect.objectContaining({ groupId: t.w.groups.linux, activeGrants: 2 })],
    });
  });

  describe('preflight: every Okta operation the app will need on the group, proven before saving', () => {
    /** The role the README and the allowlist tab describe: only the groups' membership is writable, and only the linux group's. */
    const leastPrivilege = (t: AdminSite, over: { permissions?: string[]; resources?: string[] } = {}) => ({
      permissions: over.permissions ?? [
        'okta.users.read',
        'okta.groups.read',
        'okta.iam.read',
        'okta.groups.members.manage',
      ],
      resources: over.resources ?? [
        `https://${t.sb.okta.domain}/api/v1/users`,
        `https://${t.sb.okta.domain}/api/v1/groups`,
      ],
    });

    test('with the least-privilege custom role: allowlisted, membership untouched, and the audit says what was proven', async () => {
      const t = await connected();
      t.sb.okta.setAdminRole('api-token', leastPrivilege(t));
      const before = t.sb.okta.members(t.w.groups.linux);
      const r = await t.admin('admin/allowlist/add', policy(t));
      expect(r).toMatchObject({ ok: true, data: [expect.objectContaining({ groupId: t.w.groups.linux })] });
      expect(t.sb.okta.members(t.w.groups.linux)).toEqual(before);
      expect(allowlistAudit(t)).toEqual([
        expect.objectContaining({
          detail: expect.stringMatching(
            /preflight passed: .*okta\.groups\.members\.manage.*not provable without a real write/,
          ),
        }),
      ]);
    });

    test.each([
      ['okta.groups.members.manage', { permissions: ['okta.users.read', 'okta.groups.read', 'okta.iam.read'] }],
      ['okta.iam.read', { permissions: ['okta.users.read', 'okta.groups.read', 'okta.groups.members.manage'] }],
      ['okta.users.read', { permissions: ['okta.groups.read', 'okta.iam.read', 'okta.groups.members.manage'] }],
    ])('a role without %s: refused with the permission named, nothing saved or audited', async (missing, over) => {
      const t = await connected();
      t.sb.okta.setAdminRole('api-token', leastPrivilege(t, over));
      const r = await t.admin('admin/allowlist/add', policy(t));
      expect(r).toEqual({
        ok: false,
        error: {
          code: 'OKTA.PERMISSION_MISSING',
          message: expect.stringContaining(missing),
          // Okta's status, error code and request id: behind Details, not in the words.
          details: expect.stringMatching(/HTTP 403 E0000006.*Okta request id \w+/),
        },
      });
      expect(r.error.message).toMatch(/Nothing was saved\.$/);
      expect(internalsIn(r.error.message)).toEqual([]);
      expect(await t.stored.allowlist()).toEqual([]);
      expect(allowlistAudit(t)).toEqual([]);
      expect(t.sb.okta.members(t.w.groups.linux)).toEqual([]);
    });

    test('a resource set holding another group only: refused naming the permission on this group', async () => {
      const t = await connected();
      const d = t.sb.okta.domain;
      t.sb.okta.setAdminRole(
        'api-token',
        leastPrivilege(t, {
          resources: [`https://${d}/api/v1/users`, `https://${d}/api/v1/groups/${t.w.groups.windows}`],
        }),
      );
      const r = await t.admin('admin/allowlist/add', policy(t));
      expect(r).toMatchObject({
        ok: false,
        error: {
          code: 'OKTA.PERMISSION_MISSING',
          message: expect.stringContaining('lacks okta.groups.read on this group'),
          details: expect.stringContaining(`okta.groups.read on group ${t.w.groups.linux}`),
        },
      });
      expect(await t.stored.allowlist()).toEqual([]);
    });

    test('the recommended two bindings (reads org-wide, membership on chosen groups): a chosen group passes, another is refused naming okta.groups.members.manage', async () => {
      const t = await connected();
      const d = `https://${t.sb.okta.domain}`;
      t.sb.okta.setAdminRole('api-token', [
        {
          permissions: ['okta.users.read', 'okta.groups.read', 'okta.iam.read'],
          resources: [`${d}/api/v1/users`, `${d}/api/v1/groups`],
        },
        { permissions: ['okta.groups.members.manage'], resources: [`${d}/api/v1/groups/${t.w.groups.linux}`] },
      ]);
      expect(await t.admin('admin/allowlist/add', policy(t))).toMatchObject({ ok: true });
      const r = await t.admin('admin/allowlist/add', policy(t, { groupId: t.w.groups.windows }));
      expect(r).toMatchObject({
        ok: false,
        error: {
          code: 'OKTA.PERMISSION_MISSING',
          message: expect.stringContaining('lacks okta.groups.members.manage on this group'),
          details: expect.stringContaining(`okta.groups.members.manage on group ${t.w.groups.windows}`),
        },
      });
      expect((await t.stored.allowlist()).map((e) => e.groupId)).toEqual([t.w.groups.linux]);
    });
  });

  test('group search marks groups already allowlisted', async () => {
    const t = await connected();
    await t.admin('admin/allowlist/add', policy(t));
    const r = await t.admin('admin/groups/search', { query: 'pam l' });
    expect(r).toEqual({
      ok: true,
      data: [
        {
          id: t.w.groups.linux,
          name: 'PAM Linux Sysadmins',
          type: 'OKTA_GROUP',
          description: 'OPA: sudo on Linux servers',
          allowlisted: true,
          checked: true,
        },
      ],
    });
  });

  test('group search says which groups the app refuses and why, before any policy is filled, at a bounded Okta cost', async () => {
    const t = await connected();
    const g = t.w.groups;
    const search = async (query: string) => {
      const before = t.sb.okta.requests.length;
      const r = await t.admin('admin/groups/search', { query });
      expect(r.ok).toBe(true);
      const calls = t.sb.okta.requests.slice(before).map((q) => `${q.method} ${q.path}`);
      return { hits: r.data as Array<Record<string, any>>, calls };
    };
    const hit = (hits: Array<Record<string, any>>, id: string) => hits.find((h) => h.id === id)!;

    // Cold: the search, the whole rule listing once, then one roles read per plain group (not per rule page).
    const okta = await search('Okta');
    expect(hit(okta.hits, g.superAdmins)).toMatchObject({
      name: 'Okta Super Admins',
      checked: true,
      refusal: {
        reason:
          'This group holds Okta admin roles, so granting it would make people Okta administrators. Choose another group.',
        details: 'Okta admin roles: SUPER_ADMIN.',
      },
    });
    expect(okta.calls).toEqual([
      'GET /api/v1/groups',
      'GET /api/v1/groups/rules',
      `GET /api/v1/groups/${g.superAdmins}/roles`,
    ]);

    // Warm (rule listing younger than the grant-time bound, ADR 0021): no rule read; an app group costs nothing more.
    const sales = await search('Salesforce');
    expect(hit(sales.hits, g.appGroup).refusal).toEqual({
      reason:
        'This group is imported from an app or a directory, so Okta does not let the app change who is in it. Choose a group created in Okta.',
      details: 'Okta group type: APP_GROUP.',
    });
    expect(sales.calls).toEqual(['GET /api/v1/groups']);

    const all = await search('All');
    expect(hit(all.hits, g.ruleTargeted).refusal).toMatchObject({
      reason: expect.stringMatching(/^An Okta group rule adds people to this group/),
      details: 'Okta group rules: Engineering department.',
    });
    expect(all.calls).toEqual(['GET /api/v1/groups']);

    const pam = await search('PAM');
    expect(pam.hits.map((h) => [h.name, h.refusal, h.checked]).sort()).toEqual([
      ['PAM Database Admins', undefined, true],
      ['PAM Linux Sysadmins', undefined, true],
      ['PAM Windows Admins', undefined, true],
    ]);
    expect(pam.calls.sort()).toEqual(
      ['GET /api/v1/groups', ...[g.linux, g.windows, g.database].map((id) => `GET /api/v1/groups/${id}/roles`)].sort(),
    );

    for (const r of [...okta.hits, ...sales.hits, ...all.hits])
      if (r.refusal) {
        expect(internalsIn(r.refusal.reason)).toEqual([]);
        expect(r.refusal.reason).not.toMatch(OKTA_CODES);
      }
  });

  test('group search still answers when Okta refuses the checks (a role without okta.iam.read): results unchecked, adding names the permission', async () => {
    const t = await connected();
    const d = `https://${t.sb.okta.domain}`;
    t.sb.okta.setAdminRole('api-token', [
      {
        permissions: ['okta.users.read', 'okta.groups.read', 'okta.groups.members.manage'],
        resources: [`${d}/api/v1/users`, `${d}/api/v1/groups`],
      },
    ]);
    const r = await t.admin('admin/groups/search', { query: 'PAM' });
    expect(r.ok).toBe(true);
    expect(r.data.map((h: { checked: boolean; refusal?: unknown }) => [h.checked, h.refusal])).toEqual([
      [false, undefined],
      [false, undefined],
      [false, undefined],
    ]);
    expect(await t.admin('admin/allowlist/add', policy(t))).toMatchObject({
      ok: false,
      error: { code: 'OKTA.PERMISSION_MISSING', message: expect.stringContaining('okta.iam.read') },
    });
  });

  test('group search checks at most 20 results and says which were not checked; submit still checks', async () => {
    const t = await connected();
    const ids = Array.from(
      { length: 25 },
      (_, i) => t.sb.okta.addGroup({ name: `Bulk ${String(i).padStart(2, '0')}` }).id,
    );
    const before = t.sb.okta.requests.length;
    const r = await t.admin('admin/groups/search', { query: 'Bulk' });
    const hits = r.data as Array<{ id: string; checked: boolean; refusal?: unknown }>;
    expect(hits).toHaveLength(25);
    expect(hits.filter((h) => h.checked)).toHaveLength(20);
    const roleReads = t.sb.okta.requests.slice(before).filter((q) => q.path.endsWith('/roles'));
    expect(roleReads).toHaveLength(20);
    // An unchecked result with an admin role is still refused when added.
    const unchecked = hits.find((h) => !h.checked)!;
    expect(ids).toContain(unchecked.id);
    t.sb.okta.addRole(unchecked.id, 'SUPER_ADMIN');
    const added = await t.admin('admin/allowlist/add', policy(t, { groupId: unchecked.id }));
    expect(added).toMatchObject({ ok: false, error: { code: 'GROUP.HAS_ADMIN_ROLE' } });
  });
});
