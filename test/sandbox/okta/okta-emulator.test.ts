import { startOktaEmulator, type OktaEmulator } from '../../../sandbox/okta/okta-emulator';
import { seedDemoOrg, type SeededOrg } from '../../../sandbox/okta/seed';

let clockMs = Date.parse('2026-11-22T09:00:00Z');
let okta: OktaEmulator;
let org: SeededOrg;

const ssws = () => ({ Authorization: `SSWS ${okta.apiToken}`, Accept: 'application/json' });
const get = (path: string, headers: Record<string, string> = ssws()) => fetch(`${okta.url}${path}`, { headers });
const call = (method: string, path: string, headers: Record<string, string> = ssws()) =>
  fetch(`${okta.url}${path}`, { method, headers });

beforeEach(async () => {
  clockMs = Date.parse('2026-11-22T09:00:00Z');
  okta = await startOktaEmulator({ now: () => clockMs, orgName: 'Atko Corp' });
  org = seedDemoOrg(okta);
});
afterEach(async () => {
  await okta.close();
});

describe('ids and seeding', () => {
  it('generates Okta-shaped ids deterministically', async () => {
    const other = await startOktaEmulator({ now: () => clockMs });
    try {
      const again = seedDemoOrg(other);
      expect(again).toEqual(org);
    } finally {
      await other.close();
    }
    expect(org.users['neville.newadmin@atko.email']).toMatch(/^00u[0-9A-Za-z]{17}$/);
    expect(org.groups['PAM Linux Sysadmins']).toMatch(/^00g[0-9A-Za-z]{17}$/);
    expect(org.rules['Engineering department']).toMatch(/^0pr[0-9A-Za-z]{17}$/);
  });
});

describe('auth and common headers', () => {
  it('accepts the seeded SSWS token and sets Okta headers from the virtual clock', async () => {
    const res = await get(`/api/v1/users/${org.users['neville.newadmin@atko.email']}`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      id: org.users['neville.newadmin@atko.email'],
      status: 'ACTIVE',
      profile: { login: 'neville.newadmin@atko.email', email: 'neville.newadmin@atko.email' },
    });
    expect(res.headers.get('x-okta-request-id')).toBeTruthy();
    expect(res.headers.get('date')).toBe(new Date(clockMs).toUTCString());
    expect(res.headers.get('x-rate-limit-limit')).toBe('600');
    expect(res.headers.get('x-rate-limit-remaining')).toBe('599');
    expect(Number(res.headers.get('x-rate-limit-reset'))).toBe(clockMs / 1000 + 60);
  });

  it('answers 401 E0000011 without or with a wrong token, with unique request ids', async () => {
    const a = await get('/api/v1/groups', {});
    const b = await get('/api/v1/groups', { Authorization: 'SSWS nope' });
    for (const r of [a, b]) {
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({
        errorCode: 'E0000011',
        errorSummary: expect.any(String),
        errorLink: 'E0000011',
        errorId: expect.any(String),
        errorCauses: [],
      });
    }
    expect(a.headers.get('x-okta-request-id')).not.toBe(b.headers.get('x-okta-request-id'));
    expect(okta.requests.slice(-2).map((r) => r.status)).toEqual([401, 401]);
  });
});

