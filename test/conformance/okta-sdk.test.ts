/**
 * A client nobody here wrote: Okta's own Node SDK (@okta/okta-sdk-nodejs) drives the Okta emulator
 * through every operation the app uses (src/adapters/okta/okta-directory.ts), over loopback HTTP,
 * with the SDK's own HTTP stack, retry logic and private-key OAuth. Nothing is mocked.
 *
 * Each answer must succeed (or fail as Okta documents), come back as the SDK's model class, and match
 * that model with nothing missing, mistyped, wrongly null or invented (./sdk-models.ts). Where the
 * SDK and the emulator disagree, the emulator is wrong until Okta's spec says otherwise.
 *
 * The emulator runs on the real clock here: the SDK signs its client assertions and DPoP proofs with
 * `Date.now()`, and waits out a 429 with real timers.
 */
import {
  Client,
  DefaultRequestExecutor,
  Group,
  GroupRule,
  OktaApiError,
  OrgSetting,
  StandardRole,
  User,
  UserGetSingleton,
  type Collection,
} from '@okta/okta-sdk-nodejs';
import { startOktaEmulator, type OktaEmulator } from '../../sandbox/okta/okta-emulator';
import { jose } from '../../sandbox/okta/jose';
import { OKTA_SCOPES } from '../../src/domain/okta-domain';
import { conformance } from './sdk-models';

/** The parts of a node-fetch Response this suite reads (the SDK's executor emits node-fetch Responses). */
interface FetchResponse {
  url: string;
  status: number;
  headers: { get(name: string): string | null };
  clone(): { text(): Promise<string> };
}
interface Seen {
  url: string;
  status: number;
  headers: FetchResponse['headers'];
  body: Promise<string>;
}
interface RetryRequest {
  headers: Record<string, string | number>;
}

let em: OktaEmulator;
const ids = {
  linux: '',
  appGroup: '',
  ruleGroup: '',
  roleGroup: '',
  neville: '',
  members: [] as string[],
  twins: [] as string[],
};

beforeAll(async () => {
  em = await startOktaEmulator({ orgName: 'Atko Corp' });
  ids.linux = em.addGroup({ name: 'PAM Linux Sysadmins', description: 'Time-bound sudo on Linux hosts' }).id;
  ids.appGroup = em.addGroup({ name: 'AD Domain Admins', type: 'APP_GROUP' }).id;
  ids.ruleGroup = em.addGroup({ name: 'PAM Engineering' }).id;
  ids.roleGroup = em.addGroup({ name: 'PAM Helpdesk' }).id;
  ids.neville = em.addUser({ login: 'neville.longbottom@atko.example', email: 'neville.longbottom@atko.example' }).id;
  for (const name of ['hannah.abbott', 'ernie.macmillan', 'justin.finch', 'susan.bones', 'zacharias.smith']) {
    const u = em.addUser({ login: `${name}@atko.example`, email: `${name}@atko.example` });
    em.addMember(ids.linux, u.id);
    ids.members.push(u.id);
  }
  // Two accounts with one email (the app reports this as ambiguous), one of them no longer active.
  ids.twins.push(em.addUser({ login: 'fred.weasley@atko.example', email: 'weasleys@atko.example' }).id);
  ids.twins.push(
    em.addUser({ login: 'george.weasley@atko.example', email: 'weasleys@atko.example', status: 'SUSPENDED' }).id,
  );
  em.addUser({ login: 'cedric.diggory@atko.example', email: 'cedric.diggory@atko.example', status: 'DEPROVISIONED' });
  em.addUser({ login: 'luna.lovegood@atko.example', email: 'luna.lovegood@atko.example', status: 'STAGED' });
  em.addMember(ids.appGroup, ids.neville);
  em.addRule({ name: 'Engineering department', groupIds: [ids.ruleGroup] });
  em.addRule({ name: 'Contractors', groupIds: [ids.ruleGroup] });
  em.addRule({ name: 'Sales', groupIds: [ids.appGroup] });
  em.addRole(ids.roleGroup, 'HELP_DESK_ADMIN');
  em.addRole(ids.roleGroup, 'USER_ADMIN');
});

afterAll(async () => {
  // Every request the SDK sent is in Okta's published API (the emulator's spec check).
  expect(em.violations).toEqual([]);
  await em.close();
});

afterEach(() => em.clearFaults());

