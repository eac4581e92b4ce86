/**
 * `JiraCatalog` over Jira's REST API (v3), always as the app (`asApp()`): the admin page's pickers and
 * the save-time checks must see the site's configuration whatever the admin asking can browse, and
 * exactly what the app will see when it reads issues. Every call goes through `jiraRequest`, so failures
 * surface as `JiraError`, the port's `IssueTrackerError`.
 *
 * Response shapes (Jira Cloud platform REST API v3, as in test/fixtures/swagger/jira.json):
 * - GET /field → `FieldDetails[]` ({ id, name, custom, schema: { type, custom, … } }); a single-choice
 *   select list (and radio buttons) has `schema.type` 'option'; a multi-select is an 'array' of them.
 * - GET /field/{fieldId}/context → `PageBeanCustomFieldContext` { values: [{ id, name, … }], isLast };
 *   404 when the field is not a custom field or does not exist; needs Administer Jira (403 otherwise).
 * - GET /field/{fieldId}/context/{contextId}/option → `PageBeanCustomFieldContextOption`
 *   { values: [{ id, value, disabled, optionId? }], isLast }; cascading children carry `optionId`;
 *   400 when the field takes no options; needs Administer Jira.
 * - GET /project/search?keys|query&orderBy=key&expand=issueTypes → `PageBeanProject`
 *   { values: Project[], total, isLast }: only projects the app may browse.
 * - GET /project/{key}/statuses → `IssueTypeWithStatus[]` ({ id, name, statuses: [{ name, … }] }); 404
 *   when the project is not found.
 * - GET /status → `StatusDetails[]`: "all statuses associated with active workflows".
 * - POST /workflows { projectAndIssueTypes: [{ projectId, issueTypeId }] } → `WorkflowReadResponse`
 *   { workflows: [{ name, transitions: [{ id, name, … }] }], statuses }: the workflows those projects
 *   and issue types use. It is the only documented operation that names a workflow's transitions
 *   without an issue; it needs Administer Jira (or, for project-scoped workflows, Administer projects
 *   or View (read-only) workflow), so a 403 reads as "not allowed", never as "none".
 * Scopes (manifest.yml): read:jira-work (fields, projects, statuses); for the field contexts and
 * options and for the workflows, whose classic scope is manage:jira-configuration, the read-only
 * granular scopes read:field:jira, read:custom-field-contextual-configuration:jira,
 * read:field.option:jira and read:workflow:jira.
 */
import { route } from '@forge/api';
import type { CatalogField, CatalogProject, Clock, JiraCatalog, Listing } from '../../app/ports';
import { jiraRequest } from './jira-http';

const APP = { as: 'app' } as const;
/** Pages read at most per paged list (contexts, options, projects): a bound, far above real sites. */
const MAX_PAGES = 20;
/** Pairs sent per workflow read. */
const PAIRS_PER_READ = 100;

interface FieldJson {
  id?: string;
  name?: string;
  custom?: boolean;
  schema?: { type?: string };
}
interface PageJson<T> {
  values?: T[];
  isLast?: boolean;
  total?: number;
}
interface ProjectJson {
  id?: string;
  key?: string;
  name?: string;
  issueTypes?: Array<{ id?: string; name?: string }>;
}

const notAllowed = { listed: false, reason: 'not-allowed' } as const;
const notFound = { listed: false, reason: 'not-found' } as const;
const sortedUnique = (names: Iterable<string>) => [...new Set(names)].sort((a, b) => a.localeCompare(b));

export class JiraCatalogReader implements JiraCatalog {
  constructor(private readonly clock: Clock) {}

  async fields(): Promise<CatalogField[]> {
    const res = await jiraRequest<FieldJson[]>(APP, 'GET', route`/rest/api/3/field`, {
      operation: 'listing Jira fields',
      clock: this.clock,
    });
    return (Array.isArray(res.body) ? res.body : [])
      .filter((f): f is FieldJson & { id: string; name: string } => typeof f.id === 'string' && !!f.name)
      .map((f) => ({
        id: f.id,
        name: f.name,
        custom: f.custom === true,
        select: f.schema?.type === 'option',
        dateTime: f.schema?.type === 'datetime',
      }));
  }