describe('users', () => {
  it('searches by email case-insensitively and includes deactivated users', async () => {
    okta.addUser({ login: 'dana.departed2@atko.email', email: 'DANA@atko.email', status: 'DEPROVISIONED' });
    const danaActive = okta.addUser({ login: 'dana.active@atko.email', email: 'dana@ATKO.email' });
    const res = await get(`/api/v1/users?search=${encodeURIComponent('profile.email eq "Dana@Atko.Email"')}`);
    expect(res.status).toBe(200);
    const users = (await res.json()) as Array<{ id: string; status: string }>;
    expect(users.map((u) => u.status).sort()).toEqual(['ACTIVE', 'DEPROVISIONED']);
    expect(users.find((u) => u.status === 'ACTIVE')?.id).toBe(danaActive.id);
    expect(okta.requests.at(-1)!.query).toEqual({ search: 'profile.email eq "Dana@Atko.Email"' });
  });

  it("searches by login and lists a user's groups; unknown user is 404 E0000007", async () => {
    const res = await get(`/api/v1/users?search=${encodeURIComponent('profile.login eq "sam.sysadmin@atko.email"')}`);
    const [sam] = await res.json();
    expect(sam.id).toBe(org.users['sam.sysadmin@atko.email']);
    const groups = (await (await get(`/api/v1/users/${sam.id}/groups`)).json()) as Array<{ profile: { name: string } }>;
    expect(groups.map((g) => g.profile.name).sort()).toEqual([
      'Engineering (rule-managed)',
      'Everyone',
      'PAM Linux Sysadmins',
    ]);
    const missing = await get('/api/v1/users/00u00000000000000000');
    expect(missing.status).toBe(404);
    expect((await missing.json()).errorCode).toBe('E0000007');
  });

  it('rejects an unsupported search expression with 400', async () => {
    const res = await get(`/api/v1/users?search=${encodeURIComponent('profile.email co "x"')}`);
    expect(res.status).toBe(400);
  });
});

describe('groups', () => {
  it('gets a group, searches by name prefix, lists rules and roles as Okta shapes them', async () => {
    const g = await (await get(`/api/v1/groups/${org.groups['PAM Linux Sysadmins']}`)).json();
    expect(g).toMatchObject({
      id: org.groups['PAM Linux Sysadmins'],
      type: 'OKTA_GROUP',
      profile: { name: 'PAM Linux Sysadmins' },
    });
    const found = (await (await get('/api/v1/groups?q=pam&limit=10')).json()) as Array<{ profile: { name: string } }>;
    expect(found.map((x) => x.profile.name).sort()).toEqual(['PAM Linux Sysadmins', 'PAM Windows Admins']);
    const rules = await (await get('/api/v1/groups/rules')).json();
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({
      id: org.rules['Engineering department'],
      type: 'group_rule',
      status: 'ACTIVE',
      actions: { assignUserToGroups: { groupIds: [org.groups['Engineering (rule-managed)']] } },
    });
    expect(rules[0].conditions.expression.type).toBe('urn:okta:expression:1.0');
    const roles = await (await get(`/api/v1/groups/${org.groups['Okta Super Admins']}/roles`)).json();
    expect(roles).toEqual([
      expect.objectContaining({ type: 'SUPER_ADMIN', status: 'ACTIVE', assignmentType: 'GROUP' }),
    ]);
    expect(await (await get(`/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/roles`)).json()).toEqual([]);
  });

  it('returns org info from GET /api/v1/org', async () => {
    const res = await get('/api/v1/org');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ companyName: 'Atko Corp', status: 'ACTIVE' });
  });
});

