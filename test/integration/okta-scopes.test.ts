/**
 * Okta as it grants permissions (docs/adr/0008-okta-scopes-and-role.md), end to end on the sandbox: a
 * service app granted exactly the scopes the connection tab lists, holding the least-privilege custom
 * admin role, runs the whole lifecycle; a withheld scope is named by Test connection; a role without a
 * permission is named when a group is allowlisted. Real adapters, the Okta emulator over HTTP.
 */
import { jose } from '../../sandbox/okta/jose';
import { OKTA_SCOPES } from '../../src/shared/admin-contract';
import { HOUR, useWorlds, world, type World } from './world';

useWorlds();

const CLIENT = '0oaJITACCESS00000001';

async function connectWithOAuth(t: World, scopes: readonly string[]) {
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'jit-key-1', alg: 'RS256', use: 'sig' };
  t.sb.okta.registerOAuthClient({ clientId: CLIENT, publicJwk, scopes: [...scopes], requireDpop: true });
  const saved = await admin(t, 'admin/connection/save', {
    domain: t.sb.okta.domain,
    method: 'oauth',
    clientId: CLIENT,
    keyId: 'jit-key-1',
    privateKeyPem: await jose.exportPKCS8(privateKey),
  });
  expect(saved).toMatchObject({ ok: true });
}

const admin = (t: World, key: string, payload: unknown) =>
  t.sb.app.invoke(key, payload, { accountId: t.w.jira.ada, moduleKey: 'admin-page' }) as Promise<any>;
const policy = (groupId: string) => ({
  groupId,
  maxDurationHours: 12,
  maxLifetimeHours: 24,
  maxExtensions: 2,
  reminderLeadMinutes: 60,
  approvalMode: 'none',
  allowedProjectKeys: [],
});

/** The role the README describes: reads org-wide, membership only on the groups the admin chose. */
function leastPrivilege(t: World, membershipGroups: string[]) {
  const d = `https://${t.sb.okta.domain}`;
  t.sb.okta.setAdminRole(CLIENT, [
    {
      permissions: ['okta.users.read', 'okta.groups.read', 'okta.iam.read'],
      resources: [`${d}/api/v1/users`, `${d}/api/v1/groups`],
    },
    { permissions: ['okta.groups.members.manage'], resources: membershipGroups.map((g) => `${d}/api/v1/groups/${g}`) },
  ]);
}

it('exactly the listed scopes and the least-privilege role: Test connection passes, the group is allowlisted, access is granted and removed', async () => {
  const t = await world();
  await connectWithOAuth(t, OKTA_SCOPES);
  leastPrivilege(t, [t.w.groups.linux]);

  const test = await admin(t, 'admin/connection/test', {
    domain: t.sb.okta.domain,
    method: 'oauth',
    clientId: CLIENT,
    keyId: 'jit-key-1',
  });
  expect(test).toMatchObject({ ok: true, data: { level: 'ok', missingScopes: [] } });

  await t.removeFromAllowlist(t.w.groups.linux);
  expect(await admin(t, 'admin/allowlist/add', policy(t.w.groups.linux))).toMatchObject({ ok: true });

  const r = await t.raise({ accessType: 'New access', adminGroup: t.w.groups.linux, changeType: 'Emergency' });
  expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });
  expect(t.sb.okta.members(t.w.groups.linux)).toContain(t.w.okta.neville);

  await t.sb.clock.advance(4 * HOUR + 60_000);
  expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
  expect(t.sb.okta.members(t.w.groups.linux)).not.toContain(t.w.okta.neville);

  const refused = t.sb.okta.requests.filter(
    (q) => q.path.startsWith('/api/v1/') && (q.status === 401 || q.status === 403),
  );
  expect(refused.filter((q) => !q.path.endsWith('/users/00uJITPREFLIGHTPROBE'))).toEqual([]);
  const tokenScopes = t.sb.okta.requests.filter((q) => q.path === '/oauth2/v1/token' && q.status === 400);
  expect(tokenScopes.length).toBeLessThanOrEqual(1); // the DPoP nonce challenge, never invalid_scope
});

it('one scope withheld: every token is refused (invalid_scope), Test connection names the scope, and a grant fails visibly', async () => {
  const t = await world();
  await connectWithOAuth(
    t,
    OKTA_SCOPES.filter((s) => s !== 'okta.groups.read'),
  );

  const test = await admin(t, 'admin/connection/test', {
    domain: t.sb.okta.domain,
    method: 'oauth',
    clientId: CLIENT,
    keyId: 'jit-key-1',
  });
  expect(test).toMatchObject({
    ok: true,
    data: { credentialsOk: true, level: 'error', missingScopes: ['okta.groups.read'] },
  });
  expect(test.data.message).toMatch(/invalid_scope.*okta\.groups\.read/);

  const r = await t.raise({ accessType: 'New access', adminGroup: t.w.groups.linux, changeType: 'Emergency' });
  expect(t.grant(r.grantId)).toMatchObject({ status: 'FAILED' });
  expect(t.comments(r.key).join('\n')).toMatch(/Okta API Scopes/);
  expect(t.sb.okta.members(t.w.groups.linux)).not.toContain(t.w.okta.neville);
  expect(t.sb.okta.requests.some((q) => q.path.startsWith('/api/v1/'))).toBe(false);
});

it('a role without membership rights on a group: allowlisting it is refused naming okta.groups.members.manage, and nothing is saved', async () => {
  const t = await world();
  await connectWithOAuth(t, OKTA_SCOPES);
  leastPrivilege(t, [t.w.groups.linux]);
  await t.removeFromAllowlist(t.w.groups.windows);

  const r = await admin(t, 'admin/allowlist/add', policy(t.w.groups.windows));
  expect(r).toEqual({
    ok: false,
    error: {
      code: 'OKTA.PERMISSION_MISSING',
      // In words for the admin; Okta's answer, with the group's id, behind Details.
      message: expect.stringContaining('lacks okta.groups.members.manage on this group'),
      details: expect.stringContaining(`okta.groups.members.manage on group ${t.w.groups.windows}`),
    },
  });
  expect((await t.config((c) => c.getAllowlist())).some((g) => g.groupId === t.w.groups.windows)).toBe(false);
  expect(t.oktaWrites({ status: 204 })).toEqual([]);
});
