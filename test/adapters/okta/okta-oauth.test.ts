/** OAuth 2.0 service app (private_key_jwt, DPoP) against the Okta emulator over loopback HTTP. */
import { DirectoryError } from '../../../src/app/ports';
import { OktaHttpClient } from '../../../src/adapters/okta/okta-http-client';
import { OktaDirectory } from '../../../src/adapters/okta/okta-directory';
import { jose } from '../../../sandbox/okta/jose';
import {
  OAUTH_SCOPES,
  START_MS,
  expectNoSecrets,
  finish,
  recordingFetch,
  rsaKeyPair,
  startKit,
  thrown,
  type Kit,
} from './okta-test-kit';

let kit: Kit | undefined;
afterEach(async () => {
  await finish(kit);
  kit = undefined;
});

const { decodeJwt, decodeProtectedHeader } = jose;
const CLIENT_ID = '0oa1serviceapp00000x';

async function oauthDirectory(k: Kit, opts: { requireDpop?: boolean; granted?: string[]; register?: boolean } = {}) {
  const key = await rsaKeyPair();
  if (opts.register !== false) {
    k.emulator.registerOAuthClient({
      clientId: CLIENT_ID,
      publicJwk: key.publicJwk,
      scopes: opts.granted ?? OAUTH_SCOPES,
      requireDpop: opts.requireDpop,
    });
  }
  const { fetchImpl, sent } = recordingFetch();
  const client = new OktaHttpClient({
    origin: k.emulator.url,
    fetchImpl,
    auth: { kind: 'oauth', clientId: CLIENT_ID, privateKeyPem: key.privateKeyPem, keyId: key.kid },
    clock: k.clockPort,
    random: () => 0.5,
  });
  return { key, client, sent, directory: new OktaDirectory(client) };
}

const tokenRequests = (k: Kit) => k.emulator.requests.filter((r) => r.path === '/oauth2/v1/token');