describe('membership writes', () => {
  it('PUT and DELETE answer 204 and change membership; DELETE of a non-member is 204 too', async () => {
    const gid = org.groups['PAM Windows Admins'];
    const uid = org.users['neville.newadmin@atko.email'];
    const put = await call('PUT', `/api/v1/groups/${gid}/users/${uid}`);
    expect(put.status).toBe(204);
    expect(await put.text()).toBe('');
    expect(okta.members(gid)).toEqual([uid]);
    expect((await call('PUT', `/api/v1/groups/${gid}/users/${uid}`)).status).toBe(204);
    expect((await call('DELETE', `/api/v1/groups/${gid}/users/${uid}`)).status).toBe(204);
    expect(okta.members(gid)).toEqual([]);
    expect((await call('DELETE', `/api/v1/groups/${gid}/users/${uid}`)).status).toBe(204);
  });

  it('refuses APP_GROUP and BUILT_IN with 403 E0000006; unknown user or group is 404 E0000007', async () => {
    const uid = org.users['neville.newadmin@atko.email'];
    for (const name of ['AWS Production Admins', 'Everyone']) {
      const res = await call('PUT', `/api/v1/groups/${org.groups[name]}/users/${uid}`);
      expect(res.status).toBe(403);
      expect((await res.json()).errorCode).toBe('E0000006');
    }
    expect(okta.members(org.groups['AWS Production Admins'])).toEqual([]);
    const noUser = await call('PUT', `/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/users/00u0000000000000zzzz`);
    expect(noUser.status).toBe(404);
    expect((await noUser.json()).errorCode).toBe('E0000007');
    const noGroup = await call('DELETE', `/api/v1/groups/00g0000000000000zzzz/users/${uid}`);
    expect(noGroup.status).toBe(404);
  });

  it('out-of-band changes are visible over HTTP', async () => {
    const gid = org.groups['PAM Linux Sysadmins'];
    const uid = org.users['alice.approver@atko.email'];
    okta.addMember(gid, uid);
    let ids = ((await (await get(`/api/v1/groups/${gid}/users`)).json()) as Array<{ id: string }>).map((u) => u.id);
    expect(ids).toContain(uid);
    okta.removeMember(gid, uid);
    ids = ((await (await get(`/api/v1/groups/${gid}/users`)).json()) as Array<{ id: string }>).map((u) => u.id);
    expect(ids).not.toContain(uid);
  });
});

describe('pagination', () => {
  it('pages group members over 3 pages by following Link rel="next"', async () => {
    const gid = okta.addGroup({ name: 'Big group' }).id;
    const expected: string[] = [];
    for (let i = 0; i < 7; i++) {
      const u = okta.addUser({ login: `user${i}@atko.email`, email: `user${i}@atko.email` });
      okta.addMember(gid, u.id);
      expected.push(u.id);
    }
    let next: string | undefined = `${okta.url}/api/v1/groups/${gid}/users?limit=3`;
    const seen: string[] = [];
    let pages = 0;
    while (next) {
      const res: Response = await fetch(next, { headers: ssws() });
      expect(res.status).toBe(200);
      pages += 1;
      const body = (await res.json()) as Array<{ id: string }>;
      seen.push(...body.map((u) => u.id));
      const link: string = res.headers.get('link') ?? '';
      expect(link).toMatch(/rel="self"/);
      next = /<([^>]+)>;\s*rel="next"/.exec(link)?.[1];
      if (next) expect(new URL(next).searchParams.get('after')).not.toMatch(/^00u/); // opaque cursor
    }
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(expected.sort());
  });

  it('honours the default page size option', async () => {
    await okta.close();
    okta = await startOktaEmulator({ now: () => clockMs, pageSize: 2 });
    org = seedDemoOrg(okta);
    const res = await get('/api/v1/users');
    expect(await res.json()).toHaveLength(2);
    expect(res.headers.get('link')).toMatch(/rel="next"/);
  });
});

describe('rate limit', () => {
  it('answers 429 E0000047 over the limit and resets when the virtual clock passes the reset', async () => {
    okta.setRateLimit(3, 60);
    for (let i = 0; i < 3; i++) expect((await get('/api/v1/groups')).status).toBe(200);
    const limited = await get('/api/v1/groups');
    expect(limited.status).toBe(429);
    expect((await limited.json()).errorCode).toBe('E0000047');
    expect(limited.headers.get('x-rate-limit-limit')).toBe('3');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset).toBe(clockMs / 1000 + 60);
    clockMs += 30_000;
    expect((await get('/api/v1/groups')).status).toBe(429);
    clockMs = reset * 1000;
    const ok = await get('/api/v1/groups');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('2');
  });
});