/** An SDK client on the emulator whose executor also records every response it receives. */
function sdk(
  config: NonNullable<ConstructorParameters<typeof Client>[0]> = {},
  executorConfig?: { maxRetries: number; requestTimeout: number },
) {
  const executor = new DefaultRequestExecutor(executorConfig);
  const seen: Seen[] = [];
  executor.on('response', (res: FetchResponse) => {
    seen.push({ url: res.url, status: res.status, headers: res.headers, body: res.clone().text() });
  });
  const client = new Client({
    orgUrl: em.url,
    ...(config.authorizationMode ? {} : { token: em.apiToken }),
    // The SDK's response cache would answer repeated reads itself; every call here must reach the emulator.
    cacheMiddleware: null,
    requestExecutor: executor,
    ...config,
  });
  return { client, executor, seen };
}

/** Every item of an SDK collection, following its Link: rel="next" pages. */
async function all<T>(c: Collection<T>): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const r = await c.next();
    if (r.value) out.push(r.value);
    if (r.done) return out;
  }
}

/** Conformance problems of every answer in `seen` (each item of a list) against the SDK's `model`. */
async function problems(seen: Seen[], model: string): Promise<string[]> {
  const out: string[] = [];
  for (const s of seen) {
    const json: unknown = JSON.parse(await s.body);
    const where = `${new URL(s.url).pathname} ${model}`;
    if (Array.isArray(json)) json.forEach((x, i) => out.push(...conformance(x, model, `${where}[${i}]`)));
    else out.push(...conformance(json, model, where));
  }
  return out;
}

const paths = (seen: Seen[]) => seen.map((s) => `${s.status} ${new URL(s.url).pathname}${new URL(s.url).search}`);
const validDate = (d: unknown) => d instanceof Date && !Number.isNaN(d.getTime());

