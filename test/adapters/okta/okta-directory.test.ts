/** OktaDirectory against the Okta emulator over loopback HTTP, with an SSWS API token. */
import { DirectoryError } from '../../../src/app/ports';
import { finish, startKit, thrown, type Kit } from './okta-test-kit';

let kit: Kit | undefined;
afterEach(async () => {
  await finish(kit);
  kit = undefined;
});

const idOf = (x: string | { id: string }): string => (typeof x === 'string' ? x : x.id);

describe('findActiveUserByEmail', () => {
  it('finds the one ACTIVE user, searching by profile.email (never GET /users/{login})', async () => {
    kit = await startKit();
    const ada = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }));
    kit.emulator.addUser({ login: 'bob@example.com', email: 'bob@example.com' });

    const found = await kit.directory().findActiveUserByEmail('ada@example.com');

    expect(found).toEqual({
      ok: true,
      user: { id: ada, login: 'ada@example.com', email: 'ada@example.com', status: 'ACTIVE' },
    });
    const searches = kit.paths().filter((p) => p.startsWith('/api/v1/users'));
    expect(searches).toHaveLength(1);
    expect(new URL(searches[0], 'http://x').searchParams.get('search')).toBe('profile.email eq "ada@example.com"');
  });

  it('refuses with USER.NOT_FOUND when nobody has the email', async () => {
    kit = await startKit();
    kit.emulator.addUser({ login: 'bob@example.com', email: 'bob@example.com' });
    const r = await kit.directory().findActiveUserByEmail('nobody@example.com');
    expect(r).toMatchObject({ ok: false, code: 'USER.NOT_FOUND' });
  });

  it('refuses with USER.AMBIGUOUS when two ACTIVE users share the email', async () => {
    kit = await startKit();
    kit.emulator.addUser({ login: 'sam@example.com', email: 'shared@example.com' });
    kit.emulator.addUser({ login: 'sam.other@example.com', email: 'shared@example.com' });
    const r = await kit.directory().findActiveUserByEmail('shared@example.com');
    expect(r).toMatchObject({ ok: false, code: 'USER.AMBIGUOUS' });
  });

  it('picks the ACTIVE user when a deactivated one shares the email', async () => {
    kit = await startKit();
    kit.emulator.addUser({ login: 'old@example.com', email: 'dup@example.com', status: 'DEPROVISIONED' });
    const current = idOf(kit.emulator.addUser({ login: 'new@example.com', email: 'dup@example.com' }));
    const r = await kit.directory().findActiveUserByEmail('dup@example.com');
    expect(r).toMatchObject({ ok: true, user: { id: current } });
  });

  it('refuses with USER.NOT_ACTIVE when only a deactivated user has the email', async () => {
    kit = await startKit();
    kit.emulator.addUser({ login: 'gone@example.com', email: 'gone@example.com', status: 'DEPROVISIONED' });
    const r = await kit.directory().findActiveUserByEmail('gone@example.com');
    expect(r).toMatchObject({ ok: false, code: 'USER.NOT_ACTIVE' });
    if (!r.ok) expect(r.message).toContain('DEPROVISIONED');
  });

  it('rejects an invalid email without calling Okta, and escapes quotes in a valid one', async () => {
    kit = await startKit();
    const dir = kit.directory();
    expect(await dir.findActiveUserByEmail('x" or profile.login sw "')).toMatchObject({
      ok: false,
      code: 'USER.NOT_FOUND',
    });
    expect(await dir.findActiveUserByEmail('not-an-email')).toMatchObject({ ok: false, code: 'USER.NOT_FOUND' });
    expect(kit.paths()).toEqual([]);
  });
});

describe('findActiveUserByLogin', () => {
  it('searches by profile.login and escapes quotes and backslashes', async () => {
    kit = await startKit();
    const id = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada.l@example.org' }));
    const dir = kit.directory();

    expect(await dir.findActiveUserByLogin('ada@example.com')).toMatchObject({
      ok: true,
      user: { id, email: 'ada.l@example.org' },
    });
    expect(await dir.findActiveUserByLogin('we"ird\\login')).toMatchObject({ ok: false, code: 'USER.NOT_FOUND' });

    const searches = kit
      .paths()
      .filter((p) => p.startsWith('/api/v1/users'))
      .map((p) => new URL(p, 'http://x').searchParams.get('search'));
    expect(searches).toEqual(['profile.login eq "ada@example.com"', 'profile.login eq "we\\"ird\\\\login"']);
  });
});

