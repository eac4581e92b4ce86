/**
 * The allowlist tab on the sandbox: `admin/allowlist/*` and `admin/groups/search` through the admin
 * page's resolver as Ada, groups checked by the real Okta adapter against the Okta emulator (group
 * types, group rules, admin roles), the allowlist stored by the app's config store. (The limits'
 * validation is pure: test/shared/admin-contract.test.ts.)
 */
import { LIMITS } from '../../src/shared/admin-contract';
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
    ['superAdmins', 'GROUP.HAS_ADMIN_ROLE', /admin role/],
    ['appGroup', 'GROUP.NOT_OKTA_GROUP', /APP_GROUP/],
    ['ruleTargeted', 'GROUP.RULE_TARGETED', /group rule/],
    ['00gDOESNOTEXIST00000', 'GROUP.NOT_FOUND', /no group with id/],
  ])('refuses %s (%s) with the reason and stores nothing', async (which, code, message) => {
    const t = await connected();
    const groupId = (t.w.groups as Record<string, string>)[which] ?? which;
    const r = await t.admin('admin/allowlist/add', policy(t, { groupId }));
    expect(r).toEqual({ ok: false, error: { code, message: expect.stringMatching(message) } });
    expect(await t.stored.allowlist()).toEqual([]);
    expect(allowlistAudit(t)).toEqual([]);
  });

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
        error: { code: 'OKTA.PERMISSION_MISSING', message: expect.stringContaining(missing) },
      });
      expect(r.error.message).toMatch(/Nothing was saved/);
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
          message: expect.stringContaining(`okta.groups.read on group ${t.w.groups.linux}`),
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
          message: expect.stringContaining(`okta.groups.members.manage on group ${t.w.groups.windows}`),
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
      data: [{ id: t.w.groups.linux, name: 'PAM Linux Sysadmins', type: 'OKTA_GROUP', allowlisted: true }],
    });
  });
});
