/**
 * `ApproverDirectory` over Jira's REST API (v3), always as the app (`asApp()`): approver facts are
 * read when a panel approval or a status move is counted, and the admin page's pickers list people,
 * groups and roles; neither may depend on what the person asking can see. Every call goes through
 * `jiraRequest`, so failures surface as `JiraError`, the port's `IssueTrackerError`.
 *
 * Response shapes (Jira Cloud platform REST API v3, as in test/fixtures/swagger/jira.json):
 * - GET /user/groups?accountId → `GroupName[]` ({ name, groupId, self }); 404 when the user is not found.
 * - GET /user/search?query → `User[]` (accountId, accountType 'atlassian' | 'app' | 'customer',
 *   displayName, active, …); "returns a list of active users".
 * - GET /groups/picker?query → `FoundGroups` { header, total, groups: `FoundGroup[]` { name, html, groupId } },
 *   names containing the query, sorted; `caseInsensitive` defaults to false.
 * - GET /group/bulk?groupName → paged { values: [{ name, groupId }] }: the exact-name lookup below.
 * - GET /role → `ProjectRole[]` ({ id: integer, name, description, self, actors }): the site's roles,
 *   "shared globally with all projects".
 * - GET /project/{key}/role → { [roleName]: selfUrl } (…/project/{key}/role/{id}); 404 when the
 *   project is not found.
 * - GET /project/{key}/role/{id} → `ProjectRole` with `actors: RoleActor[]`: type
 *   'atlassian-user-role-actor' with actorUser.accountId, or 'atlassian-group-role-actor' with
 *   actorGroup { name, groupId }.
 * Scopes (manifest.yml): read:jira-user (user groups, user search, group picker, group bulk),
 * read:jira-work (project roles of a project), and for GET /role the read-only granular set that
 * stands in for manage:jira-configuration.
 */
import { route } from '@forge/api';
import type { ApproverDirectory, Clock } from '../../app/ports';
import type { ApproverFacts } from '../../domain/approval-policy';
import { jiraRequest } from './jira-http';

const APP = { as: 'app' } as const;
/** The pickers show at most this many hits (the port's "at most 20"). */
const MAX_HITS = 20;

interface GroupNameJson {
  name?: string;
  groupId?: string;
}
interface UserJson {
  accountId?: string;
  accountType?: string;
  displayName?: string;
  active?: boolean;
}
interface FoundGroupsJson {
  total?: number;
  groups?: Array<{ name?: string; groupId?: string }>;
}
interface GroupPageJson {
  values?: GroupNameJson[];
}
interface ProjectRoleJson {
  id?: number;
  name?: string;
  actors?: Array<{
    type?: string;
    actorUser?: { accountId?: string };
    actorGroup?: { name?: string; groupId?: string };
  }>;
}

/** The role id at the end of a project role's self URL (…/project/ACC/role/10002). */
const roleIdOf = (self: unknown): string | undefined =>
  typeof self === 'string' ? /\/role\/(\d+)\/?$/.exec(self)?.[1] : undefined;

export class JiraApproverDirectory implements ApproverDirectory {
  constructor(private readonly clock: Clock) {}

  async factsFor(accountId: string, projectKey: string, roleNames: readonly string[]): Promise<ApproverFacts> {
    const wanted = [...new Set(roleNames)];
    const [groups, roleUrls] = await Promise.all([
      this.groupsOf(accountId),
      wanted.length > 0 && projectKey ? this.projectRoles(projectKey) : Promise.resolve(undefined),
    ]);
    const jiraGroups = (groups ?? []).map((g) => g.name).filter((n): n is string => !!n);
    // An account Jira does not know holds nothing; a project Jira does not know has no roles.
    if (!groups || !roleUrls) return { accountId, jiraGroups, projectRoles: [] };
    const groupNames = new Set(jiraGroups);
    const groupIds = new Set(groups.map((g) => g.groupId).filter((id): id is string => !!id));
    const held = await Promise.all(
      wanted.map(async (name) => {
        const id = roleIdOf(Object.hasOwn(roleUrls, name) ? roleUrls[name] : undefined);
        if (!id) return false; // not a role of this project
        const res = await jiraRequest<ProjectRoleJson>(
          APP,
          'GET',
          route`/rest/api/3/project/${projectKey}/role/${id}`,
          {
            operation: 'reading a project role',
            clock: this.clock,
            accept: [404],
          },
        );
        if (res.status === 404) return false; // removed since the list was read
        return (res.body?.actors ?? []).some((a) =>
          a.type === 'atlassian-user-role-actor'
            ? a.actorUser?.accountId === accountId
            : // A group actor by its id (names can change), by name when Jira gives no id.
              a.type === 'atlassian-group-role-actor' &&
              (a.actorGroup?.groupId
                ? groupIds.has(a.actorGroup.groupId)
                : !!a.actorGroup?.name && groupNames.has(a.actorGroup.name)),
        );
      }),
    );
    return { accountId, jiraGroups, projectRoles: wanted.filter((_, i) => held[i]) };
  }