describe('faults', () => {
  it('injects a status and body the given number of times, then serves normally', async () => {
    const gid = org.groups['PAM Linux Sysadmins'];
    const uid = org.users['neville.newadmin@atko.email'];
    okta.fault({
      method: 'PUT',
      path: `/api/v1/groups/${gid}/users/${uid}`,
      status: 503,
      times: 2,
      headers: { 'X-Test': 'yes' },
    });
    const a = await call('PUT', `/api/v1/groups/${gid}/users/${uid}`);
    expect(a.status).toBe(503);
    expect(a.headers.get('x-test')).toBe('yes');
    expect(a.headers.get('x-okta-request-id')).toBeTruthy();
    expect((await a.json()).errorCode).toBe('E0000009');
    expect((await call('PUT', `/api/v1/groups/${gid}/users/${uid}`)).status).toBe(503);
    expect(okta.members(gid)).not.toContain(uid);
    expect((await call('PUT', `/api/v1/groups/${gid}/users/${uid}`)).status).toBe(204);
    expect(okta.members(gid)).toContain(uid);
    expect(okta.requests.slice(-3).map((r) => r.status)).toEqual([503, 503, 204]);
  });

  it('matches by RegExp, ignores other methods, supports custom bodies, delay and clearFaults', async () => {
    okta.fault({
      method: 'GET',
      path: /\/roles$/,
      status: 500,
      body: { errorCode: 'E0000009', errorSummary: 'boom' },
      delayMs: 150,
    });
    expect((await get('/api/v1/groups')).status).toBe(200);
    const t0 = performance.now();
    const res = await get(`/api/v1/groups/${org.groups['Okta Super Admins']}/roles`);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(500);
    expect((await res.json()).errorSummary).toBe('boom');
    okta.fault({ path: /./, status: 500, times: 5 });
    okta.clearFaults();
    expect((await get('/api/v1/groups')).status).toBe(200);
  });

  it('status 0 drops the connection', async () => {
    okta.fault({ path: '/api/v1/groups', status: 0 });
    await expect(get('/api/v1/groups')).rejects.toThrow();
    expect(okta.requests.at(-1)).toMatchObject({ path: '/api/v1/groups', status: 0 });
    expect((await get('/api/v1/groups')).status).toBe(200);
  });
});

