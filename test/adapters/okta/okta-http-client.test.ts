/** OktaHttpClient against the Okta emulator: statuses → typed errors, rate limits, timeouts, secrets. */
import { DirectoryError } from '../../../src/app/ports';
import { nextLink, parseAuthChallenge } from '../../../src/adapters/okta/okta-headers';
import { expectNoSecrets, finish, startKit, thrown, type Kit } from './okta-test-kit';

let kit: Kit | undefined;
afterEach(async () => {
  await finish(kit);
  kit = undefined;
});

const idOf = (x: string | { id: string }): string => (typeof x === 'string' ? x : x.id);

describe('status → typed error', () => {
  it('429 is transient with retryAfterMs = X-Rate-Limit-Reset − Date + jitter', async () => {
    kit = await startKit();
    const g = idOf(kit.emulator.addGroup({ name: 'g' }));
    const date = new Date('2026-11-22T09:00:10Z');
    kit.emulator.fault({
      method: 'GET',
      path: `/api/v1/groups/${g}`,
      status: 429,
      times: 1,
      headers: {
        Date: date.toUTCString(),
        'X-Rate-Limit-Limit': '600',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(date.getTime() / 1000 + 42),
      },
      body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
    });

    const e = await thrown(() => kit!.directory({ random: () => 0.25 }).checkGroupEligible(g));

    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('transient');
    expect(e.details).toMatchObject({ status: 429, oktaErrorCode: 'E0000047', retryAfterMs: 42_000 + 250 });
    expect(e.cause).toBeDefined();
  });

  it("the emulator's own rate limit yields a transient error whose wait comes from its headers", async () => {
    kit = await startKit();
    kit.emulator.setRateLimit(2, 60);
    // Other instances spent the window: this client has not seen their answers, so it sends and gets a 429.
    await kit.directory().searchGroups('a');
    await kit.directory().searchGroups('b');
    const dir = kit.directory({ random: () => 0 });

    const e = await thrown(() => dir.searchGroups('c'));

    expect(e.kind).toBe('transient');
    expect(e.details.status).toBe(429);
    // The window opened at the first request (virtual clock, whole seconds): reset − Date = 60 s.
    expect(e.details.retryAfterMs).toBe(60_000);
    kit.clock.ms += 30_000;
    const later = await thrown(() => kit!.directory({ random: () => 0 }).searchGroups('d'));
    expect(later.details.retryAfterMs).toBe(30_000);
  });

  it('paces from X-Rate-Limit-Remaining: at the reserve it defers to the reset without calling Okta', async () => {
    kit = await startKit();
    kit.emulator.setRateLimit(20, 60);
    const dir = kit.directory({ random: () => 0 });
    // 20 a window, 1 kept in reserve (5 %): 19 calls go out, the 20th waits for the reset.
    for (let i = 0; i < 19; i++) await dir.searchGroups(`q${i}`);
    const sent = kit.emulator.requests.length;

    const e = await thrown(() => dir.searchGroups('over'));

    expect(kit.emulator.requests.length).toBe(sent);
    expect(e.kind).toBe('transient');
    expect(e.details.status).toBeUndefined();
    expect(e.details.retryAfterMs).toBe(60_000);
    expect(e.details.paced).toEqual({ spreadMs: 3158 });
    // Each call held back gets its own slot: 19 a window, spaced 60 s / 19 apart; the 20th, a window later.
    const second = await thrown(() => dir.searchGroups('over 2'));
    expect(second.details.retryAfterMs).toBe(60_000 + 3157);
    for (let i = 2; i < 19; i++) await thrown(() => dir.searchGroups(`over ${i + 1}`));
    const twentieth = await thrown(() => dir.searchGroups('over 20'));
    expect(twentieth.details.retryAfterMs).toBe(120_000);
    expect(kit.emulator.requests.length).toBe(sent);
    expect(kit.emulator.requests.filter((r) => r.status === 429)).toHaveLength(0);
    // After the reset it calls Okta again.
    kit.clock.ms += 60_000;
    await dir.searchGroups('after');
    expect(kit.emulator.requests.length).toBe(sent + 1);
  });

  it('a 429 without rate-limit headers still carries a default wait', async () => {
    kit = await startKit();
    kit.emulator.fault({
      method: 'GET',
      path: '/api/v1/groups',
      status: 429,
      times: 1,
      body: { errorCode: 'E0000047', errorSummary: 'rate limit' },
    });
    const e = await thrown(() => kit!.directory({ random: () => 0 }).searchGroups('x'));
    expect(e.kind).toBe('transient');
    expect(e.details.retryAfterMs).toBe(60_000);
  });

  it('500 is transient and keeps the request id', async () => {
    kit = await startKit();
    kit.emulator.fault({
      method: 'GET',
      path: '/api/v1/groups',
      status: 500,
      times: 1,
      body: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' },
    });
    const e = await thrown(() => kit!.directory().searchGroups('x'));
    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('transient');
    expect(e.details).toMatchObject({ status: 500, oktaErrorCode: 'E0000009' });
  });

  it('a wrong API token is a configuration error that never repeats the token', async () => {
    kit = await startKit();
    const bad = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';
    const e = await thrown(() => kit!.directory({ auth: { kind: 'api-token', token: bad } }).searchGroups('x'));
    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('configuration');
    expect(e.details).toMatchObject({ status: 401, oktaErrorCode: 'E0000011' });
    expect(e.message).toMatch(/rejected the credentials/);
    expectNoSecrets(`${e.message} ${String(e.cause)} ${JSON.stringify(e.details)}`, [bad, kit.emulator.apiToken]);
  });

  it('a 404 on a read is not-found', async () => {
    kit = await startKit();
    const e = await thrown(() => kit!.directory().isMember('00udoesnotexist00000', '00gx'));
    expect(e.kind).toBe('not-found');
    expect(e.details.status).toBe(404);
  });

  it('a timeout is transient', async () => {
    kit = await startKit();
    kit.emulator.fault({ method: 'GET', path: '/api/v1/groups', status: 200, body: [], delayMs: 1_000, times: 1 });
    const started = Date.now();
    const e = await thrown(() => kit!.directory({ timeoutMs: 150 }).searchGroups('x'));
    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('transient');
    expect(e.message).toMatch(/did not answer/);
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('retries an idempotent GET once when the connection is reset', async () => {
    kit = await startKit();
    const g = idOf(kit.emulator.addGroup({ name: 'reset-me' }));
    kit.emulator.fault({ method: 'GET', path: '/api/v1/groups', status: 0, times: 1 });
    expect(await kit.directory().searchGroups('reset')).toEqual([{ id: g, name: 'reset-me', type: 'OKTA_GROUP' }]);
    expect(kit.paths().filter((p) => p.startsWith('/api/v1/groups'))).toHaveLength(2);
  });

  it('a connection reset twice in a row, or on a write, is transient (no blind retry of a write)', async () => {
    kit = await startKit();
    const u = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }));
    const g = idOf(kit.emulator.addGroup({ name: 'g' }));
    kit.emulator.fault({ method: 'GET', path: '/api/v1/groups', status: 0, times: 2 });
    kit.emulator.fault({ method: 'PUT', path: `/api/v1/groups/${g}/users/${u}`, status: 0, times: 1 });
    const dir = kit.directory();
    expect((await thrown(() => dir.searchGroups('x'))).kind).toBe('transient');
    expect((await thrown(() => dir.addMember(u, g))).kind).toBe('transient');
    expect(kit.paths().filter((p) => p.startsWith(`/api/v1/groups/${g}/users/`))).toHaveLength(1);
  });

  it('an unreachable host is transient', async () => {
    kit = await startKit();
    const e = await thrown(() => kit!.directory({ origin: 'http://127.0.0.1:1' }).searchGroups('x'));
    expect(e.kind).toBe('transient');
  });

  it('a body of the wrong shape is a permanent error, not a crash', async () => {
    kit = await startKit();
    kit.emulator.fault({ method: 'GET', path: '/api/v1/groups', status: 200, body: [{ nope: true }], times: 1 });
    const e = await thrown(() => kit!.directory().searchGroups('x'));
    expect(e.kind).toBe('permanent');
  });
});