describe('OAuth service app', () => {
  it('fetches a token once and reuses it across calls until it nears expiry', async () => {
    kit = await startKit();
    const { directory } = await oauthDirectory(kit);
    const g = kit.emulator.addGroup({ name: 'db-admins' }).id;

    await directory.checkGroupEligible(g);
    await directory.searchGroups('db');
    await directory.listMemberIds(g);
    expect(tokenRequests(kit)).toHaveLength(1);

    kit.clock.ms += 2 * 60 * 60 * 1000; // past the token's lifetime
    await directory.searchGroups('db');
    expect(tokenRequests(kit)).toHaveLength(2);
  });

  it('signs a private_key_jwt assertion with iss = sub = client id, aud = token URL, short exp, unique jti and kid', async () => {
    kit = await startKit();
    const { directory, key, sent } = await oauthDirectory(kit);
    await directory.searchGroups('x');
    kit.clock.ms += 2 * 60 * 60 * 1000;
    await directory.searchGroups('x');

    const bodies = sent.filter((r) => r.url.endsWith('/oauth2/v1/token')).map((r) => new URLSearchParams(r.body));
    expect(bodies).toHaveLength(2);
    const assertions = bodies.map((b) => b.get('client_assertion')!);
    const claims = assertions.map((a) => decodeJwt(a));
    expect(bodies[0].get('grant_type')).toBe('client_credentials');
    expect(bodies[0].get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(bodies[0].get('scope')).toBe(OAUTH_SCOPES.join(' '));
    expect(claims[0]).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, aud: `${kit.emulator.url}/oauth2/v1/token` });
    expect(claims[0].exp! - claims[0].iat!).toBeLessThanOrEqual(300);
    expect(claims[0].iat).toBe(Math.floor(START_MS / 1000));
    expect(claims[0].jti).toEqual(expect.any(String));
    expect(claims[0].jti).not.toBe(claims[1].jti);
    expect(decodeProtectedHeader(assertions[0])).toMatchObject({ alg: 'RS256', kid: key.kid });
    // Resource calls carry the token, never the assertion.
    const resource = sent.filter((r) => r.url.includes('/api/v1/'));
    expect(resource.every((r) => /^Bearer \S+$/.test(r.headers.get('authorization') ?? ''))).toBe(true);
    expect(resource.some((r) => (r.headers.get('authorization') ?? '').includes(assertions[0]))).toBe(false);
  });

  it('answers a use_dpop_nonce challenge once and then uses a DPoP-bound token with ath', async () => {
    kit = await startKit();
    const { directory, sent } = await oauthDirectory(kit, { requireDpop: true });
    const g = kit.emulator.addGroup({ name: 'db-admins' }).id;

    expect(await directory.checkGroupEligible(g)).toMatchObject({ ok: true });

    expect(tokenRequests(kit).map((r) => r.status)).toEqual([400, 200]); // use_dpop_nonce, then accepted
    const proofs = sent.filter((r) => r.url.endsWith('/oauth2/v1/token')).map((r) => r.headers.get('dpop')!);
    expect(decodeJwt(proofs[0]).nonce).toBeUndefined();
    expect(decodeJwt(proofs[1]).nonce).toEqual(expect.any(String));
    expect(decodeProtectedHeader(proofs[1])).toMatchObject({
      typ: 'dpop+jwt',
      alg: 'ES256',
      jwk: { kty: 'EC', crv: 'P-256' },
    });
    expect(decodeJwt(proofs[1])).toMatchObject({ htm: 'POST', htu: `${kit.emulator.url}/oauth2/v1/token` });
    const resource = sent.filter((r) => r.url.includes('/api/v1/'));
    expect(resource.length).toBe(3);
    for (const r of resource) {
      expect(r.headers.get('authorization')).toMatch(/^DPoP \S+$/);
      const proof = decodeJwt(r.headers.get('dpop')!);
      expect(proof.ath).toEqual(expect.any(String));
      expect(proof.htu).toBe(r.url.split('?')[0]);
    }
    // One key pair per client: every proof carries the same public key.
    const keys = new Set(
      [...proofs, ...resource.map((r) => r.headers.get('dpop')!)].map((p) =>
        JSON.stringify(decodeProtectedHeader(p).jwk),
      ),
    );
    expect(keys.size).toBe(1);
  });

  it.each([
    [
      '400 with an OAuth error body, as Okta lists it',
      400,
      { error: 'invalid_dpop_proof', error_description: 'x' },
      {},
    ],
    [
      '401 with the DPoP challenge, as RFC 9449 describes it',
      401,
      { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
      { 'WWW-Authenticate': 'DPoP error="invalid_dpop_proof", error_description="x"' },
    ],
  ])(
    'an API call whose DPoP proof Okta refuses (%s): once more with a fresh token, then a configuration error naming the DPoP setting',
    async (_name, status, body, headers) => {
      kit = await startKit();
      const { directory, sent } = await oauthDirectory(kit, { requireDpop: true });
      const g = kit.emulator.addGroup({ name: 'db-admins' }).id;
      const path = `/api/v1/groups/${g}`;

      kit.emulator.fault({ method: 'GET', path, status, body, headers, times: 1 });
      expect(await directory.checkGroupEligible(g)).toMatchObject({ ok: true });
      expect(sent.filter((r) => r.url.endsWith(path))).toHaveLength(2);

      kit.emulator.fault({ method: 'GET', path, status, body, headers, times: 2 });
      const err = await directory.checkGroupEligible(g).catch((e: unknown) => e);
      expect(err).toMatchObject({
        kind: 'configuration',
        message: expect.stringContaining('DPoP setting on the Okta connection tab'),
      });
    },
  );

  it('retries without DPoP once when an app that does not use DPoP refuses the proof', async () => {
    kit = await startKit();
    const { directory, sent } = await oauthDirectory(kit);
    kit.emulator.fault({
      method: 'POST',
      path: '/oauth2/v1/token',
      status: 400,
      times: 1,
      body: { error: 'invalid_dpop_proof', error_description: 'DPoP proof is not allowed for this client.' },
    });

    await expect(directory.searchGroups('x')).resolves.toEqual([]);

    const tokenCalls = sent.filter((r) => r.url.endsWith('/oauth2/v1/token'));
    expect(tokenCalls.map((r) => r.headers.has('dpop'))).toEqual([true, false]);
  });

  it('a rate-limited token request is transient with the wait from the headers', async () => {
    kit = await startKit();
    const { directory } = await oauthDirectory(kit);
    const date = new Date(START_MS);
    kit.emulator.fault({
      method: 'POST',
      path: '/oauth2/v1/token',
      status: 429,
      times: 1,
      headers: { Date: date.toUTCString(), 'X-Rate-Limit-Reset': String(START_MS / 1000 + 7) },
      body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
    });

    const e = await thrown(() => directory.searchGroups('x'));

    expect(e.kind).toBe('transient');
    expect(e.details.retryAfterMs).toBe(7_000 + 500);
    await expect(directory.searchGroups('x')).resolves.toEqual([]);
  });

  it('drops a cached token that Okta rejects (401) and retries once with a new one', async () => {
    kit = await startKit();
    const { directory } = await oauthDirectory(kit);
    await directory.searchGroups('a');
    kit.emulator.fault({
      method: 'GET',
      path: '/api/v1/groups',
      status: 401,
      times: 1,
      body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
    });

    await expect(directory.searchGroups('b')).resolves.toEqual([]);
    expect(tokenRequests(kit)).toHaveLength(2);
  });

  it('a token request naming an ungranted scope is refused (invalid_scope); testConnection names the missing scopes', async () => {
    kit = await startKit({ orgName: 'Acme Corp' });
    const { directory } = await oauthDirectory(kit, { granted: ['okta.users.read', 'okta.groups.manage'] });

    const e = await thrown(() => directory.searchGroups('x'));
    expect(e).toMatchObject({ kind: 'configuration', details: { status: 400, oktaErrorCode: 'invalid_scope' } });
    expect(e.message).toMatch(/Okta API Scopes/);
    const refused = kit.emulator.requests.filter((r) => r.path === '/oauth2/v1/token');
    expect(refused.map((r) => r.status)).toEqual([400]);
    expect(kit.emulator.requests.some((r) => r.path.startsWith('/api/v1/'))).toBe(false);

    const r = await directory.testConnection();
    expect(r.missingScopes).toEqual(['okta.groups.read', 'okta.roles.read']);
    expect(r.orgName).toEqual(expect.any(String));
    expect(r.orgName.length).toBeGreaterThan(0);
  });

  it('asks for exactly the scopes the admin is told to grant, and nothing else (no okta.orgs.read)', async () => {
    kit = await startKit();
    const { directory, sent } = await oauthDirectory(kit);
    await directory.testConnection();
    const scopes = sent
      .filter((r) => r.url.endsWith('/oauth2/v1/token'))
      .map((r) => new URLSearchParams(r.body).get('scope'));
    expect(scopes).toEqual([OAUTH_SCOPES.join(' ')]);
    expect(OAUTH_SCOPES).not.toContain('okta.orgs.read');
    expect(kit.emulator.requests.some((r) => r.path === '/api/v1/org')).toBe(false);
  });

  it('testConnection with every scope granted reports none missing', async () => {
    kit = await startKit({ orgName: 'Acme Corp' });
    const { directory } = await oauthDirectory(kit);
    const r = await directory.testConnection();
    expect(r.missingScopes).toEqual([]);
  });

  it('an unregistered client is a configuration error that leaks neither key nor assertion', async () => {
    kit = await startKit();
    const { directory, key, sent } = await oauthDirectory(kit, { register: false });

    const e = await thrown(() => directory.searchGroups('x'));

    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('configuration');
    expect(e.details.status).toBe(401);
    const assertions = sent
      .map((r) => new URLSearchParams(r.body ?? '').get('client_assertion'))
      .filter((a): a is string => !!a);
    expect(assertions.length).toBeGreaterThan(0);
    const text = `${e.message} ${String(e.cause)} ${e.stack} ${JSON.stringify(e.details)}`;
    expectNoSecrets(text, [key.privateKeyPem, ...assertions]);
    expect(text).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}/); // no JWT of any kind
  });

  it('a key that is not PKCS#8 PEM is a configuration error without the key in it', async () => {
    kit = await startKit();
    const badPem =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecretsecretsecretsecretsecretsecret\n-----END RSA PRIVATE KEY-----';
    const directory = new OktaDirectory(
      new OktaHttpClient({
        origin: kit.emulator.url,
        auth: { kind: 'oauth', clientId: CLIENT_ID, privateKeyPem: badPem },
        clock: kit.clockPort,
      }),
    );
    const e = await thrown(() => directory.searchGroups('x'));
    expect(e.kind).toBe('configuration');
    expectNoSecrets(`${e.message} ${String(e.cause)}`, [badPem]);
    expect(kit.emulator.requests).toHaveLength(0);
  });

  it("a token without a scope an operation needs (per Okta's spec) is refused with the scope named", async () => {
    kit = await startKit();
    const { directory } = await oauthDirectory(kit);
    const u = kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }).id;
    const g = kit.emulator.addGroup({ name: 'db-admins' }).id;
    // The service app's grant is withdrawn after the token was issued (Okta keeps the token's scopes).
    await directory.searchGroups('db');
    kit.emulator.fault({
      method: 'PUT',
      path: `/api/v1/groups/${g}/users/${u}`,
      status: 403,
      headers: {
        'WWW-Authenticate':
          'Bearer authorization_uri="x", realm="x", scope="okta.groups.manage", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."',
      },
    });

    const e = await thrown(() => directory.addMember(u, g));

    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('configuration');
    expect(e.message).toContain('okta.groups.manage');
    expect(kit.emulator.members(g)).not.toContain(u);
  });
});
