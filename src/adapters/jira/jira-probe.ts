/**
 * The Jira half of the install self-check (ADR 0014): every Jira REST route the app calls, called once
 * as the app in a form that changes nothing (an issue, account or project that cannot exist; reads
 * with a query nobody matches), and the app's own fields found fresh. Forge's gateway refuses a call
 * whose scope the app was not granted with 401 ("scope does not match") before Jira looks at it, and
 * an app user without a permission gets 403: any other answer (200, 400, 404) shows the route is
 * open to the app. `test/adapters/jira/jira-probe.test.ts` keeps this list equal to the routes the
 * adapters call.
 */
import { route, type Route } from '@forge/api';
import type { Clock, JiraProbe, RouteAnswer } from '../../app/ports';
import { ISSUE_PROPERTY_KEY } from '../../domain/issue-property';
import { FieldCatalog } from './field-ids';
import { JiraError, jiraRequest } from './jira-http';

type Method = 'GET' | 'POST' | 'PUT';
interface Probe {
  method: Method;
  path: Route;
  purpose: string;
  body?: unknown;
  /** The app copes with a 403 here: what it does instead (see RouteAnswer.without403). */
  without403?: string;
}

/** Ids that no Jira site has: issue ids and numbers start at 1, account ids are never all zeros. */
const NO_ISSUE = '0';
const NO_ACCOUNT = '000000:00000000-0000-0000-0000-000000000000';
const NO_PROJECT = 'JITNOPROJ0';
const NO_MATCH = 'jit-self-check-no-match';
const ADF = {
  type: 'doc',
  version: 1,
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'self-check' }] }],
};

const probe = (method: Method, path: Route, purpose: string, body?: unknown, without403?: string): Probe => ({
  method,
  path,
  purpose,
  body,
  ...(without403 ? { without403 } : {}),
});

/** The admin page's pickers type instead of listing when Jira lets the app's user see no more. */
const TYPED = 'the admin page lets the admin type the value, unchecked';

