import { createHash, randomUUID } from 'node:crypto';
import { jose, type CryptoKey, type JWK } from '../../../sandbox/okta/jose';
import { startOktaEmulator, type OktaEmulator } from '../../../sandbox/okta/okta-emulator';
import { seedDemoOrg, type SeededOrg } from '../../../sandbox/okta/seed';

const { SignJWT, exportJWK, generateKeyPair } = jose;

let clockMs = Date.parse('2026-11-22T09:00:00Z');
let okta: OktaEmulator;
let org: SeededOrg;
let clientKey: { privateKey: CryptoKey; publicKey: CryptoKey };
let dpopKey: { privateKey: CryptoKey; publicKey: CryptoKey };
let dpopJwk: JWK;

const CLIENT = '0oaServiceApp0000001';
const DPOP_CLIENT = '0oaDpopServiceApp001';
const nowS = () => Math.floor(clockMs / 1000);
const tokenUrl = () => `${okta.url}/oauth2/v1/token`;

async function assertion(
  clientId: string,
  over: { aud?: string; exp?: number; jti?: string; iss?: string } = {},
): Promise<string> {
  return new SignJWT({ jti: over.jti ?? randomUUID() })
    .setProtectedHeader({ alg: 'RS256', kid: 'key-1' })
    .setIssuer(over.iss ?? clientId)
    .setSubject(clientId)
    .setAudience(over.aud ?? tokenUrl())
    .setIssuedAt(nowS())
    .setExpirationTime(over.exp ?? nowS() + 300)
    .sign(clientKey.privateKey);
}

async function dpopProof(method: string, url: string, extra: { nonce?: string; ath?: string } = {}): Promise<string> {
  return new SignJWT({ htm: method, htu: url, jti: randomUUID(), ...extra })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: dpopJwk })
    .setIssuedAt(nowS())
    .sign(dpopKey.privateKey);
}