describe('checkGroupEligible', () => {
  it('accepts an OKTA_GROUP without rules or admin roles', async () => {
    kit = await startKit();
    const g = idOf(kit.emulator.addGroup({ name: 'db-admins' }));
    expect(await kit.directory().checkGroupEligible(g)).toEqual({
      ok: true,
      group: { id: g, name: 'db-admins', type: 'OKTA_GROUP' },
    });
  });

  it('refuses an unknown group with GROUP.NOT_FOUND', async () => {
    kit = await startKit();
    const r = await kit.directory().checkGroupEligible('00gdoesnotexist00000');
    expect(r).toMatchObject({ ok: false, code: 'GROUP.NOT_FOUND' });
  });

  it('refuses an APP_GROUP with GROUP.NOT_OKTA_GROUP', async () => {
    kit = await startKit();
    const g = idOf(kit.emulator.addGroup({ name: 'from-ad', type: 'APP_GROUP' }));
    const r = await kit.directory().checkGroupEligible(g);
    expect(r).toMatchObject({ ok: false, code: 'GROUP.NOT_OKTA_GROUP' });
    if (!r.ok) expect(r.message).toContain('APP_GROUP');
  });

  it('refuses a group that a group rule targets, reading every page of rules', async () => {
    kit = await startKit({ maxPageSize: 2 });
    const other = idOf(kit.emulator.addGroup({ name: 'other' }));
    const g = idOf(kit.emulator.addGroup({ name: 'ruled' }));
    for (let i = 0; i < 4; i++) kit.emulator.addRule({ groupIds: [other] });
    kit.emulator.addRule({ groupIds: [other, g] });

    const r = await kit.directory().checkGroupEligible(g);

    expect(r).toMatchObject({ ok: false, code: 'GROUP.RULE_TARGETED' });
    expect(kit.paths().filter((p) => p.startsWith('/api/v1/groups/rules')).length).toBeGreaterThanOrEqual(3);
  });

  it('refuses a group holding an admin role with GROUP.HAS_ADMIN_ROLE', async () => {
    kit = await startKit();
    const g = idOf(kit.emulator.addGroup({ name: 'helpdesk' }));
    kit.emulator.addRole(g, 'HELP_DESK_ADMIN');
    const r = await kit.directory().checkGroupEligible(g);
    expect(r).toMatchObject({ ok: false, code: 'GROUP.HAS_ADMIN_ROLE' });
    if (!r.ok) expect(r.message).toContain('HELP_DESK_ADMIN');
  });
});