/** Each route the adapters call (method and path template), with what the app uses it for. */
export const ROUTE_PROBES: readonly Probe[] = [
  probe('GET', route`/rest/api/3/field`, "find the app's custom fields"),
  probe('GET', route`/rest/api/3/issue/${NO_ISSUE}?fields=${'summary'}`, 'read a request issue'),
  probe('GET', route`/rest/api/3/issue/${NO_ISSUE}/changelog?startAt=${0}&maxResults=${1}`, "read an issue's history"),
  probe('GET', route`/rest/api/3/issue/${NO_ISSUE}/transitions`, 'list the close-out transition'),
  probe('POST', route`/rest/api/3/issue/${NO_ISSUE}/comment`, 'comment on a request', { body: ADF }),
  probe(
    'GET',
    route`/rest/api/3/issue/${NO_ISSUE}/comment?orderBy=${'-created'}&maxResults=${1}`,
    'check whether a notice whose delivery was cut short was posted',
  ),
  probe('POST', route`/rest/api/3/issue/${NO_ISSUE}/transitions`, 'close a request', { transition: { id: '0' } }),
  probe(
    'PUT',
    route`/rest/api/3/issue/${NO_ISSUE}/properties/${ISSUE_PROPERTY_KEY}`,
    "label a request issue with its group's name (the Admin group field's formatter reads it)",
    { v: 1, groupId: 'self-check', groupName: 'self-check' },
  ),
  probe('POST', route`/rest/api/3/issue/${NO_ISSUE}/notify`, 'email the requester', {
    subject: 'self-check',
    textBody: 'self-check',
    to: { reporter: false, assignee: false, watchers: false, voters: false, users: [{ accountId: NO_ACCOUNT }] },
  }),
  probe('GET', route`/rest/api/3/user?accountId=${NO_ACCOUNT}`, "read a requester's name, email and time zone"),
  probe('GET', route`/rest/api/3/myself`, 'confirm who a resolver runs for (asked as the user in use)'),
  probe(
    'GET',
    route`/rest/api/3/mypermissions?permissions=${'ADMINISTER'}`,
    'check Jira admin rights (asked as the user in use)',
  ),
  probe(
    'GET',
    route`/rest/api/3/mypermissions?issueKey=${NO_ISSUE}&permissions=${'TRANSITION_ISSUES'}`,
    'check who may approve (asked as the user in use)',
  ),
  probe('GET', route`/rest/api/3/user/groups?accountId=${NO_ACCOUNT}`, "read an approver's Jira groups"),
  probe('GET', route`/rest/api/3/user/search?query=${NO_MATCH}&maxResults=${1}`, 'pick approvers (people)'),
  probe(
    'GET',
    route`/rest/api/3/groups/picker?query=${NO_MATCH}&maxResults=${1}&caseInsensitive=${'true'}`,
    'pick approvers (Jira groups)',
  ),
  probe('GET', route`/rest/api/3/group/bulk?groupName=${NO_MATCH}&maxResults=${1}`, 'check an approver group exists'),
  probe('GET', route`/rest/api/3/role`, 'list project roles for approver steps'),
  probe(
    'GET',
    route`/rest/api/3/field/${'customfield_0'}/context?startAt=${0}&maxResults=${1}`,
    "list a select field's contexts (policy pickers)",
    undefined,
    TYPED,
  ),
  probe(
    'GET',
    route`/rest/api/3/field/${'customfield_0'}/context/${'0'}/option?startAt=${0}&maxResults=${1}`,
    "list a select field's options (policy pickers)",
    undefined,
    TYPED,
  ),
  probe('GET', route`/rest/api/3/project/search?query=${NO_MATCH}&maxResults=${1}`, 'pick projects (policy pickers)'),
  probe('GET', route`/rest/api/3/project/${NO_PROJECT}/statuses`, "list a project's statuses (policy pickers)"),
  probe('GET', route`/rest/api/3/status`, 'list statuses when every project is in use (policy pickers)'),
  probe(
    'POST',
    route`/rest/api/3/workflows`,
    "list the workflows' transitions (close-out picker)",
    { projectAndIssueTypes: [{ projectId: '0', issueTypeId: '0' }] },
    TYPED,
  ),
  probe('POST', route`/rest/api/3/search/jql`, 'find requests the trigger never recorded (hourly catch-up)', {
    jql: 'updated >= "-1m" ORDER BY created ASC',
    maxResults: 1,
    fields: ['summary'],
  }),
  probe('POST', route`/rest/api/3/issue`, 'file a break-glass review (ADR 0027)', {
    fields: { project: { key: NO_PROJECT }, summary: 'self-check' },
  }),
  probe('POST', route`/rest/api/3/issueLink`, 'link a break-glass review to its request', {
    type: { name: 'Relates' },
    inwardIssue: { key: NO_ISSUE },
    outwardIssue: { key: NO_ISSUE },
  }),
  probe('PUT', route`/rest/api/3/issue/${NO_ISSUE}`, "move a break-glass review's due date after an extension", {
    fields: { duedate: null },
  }),
  probe('GET', route`/rest/api/3/project/${NO_PROJECT}/role`, "read a project's roles"),
  probe('GET', route`/rest/api/3/project/${NO_PROJECT}/role/${10002}`, "read a project role's members"),
];

/** `GET /rest/api/3/issue/0/comment` (placeholders as sent, the query left out). */
const label = (p: Probe) => `${p.method} ${p.path.value.replace(/\?.*$/, '')}`;

export class JiraRouteProbe implements JiraProbe {
  constructor(private readonly clock: Clock) {}

  async discoverFields(durationFieldName: string) {
    // A catalog of its own: the check must ask Jira now, not answer from a warm instance's cache.
    return new FieldCatalog(this.clock).discover(durationFieldName);
  }

  async probeRoutes(): Promise<RouteAnswer[]> {
    return Promise.all(
      ROUTE_PROBES.map(async (p): Promise<RouteAnswer> => {
        const base = { route: label(p), purpose: p.purpose, ...(p.without403 ? { without403: p.without403 } : {}) };
        try {
          const res = await jiraRequest({ as: 'app' }, p.method, p.path, {
            ...(p.body === undefined ? {} : { body: p.body }),
            operation: `the self-check of ${base.route}`,
            clock: this.clock,
          });
          return { ...base, status: res.status };
        } catch (e) {
          // Every answer is data here (a 404 is the expected one); only a missing answer is a problem.
          if (e instanceof JiraError && e.details.status !== undefined) return { ...base, status: e.details.status };
          return { ...base, problem: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
  }
}