  async fieldOptions(fieldId: string): Promise<Listing<{ id: string; value: string; disabled: boolean }>> {
    const contexts: string[] = [];
    for (let page = 0, startAt = 0; page < MAX_PAGES; page++) {
      const res = await jiraRequest<PageJson<{ id?: string }>>(
        APP,
        'GET',
        route`/rest/api/3/field/${fieldId}/context?startAt=${startAt}&maxResults=${50}`,
        { operation: "listing a field's contexts", clock: this.clock, accept: [403, 404] },
      );
      if (res.status === 403) return notAllowed;
      if (res.status === 404) return notFound;
      const values = res.body?.values ?? [];
      contexts.push(...values.map((c) => c.id).filter((id): id is string => !!id));
      if (res.body?.isLast !== false || values.length === 0) break;
      startAt += values.length;
    }
    const byValue = new Map<string, { id: string; value: string; disabled: boolean }>();
    for (const contextId of contexts) {
      for (let page = 0, startAt = 0; page < MAX_PAGES; page++) {
        const res = await jiraRequest<PageJson<{ id?: string; value?: string; disabled?: boolean; optionId?: string }>>(
          APP,
          'GET',
          route`/rest/api/3/field/${fieldId}/context/${contextId}/option?startAt=${startAt}&maxResults=${100}`,
          { operation: "listing a field's options", clock: this.clock, accept: [400, 403, 404] },
        );
        if (res.status === 403) return notAllowed;
        // 400: the field takes no options; 404: the context went away since it was listed.
        if (res.status !== 200) break;
        const values = res.body?.values ?? [];
        for (const o of values) {
          // Cascading children (optionId set) are not values of the field itself.
          if (!o.id || typeof o.value !== 'string' || o.optionId) continue;
          const seen = byValue.get(o.value);
          // The same value in several contexts: enabled in one is enabled.
          if (!seen || (seen.disabled && o.disabled !== true))
            byValue.set(o.value, { id: o.id, value: o.value, disabled: o.disabled === true });
        }
        if (res.body?.isLast !== false || values.length === 0) break;
        startAt += values.length;
      }
    }
    return { listed: true, items: [...byValue.values()] };
  }

  async projects(q: {
    query?: string;
    keys?: readonly string[];
    limit: number;
    withIssueTypes?: boolean;
  }): Promise<{ projects: CatalogProject[]; more: boolean }> {
    const out: CatalogProject[] = [];
    let more = false;
    for (let page = 0, startAt = 0; page < MAX_PAGES && out.length < q.limit; page++) {
      const params = new URLSearchParams({
        startAt: String(startAt),
        maxResults: String(Math.min(50, q.limit - out.length)),
        orderBy: 'key',
      });
      if (q.query) params.set('query', q.query);
      for (const k of q.keys ?? []) params.append('keys', k);
      if (q.withIssueTypes) params.set('expand', 'issueTypes');
      const res = await jiraRequest<PageJson<ProjectJson>>(APP, 'GET', route`/rest/api/3/project/search?${params}`, {
        operation: 'listing Jira projects',
        clock: this.clock,
      });
      const values = res.body?.values ?? [];
      for (const p of values) {
        if (!p.id || !p.key) continue;
        out.push({
          id: p.id,
          key: p.key,
          name: p.name ?? p.key,
          ...(q.withIssueTypes
            ? {
                issueTypeIds: (p.issueTypes ?? []).map((t) => t.id).filter((id): id is string => !!id),
                issueTypes: (p.issueTypes ?? []).flatMap((t) => (t.id ? [{ id: t.id, name: t.name ?? t.id }] : [])),
              }
            : {}),
        });
      }
      more = res.body?.isLast === false && values.length > 0;
      if (!more) break;
      startAt += values.length;
    }
    return { projects: out.slice(0, q.limit), more: more || out.length > q.limit };
  }

  async projectStatuses(projectKey: string): Promise<Listing<string>> {
    const res = await jiraRequest<Array<{ statuses?: Array<{ name?: string }> }>>(
      APP,
      'GET',
      route`/rest/api/3/project/${projectKey}/statuses`,
      { operation: "listing a project's statuses", clock: this.clock, accept: [404] },
    );
    if (res.status === 404) return notFound;
    const names = (Array.isArray(res.body) ? res.body : []).flatMap((t) =>
      (t.statuses ?? []).map((s) => s.name).filter((n): n is string => !!n),
    );
    return { listed: true, items: sortedUnique(names) };
  }

  async allStatuses(): Promise<string[]> {
    const res = await jiraRequest<Array<{ name?: string }>>(APP, 'GET', route`/rest/api/3/status`, {
      operation: 'listing Jira statuses',
      clock: this.clock,
    });
    return sortedUnique((Array.isArray(res.body) ? res.body : []).map((s) => s.name).filter((n): n is string => !!n));
  }

  async workflowTransitions(
    pairs: ReadonlyArray<{ projectId: string; issueTypeId: string }>,
  ): Promise<Listing<string>> {
    const names: string[] = [];
    for (let i = 0; i < pairs.length; i += PAIRS_PER_READ) {
      const res = await jiraRequest<{ workflows?: Array<{ transitions?: Array<{ name?: string }> }> }>(
        APP,
        'POST',
        route`/rest/api/3/workflows`,
        {
          body: { projectAndIssueTypes: pairs.slice(i, i + PAIRS_PER_READ).map((p) => ({ ...p })) },
          operation: 'reading the workflows of the projects in use',
          clock: this.clock,
          accept: [403],
        },
      );
      if (res.status === 403) return notAllowed;
      for (const w of res.body?.workflows ?? []) for (const t of w.transitions ?? []) if (t.name) names.push(t.name);
    }
    return { listed: true, items: sortedUnique(names) };
  }
}