describe('groups and membership', () => {
  it('searchGroups finds groups by name', async () => {
    kit = await startKit();
    const a = idOf(kit.emulator.addGroup({ name: 'prod-db-admins' }));
    kit.emulator.addGroup({ name: 'marketing' });
    const found = await kit.directory().searchGroups('prod');
    expect(found).toEqual([{ id: a, name: 'prod-db-admins', type: 'OKTA_GROUP' }]);
  });

  it('addMember puts the user in the group and returns the Okta request id', async () => {
    kit = await startKit();
    const u = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }));
    const g = idOf(kit.emulator.addGroup({ name: 'db-admins' }));
    const dir = kit.directory();

    expect(await dir.isMember(u, g)).toBe(false);
    const write = await dir.addMember(u, g);

    expect(write.requestId).toEqual(expect.any(String));
    expect(kit.emulator.members(g)).toContain(u);
    expect(await dir.isMember(u, g)).toBe(true);
  });

  it('addMember to an APP_GROUP is a permanent error (403 E0000006)', async () => {
    kit = await startKit();
    const u = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }));
    const g = idOf(kit.emulator.addGroup({ name: 'app', type: 'APP_GROUP' }));
    const e = await thrown(() => kit!.directory().addMember(u, g));
    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('permanent');
    expect(e.details).toMatchObject({ status: 403, oktaErrorCode: 'E0000006' });
    expect(e.details.requestId).toEqual(expect.any(String));
  });

  it('removeMember removes a member and returns the request id', async () => {
    kit = await startKit();
    const u = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }));
    const g = idOf(kit.emulator.addGroup({ name: 'db-admins' }));
    kit.emulator.addMember(g, u);
    const r = await kit.directory().removeMember(u, g);
    expect(r).toEqual({ outcome: 'removed', requestId: expect.any(String) });
    expect(kit.emulator.members(g)).not.toContain(u);
  });

  it('removeMember: DELETE 404 becomes already-gone after a confirming read', async () => {
    kit = await startKit();
    const u = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }));
    const g = idOf(kit.emulator.addGroup({ name: 'db-admins' }));
    kit.emulator.fault({
      method: 'DELETE',
      path: `/api/v1/groups/${g}/users/${u}`,
      status: 404,
      times: 1,
      body: {
        errorCode: 'E0000007',
        errorSummary: 'Not found: Resource not found',
        errorLink: 'E0000007',
        errorId: 'x',
        errorCauses: [],
      },
    });

    const r = await kit.directory().removeMember(u, g);

    expect(r.outcome).toBe('already-gone');
    const paths = kit.paths();
    const del = paths.findIndex((p) => p === `/api/v1/groups/${g}/users/${u}`);
    expect(del).toBeGreaterThanOrEqual(0);
    expect(paths.slice(del + 1).some((p) => p.startsWith(`/api/v1/users/${u}/groups`))).toBe(true);
  });

  it('removeMember: DELETE 404 while the read still shows the membership is transient, not already-gone', async () => {
    kit = await startKit();
    const u = idOf(kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }));
    const g = idOf(kit.emulator.addGroup({ name: 'db-admins' }));
    kit.emulator.addMember(g, u);
    kit.emulator.fault({
      method: 'DELETE',
      path: `/api/v1/groups/${g}/users/${u}`,
      status: 404,
      times: 1,
      body: { errorCode: 'E0000007', errorSummary: 'Not found' },
    });

    const e = await thrown(() => kit!.directory().removeMember(u, g));

    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('transient');
  });

  it('listMemberIds follows Link rel="next" across pages', async () => {
    kit = await startKit({ maxPageSize: 2 });
    const g = kit.emulator.addGroup({ name: 'big' }).id;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const u = kit.emulator.addUser({ login: `u${i}@example.com`, email: `u${i}@example.com` }).id;
      kit.emulator.addMember(g, u);
      ids.push(u);
    }

    const got = await kit.directory().listMemberIds(g);

    expect([...got].sort()).toEqual([...ids].sort());
    const pages = kit.paths().filter((p) => p.startsWith(`/api/v1/groups/${g}/users`));
    expect(pages).toHaveLength(3);
    expect(pages.slice(1).every((p) => p.includes('after='))).toBe(true);
  });

  it('a user search that spans pages sees every match (two ACTIVE on different pages → ambiguous)', async () => {
    kit = await startKit({ maxPageSize: 1 });
    kit.emulator.addUser({ login: 'a1@example.com', email: 'same@example.com' });
    kit.emulator.addUser({ login: 'a2@example.com', email: 'same@example.com' });

    const r = await kit.directory().findActiveUserByEmail('same@example.com');

    expect(r).toMatchObject({ ok: false, code: 'USER.AMBIGUOUS' });
    expect(kit.paths().filter((p) => p.startsWith('/api/v1/users')).length).toBe(2);
  });

  it('stops at the page cap (100 pages) instead of answering with part of a list', async () => {
    // An org whose member list spans 101 pages: one member per page keeps the emulator small.
    kit = await startKit({ maxPageSize: 1 });
    const g = kit.emulator.addGroup({ name: 'big' }).id;
    for (let i = 0; i < 101; i++)
      kit.emulator.addMember(g, kit.emulator.addUser({ login: `c${i}@example.com`, email: `c${i}@example.com` }).id);

    const e = await thrown(() => kit!.directory().listMemberIds(g));

    expect(e).toBeInstanceOf(DirectoryError);
    expect(e.kind).toBe('permanent');
    expect(kit.paths().filter((p) => p.startsWith(`/api/v1/groups/${g}/users`))).toHaveLength(100);
  });

  it("isMember reads the user's groups", async () => {
    kit = await startKit();
    const u = kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }).id;
    const g = kit.emulator.addGroup({ name: 'a' }).id;
    const h = kit.emulator.addGroup({ name: 'b' }).id;
    kit.emulator.addMember(h, u);
    const dir = kit.directory();
    expect(await dir.isMember(u, g)).toBe(false);
    expect(await dir.isMember(u, h)).toBe(true);
    expect(kit.paths()).toEqual([`/api/v1/users/${u}/groups`, `/api/v1/users/${u}/groups`]);
  });
});

