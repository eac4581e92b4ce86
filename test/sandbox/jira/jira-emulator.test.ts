import { JiraEmulator, FIELD_IDS, validateAdf } from '../../../sandbox/jira/jira-emulator';

const APP_ID = 'app-1111';
const ENV_ID = 'env-2222';

/** Every emulator a test made: none may be left with a spec violation the test did not take (afterEach). */
const made: JiraEmulator[] = [];

afterEach(() => {
  const left = made.splice(0).flatMap((j) => j.specViolations);
  expect(left).toEqual([]);
});

/** The spec violations recorded so far, as `operationId: reason` (and forgets them). */
const takeViolations = (jira: JiraEmulator): string[] =>
  jira.specViolations.splice(0).map((v) => `${v.operationId ?? '?'}: ${v.reason}`);

function setup() {
  let t = Date.parse('2026-11-22T09:00:00Z');
  const events: unknown[] = [];
  const jira = new JiraEmulator({
    now: () => new Date(t).toISOString(),
    appId: APP_ID,
    environmentId: ENV_ID,
    siteUrl: 'https://x.atlassian.net',
    onEvent: (e) => events.push(e),
  });
  const advance = (ms: number) => {
    t += ms;
  };
  const nev = jira.addUser({ displayName: 'Neville Newadmin', email: 'neville.newadmin@atko.email' });
  const ada = jira.addUser({
    displayName: 'Ada Approver',
    admin: true,
    emailVisible: false,
    email: 'ada@atko.email',
    timeZone: 'Europe/Berlin',
  });
  jira.addProject({ key: 'ACC', name: 'Access Requests' });
  made.push(jira);
  return { jira, nev, ada, events, advance };
}

describe('JiraEmulator driver and events', () => {
  it('creates an issue and emits a created event without custom-field values', () => {
    const { jira, nev, events } = setup();
    const { key, event } = jira.createIssue({
      projectKey: 'ACC',
      summary: 'Linux',
      reporter: nev.accountId,
      fields: { changeType: 'Emergency', accessType: 'New access', adminGroup: '00g1' },
    });
    expect(key).toBe('ACC-1');
    expect(event).toMatchObject({
      eventType: 'avi:jira:created:issue',
      selfGenerated: false,
      atlassianId: nev.accountId,
      issue: { key: 'ACC-1', fields: { status: { name: 'To Do' }, reporter: { accountId: nev.accountId } } },
    });
    expect(Object.keys(event.issue.fields).sort()).toEqual([
      'assignee',
      'created',
      'creator',
      'issuetype',
      'project',
      'reporter',
      'status',
      'summary',
      'updated',
    ]);
    expect(JSON.stringify(event)).not.toContain('New access');
    expect(events).toHaveLength(1);
    expect(jira.issue(key)).toMatchObject({
      status: 'To Do',
      fields: { changeType: 'Emergency', accessType: 'New access', adminGroup: '00g1' },
    });
  });

  it('transition and updateFields record changelog items and events; impossible moves return undefined', () => {
    const { jira, nev, ada } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const e = jira.transition(key, 'Approved', ada.accountId)!;
    expect(e.changelog!.items).toEqual([
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: '10000',
        fromString: 'To Do',
        to: '10001',
        toString: 'Approved',
      },
    ]);
    expect(jira.transition(key, 'In Progress', ada.accountId)).toBeUndefined();
    const u = jira.updateFields(key, { changeType: 'Standard' }, nev.accountId)!;
    expect(u.changelog!.items[0]).toMatchObject({
      field: 'Change type',
      fieldtype: 'custom',
      fieldId: FIELD_IDS.changeType,
      toString: 'Standard',
    });
    expect(jira.updateFields(key, { changeType: 'Standard' }, nev.accountId)).toBeUndefined();
    expect(() => jira.updateFields(key, { changeType: 'Bogus' }, nev.accountId)).toThrow(/not an option/);
  });
});