describe('parsing helpers', () => {
  const base = new URL('https://acme.okta.com/api/v1/users?limit=2');

  it('nextLink finds rel="next" among several links', () => {
    const h =
      '<https://acme.okta.com/api/v1/users?limit=2>; rel="self", <https://acme.okta.com/api/v1/users?after=00u2%2Cx&limit=2>; rel="next"';
    expect(nextLink(h, base)?.href).toBe('https://acme.okta.com/api/v1/users?after=00u2%2Cx&limit=2');
  });

  it('nextLink returns nothing on the last page and accepts bare rel values', () => {
    expect(nextLink('<https://acme.okta.com/api/v1/users?limit=2>; rel="self"', base)).toBeUndefined();
    expect(nextLink(null, base)).toBeUndefined();
    expect(nextLink('</api/v1/users?after=abc>; rel=next', base)?.href).toBe(
      'https://acme.okta.com/api/v1/users?after=abc',
    );
  });

  it('parseAuthChallenge reads error and scope', () => {
    const h =
      'Bearer authorization_uri="https://acme.okta.com/oauth2/v1/authorize", realm="IdP", scope="okta.groups.manage", error="insufficient_scope", error_description="The access token provided does not contain the required scopes."';
    expect(parseAuthChallenge(h)).toMatchObject({ error: 'insufficient_scope', scope: 'okta.groups.manage' });
    expect(
      parseAuthChallenge(
        'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
      ).error,
    ).toBe('use_dpop_nonce');
  });
});