describe('every operation the app uses, through the SDK (API token)', () => {
  it('user search (search=profile.email / profile.login eq "…") finds the user and pages through every match', async () => {
    const { client, seen } = sdk();
    const byEmail = await all(
      await client.userApi.listUsers({ search: 'profile.email eq "neville.longbottom@atko.example"', limit: 200 }),
    );
    expect(byEmail.map((u) => u.id)).toEqual([ids.neville]);
    expect(byEmail[0]).toBeInstanceOf(User);
    expect(byEmail[0].profile?.login).toBe('neville.longbottom@atko.example');
    expect(validDate(byEmail[0].created)).toBe(true);

    const byLogin = await all(
      await client.userApi.listUsers({ search: 'profile.login eq "neville.longbottom@atko.example"', limit: 200 }),
    );
    expect(byLogin.map((u) => u.id)).toEqual([ids.neville]);

    // One match per page: the SDK follows the emulator's Link: rel="next" to the second account.
    const twins = await all(
      await client.userApi.listUsers({ search: 'profile.email eq "weasleys@atko.example"', limit: 1 }),
    );
    expect(twins.map((u) => u.id).sort()).toEqual([...ids.twins].sort());
    expect(twins.map((u) => u.status).sort()).toEqual(['ACTIVE', 'SUSPENDED']);

    // `search` also finds deactivated users (the app tells them apart by status).
    const gone = await all(
      await client.userApi.listUsers({ search: 'profile.login eq "cedric.diggory@atko.example"', limit: 200 }),
    );
    expect(gone.map((u) => u.status)).toEqual(['DEPROVISIONED']);

    // Test connection's probe: any one user.
    expect(await all(await client.userApi.listUsers({ limit: 1 }))).not.toHaveLength(0);

    expect(paths(seen).filter((p) => p.includes('weasleys'))).toHaveLength(2);
    expect(await problems(seen, 'User')).toEqual([]);
  });

  it('a user by id parses into UserGetSingleton', async () => {
    const { client, seen } = sdk();
    const u = await client.userApi.getUser({ userId: ids.neville });
    expect(u).toBeInstanceOf(UserGetSingleton);
    expect(u).toMatchObject({
      id: ids.neville,
      status: 'ACTIVE',
      profile: { email: 'neville.longbottom@atko.example' },
    });
    expect(validDate(u.lastUpdated)).toBe(true);
    expect(await problems(seen, 'UserGetSingleton')).toEqual([]);
  });

  it('a group by id, and the group search (q=, limit=50)', async () => {
    const { client, seen } = sdk();
    const g = await client.groupApi.getGroup({ groupId: ids.linux });
    expect(g).toBeInstanceOf(Group);
    expect(g).toMatchObject({ id: ids.linux, type: 'OKTA_GROUP', profile: { name: 'PAM Linux Sysadmins' } });
    expect(validDate(g.lastMembershipUpdated)).toBe(true);
    const app = await client.groupApi.getGroup({ groupId: ids.appGroup });
    expect(app.type).toBe('APP_GROUP');

    const found = await all(await client.groupApi.listGroups({ q: 'PAM', limit: 50 }));
    expect(found.map((x) => x.profile?.name).sort()).toEqual([
      'PAM Engineering',
      'PAM Helpdesk',
      'PAM Linux Sysadmins',
    ]);
    expect(await all(await client.groupApi.listGroups({ limit: 1 }))).not.toHaveLength(0);
    expect(await problems(seen, 'Group')).toEqual([]);
  });

  it('group rules, across pages, parse into GroupRule with their target groups', async () => {
    const { client, seen } = sdk();
    const rules = await all(await client.groupApi.listGroupRules({ limit: 2 }));
    expect(rules).toHaveLength(3);
    expect(rules[0]).toBeInstanceOf(GroupRule);
    const targeting = rules.filter((r) => r.actions?.assignUserToGroups?.groupIds?.includes(ids.ruleGroup));
    expect(targeting.map((r) => r.name).sort()).toEqual(['Contractors', 'Engineering department']);
    expect(seen).toHaveLength(2);
    expect(await problems(seen, 'GroupRule')).toEqual([]);
  });

  it("a group's admin roles parse into StandardRole", async () => {
    const { client, seen } = sdk();
    const roles = await all(await client.roleAssignmentApi.listGroupAssignedRoles({ groupId: ids.roleGroup }));
    expect(roles.map((r) => r.constructor)).toEqual([StandardRole, StandardRole]);
    expect(roles.map((r) => (r as StandardRole).type).sort()).toEqual(['HELP_DESK_ADMIN', 'USER_ADMIN']);
    expect(await all(await client.roleAssignmentApi.listGroupAssignedRoles({ groupId: ids.linux }))).toEqual([]);
    expect(await problems(seen, 'StandardRole')).toEqual([]);
  });

  it('group members page by page: the SDK follows Link: rel="next" to the last page, each member once', async () => {
    const { client, seen } = sdk();
    const members = await all(await client.groupApi.listGroupUsers({ groupId: ids.linux, limit: 2 }));
    expect(members.map((u) => u.id).sort()).toEqual([...ids.members].sort());
    expect(members[0]).toBeInstanceOf(User);
    expect(seen.map((s) => s.status)).toEqual([200, 200, 200]);
    // The next links carry the cursor and the page size; the last page has no next link.
    expect(seen.slice(1).every((s) => /[?&]after=[^&]+/.test(s.url) && /[?&]limit=2\b/.test(s.url))).toBe(true);
    expect(seen.at(-1)!.headers.get('link')).not.toMatch(/rel="next"/);
    expect(await problems(seen, 'User')).toEqual([]);
  });

  it('add and remove a membership: 204 both ways, idempotent, seen in the group', async () => {
    const { client, seen } = sdk();
    await expect(
      client.groupApi.assignUserToGroup({ groupId: ids.linux, userId: ids.neville }),
    ).resolves.toBeUndefined();
    await expect(
      client.groupApi.assignUserToGroup({ groupId: ids.linux, userId: ids.neville }),
    ).resolves.toBeUndefined();
    expect(em.members(ids.linux)).toContain(ids.neville);
    await expect(
      client.groupApi.unassignUserFromGroup({ groupId: ids.linux, userId: ids.neville }),
    ).resolves.toBeUndefined();
    await expect(
      client.groupApi.unassignUserFromGroup({ groupId: ids.linux, userId: ids.neville }),
    ).resolves.toBeUndefined();
    expect(em.members(ids.linux)).not.toContain(ids.neville);
    expect(seen.map((s) => s.status)).toEqual([204, 204, 204, 204]);
    expect(await Promise.all(seen.map((s) => s.body))).toEqual(['', '', '', '']);
  });

  it("a user's groups parse into Group", async () => {
    const { client, seen } = sdk();
    const groups = await all(await client.userApi.listUserGroups({ userId: ids.members[0] }));
    expect(groups.map((g) => g.id)).toEqual([ids.linux]);
    expect(groups[0]).toBeInstanceOf(Group);
    expect((await all(await client.userApi.listUserGroups({ userId: ids.neville }))).map((g) => g.id)).toEqual([
      ids.appGroup,
    ]);
    expect(await problems(seen, 'Group')).toEqual([]);
  });

  it("the org's settings (the org name, read with an API token) parse into OrgSetting", async () => {
    const { client, seen } = sdk();
    const org = await client.orgSettingApi.getOrgSettings();
    expect(org).toBeInstanceOf(OrgSetting);
    expect(org).toMatchObject({ companyName: 'Atko Corp', status: 'ACTIVE' });
    expect(await problems(seen, 'OrgSetting')).toEqual([]);
  });

  it("404: an unknown user, group or membership user is an OktaApiError carrying Okta's error body", async () => {
    const { client, seen } = sdk();
    const errors = await Promise.all([
      client.userApi.getUser({ userId: '00uJITPREFLIGHTPROBE' }).catch((e: unknown) => e),
      client.groupApi.getGroup({ groupId: '00gNOSUCHGROUP000001' }).catch((e: unknown) => e),
      // The allowlist preflight's write probe: a DELETE of an id that is no user.
      client.groupApi
        .unassignUserFromGroup({ groupId: ids.linux, userId: '00uJITPREFLIGHTPROBE' })
        .catch((e: unknown) => e),
    ]);
    for (const e of errors) {
      expect(e).toBeInstanceOf(OktaApiError);
      expect(e).toMatchObject({ status: 404, errorCode: 'E0000007', errorCauses: [] });
      const err = e as OktaApiError;
      expect(err.errorSummary).toMatch(/^Not found: Resource not found: /);
      expect(err.errorId).toMatch(/^oae/);
      expect(err.errorLink).toBe('E0000007');
    }
    expect(seen.map((s) => s.status)).toEqual([404, 404, 404]);
    expect(await problems(seen, 'ModelError')).toEqual([]);
  });
});