function tokenRequest(form: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(tokenUrl(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const clientCredentials = (a: string, scope = 'okta.users.read okta.groups.manage') => ({
  grant_type: 'client_credentials',
  scope,
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: a,
});

beforeAll(async () => {
  clientKey = await generateKeyPair('RS256');
  dpopKey = await generateKeyPair('ES256');
  dpopJwk = await exportJWK(dpopKey.publicKey);
});

beforeEach(async () => {
  clockMs = Date.parse('2026-11-22T09:00:00Z');
  okta = await startOktaEmulator({ now: () => clockMs });
  org = seedDemoOrg(okta);
  const publicJwk = { ...(await exportJWK(clientKey.publicKey)), kid: 'key-1' };
  okta.registerOAuthClient({
    clientId: CLIENT,
    publicJwk,
    scopes: ['okta.users.read', 'okta.groups.read', 'okta.groups.manage'],
  });
  okta.registerOAuthClient({
    clientId: DPOP_CLIENT,
    publicJwk,
    scopes: ['okta.users.read', 'okta.groups.read', 'okta.groups.manage', 'okta.roles.read'],
    requireDpop: true,
  });
});
afterEach(async () => {
  await okta.close();
});

describe('private_key_jwt client credentials', () => {
  it('issues a 1 h Bearer token with exactly the requested (all granted) scopes, usable on the API', async () => {
    const res = await tokenRequest(clientCredentials(await assertion(CLIENT), 'okta.groups.read okta.groups.manage'));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 3600,
      scope: 'okta.groups.read okta.groups.manage',
    });
    const auth = { Authorization: `Bearer ${body.access_token}` };
    expect((await fetch(`${okta.url}/api/v1/groups?q=PAM`, { headers: auth })).status).toBe(200);
    const put = await fetch(
      `${okta.url}/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/users/${org.users['neville.newadmin@atko.email']}`,
      { method: 'PUT', headers: auth },
    );
    expect(put.status).toBe(204);

    clockMs += 3600_000;
    const expired = await fetch(`${okta.url}/api/v1/groups`, { headers: auth });
    expect(expired.status).toBe(401);
    expect((await expired.json()).errorCode).toBe('E0000011');
    expect(expired.headers.get('www-authenticate')).toMatch(/invalid_token/);
  });

  it("refuses the whole token request with invalid_scope (Okta's OAuth error body) when any requested scope is not granted", async () => {
    const res = await tokenRequest(
      clientCredentials(await assertion(CLIENT), 'okta.users.read okta.groups.manage okta.roles.read'),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toEqual({ error: 'invalid_scope', error_description: expect.any(String) });
    expect(body.error_description).not.toMatch(/okta\.roles\.read/); // Okta's description does not name it either
  });

  it("follows the spec's per-operation scopes: okta.groups.manage alone does not cover group reads", async () => {
    const { access_token } = await (
      await tokenRequest(clientCredentials(await assertion(CLIENT), 'okta.groups.manage'))
    ).json();
    const auth = { Authorization: `Bearer ${access_token}` };
    for (const path of [
      `/api/v1/groups/${org.groups['PAM Linux Sysadmins']}`,
      `/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/users`,
      '/api/v1/groups/rules',
      '/api/v1/groups',
    ]) {
      const res = await fetch(`${okta.url}${path}`, { headers: auth });
      expect([path, res.status]).toEqual([path, 403]);
      expect(res.headers.get('www-authenticate')).toMatch(/scope="okta\.groups\.read".*insufficient_scope/);
    }
    const put = await fetch(
      `${okta.url}/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/users/${org.users['neville.newadmin@atko.email']}`,
      { method: 'PUT', headers: auth },
    );
    expect(put.status).toBe(204);
  });

  it('answers 403 E0000006 with insufficient_scope for a call the token has no scope for', async () => {
    const { access_token } = await (
      await tokenRequest(clientCredentials(await assertion(CLIENT), 'okta.groups.read'))
    ).json();
    const auth = { Authorization: `Bearer ${access_token}` };
    const roles = await fetch(`${okta.url}/api/v1/groups/${org.groups['Okta Super Admins']}/roles`, { headers: auth });
    expect(roles.status).toBe(403);
    expect((await roles.json()).errorCode).toBe('E0000006');
    expect(roles.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
    expect(roles.headers.get('www-authenticate')).toMatch(/okta\.roles\.read/);
    const users = await fetch(`${okta.url}/api/v1/users?search=${encodeURIComponent('profile.email eq "a@b"')}`, {
      headers: auth,
    });
    expect(users.status).toBe(403);
    expect((await fetch(`${okta.url}/api/v1/groups/rules`, { headers: auth })).status).toBe(200);
  });

  it('refuses a wrong audience, a replayed jti, an exp more than 1 h ahead, a foreign key and unregistered scopes', async () => {
    const wrongAud = await tokenRequest(
      clientCredentials(await assertion(CLIENT, { aud: 'https://evil.example/oauth2/v1/token' })),
    );
    expect(wrongAud.status).toBe(401);
    expect((await wrongAud.json()).error).toBe('invalid_client');

    const a = await assertion(CLIENT, { jti: 'same-jti' });
    expect((await tokenRequest(clientCredentials(a))).status).toBe(200);
    const replay = await tokenRequest(clientCredentials(await assertion(CLIENT, { jti: 'same-jti' })));
    expect(replay.status).toBe(401);
    expect((await replay.json()).error_description).toMatch(/already been used/);

    const longExp = await tokenRequest(clientCredentials(await assertion(CLIENT, { exp: nowS() + 3601 })));
    expect(longExp.status).toBe(401);

    const other = await generateKeyPair('RS256');
    const forged = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(CLIENT)
      .setSubject(CLIENT)
      .setAudience(tokenUrl())
      .setExpirationTime(nowS() + 60)
      .sign(other.privateKey);
    expect((await tokenRequest(clientCredentials(forged))).status).toBe(401);

    const badScope = await tokenRequest(clientCredentials(await assertion(CLIENT), 'okta.roles.read'));
    expect(badScope.status).toBe(400);
    expect((await badScope.json()).error).toBe('invalid_scope');
  });

  it('accepts aud = the public org URL the client used when a proxy forwards it', async () => {
    const aud = 'https://atko.okta.com/oauth2/v1/token';
    const res = await tokenRequest(clientCredentials(await assertion(CLIENT, { aud })), {
      'X-Forwarded-Host': 'atko.okta.com',
      'X-Forwarded-Proto': 'https',
    });
    expect(res.status).toBe(200);
    const direct = await tokenRequest(clientCredentials(await assertion(CLIENT, { aud })));
    expect(direct.status).toBe(401);
  });
});

describe('DPoP', () => {
  it('does the nonce dance, issues a DPoP token and checks proofs (ath, htm, htu) on API calls', async () => {
    const a = await assertion(DPOP_CLIENT);
    const form = clientCredentials(a, 'okta.users.read okta.groups.manage okta.roles.read');
    const noProof = await tokenRequest(form);
    expect(noProof.status).toBe(400);
    expect((await noProof.json()).error).toBe('invalid_dpop_proof');

    const first = await tokenRequest(form, { DPoP: await dpopProof('POST', tokenUrl()) });
    expect(first.status).toBe(400);
    expect((await first.json()).error).toBe('use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toBeTruthy();

    const second = await tokenRequest(form, { DPoP: await dpopProof('POST', tokenUrl(), { nonce: nonce! }) });
    expect(second.status).toBe(200);
    const tok = await second.json();
    expect(tok.token_type).toBe('DPoP');

    const url = `${okta.url}/api/v1/groups/${org.groups['Okta Super Admins']}/roles`;
    const ath = createHash('sha256').update(tok.access_token).digest('base64url');
    const ok = await fetch(url, {
      headers: { Authorization: `DPoP ${tok.access_token}`, DPoP: await dpopProof('GET', url, { ath }) },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual([expect.objectContaining({ type: 'SUPER_ADMIN' })]);

    const badAth = await fetch(url, {
      headers: {
        Authorization: `DPoP ${tok.access_token}`,
        DPoP: await dpopProof('GET', url, { ath: 'x' + ath.slice(1) }),
      },
    });
    // Okta's error catalog lists invalid_dpop_proof as 400 (RFC 9449 would use 401).
    expect(badAth.status).toBe(400);
    expect(badAth.headers.get('www-authenticate')).toMatch(/invalid_dpop_proof/);
    expect((await badAth.json()).error).toBe('invalid_dpop_proof');
    const wrongMethod = await fetch(url, {
      headers: { Authorization: `DPoP ${tok.access_token}`, DPoP: await dpopProof('POST', url, { ath }) },
    });
    expect(wrongMethod.status).toBe(400);
    const wrongUrl = await fetch(url, {
      headers: {
        Authorization: `DPoP ${tok.access_token}`,
        DPoP: await dpopProof('GET', `${okta.url}/api/v1/groups`, { ath }),
      },
    });
    expect(wrongUrl.status).toBe(400);
    const asBearer = await fetch(url, { headers: { Authorization: `Bearer ${tok.access_token}` } });
    expect(asBearer.status).toBe(401);
    const noProofCall = await fetch(url, { headers: { Authorization: `DPoP ${tok.access_token}` } });
    expect(noProofCall.status).toBe(400); // Okta: invalid_dpop_proof_missing_header, 400
  });

  it('rejects a replayed DPoP proof', async () => {
    const form = clientCredentials(await assertion(DPOP_CLIENT), 'okta.groups.read');
    const nonce = (await tokenRequest(form, { DPoP: await dpopProof('POST', tokenUrl()) })).headers.get('dpop-nonce')!;
    const tok = await (await tokenRequest(form, { DPoP: await dpopProof('POST', tokenUrl(), { nonce }) })).json();
    const url = `${okta.url}/api/v1/groups`;
    const proof = await dpopProof('GET', url, {
      ath: createHash('sha256').update(tok.access_token).digest('base64url'),
    });
    expect((await fetch(url, { headers: { Authorization: `DPoP ${tok.access_token}`, DPoP: proof } })).status).toBe(
      200,
    );
    // Okta: dpop_proof_already_used, 400.
    expect((await fetch(url, { headers: { Authorization: `DPoP ${tok.access_token}`, DPoP: proof } })).status).toBe(
      400,
    );
  });
});
