/**
 * The Jira emulator's configuration reads, the ones the admin page's pickers and save checks use:
 * field contexts and options, project search, a project's statuses, the site's statuses and the
 * workflows read. Each answers as Jira's published API says (every request and response is checked
 * against the OpenAPI document: no spec violation may be left) and refuses what Jira refuses.
 */
import { CHANGE_TYPE_OPTIONS, FIELD_IDS, JiraEmulator } from '../../../sandbox/jira/jira-emulator';

const made: JiraEmulator[] = [];
afterEach(() => {
  expect(made.splice(0).flatMap((j) => j.specViolations)).toEqual([]);
});

function setup(opts: { appIsAdmin?: boolean } = {}) {
  const jira = new JiraEmulator({
    now: () => '2026-11-22T09:00:00.000Z',
    appId: 'app-1111',
    environmentId: 'env-2222',
    siteUrl: 'https://x.atlassian.net',
    ...opts,
  });
  jira.addProject({ key: 'ACC', name: 'Access Requests' });
  jira.addProject({ key: 'OPS', name: 'Operations' });
  jira.addProject({ key: 'SEC', name: 'Security desk' });
  made.push(jira);
  const call = (method: string, path: string, body?: unknown) =>
    jira.handle({
      method,
      path,
      body,
      headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
    });
  const get = (path: string) => call('GET', path);
  return { jira, get, call };
}