  async searchPeople(query: string): Promise<Array<{ accountId: string; displayName: string }>> {
    const res = await jiraRequest<UserJson[]>(
      APP,
      'GET',
      route`/rest/api/3/user/search?query=${query}&maxResults=${MAX_HITS}`,
      { operation: 'searching Jira people', clock: this.clock },
    );
    // Only people: app and customer accounts cannot approve, and an inactive account cannot act.
    return (Array.isArray(res.body) ? res.body : [])
      .filter((u) => u.accountType === 'atlassian' && u.active === true && !!u.accountId)
      .slice(0, MAX_HITS)
      .map((u) => ({ accountId: u.accountId!, displayName: u.displayName || u.accountId! }));
  }

  /**
   * Groups whose name contains the query (any case). A group named exactly `query` is always among
   * them, even when more than 20 names contain it: the admin page's save check asks for a group by its
   * whole name and must not find it missing because it sorted past the first page.
   */
  async searchGroups(query: string): Promise<Array<{ name: string; groupId: string }>> {
    const res = await jiraRequest<FoundGroupsJson>(
      APP,
      'GET',
      route`/rest/api/3/groups/picker?query=${query}&maxResults=${MAX_HITS}&caseInsensitive=${'true'}`,
      { operation: 'searching Jira groups', clock: this.clock },
    );
    const hits = (res.body?.groups ?? [])
      .filter((g): g is { name: string; groupId: string } => !!g.name && !!g.groupId)
      .map((g) => ({ name: g.name, groupId: g.groupId }))
      .slice(0, MAX_HITS);
    const more = typeof res.body?.total === 'number' && res.body.total > hits.length;
    if (!query || !more || hits.some((h) => h.name === query)) return hits;
    const exact = await jiraRequest<GroupPageJson>(
      APP,
      'GET',
      route`/rest/api/3/group/bulk?groupName=${query}&maxResults=${1}`,
      { operation: 'looking up a Jira group', clock: this.clock },
    );
    const found = (exact.body?.values ?? []).find((g) => g.name === query && !!g.groupId);
    return found ? [{ name: query, groupId: found.groupId! }, ...hits.slice(0, MAX_HITS - 1)] : hits;
  }

  async listRoles(): Promise<Array<{ name: string; id: string }>> {
    const res = await jiraRequest<ProjectRoleJson[]>(APP, 'GET', route`/rest/api/3/role`, {
      operation: 'listing project roles',
      clock: this.clock,
    });
    return (Array.isArray(res.body) ? res.body : [])
      .filter((r): r is ProjectRoleJson & { name: string; id: number } => !!r.name && r.id !== undefined)
      .map((r) => ({ name: r.name, id: String(r.id) }));
  }

  /** The account's groups; undefined when Jira does not know the account. */
  private async groupsOf(accountId: string): Promise<GroupNameJson[] | undefined> {
    const res = await jiraRequest<GroupNameJson[]>(APP, 'GET', route`/rest/api/3/user/groups?accountId=${accountId}`, {
      operation: "reading a Jira user's groups",
      clock: this.clock,
      accept: [404],
    });
    if (res.status === 404) return undefined;
    return Array.isArray(res.body) ? res.body : [];
  }

  /** The project's roles, name → self URL; undefined when Jira does not know the project. */
  private async projectRoles(projectKey: string): Promise<Record<string, unknown> | undefined> {
    const res = await jiraRequest<Record<string, unknown>>(APP, 'GET', route`/rest/api/3/project/${projectKey}/role`, {
      operation: "listing the project's roles",
      clock: this.clock,
      accept: [404],
    });
    if (res.status === 404) return undefined;
    return res.body && typeof res.body === 'object' ? res.body : {};
  }
}
