/**
 * `IssueTracker` over Jira's REST API, always as the app (`asApp()`): it serves product triggers,
 * queue consumers and scheduled triggers, none of which has a user to act as. Every call goes through
 * `jiraRequest`, so failures surface as `JiraError`, the port's `IssueTrackerError`.
 */
import { route } from '@forge/api';
import type { Clock, IssueSnapshot, IssueTracker, JiraUser, Message, RequestFieldNames } from '../../app/ports';
import type { HistoryEntry, RequestField } from '../../domain/request-integrity';
import { ISSUE_PROPERTY_KEY } from '../../domain/issue-property';
import { adfText, toAdf } from './adf';
import { FieldCatalog, type FieldIds } from './field-ids';
import { JiraError, jiraRequest } from './jira-http';

const APP = { as: 'app' } as const;

interface IssueJson {
  id: string;
  key: string;
  /** Entity properties asked for by key in a search (`properties: [...]`). */
  properties?: Record<string, unknown>;
  fields?: Record<string, unknown> & {
    status?: { name?: string };
    reporter?: { accountId?: string } | null;
    assignee?: { accountId?: string } | null;
    project?: { key?: string };
  };
}

/** One page of `POST /rest/api/3/search/jql` (SearchAndReconcileResults). */
interface SearchPage {
  issues?: IssueJson[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

interface UserJson {
  accountId: string;
  displayName?: string;
  emailAddress?: string;
  timeZone?: string;
}

interface ChangelogPage {
  startAt?: number;
  maxResults?: number;
  total?: number;
  isLast?: boolean;
  values?: ChangelogEntry[];
}

interface ChangelogEntry {
  author?: { accountId?: string };
  created?: string;
  items?: Array<{ field?: string; fieldId?: string; toString?: string | null }>;
}

/** Select → its value; string → itself; anything empty → undefined. */
export function unwrapValue(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.length ? v : undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'object' && typeof (v as { value?: unknown }).value === 'string')
    return (v as { value: string }).value || undefined;
  return undefined;
}

/** Jira date-times ("2026-11-22T13:00:00.000+0000") and dates ("2026-11-22") to ISO-8601 UTC. */
export function toIsoInstant(v: unknown): string | undefined {
  const s = unwrapValue(v);
  if (!s) return undefined;
  const normal = s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(normal);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A Forge string field holds the raw value; tolerate an object-shaped value from an older version. */
const rawValue = (v: unknown): unknown =>
  v === null || v === undefined || v === '' ? undefined : (unwrapValue(v) ?? v);

/** The fields a snapshot reads: the same for one issue and for a search. */
const snapshotFields = (ids: FieldIds): string[] =>
  [
    'summary',
    'status',
    'reporter',
    'project',
    'created',
    ids.accessType,
    ids.adminGroup,
    ids.duration,
    ids.requestedEnd,
    ids.plannedStart,
    ids.plannedEnd,
  ].filter((x): x is string => !!x);

function snapshotOf(body: IssueJson, ids: FieldIds): IssueSnapshot {
  const f = body.fields ?? {};
  return {
    id: String(body.id),
    key: body.key,
    projectKey: f.project?.key ?? body.key.split('-')[0],
    reporterAccountId: f.reporter?.accountId ?? undefined,
    assigneeAccountId: f.assignee?.accountId ?? undefined,
    statusName: f.status?.name ?? '',
    createdAt: toIsoInstant(f.created),
    accessType: ids.accessType ? rawValue(f[ids.accessType]) : undefined,
    adminGroup: ids.adminGroup ? rawValue(f[ids.adminGroup]) : undefined,
    changeType: ids.duration ? unwrapValue(f[ids.duration]) : undefined,
    requestedEnd: ids.requestedEnd ? toIsoInstant(f[ids.requestedEnd]) : undefined,
    ...(ids.plannedStart ? { plannedStart: toIsoInstant(f[ids.plannedStart]) } : {}),
    ...(ids.plannedEnd ? { plannedEnd: toIsoInstant(f[ids.plannedEnd]) } : {}),
  };
}

/** `customfield_10100` → `cf[10100]`, how JQL names a custom field whatever its (renamable) name. */
export function jqlFieldRef(fieldId: string): string | undefined {
  const m = /^customfield_(\d+)$/.exec(fieldId);
  return m ? `cf[${m[1]}]` : undefined;
}

export class JiraIssueTracker implements IssueTracker {
  /** `fields`: share one catalog across invocations of a warm instance (see field-ids.ts). */
  constructor(
    private readonly clock: Clock,
    private readonly fields: FieldCatalog = new FieldCatalog(clock),
  ) {}

  /** The discovered ids, plus the change window's fields (named by id in the policy: ADR 0025). */
  private async idsFor(names: RequestFieldNames): Promise<FieldIds> {
    if (typeof names === 'string') return this.fields.discover(names);
    return {
      ...(await this.fields.discover(names.durationFieldName)),
      ...(names.plannedStartFieldId ? { plannedStart: names.plannedStartFieldId } : {}),
      ...(names.plannedEndFieldId ? { plannedEnd: names.plannedEndFieldId } : {}),
    };
  }

  async getIssue(
    issueKeyOrId: string,
    names: RequestFieldNames,
    opts: { withAssignee?: boolean } = {},
  ): Promise<IssueSnapshot | undefined> {
    const ids = await this.idsFor(names);
    const fields = [...snapshotFields(ids), ...(opts.withAssignee ? ['assignee'] : [])];
    const res = await jiraRequest<IssueJson>(
      APP,
      'GET',
      route`/rest/api/3/issue/${issueKeyOrId}?fields=${fields.join(',')}`,
      {
        operation: 'reading the issue',
        clock: this.clock,
        accept: [404],
      },
    );
    if (res.status === 404 || !res.body) return undefined;
    return snapshotOf(res.body, ids);
  }

  /**
   * Jira's enhanced search (`POST /rest/api/3/search/jql`; the old `/search` is deprecated), paged by
   * `nextPageToken`, with only the fields a snapshot needs. The app's Access type field is named in
   * JQL by its numeric id (`cf[10100]`): its name is the admin's to change, its id is not.
   */
  async searchRequestIssues(q: {
    withinHours: number;
    durationFieldName: string;
    limit: number;
    cursor?: string;
  }): Promise<{ issues: IssueSnapshot[]; nextCursor?: string }> {
    const ids = await this.fields.discover(q.durationFieldName);
    const accessType = ids.accessType ? jqlFieldRef(ids.accessType) : undefined;
    if (!accessType)
      throw new JiraError(
        'permanent',
        "The app's Access type field was not found on this site, so access requests cannot be searched for.",
      );
    const hours = Math.max(1, Math.ceil(q.withinHours));
    const res = await jiraRequest<SearchPage>(APP, 'POST', route`/rest/api/3/search/jql`, {
      body: {
        jql: `${accessType} is not EMPTY AND updated >= "-${hours}h" ORDER BY created ASC`,
        fields: snapshotFields(ids),
        maxResults: q.limit,
        ...(q.cursor ? { nextPageToken: q.cursor } : {}),
      },
      operation: 'searching for access requests',
      clock: this.clock,
    });
    const issues = (res.body?.issues ?? [])
      .filter((i): i is IssueJson => !!i && typeof i.key === 'string' && i.id !== undefined)
      .map((i) => snapshotOf(i, ids));
    // Jira leaves the token out on the last page (and may say isLast): either ends the search.
    const token = res.body?.nextPageToken;
    return {
      issues,
      ...(typeof token === 'string' && token.length > 0 && res.body?.isLast !== true ? { nextCursor: token } : {}),
    };
  }

  /**
   * Request issues whose indexed access property (ADR 0024) says one of `statuses`, with the property
   * as Jira holds it: what the reconcile compares with the grants. One page of at most `limit`.
   */
  async searchAccessProperties(
    statuses: readonly string[],
    limit: number,
  ): Promise<Array<{ issueId: string; grantId?: string; property: unknown }>> {
    const list = statuses.map((s) => JSON.stringify(s)).join(', ');
    const res = await jiraRequest<SearchPage>(APP, 'POST', route`/rest/api/3/search/jql`, {
      body: {
        jql: `issue.property[${ISSUE_PROPERTY_KEY}].status IN (${list}) ORDER BY created ASC`,
        fields: ['id'],
        properties: [ISSUE_PROPERTY_KEY],
        maxResults: Math.max(1, Math.min(100, limit)),
      },
      operation: 'searching for access request properties',
      clock: this.clock,
    });
    return (res.body?.issues ?? [])
      .filter((i): i is IssueJson => !!i && i.id !== undefined)
      .map((i) => {
        const property = i.properties?.[ISSUE_PROPERTY_KEY];
        const grantId = (property as { grantId?: unknown } | undefined)?.grantId;
        return { issueId: String(i.id), ...(typeof grantId === 'string' ? { grantId } : {}), property };
      });
  }

  async getUser(accountId: string): Promise<JiraUser | undefined> {
    const res = await jiraRequest<UserJson>(APP, 'GET', route`/rest/api/3/user?accountId=${accountId}`, {
      operation: 'reading a Jira user',
      clock: this.clock,
      accept: [404],
    });
    if (res.status === 404 || !res.body) return undefined;
    const u = res.body;
    return {
      accountId: u.accountId,
      displayName: u.displayName ?? u.accountId,
      // Jira omits emailAddress (or sends it empty) when the user's profile visibility hides it.
      email: u.emailAddress ? u.emailAddress : undefined,
      timeZone: u.timeZone || 'UTC',
    };
  }

  async lastTransitionInto(
    issueKey: string,
    statusName: string,
  ): Promise<{ accountId: string; at: string } | undefined> {
    let last: { at: number; accountId: string | undefined; order: number } | undefined;
    let order = 0;
    for await (const h of this.changelog(issueKey)) {
      order++;
      const intoStatus = (h.items ?? []).some(
        (i) => (i.fieldId === 'status' || i.field === 'status') && i.toString === statusName,
      );
      if (!intoStatus) continue;
      const t = h.at ?? -Infinity;
      if (!last || t > last.at || (t === last.at && order > last.order))
        last = { at: t, accountId: h.author?.accountId, order };
    }
    // A move without a readable time or author cannot vouch for an approval.
    if (!last?.accountId || !Number.isFinite(last.at)) return undefined;
    return { accountId: last.accountId, at: new Date(last.at).toISOString() };
  }

  async requestFieldIds(names: RequestFieldNames): Promise<string[]> {
    const ids = await this.idsFor(names);
    return [ids.accessType, ids.adminGroup, ids.duration, ids.requestedEnd, ids.plannedStart, ids.plannedEnd].filter(
      (x): x is string => !!x,
    );
  }

  async history(issueKey: string, names: RequestFieldNames): Promise<HistoryEntry[]> {
    const ids = await this.idsFor(names);
    const roles = new Map<string, RequestField>([['reporter', 'reporter']]);
    if (ids.accessType) roles.set(ids.accessType, 'accessType');
    if (ids.adminGroup) roles.set(ids.adminGroup, 'adminGroup');
    if (ids.duration) roles.set(ids.duration, 'durationDriver');
    if (ids.requestedEnd) roles.set(ids.requestedEnd, 'requestedEnd');
    if (ids.plannedStart) roles.set(ids.plannedStart, 'plannedStart');
    if (ids.plannedEnd) roles.set(ids.plannedEnd, 'plannedEnd');
    const entries: HistoryEntry[] = [];
    for await (const h of this.changelog(issueKey)) {
      // An entry without a readable time or author can vouch for nothing: it cannot approve, and an
      // edit by nobody known cannot be attributed. Jira always sends both.
      if (h.at === undefined || !h.author?.accountId) continue;
      const items = h.items ?? [];
      const fields = [
        ...new Set(items.map((i) => roles.get(i.fieldId ?? i.field ?? '')).filter((x): x is RequestField => !!x)),
      ];
      const statusTo = items.find((i) => i.fieldId === 'status' || i.field === 'status')?.toString ?? undefined;
      if (fields.length === 0 && !statusTo) continue;
      entries.push({
        at: new Date(h.at).toISOString(),
        by: h.author.accountId,
        fields,
        ...(statusTo ? { statusTo } : {}),
      });
    }
    return entries;
  }

  /** The issue's changelog, oldest first, page by page; `at` is the entry's time in ms, if readable. */
  private async *changelog(issueKey: string): AsyncGenerator<ChangelogEntry & { at?: number }> {
    let startAt = 0;
    for (let page = 0; page < 1000; page++) {
      const res = await jiraRequest<ChangelogPage>(
        APP,
        'GET',
        route`/rest/api/3/issue/${issueKey}/changelog?startAt=${startAt}&maxResults=${100}`,
        {
          operation: 'reading the issue history',
          clock: this.clock,
        },
      );
      const values = res.body?.values ?? [];
      for (const h of values) {
        const at = h.created ? Date.parse(h.created.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : NaN;
        yield { ...h, ...(Number.isNaN(at) ? {} : { at }) };
      }
      startAt += values.length;
      const total = res.body?.total;
      if (values.length === 0 || res.body?.isLast === true || (typeof total === 'number' && startAt >= total)) break;
    }
  }

  async comment(issueKey: string, message: Message): Promise<'posted' | 'issue-gone'> {
    // 404: the issue was deleted (or hidden from the app); there is nobody left to tell there.
    const res = await jiraRequest(APP, 'POST', route`/rest/api/3/issue/${issueKey}/comment`, {
      body: { body: toAdf(message) },
      operation: 'commenting on the issue',
      clock: this.clock,
      accept: [404],
    });
    return res.status === 404 ? 'issue-gone' : 'posted';
  }

  async hasRecentComment(issueKey: string, message: Message, within: number): Promise<boolean> {
    // GET /rest/api/3/issue/{issueIdOrKey}/comment (getComments, read:jira-work), newest first. Compared
    // by the text Jira keeps (text nodes and mention ids), not the whole ADF: Jira may add attributes.
    const res = await jiraRequest<{ comments?: Array<{ body?: unknown }> }>(
      APP,
      'GET',
      route`/rest/api/3/issue/${issueKey}/comment?orderBy=${'-created'}&maxResults=${Math.max(1, Math.min(100, within))}`,
      { operation: 'reading the issue comments', clock: this.clock, accept: [404] },
    );
    if (res.status === 404) return false;
    const wanted = adfText(toAdf(message));
    return (res.body?.comments ?? []).some((c) => adfText(c.body) === wanted);
  }

  async setIssueProperty(issueKeyOrId: string, propertyKey: string, value: unknown): Promise<'set' | 'issue-gone'> {
    // PUT /rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey} (setIssueProperty, write:jira-work):
    // 201 created, 200 replaced; 404 the issue is gone or hidden from the app.
    const res = await jiraRequest(APP, 'PUT', route`/rest/api/3/issue/${issueKeyOrId}/properties/${propertyKey}`, {
      body: value,
      operation: 'setting the issue property',
      clock: this.clock,
      accept: [404],
    });
    return res.status === 404 ? 'issue-gone' : 'set';
  }

  async transition(issueKey: string, transitionName: string): Promise<'done' | 'unavailable'> {
    const res = await jiraRequest<{ transitions?: Array<{ id: string; name: string; isAvailable?: boolean }> }>(
      APP,
      'GET',
      route`/rest/api/3/issue/${issueKey}/transitions`,
      { operation: 'listing the issue transitions', clock: this.clock, accept: [404] },
    );
    const offered = (res.body?.transitions ?? []).filter((t) => t.isAvailable !== false);
    const wanted = transitionName.trim().toLocaleLowerCase();
    const t =
      offered.find((x) => x.name === transitionName) ??
      offered.find((x) => x.name.trim().toLocaleLowerCase() === wanted);
    if (!t) return 'unavailable';
    // 400/409: the status changed since we listed the transitions (someone else moved the issue).
    const done = await jiraRequest(APP, 'POST', route`/rest/api/3/issue/${issueKey}/transitions`, {
      body: { transition: { id: t.id } },
      operation: 'transitioning the issue',
      clock: this.clock,
      accept: [400, 409],
    });
    return done.status === 400 || done.status === 409 ? 'unavailable' : 'done';
  }
}