describe('JiraEmulator REST', () => {
  it('serves fields with the app extension ARIs', () => {
    const { jira } = setup();
    const r = jira.handle({ method: 'GET', path: '/rest/api/3/field' });
    const fields = r.body as Array<{ id: string; name: string; schema: { custom?: string } }>;
    expect(
      fields.find((f) => f.schema.custom === `ari:cloud:ecosystem::extension/${APP_ID}/${ENV_ID}/static/access-type`)
        ?.id,
    ).toBe(FIELD_IDS.accessType);
    expect(fields.find((f) => f.name === 'Change type')?.schema).toMatchObject({ type: 'option' });
  });

  it('GET issue honours ?fields and renders select and string values', () => {
    const { jira, nev } = setup();
    const { key } = jira.createIssue({
      projectKey: 'ACC',
      summary: 's',
      reporter: nev.accountId,
      fields: { changeType: 'Normal', accessType: 'View access' },
    });
    const r = jira.handle({
      method: 'GET',
      path: `/rest/api/3/issue/${key}?fields=status%2C${FIELD_IDS.changeType},${FIELD_IDS.accessType},${FIELD_IDS.adminGroup}`,
    });
    expect(r.status).toBe(200);
    const f = (r.body as { fields: Record<string, unknown> }).fields;
    expect(Object.keys(f).sort()).toEqual(
      [FIELD_IDS.changeType, FIELD_IDS.accessType, FIELD_IDS.adminGroup, 'status'].sort(),
    );
    expect(f[FIELD_IDS.changeType]).toMatchObject({ value: 'Normal' });
    expect(f[FIELD_IDS.accessType]).toBe('View access');
    expect(f[FIELD_IDS.adminGroup]).toBeNull();
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/issue/ACC-99' })).toMatchObject({
      status: 404,
      body: { errorMessages: [expect.any(String)], errors: {} },
    });
  });

  it('hides a non-visible email and answers 404 for unknown users', () => {
    const { jira, ada } = setup();
    const u = jira.handle({ method: 'GET', path: `/rest/api/3/user?accountId=${encodeURIComponent(ada.accountId)}` });
    expect(u.body).toMatchObject({ accountId: ada.accountId, timeZone: 'Europe/Berlin' });
    expect(u.body).not.toHaveProperty('emailAddress');
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/user?accountId=nobody' }).status).toBe(404);
  });

  it('validates comment ADF and renders text', () => {
    const { jira, nev, ada } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const bad = jira.handle({ method: 'POST', path: `/rest/api/3/issue/${key}/comment`, body: { body: 'plain text' } });
    expect(bad.status).toBe(400);
    const wrongNode = jira.handle({
      method: 'POST',
      path: `/rest/api/3/issue/${key}/comment`,
      body: { body: { type: 'doc', version: 1, content: [{ type: 'text', text: 'x' }] } },
    });
    expect(wrongNode.status).toBe(400);
    const ok = jira.handle({
      method: 'POST',
      path: `/rest/api/3/issue/${key}/comment`,
      body: {
        body: {
          type: 'doc',
          version: 1,
          content: [
            {
              type: 'paragraph',
              content: [
                { type: 'mention', attrs: { id: ada.accountId } },
                { type: 'text', text: ' hi' },
              ],
            },
          ],
        },
      },
    });
    expect(ok.status).toBe(201);
    expect(jira.comments(key)[0]).toMatchObject({ text: '@Ada Approver hi', author: jira.appUser.accountId });
    expect(
      validateAdf({
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'table',
            content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [{ type: 'text', text: 'x' }] }] }],
          },
        ],
      }),
    ).toMatch(/not allowed/);
  });

  it('lists and performs transitions; app writes are selfGenerated', () => {
    const { jira, nev } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const list = jira.handle({ method: 'GET', path: `/rest/api/3/issue/${key}/transitions` }).body as {
      transitions: Array<{ name: string }>;
    };
    expect(list.transitions.map((t) => t.name)).toEqual(['Start', 'Approve', 'Done']);
    expect(
      jira.handle({ method: 'POST', path: `/rest/api/3/issue/${key}/transitions`, body: { transition: { id: '41' } } })
        .status,
    ).toBe(400);
    expect(
      jira.handle({ method: 'POST', path: `/rest/api/3/issue/${key}/transitions`, body: { transition: { id: '31' } } })
        .status,
    ).toBe(204);
    expect(jira.issue(key).status).toBe('Done');
    expect(jira.events.at(-1)).toMatchObject({ selfGenerated: true, atlassianId: jira.appUser.accountId });
    jira.handle({
      method: 'POST',
      path: `/rest/api/3/issue/${key}/transitions`,
      body: { transition: { id: '41' } },
      asAccountId: nev.accountId,
    });
    expect(jira.events.at(-1)).toMatchObject({ selfGenerated: false, atlassianId: nev.accountId });
  });

  it('changelog pages with author and items', () => {
    const { jira, nev, ada } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    jira.transition(key, 'In Progress', nev.accountId);
    jira.transition(key, 'Approved', ada.accountId);
    const p1 = jira.handle({ method: 'GET', path: `/rest/api/3/issue/${key}/changelog?maxResults=1` }).body;
    expect(p1).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    const p2 = jira.handle({ method: 'GET', path: `/rest/api/3/issue/${key}/changelog?startAt=1&maxResults=1` }).body;
    expect(p2).toMatchObject({
      isLast: true,
      values: [{ author: { accountId: ada.accountId }, items: [{ field: 'status', toString: 'Approved' }] }],
    });
  });

  it('notify validates recipients and records the notification', () => {
    const { jira, nev } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', textBody: 't', to: {} },
      }).status,
    ).toBe(400);
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', to: { reporter: true } },
      }).status,
    ).toBe(400);
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', textBody: 't', to: { users: [{ accountId: 'ghost' }] } },
      }).status,
    ).toBe(400);
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', textBody: 't', to: { users: [{ accountId: nev.accountId }] } },
      }).status,
    ).toBe(204);
    expect(jira.notifications(key)).toEqual([
      expect.objectContaining({ subject: 's', textBody: 't', to: [nev.accountId] }),
    ]);
  });

  it('mypermissions answers for the calling user; myself as user; unknown routes are recorded', () => {
    const { jira, nev, ada } = setup();
    const perm = (as?: string) =>
      (
        jira.handle({ method: 'GET', path: '/rest/api/3/mypermissions?permissions=ADMINISTER', asAccountId: as })
          .body as { permissions: { ADMINISTER: { havePermission: boolean } } }
      ).permissions.ADMINISTER.havePermission;
    expect(perm(ada.accountId)).toBe(true);
    expect(perm(nev.accountId)).toBe(false);
    expect(perm(undefined)).toBe(true); // the app user is in atlassian-addons-admin
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/mypermissions' }).status).toBe(400);
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/myself', asAccountId: nev.accountId }).body).toMatchObject({
      accountId: nev.accountId,
    });
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/myself', asAccountId: 'ghost' }).status).toBe(401);
    expect(jira.unhandled).toEqual([]);
    expect(jira.handle({ method: 'DELETE', path: '/rest/api/3/issue/ACC-1' })).toMatchObject({
      status: 404,
      body: { errorMessages: [expect.any(String)], errors: {} },
    });
    expect(jira.unhandled).toEqual(['DELETE /rest/api/3/issue/ACC-1']);
  });
});