describe('429 and the SDK rate-limit retry', () => {
  // A one-second window keeps the SDK's wait (X-Rate-Limit-Reset − Date + 1 s) to a second or two.
  beforeEach(() => em.setRateLimit(600, 1));
  afterEach(() => em.setRateLimit(600, 60));

  /** The SDK's own arithmetic: wait until X-Rate-Limit-Reset by the server's Date, plus one second. */
  const sdkWaitMs = (s: Seen) =>
    Number(s.headers.get('x-rate-limit-reset')) * 1000 - Date.parse(s.headers.get('date')!) + 1000;

  function expectOktaRateLimitHeaders(s: Seen, limit: string, windowSeconds: number) {
    expect(s.status).toBe(429);
    expect(s.headers.get('x-rate-limit-limit')).toBe(limit);
    expect(s.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(s.headers.get('x-okta-request-id')).toBeTruthy();
    const date = Date.parse(s.headers.get('date') ?? '');
    const reset = Number(s.headers.get('x-rate-limit-reset'));
    expect(Number.isInteger(reset)).toBe(true);
    expect(Number.isNaN(date)).toBe(false);
    // Reset is the end of the current window: after the response's Date, at most one window later.
    expect(reset * 1000).toBeGreaterThan(date);
    expect(reset * 1000).toBeLessThanOrEqual(date + (windowSeconds + 1) * 1000);
  }

  it("an injected 429 carries Okta's headers; the SDK waits until the reset and its retry succeeds", async () => {
    const { client, executor, seen } = sdk();
    const backoffs: Array<{ requestId: string; delayMs: number }> = [];
    const resumed: RetryRequest[] = [];
    executor.on('backoff', (_req: unknown, _res: unknown, requestId: string, delayMs: number) =>
      backoffs.push({ requestId, delayMs }),
    );
    executor.on('resume', (req: RetryRequest) => resumed.push(req));
    em.fault({ method: 'GET', path: `/api/v1/groups/${ids.linux}`, status: 429 });

    const g = await client.groupApi.getGroup({ groupId: ids.linux });

    expect(g).toBeInstanceOf(Group);
    expect(seen.map((s) => s.status)).toEqual([429, 200]);
    expectOktaRateLimitHeaders(seen[0], '600', 1);
    const requestId = seen[0].headers.get('x-okta-request-id')!;
    expect(backoffs).toEqual([{ requestId, delayMs: sdkWaitMs(seen[0]) }]);
    expect(backoffs[0].delayMs).toBeGreaterThanOrEqual(1000);
    expect(backoffs[0].delayMs).toBeLessThanOrEqual(3000);
    expect(resumed.map((r) => [r.headers['X-Okta-Retry-For'], r.headers['X-Okta-Retry-Count']])).toEqual([
      [requestId, 1],
    ]);
    expect(await problems(seen.slice(0, 1), 'ModelError')).toEqual([]);
    expect(JSON.parse(await seen[0].body)).toMatchObject({ errorCode: 'E0000047' });
    expect(await problems(seen.slice(1), 'Group')).toEqual([]);
  });

  it("the emulator's own limit answers 429 the same way, and the SDK's retry lands in the next window", async () => {
    em.setRateLimit(2, 1);
    const { client, seen } = sdk();
    const users = await Promise.all([0, 1, 2].map((i) => client.userApi.getUser({ userId: ids.members[i] })));
    expect(users.map((u) => u.id)).toEqual(ids.members.slice(0, 3));
    const limited = seen.filter((s) => s.status === 429);
    expect(limited).toHaveLength(1);
    expectOktaRateLimitHeaders(limited[0], '2', 1);
    expect(await problems(limited, 'ModelError')).toEqual([]);
  });

  it("with the SDK's retries off, the 429 surfaces as OktaApiError E0000047", async () => {
    const { client, seen } = sdk({}, { maxRetries: 0, requestTimeout: 0 });
    em.fault({ method: 'PUT', path: `/api/v1/groups/${ids.linux}/users/${ids.neville}`, status: 429 });
    const e = await client.groupApi.assignUserToGroup({ groupId: ids.linux, userId: ids.neville }).catch((x) => x);
    expect(e).toBeInstanceOf(OktaApiError);
    expect(e).toMatchObject({ status: 429, errorCode: 'E0000047' });
    expectOktaRateLimitHeaders(seen[0], '600', 1);
    expect(em.members(ids.linux)).not.toContain(ids.neville);
  });
});

describe('private-key OAuth (a service app), as the SDK does it', () => {
  const scopes = [...OKTA_SCOPES];
  let keys: { privateJwk: Record<string, unknown>; privatePem: string; publicJwk: object };

  beforeAll(async () => {
    const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { extractable: true });
    keys = {
      privateJwk: { ...(await jose.exportJWK(privateKey)), kid: 'jit-key-1' },
      privatePem: await jose.exportPKCS8(privateKey),
      publicJwk: { ...(await jose.exportJWK(publicKey)), kid: 'jit-key-1', alg: 'RS256', use: 'sig' },
    };
    em.registerOAuthClient({ clientId: '0oaJitBearer', publicJwk: keys.publicJwk, scopes });
    em.registerOAuthClient({ clientId: '0oaJitDpop', publicJwk: keys.publicJwk, scopes, requireDpop: true });
  });

  /** The app's calls with each scope it asks for: users, group reads, roles, membership writes. */
  async function appCalls(client: Client) {
    const [user] = await all(
      await client.userApi.listUsers({ search: 'profile.email eq "neville.longbottom@atko.example"', limit: 200 }),
    );
    expect(user.id).toBe(ids.neville);
    expect((await client.groupApi.getGroup({ groupId: ids.linux })).id).toBe(ids.linux);
    expect(await all(await client.groupApi.listGroupRules({ limit: 200 }))).toHaveLength(3);
    expect(await all(await client.roleAssignmentApi.listGroupAssignedRoles({ groupId: ids.roleGroup }))).toHaveLength(
      2,
    );
    expect(await all(await client.groupApi.listGroupUsers({ groupId: ids.linux, limit: 1000 }))).toHaveLength(5);
    await client.groupApi.assignUserToGroup({ groupId: ids.linux, userId: ids.neville });
    expect(em.members(ids.linux)).toContain(ids.neville);
    await client.groupApi.unassignUserFromGroup({ groupId: ids.linux, userId: ids.neville });
    expect(em.members(ids.linux)).not.toContain(ids.neville);
  }

  const tokenCalls = (seen: Seen[]) => seen.filter((s) => new URL(s.url).pathname === '/oauth2/v1/token');

  it.each([
    ['a private JWK (its kid in the JWK)', () => ({ privateKey: keys.privateJwk })],
    ['a PKCS#8 PEM and a keyId', () => ({ privateKey: keys.privatePem, keyId: 'jit-key-1' })],
  ])('with %s: one token, then every call with it as a Bearer token', async (_label, key) => {
    const { client, seen } = sdk({ authorizationMode: 'PrivateKey', clientId: '0oaJitBearer', scopes, ...key() });
    await appCalls(client);
    const tokens = tokenCalls(seen);
    expect(tokens.map((s) => s.status)).toEqual([200]);
    const token = JSON.parse(await tokens[0].body);
    expect(token).toMatchObject({ token_type: 'Bearer', scope: scopes.join(' ') });
    expect(await problems(tokens, 'TokenResponse')).toEqual([]);
    expect(seen.filter((s) => s.status >= 400)).toEqual([]);
  });

  it('with a DPoP-bound app: the SDK answers use_dpop_nonce, then signs a proof for every call', async () => {
    const { client, seen } = sdk({
      authorizationMode: 'PrivateKey',
      clientId: '0oaJitDpop',
      scopes,
      privateKey: keys.privateJwk,
    });
    await appCalls(client);
    const tokens = tokenCalls(seen);
    expect(tokens.map((s) => s.status)).toEqual([400, 200]);
    expect(JSON.parse(await tokens[0].body)).toMatchObject({ error: 'use_dpop_nonce' });
    expect(tokens[0].headers.get('dpop-nonce')).toBeTruthy();
    const token = JSON.parse(await tokens[1].body);
    // RFC 9449 §5 and Okta's DPoP guide: a DPoP-bound token's token_type is "DPoP". Okta's spec (and so the
    // SDK's TokenResponseTokenType) lists only Bearer and N_A; the SDK itself does not read token_type.
    expect(token.token_type).toBe('DPoP');
    expect(conformance({ ...token, token_type: 'Bearer' }, 'TokenResponse')).toEqual([]);
    expect(seen.filter((s) => s.status >= 400)).toHaveLength(1);
  });

  it('asking for a scope the app was not granted: invalid_scope, and no API call goes through', async () => {
    const { client, seen } = sdk({
      authorizationMode: 'PrivateKey',
      clientId: '0oaJitBearer',
      scopes: [...scopes, 'okta.orgs.read'],
      privateKey: keys.privateJwk,
    });
    const e = await client.groupApi.getGroup({ groupId: ids.linux }).catch((x: unknown) => x);
    // The SDK does not check the token answer; it sends the call without a token and gives up after
    // Okta's 401 (once more after fetching a token again).
    expect(e).toBeInstanceOf(OktaApiError);
    expect(e).toMatchObject({ status: 401 });
    const tokens = tokenCalls(seen);
    expect(tokens.length).toBeGreaterThan(0);
    for (const t of tokens) {
      expect(t.status).toBe(400);
      expect(JSON.parse(await t.body)).toMatchObject({ error: 'invalid_scope' });
    }
    expect(seen.filter((s) => s.status === 200)).toEqual([]);
  });
});

describe('the model check itself', () => {
  it('flags a missing, mistyped, wrongly null, out-of-enum and invented field', async () => {
    const { client, seen } = sdk();
    await client.userApi.getUser({ userId: ids.neville });
    const good = JSON.parse(await seen[0].body);
    expect(conformance(good, 'User')).toEqual([]);
    const bad = {
      ...good,
      created: 'yesterday',
      status: 'ENABLED',
      lastUpdated: null,
      nickname: 'Nev',
      profile: { ...good.profile, login: undefined },
      credentials: { provider: { type: 'OKTA', name: 7 } },
    };
    expect(conformance(bad, 'User')).toEqual(
      expect.arrayContaining([
        'User.created: "yesterday" is not an ISO 8601 date-time',
        expect.stringMatching(/^User\.status: "ENABLED" is not one of UserStatus \(ACTIVE, /),
        "User.lastUpdated: null, but the SDK's User does not allow null",
        "User.nickname: not an attribute of the SDK's User (the SDK drops it)",
        'User.profile.login: missing (Okta always returns it)',
        'User.credentials.provider.name: number, the SDK expects string',
      ]),
    );
    expect(conformance(bad, 'User')).toHaveLength(6);
  });
});
