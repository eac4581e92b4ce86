/**
 * The Jira spec check (sandbox/jira/spec-check.ts): what it matches, what it flags in requests and
 * responses, that each erratum is still needed, and that the emulator records what it finds.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { JiraEmulator } from '../../../sandbox/jira/jira-emulator';
import { JIRA_SPEC_FILE, JiraSpec, SPEC_ERRATA, loadJiraSpec } from '../../../sandbox/jira/spec-check';

const spec = loadJiraSpec();
const JSON_CT = 'application/json';
const req = (method: string, pathAndQuery: string, body?: unknown, contentType: string | null = JSON_CT) =>
  spec.checkRequest(
    method,
    new URL(pathAndQuery, 'https://x.atlassian.net'),
    body,
    body === undefined ? undefined : contentType,
  );
const opId = (method: string, p: string) => {
  const r = req(method, p);
  return r.problems.length ? `violation: ${r.problems.join('; ')}` : r.operation?.operationId;
};
const res = (method: string, p: string, status: number, body: unknown) =>
  spec.checkResponse(req(method, p).operation!, status, body);

describe('Jira spec check: requests', () => {
  it('matches every operation the app uses', () => {
    expect(opId('GET', '/rest/api/3/field')).toBe('getFields');
    expect(opId('GET', '/rest/api/3/myself')).toBe('getCurrentUser');
    expect(opId('GET', '/rest/api/3/user?accountId=557058%3Aabc')).toBe('getUser');
    expect(opId('GET', '/rest/api/3/mypermissions?issueKey=ACC-1&permissions=TRANSITION_ISSUES')).toBe(
      'getMyPermissions',
    );
    expect(opId('GET', '/rest/api/3/issue/ACC-1?fields=summary,status,customfield_10100')).toBe('getIssue');
    expect(opId('GET', '/rest/api/3/issue/ACC-1/changelog?startAt=0&maxResults=100')).toBe('getChangeLogs');
    expect(opId('GET', '/rest/api/3/issue/ACC-1/transitions')).toBe('getTransitions');
    expect(opId('GET', '/rest/api/3/user/search?query=ad&maxResults=20')).toBe('findUsers');
    expect(opId('GET', '/rest/api/3/groups/picker?query=s&maxResults=20&caseInsensitive=true')).toBe('findGroups');
    expect(opId('GET', '/rest/api/3/group/bulk?groupName=Security&maxResults=1')).toBe('bulkGetGroups');
    expect(opId('GET', '/rest/api/3/project/ACC/role/10002')).toBe('getProjectRole');
    expect(req('POST', '/rest/api/3/issue/ACC-1/transitions', { transition: { id: '21' } }).problems).toEqual([]);
    expect(
      req('POST', '/rest/api/3/issue/ACC-1/notify', {
        subject: 's',
        textBody: 't',
        to: { users: [{ accountId: 'a' }] },
      }).problems,
    ).toEqual([]);
  });

  it('prefers literal segments over templates, and binds path parameters', () => {
    expect(opId('GET', '/rest/api/3/issue/createmeta')).toBe('getCreateIssueMeta');
    expect(opId('GET', '/rest/api/3/issue/CREATEMETA-1')).toBe('getIssue');
    expect(opId('GET', '/rest/api/3/issue/picker')).toBe('getIssuePickerResource');
    // Routed by path first: the literal /issue/picker has no POST, and that is the answer.
    expect(opId('POST', '/rest/api/3/issue/picker')).toMatch(/has no POST operation/);
  });

  it('flags unknown paths and methods, undeclared or mistyped parameters, and a missing required one', () => {
    expect(opId('GET', '/rest/api/3/issue/ACC-1/history')).toMatch(/no path in Jira's published API/);
    expect(opId('PATCH', '/rest/api/3/issue/ACC-1')).toMatch(/has no PATCH operation/);
    expect(opId('GET', '/rest/api/3/issue/ACC-1/changelog?limit=5')).toMatch(
      /"limit" is not declared for getChangeLogs/,
    );
    expect(opId('GET', '/rest/api/3/issue/ACC-1/changelog?startAt=first')).toMatch(/"startAt" is string "first"/);
    expect(opId('GET', '/rest/api/3/groups/picker?caseInsensitive=yes')).toMatch(/"caseInsensitive" is string/);
    expect(opId('GET', '/rest/api/3/issue/ACC-1/comment?orderBy=newest')).toMatch(/"orderBy" "newest" is not one of/);
    expect(opId('GET', '/rest/api/3/project/ACC/role/admins')).toMatch(/path parameter \{id\} is string/);
    expect(opId('GET', '/rest/api/3/user/groups')).toMatch(/"accountId" is required/);
    expect(opId('GET', `/rest/api/3/user?accountId=${'a'.repeat(129)}`)).toMatch(/longer than 128/);
    expect(opId('GET', '/rest/api/3/user/search?query=a&query=b')).toMatch(/"query" is given 2 times/);
    // Array parameters may repeat (form, exploded) or carry a comma-separated list.
    expect(opId('GET', '/rest/api/3/group/bulk?groupName=a&groupName=b')).toBe('bulkGetGroups');
  });

  it('checks the body: present when required, absent when not taken, JSON, and valid against the schema', () => {
    const p = '/rest/api/3/issue/ACC-1/transitions';
    expect(req('POST', p).problems).toEqual(['doTransition requires a request body']);
    expect(req('GET', p, { x: 1 }).problems).toEqual(['getTransitions takes no request body']);
    expect(req('POST', p, { transition: { id: '21' } }, 'text/plain').problems).toEqual([
      'Content-Type text/plain is not one of application/json',
    ]);
    expect(req('POST', p, { transition: { id: '21' } }, null).problems).toEqual([
      'Content-Type (none) is not one of application/json',
    ]);
    expect(req('POST', p, { transition: { id: 21 } }).problems).toEqual([
      'body.transition.id is integer 21, expected string',
    ]);
    // readOnly properties (OpenAPI 3.0: "SHOULD NOT be sent as part of the request").
    expect(req('POST', p, { transition: { id: '21', name: 'Approve' } }).problems).toEqual([
      'body.transition.name is read-only: Jira does not take it in a request',
    ]);
    expect(req('POST', '/rest/api/3/issue/ACC-1/notify', { to: { users: [{ accountId: 7 }] } }).problems).toEqual([
      'body.to.users[0].accountId is integer 7, expected string',
    ]);
    // Comment bodies are ADF, `{}` in the spec: anything goes here (the emulator checks ADF itself).
    expect(req('POST', '/rest/api/3/issue/ACC-1/comment', { body: 'plain text' }).problems).toEqual([]);
    expect(req('POST', '/rest/api/3/issue/ACC-1/comment', { body: {}, extra: true }).problems).toEqual([]); // additionalProperties: true
  });
});

describe('Jira spec check: responses', () => {
  it('flags properties a closed schema does not have, nulls where not nullable, wrong types and formats', () => {
    const user = { accountId: 'a', displayName: 'A', active: true, self: 'https://x.atlassian.net/u' };
    expect(res('GET', '/rest/api/3/myself', 200, user)).toEqual([]);
    expect(res('GET', '/rest/api/3/myself', 200, { ...user, nickname: 'a' })).toEqual([
      'body.nickname is not a property of the schema',
    ]);
    expect(res('GET', '/rest/api/3/myself', 200, { ...user, displayName: null })).toEqual([
      'body.displayName is null, but the schema is not nullable',
    ]);
    expect(res('GET', '/rest/api/3/myself', 200, { ...user, self: 'not a uri' })).toEqual([
      'body.self "not a uri" is not an absolute URI',
    ]);
    expect(res('GET', '/rest/api/3/myself', 200, { ...user, accountType: 'robot' })).toEqual([
      'body.accountType "robot" is not one of atlassian, app, customer, unknown',
    ]);
    expect(res('GET', '/rest/api/3/user/groups?accountId=a', 200, { name: 'g' })).toEqual([
      'body is object {"name":"g"}, expected array',
    ]);
    // GroupName.groupId is nullable in the spec.
    expect(res('GET', '/rest/api/3/user/groups?accountId=a', 200, [{ name: 'g', groupId: null }])).toEqual([]);
    const comments = { startAt: 0, maxResults: 1, total: 1, comments: [{ id: '1', created: '22 Nov 2026' }] };
    expect(res('GET', '/rest/api/3/issue/ACC-1/comment', 200, comments)).toEqual([
      'body.comments[0].created "22 Nov 2026" is not a date-time',
    ]);
  });

  it('checks a declared error body, ignores undeclared error statuses, and flags an undeclared success', () => {
    const p = '/rest/api/3/mypermissions?permissions=ADMINISTER';
    expect(res('GET', p, 400, { errorMessages: ['x'], errors: {} })).toEqual([]);
    expect(res('GET', p, 400, { message: 'x' })).toEqual(['body.message is not a property of the schema']);
    expect(res('GET', p, 503, { anything: true })).toEqual([]); // Jira may answer 429/5xx anywhere
    expect(res('POST', '/rest/api/3/issue/ACC-1/transitions', 200, {})).toEqual([
      'doTransition does not answer 200 (it declares 204, 400, 401, 404, 409, 422)',
    ]);
    expect(res('POST', '/rest/api/3/issue/ACC-1/transitions', 204, undefined)).toEqual([]);
  });
});

describe('Jira spec check: the spec itself', () => {
  const doc = JSON.parse(fs.readFileSync(JIRA_SPEC_FILE, 'utf8'));

  it('each erratum is still needed: without it the spec rejects its own example; with it, accepts it', () => {
    const op = { method: 'GET', template: '/rest/api/3/issue/{issueIdOrKey}/changelog', operationId: 'getChangeLogs' };
    const example = JSON.parse(doc.paths[op.template].get.responses['200'].content['application/json'].example);
    expect(new JiraSpec(doc, []).checkResponse(op, 200, example)).toEqual(
      expect.arrayContaining([
        'body.values[0].items[0].from is null, but the schema is not nullable',
        'body.values[0].items[0].to is null, but the schema is not nullable',
      ]),
    );
    expect(new JiraSpec(doc).checkResponse(op, 200, example)).toEqual([]);
    expect(SPEC_ERRATA.map((e) => `${e.schema}.${e.property}`)).toEqual(['ChangeDetails.from', 'ChangeDetails.to']);
  });

  it('an erratum naming a property the spec does not have fails loudly (the spec moved on)', () => {
    expect(() => new JiraSpec(doc, [{ schema: 'ChangeDetails', property: 'nope', patch: {}, evidence: '' }])).toThrow(
      /no such property/,
    );
  });

  it("the fixture is the shared copy of Jira's platform OpenAPI document, when that copy is here", () => {
    const shared = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'jira-platform-swagger.json');
    const candidates = [shared, '/work/shared/data/jira-platform-swagger.json'].filter((f) => fs.existsSync(f));
    const sha = (f: string) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');
    for (const f of candidates) expect([f, sha(f)]).toEqual([f, sha(JIRA_SPEC_FILE)]);
  });
});

describe('the Jira emulator records what the spec does not allow, and still serves the call', () => {
  const emulator = () => {
    const jira = new JiraEmulator({ now: () => '2026-11-22T09:00:00.000Z', appId: 'a', environmentId: 'e' });
    const nev = jira.addUser({ displayName: 'Nev' });
    jira.addProject({ key: 'ACC', name: 'Access' });
    jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    return jira;
  };

  it('a request: served as Jira would (an integer transition id works), recorded as a violation', () => {
    const jira = emulator();
    const r = jira.handle({
      method: 'POST',
      path: '/rest/api/3/issue/ACC-1/transitions',
      body: { transition: { id: 21 } },
      headers: { 'Content-Type': 'application/json' },
    });
    expect(r.status).toBe(204);
    expect(jira.specViolations).toEqual([
      {
        method: 'POST',
        path: '/rest/api/3/issue/ACC-1/transitions',
        operationId: 'doTransition',
        where: 'request',
        reason: 'body.transition.id is integer 21, expected string',
      },
    ]);
    expect(jira.requests.at(-1)?.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('a response: an injected failure Jira could not have sent is recorded too', () => {
    const jira = emulator();
    jira.failNext({ pathIncludes: '/mypermissions', status: 400, body: { message: 'nope' } });
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/mypermissions?permissions=ADMINISTER' }).status).toBe(400);
    expect(jira.specViolations).toEqual([
      expect.objectContaining({
        operationId: 'getMyPermissions',
        where: 'response',
        status: 400,
        reason: 'body.message is not a property of the schema',
      }),
    ]);
  });

  it("every route the emulator serves answers within the spec's schemas (a full tour)", () => {
    const jira = emulator();
    const ada = jira.addUser({ displayName: 'Ada', email: 'ada@x.example', admin: true });
    jira.addJiraGroup('Security');
    jira.addUserToJiraGroup(ada.accountId, 'Security');
    jira.setProjectRole('ACC', 'Approvers', { accountIds: [ada.accountId], groups: ['Security'] });
    jira.updateFields(
      'ACC-1',
      { accessType: 'New access', adminGroup: '00g1', changeType: 'Emergency' },
      ada.accountId,
    );
    jira.updateFields('ACC-1', { adminGroup: null }, ada.accountId);
    jira.transition('ACC-1', 'Approved', ada.accountId);
    const json = { 'Content-Type': 'application/json' };
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/rest/api/3/field'],
      ['GET', '/rest/api/3/myself'],
      ['GET', `/rest/api/3/user?accountId=${ada.accountId}`],
      ['GET', '/rest/api/3/mypermissions?issueKey=ACC-1&permissions=TRANSITION_ISSUES,ADMINISTER,BROWSE_PROJECTS'],
      ['GET', `/rest/api/3/user/groups?accountId=${ada.accountId}`],
      ['GET', '/rest/api/3/user/search?query=a'],
      ['GET', '/rest/api/3/groups/picker?query=Sec&caseInsensitive=true'],
      ['GET', '/rest/api/3/group/bulk?groupName=Security'],
      ['GET', '/rest/api/3/role'],
      ['GET', '/rest/api/3/project/ACC/role'],
      ['GET', '/rest/api/3/project/ACC/role/10002'],
      ['GET', '/rest/api/3/issue/ACC-1'],
      ['GET', '/rest/api/3/issue/ACC-1/changelog'],
      ['POST', '/rest/api/3/issue/ACC-1/comment', { body: { type: 'doc', version: 1, content: [] } }],
      ['GET', '/rest/api/3/issue/ACC-1/comment'],
      ['GET', '/rest/api/3/issue/ACC-1/transitions'],
      ['POST', '/rest/api/3/issue/ACC-1/transitions', { transition: { id: '41' } }],
      ['POST', '/rest/api/3/issue/ACC-1/notify', { subject: 's', textBody: 't', to: { reporter: true } }],
      // The break-glass review (ADR 0027): create, find by label, link, move the due date, its transitions.
      [
        'POST',
        '/rest/api/3/issue',
        {
          fields: {
            project: { key: 'ACC' },
            issuetype: { id: '10001' },
            summary: 'Break-glass review',
            description: { type: 'doc', version: 1, content: [] },
            duedate: '2026-11-22',
            labels: ['okta-jit-review-grant-1'],
            assignee: { accountId: ada.accountId },
          },
        },
      ],
      ['POST', '/rest/api/3/search/jql', { jql: 'labels = "okta-jit-review-grant-1"', fields: ['key'], maxResults: 1 }],
      [
        'POST',
        '/rest/api/3/issueLink',
        { type: { name: 'Relates' }, inwardIssue: { key: 'ACC-2' }, outwardIssue: { key: 'ACC-1' } },
      ],
      ['PUT', '/rest/api/3/issue/ACC-2', { fields: { duedate: '2026-11-23' } }],
      ['POST', '/rest/api/3/issue/ACC-2/transitions', { transition: { id: '31' } }],
      ['GET', '/rest/api/3/issue/ACC-2?fields=status,duedate,labels,resolution,description'],
    ];
    for (const [method, p, body] of calls) {
      const r = jira.handle({ method, path: p, body, asAccountId: ada.accountId, headers: body ? json : undefined });
      expect([method, p, r.status < 300]).toEqual([method, p, true]);
    }
    expect(jira.specViolations).toEqual([]);
  });
});