describe('testConnection (API token)', () => {
  it('names the org and reports no missing permission', async () => {
    kit = await startKit({ orgName: 'Acme Corp' });
    expect(await kit.directory().testConnection()).toEqual({ orgName: 'Acme Corp', missingScopes: [] });
  });

  it('reports a read the token may not do as missing', async () => {
    kit = await startKit({ orgName: 'Acme Corp' });
    kit.emulator.fault({
      method: 'GET',
      path: '/api/v1/groups',
      status: 403,
      body: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' },
    });
    const r = await kit.directory().testConnection();
    expect(r).toEqual({ orgName: 'Acme Corp', missingScopes: ['okta.groups.read'] });
  });
});

describe('preflightGroup and permission refusals (custom admin role)', () => {
  const LEAST = ['okta.users.read', 'okta.groups.read', 'okta.iam.read', 'okta.groups.members.manage'];

  async function org(
    permissions: string[],
    resources: (g: string) => string[] = () => ['/api/v1/users', '/api/v1/groups'],
  ) {
    kit = await startKit();
    const g = kit.emulator.addGroup({ name: 'db-admins' }).id;
    const u = kit.emulator.addUser({ login: 'ada@example.com', email: 'ada@example.com' }).id;
    kit.emulator.addMember(g, u);
    kit.emulator.setAdminRole('api-token', { permissions, resources: resources(g) });
    return { k: kit, g, u };
  }

  it('with the least-privilege role: proves the reads and the write check, and changes no membership', async () => {
    const { k, g, u } = await org(LEAST);
    const before = k.emulator.members(g);
    const r = await k.directory().preflightGroup(g);
    expect(r.proven.join('\n')).toMatch(
      /members.*okta\.groups\.read[\s\S]*okta\.users\.read[\s\S]*okta\.groups\.members\.manage/,
    );
    expect(r.notProven).toEqual([expect.stringMatching(/real membership change/)]);
    expect(k.emulator.members(g)).toEqual(before);
    expect(k.emulator.members(g)).toContain(u);
    const writes = k.emulator.requests.filter((q) => q.method !== 'GET');
    expect(writes).toEqual([
      expect.objectContaining({
        method: 'DELETE',
        path: `/api/v1/groups/${g}/users/00uJITPREFLIGHTPROBE`,
        status: 404,
      }),
    ]);
  });

  it('without okta.groups.members.manage on the group: a permanent 403 naming the permission and the group', async () => {
    const { k, g } = await org(['okta.users.read', 'okta.groups.read', 'okta.iam.read']);
    const e = await thrown(() => k.directory().preflightGroup(g));
    expect(e).toMatchObject({ kind: 'permanent', details: { status: 403, oktaErrorCode: 'E0000006' } });
    expect(e.message).toContain(`okta.groups.members.manage on group ${g}`);
    expect(e.message).toContain('lack permission');
  });

  it('a resource set that holds other groups only: checkGroupEligible names okta.groups.read on this group', async () => {
    const { k, g } = await org(LEAST, () => ['/api/v1/users', '/api/v1/groups/00gSOMEOTHERGROUP000']);
    const e = await thrown(() => k.directory().checkGroupEligible(g));
    expect(e).toMatchObject({ kind: 'permanent', details: { status: 403 } });
    expect(e.message).toContain(`okta.groups.read on group ${g}`);
  });

  it('without okta.iam.read: the role read is refused with the permission named', async () => {
    const { k, g } = await org(['okta.users.read', 'okta.groups.read', 'okta.groups.members.manage']);
    const e = await thrown(() => k.directory().checkGroupEligible(g));
    expect(e.message).toContain('okta.iam.read');
  });
});
