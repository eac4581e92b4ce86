/**
 * The OAuth 2.0 service-app connection end to end: the app signs a private_key_jwt client assertion,
 * gets a DPoP-bound token from the Okta emulator (answering its nonce challenge), and the access
 * lifecycle runs on it exactly as with an API token.
 */
import { jose } from '../../sandbox/okta/jose';
import { HOUR, useWorlds, world } from './world';

useWorlds();

async function connectWithOAuth(t: Awaited<ReturnType<typeof world>>, scopes: string[]) {
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'jit-key-1', alg: 'RS256', use: 'sig' };
  t.sb.okta.registerOAuthClient({ clientId: '0oaJITACCESS00000001', publicJwk, scopes, requireDpop: true });
  await t.config(async (c) => {
    await c.saveConnection({
      domain: t.sb.okta.domain,
      auth: { method: 'oauth', clientId: '0oaJITACCESS00000001', keyId: 'jit-key-1' },
    });
    await c.saveSecrets({ privateKeyPem: await jose.exportPKCS8(privateKey) });
  });
}

it('grants and removes access through an OAuth service app with DPoP, fetching one token for the hour', async () => {
  const t = await world();
  await connectWithOAuth(t, ['okta.users.read', 'okta.groups.read', 'okta.groups.manage', 'okta.roles.read']);
  const r = await t.raise({ accessType: 'New access', adminGroup: t.w.groups.linux, changeType: 'Emergency' });
  expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });
  expect(t.sb.okta.members(t.w.groups.linux)).toContain(t.w.okta.neville);

  await t.sb.clock.advance(4 * HOUR + 60_000);
  expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
  expect(t.sb.okta.members(t.w.groups.linux)).not.toContain(t.w.okta.neville);

  const tokenCalls = t.sb.okta.requests.filter((q) => q.path === '/oauth2/v1/token');
  // The first token call is answered with a DPoP nonce challenge; later hours need a new token.
  expect(tokenCalls.filter((q) => q.status === 200).length).toBeGreaterThanOrEqual(1);
  expect(tokenCalls.filter((q) => q.status === 200).length).toBeLessThanOrEqual(6);
  expect(t.sb.okta.requests.some((q) => q.path.startsWith('/api/v1/') && q.status === 401)).toBe(false);
});

it('fails visibly, with a message an admin can act on, when the service app lacks the group scope', async () => {
  const t = await world();
  await connectWithOAuth(t, ['okta.users.read', 'okta.roles.read']);
  const r = await t.raise({ accessType: 'New access', adminGroup: t.w.groups.linux, changeType: 'Emergency' });
  expect(t.grant(r.grantId)).toMatchObject({ status: 'FAILED' });
  expect(t.comments(r.key).join('\n')).toMatch(/okta\.groups\.(manage|read)/);
  expect(t.sb.okta.members(t.w.groups.linux)).not.toContain(t.w.okta.neville);
});
