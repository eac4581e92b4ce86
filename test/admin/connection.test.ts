import { getConnection, saveConnection, testConnection } from '../../src/app/admin/connection';
import { DirectoryError } from '../../src/app/ports';
import { ConnectionInput, fieldErrors } from '../../src/shared/admin-contract';
import { ADMIN, API_TOKEN, adminWorld, PEM } from './fakes';

const parse = (input: unknown) => ConnectionInput.parse(input);

describe('Okta connection', () => {
  test('starts unconfigured, with both secrets "not set"', async () => {
    const w = adminWorld();
    expect(await getConnection(w.app)).toEqual({ ok: true, data: { configured: false, domain: undefined, method: 'api-token', clientId: undefined, keyId: undefined, apiToken: 'not set', privateKey: 'not set' } });
  });

  test.each([
    ['x.okta.com.evil.com', /must be an Okta org host/],
    ['http://atko.okta.com', /https/],
    ['atko.okta.com:8443', /port/],
    ['atko.okta.com/admin', /no path/],
    ['10.0.0.1', /host name, not an IP/],
    ['atko-admin.okta.com', /admin console/],
    ['', /Enter your Okta domain/],
  ])('the form refuses domain %j with an inline message', (domain, message) => {
    const r = ConnectionInput.safeParse({ domain, method: 'api-token', apiToken: API_TOKEN });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!).domain).toMatch(message);
  });

  test('a look-alike domain that slips past the form is refused by the use case and nothing is stored', async () => {
    const w = adminWorld();
    const r = await saveConnection(w.app, ADMIN, { domain: 'atko.okta.com.evil.com', method: 'api-token', apiToken: API_TOKEN } as any);
    expect(r).toMatchObject({ ok: false, code: 'CONNECTION.INVALID_DOMAIN' });
    expect(w.config.connection).toBeUndefined();
    expect(w.config.secrets).toEqual({});
  });

  test('a stored token is never sent to a newly typed domain: it must be entered again', async () => {
    const w = adminWorld();
    expect(await saveConnection(w.app, ADMIN, parse({ domain: 'atko.okta.com', method: 'api-token', apiToken: API_TOKEN }))).toMatchObject({ ok: true });
    const tried: string[] = [];
    w.app.directoryFor = (connection) => { tried.push(connection.domain); return w.directory; };
    const moved = await testConnection(w.app, parse({ domain: 'attacker.okta.com', method: 'api-token' }));
    expect(moved).toMatchObject({ ok: false, code: 'CONNECTION.SECRET_REQUIRED', message: expect.stringMatching(/domain changed/) });
    expect(await saveConnection(w.app, ADMIN, parse({ domain: 'attacker.okta.com', method: 'api-token' }))).toMatchObject({ ok: false });
    expect(tried).toEqual([]);
    expect(w.config.connection?.domain).toBe('atko.okta.com');
    // Same org: the stored token is reused without being typed again.
    expect(await testConnection(w.app, parse({ domain: 'atko.okta.com', method: 'api-token' }))).toMatchObject({ ok: true });
    expect(tried).toEqual(['atko.okta.com']);
  });

  test('saving without a token when none is stored is refused and stores nothing', async () => {
    const w = adminWorld();
    const r = await saveConnection(w.app, ADMIN, parse({ domain: 'atko.okta.com', method: 'api-token' }));
    expect(r).toMatchObject({ ok: false, code: 'CONNECTION.SECRET_REQUIRED', message: expect.stringMatching(/API token/) });
    expect(w.config.connection).toBeUndefined();
  });

  test('saves a normalised domain and the token, answers "set" and audits the change without the secret', async () => {
    const w = adminWorld();
    const r = await saveConnection(w.app, ADMIN, parse({ domain: ' https://ATKO.okta.com/ ', method: 'api-token', apiToken: API_TOKEN }));
    expect(r).toEqual({ ok: true, data: expect.objectContaining({ configured: true, domain: 'atko.okta.com', apiToken: 'set', privateKey: 'not set' }) });
    expect(JSON.stringify(r)).not.toContain(API_TOKEN);
    expect(w.config.connection).toEqual({ domain: 'atko.okta.com', auth: { method: 'api-token' } });
    expect(w.config.secrets).toEqual({ apiToken: API_TOKEN, boundTo: 'atko.okta.com|' });
    expect(w.audit.entries).toEqual([expect.objectContaining({ action: 'CONFIG_CHANGED', actor: ADMIN, detail: expect.stringContaining('API token replaced') })]);
    expect(JSON.stringify(w.audit.entries)).not.toContain(API_TOKEN);
  });

  test('an empty secret field keeps the stored secret; switching to OAuth keeps only the key', async () => {
    const w = adminWorld();
    w.connect();
    await saveConnection(w.app, ADMIN, parse({ domain: 'atko.okta.com', method: 'api-token', apiToken: '' }));
    expect(w.config.secrets).toEqual({ apiToken: API_TOKEN, boundTo: 'atko.okta.com|' });
    const r = await saveConnection(w.app, ADMIN, parse({ domain: 'atko.okta.com', method: 'oauth', clientId: '0oa1b2c3d4e5f6g7h8i9', keyId: 'kid-1', privateKeyPem: PEM }));
    expect(r).toMatchObject({ ok: true, data: { method: 'oauth', clientId: '0oa1b2c3d4e5f6g7h8i9', keyId: 'kid-1', apiToken: 'not set', privateKey: 'set' } });
    expect(w.config.secrets).toEqual({ privateKeyPem: PEM, boundTo: 'atko.okta.com|0oa1b2c3d4e5f6g7h8i9' });
    expect(JSON.stringify(r)).not.toContain('BEGIN PRIVATE KEY');
  });

  test('OAuth needs a client id and a PEM private key', () => {
    const r = ConnectionInput.safeParse({ domain: 'atko.okta.com', method: 'oauth', privateKeyPem: '{"kty":"RSA"}' });
    expect(fieldErrors(r.error!)).toEqual({ privateKeyPem: expect.stringMatching(/PEM/), clientId: expect.stringMatching(/Client id is required/) });
  });

  test('when the connection cannot be written, the secrets written just before are put back', async () => {
    const w = adminWorld();
    w.connect();
    w.config.saveConnection = async () => { throw new Error('KVS unavailable'); };
    await expect(saveConnection(w.app, ADMIN, parse({ domain: 'other.okta.com', method: 'api-token', apiToken: 'ssws-' + 'n'.repeat(37) }))).rejects.toThrow('KVS unavailable');
    expect(w.config.secrets).toEqual({ apiToken: API_TOKEN });
    expect(w.audit.entries).toHaveLength(0);
  });

  describe('Test connection', () => {
    test('uses the typed token without saving it and reports the org', async () => {
      const w = adminWorld();
      const r = await testConnection(w.app, parse({ domain: 'atko.okta.com', method: 'api-token', apiToken: API_TOKEN }));
      expect(r).toEqual({ ok: true, data: { credentialsOk: true, orgName: 'Atko', missingScopes: [], level: 'ok', message: expect.stringContaining('Connected to Atko') } });
      expect(w.tested).toEqual([{ connection: { domain: 'atko.okta.com', auth: { method: 'api-token' } }, secrets: { apiToken: API_TOKEN, boundTo: 'atko.okta.com|' } }]);
      expect(w.config.connection).toBeUndefined();
      expect(w.config.secrets).toEqual({});
    });

    test('falls back to the stored secret when the field is left empty', async () => {
      const w = adminWorld();
      w.connect();
      await testConnection(w.app, parse({ domain: 'atko.okta.com', method: 'api-token' }));
      expect(w.tested[0].secrets).toEqual({ apiToken: API_TOKEN, boundTo: 'atko.okta.com|' });
    });

    test('names the missing scopes and what each is for', async () => {
      const w = adminWorld();
      w.connect();
      w.answerTest({ orgName: 'Atko', missingScopes: ['okta.roles.read'] });
      const r = await testConnection(w.app, parse({ domain: 'atko.okta.com', method: 'oauth', clientId: '0oaabc', privateKeyPem: PEM }));
      expect(r).toMatchObject({ ok: true, data: { credentialsOk: true, level: 'warning', missingScopes: ['okta.roles.read'] } });
      expect((r as any).data.message).toMatch(/okta\.roles\.read \(to check that a group holds no admin role\).*Okta API Scopes/);
    });

    test.each([
      ['configuration', new DirectoryError('configuration', 'Okta rejected the credentials (E0000011).', { status: 401 }), false, /did not accept the API token \(HTTP 401\)\. Check.*Tokens/],
      ['transient', new DirectoryError('transient', 'Okta did not answer within 10 s.'), false, /Could not reach Okta at atko\.okta\.com/],
      ['permanent', new DirectoryError('permanent', 'You do not have permission (E0000006).', { status: 403 }), false, /refused the test.*read access/],
    ])('an Okta %s error becomes a message a person can act on', async (_kind, error, credentialsOk, message) => {
      const w = adminWorld();
      w.connect();
      w.answerTest(error);
      const r = await testConnection(w.app, parse({ domain: 'atko.okta.com', method: 'api-token' }));
      expect(r).toMatchObject({ ok: true, data: { credentialsOk, level: 'error', message: expect.stringMatching(message) } });
    });

    test('an unexpected failure is not dressed up as a test result', async () => {
      const w = adminWorld();
      w.connect();
      w.app.directoryFor = () => { throw new TypeError('bug'); };
      await expect(testConnection(w.app, parse({ domain: 'atko.okta.com', method: 'api-token' }))).rejects.toThrow('bug');
    });
  });
});

describe('credentials bound to their org', () => {
  test('a half-saved form (new secret, old connection) never sends one org\'s credentials to another', async () => {
    const { compose } = await import('../../src/entry/compose');
    const { DirectoryError } = await import('../../src/app/ports');
    const deps = compose();
    expect(() => deps.directoryFor({ domain: 'atko.okta.com', auth: { method: 'api-token' } }, { apiToken: API_TOKEN, boundTo: 'other.okta.com|' }))
      .toThrow(DirectoryError);
    expect(() => deps.directoryFor({ domain: 'atko.okta.com', auth: { method: 'api-token' } }, { apiToken: API_TOKEN, boundTo: 'atko.okta.com|' }))
      .not.toThrow();
  });
});