describe('spec check', () => {
  it('records a route Okta does not define as a violation and answers 501', async () => {
    const res = await get(`/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/members`);
    expect(res.status).toBe(501);
    const body = await res.json();
    expect(body.errorSummary).toMatch(/not in Okta's published API/i);
    expect(body).toMatchObject({
      errorCode: expect.any(String),
      errorLink: expect.any(String),
      errorId: expect.any(String),
      errorCauses: [],
    });
    expect(okta.violations).toEqual([
      expect.objectContaining({ method: 'GET', path: `/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/members` }),
    ]);
  });

  it('records an undeclared query parameter and an undefined method as violations', async () => {
    const res = await get(`/api/v1/groups/${org.groups['PAM Linux Sysadmins']}/users?limit=2&expand=user`);
    expect(res.status).toBe(501);
    expect((await call('PATCH', `/api/v1/groups/${org.groups['PAM Linux Sysadmins']}`)).status).toBe(501);
    expect(okta.violations).toHaveLength(2);
    expect(okta.violations[0].reason).toMatch(/"expand" is not declared for listGroupUsers/);
    expect(okta.violations[1].reason).toMatch(/no PATCH operation/);
  });

  it('checks before authenticating, so an unauthenticated undefined request is still a violation', async () => {
    expect((await get('/api/v1/nonsense', {})).status).toBe(501);
    expect(okta.violations).toHaveLength(1);
  });

  it('defined requests are not violations', async () => {
    await get('/api/v1/groups/rules?limit=50');
    await get(`/api/v1/users?search=${encodeURIComponent('profile.email eq "x@y"')}`);
    expect(okta.violations).toEqual([]);
  });
});

describe('admin roles (custom role: permissions on a resource set)', () => {
  const linux = () => org.groups['PAM Linux Sysadmins'];
  const neville = () => org.users['neville.newadmin@atko.email'];
  const least = () => ({
    permissions: ['okta.users.read', 'okta.groups.read', 'okta.iam.read', 'okta.groups.members.manage'],
    resources: [`${okta.url}/api/v1/users`, `https://atko.okta.com/api/v1/groups`],
  });

  it('a role covering what the app needs allows every operation the app uses', async () => {
    okta.setAdminRole('api-token', least());
    for (const path of [
      `/api/v1/users?search=${encodeURIComponent('profile.email eq "x@y"')}`,
      `/api/v1/users/${neville()}`,
      `/api/v1/users/${neville()}/groups`,
      '/api/v1/groups?q=PAM',
      `/api/v1/groups/${linux()}`,
      `/api/v1/groups/${linux()}/users`,
      '/api/v1/groups/rules',
      `/api/v1/groups/${linux()}/roles`,
    ]) {
      expect([path, (await get(path)).status]).toEqual([path, 200]);
    }
    expect((await call('PUT', `/api/v1/groups/${linux()}/users/${neville()}`)).status).toBe(204);
    expect((await call('DELETE', `/api/v1/groups/${linux()}/users/${neville()}`)).status).toBe(204);
  });

  it("answers 403 E0000006 outside the role's permissions or resource set, before touching membership", async () => {
    okta.setAdminRole('api-token', {
      permissions: ['okta.users.read', 'okta.groups.read', 'okta.iam.read'],
      resources: ['/api/v1/users', '/api/v1/groups'],
    });
    const put = await call('PUT', `/api/v1/groups/${linux()}/users/${neville()}`);
    expect(put.status).toBe(403);
    expect(await put.json()).toMatchObject({
      errorCode: 'E0000006',
      errorSummary: 'You do not have permission to perform the requested action',
    });
    expect(okta.members(linux())).not.toContain(neville());
    // Even for a user that does not exist: the role is checked on the group first.
    expect((await call('DELETE', `/api/v1/groups/${linux()}/users/00uJITPREFLIGHTPROBE`)).status).toBe(403);

    // Membership managed on one group only.
    const db = org.groups['PAM DB Admins'] ?? okta.addGroup({ name: 'PAM DB Admins' }).id;
    okta.setAdminRole('api-token', {
      permissions: ['okta.groups.members.manage', 'okta.groups.read'],
      resources: [`/api/v1/groups/${linux()}`],
    });
    expect((await call('PUT', `/api/v1/groups/${linux()}/users/${neville()}`)).status).toBe(204);
    expect((await call('PUT', `/api/v1/groups/${db}/users/${neville()}`)).status).toBe(403);
    expect((await get(`/api/v1/groups/${db}`)).status).toBe(403);
    expect((await get('/api/v1/groups/rules')).status).toBe(403); // an org-wide list needs all groups
    expect((await get('/api/v1/users?limit=1')).status).toBe(403); // no okta.users.read
    const listed = await (await get('/api/v1/groups')).json();
    expect(listed.map((g: { id: string }) => g.id)).toEqual([linux()]); // lists show only the set's groups

    okta.setAdminRole('api-token', undefined); // back to SUPER_ADMIN
    expect((await get('/api/v1/groups/rules')).status).toBe(200);
    expect(okta.violations).toEqual([]);
  });

  it('okta.groups.manage includes okta.groups.read and okta.groups.members.manage; okta.iam.read guards role reads', async () => {
    okta.setAdminRole('api-token', { permissions: ['okta.groups.manage'], resources: ['/api/v1/groups'] });
    expect((await get(`/api/v1/groups/${linux()}`)).status).toBe(200);
    expect((await call('PUT', `/api/v1/groups/${linux()}/users/${neville()}`)).status).toBe(204);
    expect((await get(`/api/v1/groups/${linux()}/roles`)).status).toBe(403);
  });
});
