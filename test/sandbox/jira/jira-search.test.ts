/**
 * The emulator's `POST /rest/api/3/search/jql` (Jira's enhanced search): the JQL forms the app sends,
 * 400 for anything else (as Jira refuses bad JQL), `fields` selection, and `nextPageToken` paging in
 * Jira's SearchAndReconcileResults shape (no token on the last page).
 */
import { FIELD_IDS, JiraEmulator } from '../../../sandbox/jira/jira-emulator';

const HOUR = 3_600_000;

function setup() {
  let t = Date.parse('2026-11-22T09:00:00Z');
  const jira = new JiraEmulator({ now: () => new Date(t).toISOString(), appId: 'app-1', environmentId: 'env-1' });
  const nev = jira.addUser({ displayName: 'Neville Newadmin', email: 'neville@atko.email' });
  jira.addProject({ key: 'ACC', name: 'Access Requests' });
  const raise = (accessType?: string) =>
    jira.createIssue({
      projectKey: 'ACC',
      summary: 'x',
      reporter: nev.accountId,
      fields: accessType ? { accessType, adminGroup: '00g1aaaaaaaaaaaaaaaa' } : {},
    }).key;
  const search = (body: unknown) => jira.handle({ method: 'POST', path: '/rest/api/3/search/jql', body });
  return { jira, nev, raise, search, advance: (ms: number) => (t += ms) };
}

const ACCESS = `cf[${FIELD_IDS.accessType.slice('customfield_'.length)}]`;
const keysOf = (r: { body?: unknown }) => (r.body as { issues: Array<{ key?: string }> }).issues.map((i) => i.key);

describe('POST /rest/api/3/search/jql in the Jira emulator', () => {
  it('finds issues whose custom field is set and that were updated within a relative window, in the order asked', () => {
    const { raise, search, advance, jira, nev } = setup();
    const old = raise('New access'); // 09:00
    advance(2 * HOUR);
    const none = raise(); // no Access type
    const view = raise('View access'); // 11:00
    advance(30 * HOUR); // 17:00 the next day: only issues updated since 14:00 yesterday (-27h) count
    jira.updateFields(view, { accessType: 'Extend access' }, nev.accountId);
    const r = search({ jql: `${ACCESS} is not EMPTY AND updated >= "-27h" ORDER BY created ASC`, fields: ['summary'] });
    expect(r.status).toBe(200);
    expect(keysOf(r)).toEqual([view]);
    const all = search({ jql: `${ACCESS} IS NOT EMPTY and updated >= -40h order by created desc`, fields: ['key'] });
    expect(all.body).toEqual({
      issues: [
        { id: expect.any(String), key: view },
        { id: expect.any(String), key: old },
      ],
      isLast: true,
    });
    const empty = search({ jql: `${ACCESS} is EMPTY AND created > "-2d"`, fields: ['summary'] });
    expect(keysOf(empty)).toEqual([none]);
  });

  it('answers the fields asked for, in IssueBean shape, and the id alone by default', () => {
    const { raise, search } = setup();
    const key = raise('View access');
    const jql = `${ACCESS} is not EMPTY AND updated >= "-25h"`;
    const r = search({ jql, fields: ['status', FIELD_IDS.accessType, 'reporter'] });
    const issue = (r.body as { issues: Array<Record<string, unknown>> }).issues[0];
    expect(issue).toMatchObject({ key, id: expect.any(String), self: expect.stringContaining('/rest/api/3/issue/') });
    expect(Object.keys(issue.fields as object).sort()).toEqual([FIELD_IDS.accessType, 'reporter', 'status'].sort());
    expect((issue.fields as Record<string, unknown>)[FIELD_IDS.accessType]).toBe('View access');
    expect(search({ jql }).body).toEqual({ issues: [{ id: expect.any(String) }], isLast: true });
  });

  it('pages with nextPageToken, which it leaves out on the last page and refuses for another query', () => {
    const { raise, search } = setup();
    const keys = [raise('New access'), raise('New access'), raise('New access')];
    const jql = `${ACCESS} is not EMPTY AND updated >= "-25h" ORDER BY created ASC`;
    const first = search({ jql, fields: ['summary'], maxResults: 2 });
    const token = (first.body as { nextPageToken?: string }).nextPageToken;
    expect(first.body).toMatchObject({ isLast: false, nextPageToken: expect.any(String) });
    expect(keysOf(first)).toEqual(keys.slice(0, 2));
    const second = search({ jql, fields: ['summary'], maxResults: 2, nextPageToken: token });
    expect(keysOf(second)).toEqual(keys.slice(2));
    expect(second.body).toMatchObject({ isLast: true });
    expect(second.body).not.toHaveProperty('nextPageToken');
    expect(search({ jql: `${ACCESS} is EMPTY AND updated >= "-25h"`, nextPageToken: token }).status).toBe(400);
    expect(search({ jql, nextPageToken: 'forged' }).status).toBe(400);
  });

  it.each([
    ['an unbounded query', ''],
    ['a field that does not exist', 'cf[99999] is not EMPTY'],
    ['a field by a name the emulator does not read', '"Access type" is not EMPTY'],
    ['an operator it does not run', `${ACCESS} = "New access"`],
    ['OR', `${ACCESS} is not EMPTY OR updated >= "-1h"`],
    ['an absolute date', `updated >= "2026-11-21"`],
    ['an order it does not know', `${ACCESS} is not EMPTY ORDER BY priority`],
    ['trailing words', `${ACCESS} is not EMPTY AND`],
    ['unreadable characters', `${ACCESS} is not EMPTY !`],
  ])('refuses %s with 400, as Jira refuses bad JQL', (_what, jql) => {
    const { search } = setup();
    const r = search({ jql, fields: ['summary'] });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ errorMessages: [expect.any(String)] });
  });

  it('refuses a payload of the wrong shape, like the deprecated startAt', () => {
    const { search } = setup();
    const jql = `${ACCESS} is not EMPTY AND updated >= "-25h"`;
    expect(search({ jql, startAt: 0 }).status).toBe(400);
    expect(search({ jql, fields: 'summary' }).status).toBe(400);
    expect(search('jql').status).toBe(400);
  });
});