describe('JiraEmulator groups, project roles and TRANSITION_ISSUES', () => {
  const get = (jira: JiraEmulator, path: string, asAccountId?: string) =>
    jira.handle({ method: 'GET', path, asAccountId }) as { status: number; body: any };

  function roles() {
    const s = setup();
    const { jira, nev, ada } = s;
    const alice = jira.addUser({ displayName: 'Alice Approver', email: 'alice@atko.email' });
    const security = jira.addJiraGroup('Security');
    const ops = jira.addJiraGroup('ops-oncall');
    jira.addUserToJiraGroup(alice.accountId, 'Security');
    jira.addUserToJiraGroup(nev.accountId, 'ops-oncall');
    const approvers = jira.setProjectRole('ACC', 'Approvers', { accountIds: [ada.accountId], groups: ['Security'] });
    return { ...s, alice, security, ops, approvers };
  }

  it('the driver refuses what Jira would not have: duplicate groups, unknown users, groups and projects', () => {
    const { jira, nev } = roles();
    expect(() => jira.addJiraGroup('security')).toThrow(/exists/);
    expect(() => jira.addUserToJiraGroup('ghost', 'Security')).toThrow(/no user/);
    expect(() => jira.addUserToJiraGroup(nev.accountId, 'nope')).toThrow(/no Jira group/);
    expect(() => jira.setProjectRole('NOPE', 'Approvers', {})).toThrow(/no project/);
    expect(() => jira.setProjectRole('ACC', 'Approvers', { groups: ['nope'] })).toThrow(/no Jira group/);
    expect(() => jira.restrictTransitions('ACC', ['ghost'])).toThrow(/no user/);
  });

  it("GET /user/groups answers the user's groups with their ids; 400 without accountId, 404 for an unknown user", () => {
    const { jira, nev, alice, security, ops } = roles();
    jira.addUserToJiraGroup(nev.accountId, 'Security');
    expect(get(jira, `/rest/api/3/user/groups?accountId=${encodeURIComponent(nev.accountId)}`)).toEqual({
      status: 200,
      body: [
        {
          name: 'ops-oncall',
          groupId: ops.groupId,
          self: `https://x.atlassian.net/rest/api/3/group?groupId=${ops.groupId}`,
        },
        {
          name: 'Security',
          groupId: security.groupId,
          self: `https://x.atlassian.net/rest/api/3/group?groupId=${security.groupId}`,
        },
      ],
    });
    expect(security.groupId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(get(jira, `/rest/api/3/user/groups?accountId=${encodeURIComponent(alice.accountId)}`).body).toHaveLength(1);
    expect(get(jira, '/rest/api/3/user/groups').status).toBe(400);
    // Jira's spec requires accountId: the emulator answers as Jira does, and records the app's mistake.
    expect(takeViolations(jira)).toEqual(['getUserGroups: query parameter "accountId" is required']);
    expect(get(jira, '/rest/api/3/user/groups?accountId=ghost').status).toBe(404);
  });

  it('GET /user/search finds active users by name, word or visible email prefix, any case; query is required', () => {
    const { jira, nev, ada, alice } = roles();
    const names = (query: string, extra = '') =>
      (
        get(jira, `/rest/api/3/user/search?query=${encodeURIComponent(query)}${extra}`).body as Array<{
          displayName: string;
        }>
      ).map((u) => u.displayName);
    // "Access" is a word of the app's name: app accounts are users too.
    expect(names('a')).toEqual(['Ada Approver', 'Alice Approver', 'Okta JIT Access for Jira']);
    expect(names('APPROVER')).toEqual(['Ada Approver', 'Alice Approver']);
    expect(names('neville.new')).toEqual(['Neville Newadmin']);
    expect(names('ada@')).toEqual([]); // Ada's email is hidden
    expect(names('a', '&maxResults=1')).toEqual(['Ada Approver']);
    expect(get(jira, '/rest/api/3/user/search?query=a').body[0]).toMatchObject({
      accountId: ada.accountId,
      accountType: 'atlassian',
      active: true,
    });
    jira.deactivateUser(alice.accountId);
    expect(names('a')).toEqual(['Ada Approver', 'Okta JIT Access for Jira']);
    expect(get(jira, '/rest/api/3/user/search').status).toBe(400);
    expect(get(jira, `/rest/api/3/user/search?query=a&accountId=${nev.accountId}`).status).toBe(400);
    expect(get(jira, '/rest/api/3/myself', alice.accountId).status).toBe(401); // deactivated
  });

  it('GET /groups/picker: names containing the query, sorted, case-sensitive unless asked, with a header and total', () => {
    const { jira, security, ops } = roles();
    for (let i = 0; i < 3; i++) jira.addJiraGroup(`sec-team-${i}`);
    expect(get(jira, '/rest/api/3/groups/picker?query=Sec&maxResults=2')).toEqual({
      status: 200,
      body: {
        header: 'Showing 1 of 1 matching groups',
        total: 1,
        groups: [{ name: 'Security', html: '<b>Sec</b>urity', labels: [], groupId: security.groupId }],
      },
    });
    const insensitive = get(jira, '/rest/api/3/groups/picker?query=SEC&caseInsensitive=true&maxResults=2').body;
    expect(insensitive.header).toBe('Showing 2 of 4 matching groups');
    expect(insensitive.groups.map((g: { name: string }) => g.name)).toEqual(['sec-team-0', 'sec-team-1']);
    expect(get(jira, '/rest/api/3/groups/picker?query=on').body.groups).toEqual([
      { name: 'ops-oncall', html: 'ops-<b>on</b>call', labels: [], groupId: ops.groupId },
    ]);
    expect(get(jira, '/rest/api/3/groups/picker?query=x&maxResults=many').status).toBe(400);
    expect(takeViolations(jira)).toEqual([
      'findGroups: query parameter "maxResults" is string "many", expected integer',
    ]);
  });

  it('GET /group/bulk finds groups by exact name or id, paged', () => {
    const { jira, security, ops } = roles();
    expect(get(jira, '/rest/api/3/group/bulk?groupName=Security').body).toEqual({
      maxResults: 50,
      startAt: 0,
      total: 1,
      isLast: true,
      values: [{ name: 'Security', groupId: security.groupId }],
    });
    expect(get(jira, '/rest/api/3/group/bulk?groupName=security').body.values).toEqual([]);
    expect(get(jira, `/rest/api/3/group/bulk?groupId=${ops.groupId}`).body.values).toEqual([
      { name: 'ops-oncall', groupId: ops.groupId },
    ]);
  });

  it('roles are defined site-wide with numeric ids; each project has its own actors', () => {
    const { jira, nev, ada, security, approvers } = roles();
    jira.addProject({ key: 'OPS', name: 'Operations' });
    expect(approvers).toEqual({ id: 10003, name: 'Approvers' });
    expect(jira.setProjectRole('OPS', 'Approvers', { accountIds: [nev.accountId] })).toEqual(approvers);
    expect(get(jira, '/rest/api/3/role').body).toEqual([
      {
        self: 'https://x.atlassian.net/rest/api/3/role/10002',
        name: 'Administrators',
        id: 10002,
        description: expect.any(String),
        actors: [],
      },
      {
        self: 'https://x.atlassian.net/rest/api/3/role/10003',
        name: 'Approvers',
        id: 10003,
        description: expect.any(String),
        actors: [],
      },
    ]);
    expect(get(jira, '/rest/api/3/project/ACC/role').body).toEqual({
      Administrators: 'https://x.atlassian.net/rest/api/3/project/ACC/role/10002',
      Approvers: 'https://x.atlassian.net/rest/api/3/project/ACC/role/10003',
    });
    expect(get(jira, '/rest/api/3/project/ACC/role/10003').body).toEqual({
      self: 'https://x.atlassian.net/rest/api/3/project/ACC/role/10003',
      name: 'Approvers',
      id: 10003,
      description: expect.any(String),
      actors: [
        {
          id: expect.any(Number),
          displayName: 'Ada Approver',
          type: 'atlassian-user-role-actor',
          actorUser: { accountId: ada.accountId },
        },
        {
          id: expect.any(Number),
          displayName: 'Security',
          name: 'Security',
          type: 'atlassian-group-role-actor',
          actorGroup: { name: 'Security', displayName: 'Security', groupId: security.groupId },
        },
      ],
    });
    expect(get(jira, '/rest/api/3/project/OPS/role/10003').body.actors).toEqual([
      expect.objectContaining({ actorUser: { accountId: nev.accountId } }),
    ]);
    expect(get(jira, '/rest/api/3/project/OPS/role/10002').body.actors).toEqual([]);
  });

  it('role reads: 404 for an unknown project or role; Administer Jira needed (the app user has it)', () => {
    const { jira, nev, ada } = roles();
    expect(get(jira, '/rest/api/3/project/NOPE/role')).toEqual({
      status: 404,
      body: { errorMessages: ["No project could be found with key 'NOPE'."], errors: {} },
    });
    expect(get(jira, '/rest/api/3/project/NOPE/role/10002').status).toBe(404);
    expect(get(jira, '/rest/api/3/project/ACC/role/99999').status).toBe(404);
    expect(get(jira, '/rest/api/3/project/ACC/role/x').status).toBe(400);
    expect(takeViolations(jira)).toEqual(['getProjectRole: path parameter {id} is string "x", expected integer']);
    expect(get(jira, '/rest/api/3/role', nev.accountId).status).toBe(403);
    expect(get(jira, '/rest/api/3/project/ACC/role', nev.accountId).status).toBe(404);
    expect(get(jira, '/rest/api/3/role', ada.accountId).status).toBe(200);
    const notAdminApp = new JiraEmulator({
      now: () => '2026-11-22T09:00:00Z',
      appId: APP_ID,
      environmentId: ENV_ID,
      appIsAdmin: false,
    });
    made.push(notAdminApp);
    expect(get(notAdminApp, '/rest/api/3/role').status).toBe(403);
  });

  it("TRANSITION_ISSUES is everyone's until restricted; then only the listed (and the app) see and make moves", () => {
    const { jira, nev, ada } = roles();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const may = (as: string | undefined, ctx: string) =>
      get(jira, `/rest/api/3/mypermissions?${ctx}&permissions=TRANSITION_ISSUES`, as).body.permissions.TRANSITION_ISSUES
        .havePermission;
    expect(may(nev.accountId, `issueKey=${key}`)).toBe(true);
    jira.restrictTransitions('ACC', [ada.accountId]);
    expect(may(nev.accountId, `issueKey=${key}`)).toBe(false);
    expect(may(nev.accountId, 'projectKey=ACC')).toBe(false);
    expect(may(ada.accountId, `issueKey=${key}`)).toBe(true);
    expect(may(undefined, `issueKey=${key}`)).toBe(true);
    expect(
      get(jira, `/rest/api/3/mypermissions?issueKey=${key}&permissions=TRANSITION_ISSUES`, nev.accountId).body,
    ).toEqual({
      permissions: {
        TRANSITION_ISSUES: {
          id: '46',
          key: 'TRANSITION_ISSUES',
          name: 'Transition Issues',
          type: 'PROJECT',
          description: expect.any(String),
          havePermission: false,
        },
      },
    });
    expect(get(jira, `/rest/api/3/issue/${key}/transitions`, nev.accountId).body.transitions).toEqual([]);
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/transitions`,
        body: { transition: { id: '21' } },
        asAccountId: nev.accountId,
      }).status,
    ).toBe(400);
    expect(() => jira.transition(key, 'Approved', nev.accountId)).toThrow(/may not transition/);
    expect(jira.transition(key, 'Approved', ada.accountId)).toBeDefined();
    jira.restrictTransitions('ACC', undefined);
    expect(may(nev.accountId, `issueKey=${key}`)).toBe(true);
    expect(get(jira, '/rest/api/3/mypermissions?issueKey=ACC-99&permissions=TRANSITION_ISSUES').status).toBe(404);
    expect(get(jira, '/rest/api/3/mypermissions?projectKey=NOPE&permissions=TRANSITION_ISSUES').status).toBe(404);
  });

  it("every new route is an operation of Jira's published API, with only the query parameters it declares", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spec = require('../../fixtures/swagger/jira.json') as {
      paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
    };
    const served = [
      '/rest/api/3/user/groups?accountId=a',
      '/rest/api/3/user/search?query=a&maxResults=20&startAt=0',
      '/rest/api/3/groups/picker?query=a&maxResults=20&caseInsensitive=true&exclude=x&excludeId=y',
      '/rest/api/3/group/bulk?groupName=a&groupId=b&maxResults=1&startAt=0',
      '/rest/api/3/role',
      '/rest/api/3/project/ACC/role',
      '/rest/api/3/project/ACC/role/10002',
      '/rest/api/3/mypermissions?issueKey=ACC-1&projectKey=ACC&issueId=1&projectId=1&permissions=TRANSITION_ISSUES',
    ];
    for (const p of served) {
      const url = new URL(p, 'https://x.atlassian.net');
      const match = Object.entries(spec.paths).find(([template]) =>
        new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(url.pathname),
      );
      expect([p, !!match?.[1].get]).toEqual([p, true]);
      const declared = new Set((match![1].get.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name));
      expect([p, [...url.searchParams.keys()].filter((k) => !declared.has(k))]).toEqual([p, []]);
    }
  });
});