describe('Jira emulator: configuration reads', () => {
  test('a select field has one global context and its options; other custom fields take no options', () => {
    const { jira, get } = setup();
    const risk = jira.addSelectField('Change risk', ['Low', { value: 'High', disabled: true }]);
    expect(jira.fieldDefinitions().find((f) => f.id === risk.id)).toMatchObject({
      name: 'Change risk',
      custom: true,
      schema: { type: 'option' },
    });

    const contexts = get(`/rest/api/3/field/${FIELD_IDS.changeType}/context`);
    expect(contexts).toMatchObject({
      status: 200,
      body: { isLast: true, total: 1, values: [{ id: '10400', isGlobalContext: true, isAnyIssueType: true }] },
    });
    expect(get(`/rest/api/3/field/${FIELD_IDS.changeType}/context/10400/option`).body).toMatchObject({
      isLast: true,
      values: CHANGE_TYPE_OPTIONS.map((o) => ({ id: o.id, value: o.value, disabled: false })),
    });
    const riskContext = (get(`/rest/api/3/field/${risk.id}/context`).body as { values: Array<{ id: string }> })
      .values[0].id;
    expect(get(`/rest/api/3/field/${risk.id}/context/${riskContext}/option?startAt=1&maxResults=1`).body).toMatchObject(
      {
        startAt: 1,
        total: 2,
        isLast: true,
        values: [{ value: 'High', disabled: true }],
      },
    );
    expect(get(`/rest/api/3/field/${risk.id}/context/${riskContext}/option?maxResults=1`).body).toMatchObject({
      isLast: false,
      nextPage: expect.stringContaining('startAt=1'),
    });

    const endContext = (
      get(`/rest/api/3/field/${FIELD_IDS.requestedEnd}/context`).body as { values: Array<{ id: string }> }
    ).values[0].id;
    expect(get(`/rest/api/3/field/${FIELD_IDS.requestedEnd}/context/${endContext}/option`).status).toBe(400);
    expect(get(`/rest/api/3/field/${FIELD_IDS.changeType}/context/99999/option`).status).toBe(404);
    expect(get('/rest/api/3/field/summary/context').status).toBe(404);
    expect(get('/rest/api/3/field/customfield_99999/context').status).toBe(404);
  });

  test('contexts, options and workflows need Administer Jira', () => {
    const { get, call } = setup({ appIsAdmin: false });
    expect(get(`/rest/api/3/field/${FIELD_IDS.changeType}/context`).status).toBe(403);
    expect(get(`/rest/api/3/field/${FIELD_IDS.changeType}/context/10400/option`).status).toBe(403);
    expect(call('POST', '/rest/api/3/workflows', { projectAndIssueTypes: [] }).status).toBe(403);
    // What any project browser may read stays readable.
    expect(get('/rest/api/3/project/ACC/statuses').status).toBe(200);
    expect(get('/rest/api/3/status').status).toBe(200);
  });

  test('project search: key or name contains the query, any case; by keys; ordered and paged; issue types on demand', () => {
    const { get } = setup();
    const keys = (path: string) => (get(path).body as { values: Array<{ key: string }> }).values.map((p) => p.key);
    expect(keys('/rest/api/3/project/search')).toEqual(['ACC', 'OPS', 'SEC']);
    expect(keys('/rest/api/3/project/search?query=sec')).toEqual(['SEC']);
    expect(keys('/rest/api/3/project/search?query=Requests')).toEqual(['ACC']);
    expect(keys('/rest/api/3/project/search?keys=OPS&keys=NOPE&keys=acc')).toEqual(['ACC', 'OPS']);
    expect(keys('/rest/api/3/project/search?orderBy=-key')).toEqual(['SEC', 'OPS', 'ACC']);
    expect(get('/rest/api/3/project/search?maxResults=2').body).toMatchObject({
      total: 3,
      isLast: false,
      values: [{ key: 'ACC' }, { key: 'OPS' }],
    });
    const expanded = get('/rest/api/3/project/search?keys=ACC&expand=issueTypes').body as {
      values: Array<{ issueTypes?: Array<{ id: string; name: string }> }>;
    };
    expect(expanded.values[0].issueTypes?.map((t) => t.name)).toEqual(['Task', 'Service Request']);
    expect(
      (get('/rest/api/3/project/search?keys=ACC').body as { values: Array<Record<string, unknown>> }).values[0],
    ).not.toHaveProperty('issueTypes');
  });

  test("a project's statuses by issue type, the site's statuses, and a status added to one project", () => {
    const { jira, get } = setup();
    jira.addWorkflowStatus('OPS', 'Security review', 'Send to security');
    const names = (path: string) => [
      ...new Set(
        (get(path).body as Array<{ statuses: Array<{ name: string }> }>).flatMap((t) => t.statuses.map((s) => s.name)),
      ),
    ];
    expect(names('/rest/api/3/project/ACC/statuses')).toEqual(['To Do', 'In Progress', 'Approved', 'Done']);
    expect(names('/rest/api/3/project/OPS/statuses')).toEqual([
      'To Do',
      'In Progress',
      'Approved',
      'Done',
      'Security review',
    ]);
    expect(get('/rest/api/3/project/NOPE/statuses').status).toBe(404);
    expect((get('/rest/api/3/status').body as Array<{ name: string }>).map((s) => s.name)).toEqual([
      'To Do',
      'In Progress',
      'Approved',
      'Done',
      'Security review',
    ]);
    expect(() => jira.addWorkflowStatus('OPS', 'Done', 'x')).toThrow(/every project/);
    expect(() => jira.addWorkflowStatus('NOPE', 'X', 'x')).toThrow(/no project/);
  });

  test('the workflows read: the workflows of the projects and issue types asked, with statuses and transitions', () => {
    const { jira, get, call } = setup();
    jira.addWorkflowStatus('OPS', 'Security review', 'Send to security');
    const id = (key: string) =>
      (get(`/rest/api/3/project/search?keys=${key}`).body as { values: Array<{ id: string }> }).values[0].id;
    const read = (pairs: Array<{ projectId: string; issueTypeId: string }>) =>
      call('POST', '/rest/api/3/workflows', { projectAndIssueTypes: pairs }).body as {
        workflows: Array<{ name: string; transitions: Array<{ name: string }> }>;
        statuses: Array<{ name: string; statusCategory: string }>;
      };
    const acc = read([{ projectId: id('ACC'), issueTypeId: '10001' }]);
    expect(acc.workflows.map((w) => w.transitions.map((t) => t.name))).toEqual([
      ['Start', 'Approve', 'Done', 'Reopen'],
    ]);
    expect(acc.statuses.map((s) => `${s.name}:${s.statusCategory}`)).toEqual([
      'To Do:TODO',
      'In Progress:IN_PROGRESS',
      'Approved:IN_PROGRESS',
      'Done:DONE',
    ]);
    const both = read([
      { projectId: id('ACC'), issueTypeId: '10001' },
      { projectId: id('OPS'), issueTypeId: '10002' },
    ]);
    expect(both.workflows).toHaveLength(2);
    expect(both.workflows[1].transitions.map((t) => t.name)).toContain('Send to security');
    expect(read([{ projectId: '99999', issueTypeId: '10001' }]).workflows).toEqual([]);
  });
});
