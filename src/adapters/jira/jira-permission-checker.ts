/**
 * `PermissionChecker` asking Jira as the user being checked, never as the app: the app's own user is
 * usually in `atlassian-addons-admin` and so holds ADMINISTER itself (and may transition issues).
 * Both checks (isJiraAdmin, mayTransitionIssue) are one GET /rest/api/3/mypermissions as the user.
 *
 * How @forge/api 8.3 identifies the user (out/api/fetch.js): `asUser(userId?)` sends
 * `__forge_fetch__({ type: 'fpp', provider: 'user', remote: 'jira', accountId: userId }, ...)`.
 * With no `userId` the platform acts as the invocation's principal (the resolver caller); nothing in
 * `__forge_runtime__` names that account. With a `userId` it is "user impersonation" (added in
 * @forge/api 5.3.0), which the platform allows only with per-scope `allowImpersonation` — a manifest
 * property that @forge/manifest 13.7 marks "not yet supported" and that this app does not declare.
 *
 * So by default the checker asks as the principal (`asUser()`) and reads `/myself` to be sure the
 * principal IS `accountId`; for any other account, or outside a user context (trigger, consumer,
 * schedule), it fails closed with `false`. Resolvers pass `context.accountId`, which is the principal.
 */
import { route, type Route } from '@forge/api';
import type { Clock, PermissionChecker } from '../../app/ports';
import { JiraError, jiraRequest, type JiraPrincipal } from './jira-http';

interface MyPermissions {
  permissions?: Record<string, { havePermission?: boolean }>;
}

export class JiraPermissionChecker implements PermissionChecker {
  constructor(private readonly clock: Clock) {}

  async isJiraAdmin(accountId: string): Promise<boolean> {
    return this.principalHas(accountId, 'ADMINISTER', route`/rest/api/3/mypermissions?permissions=${'ADMINISTER'}`);
  }

  /**
   * TRANSITION_ISSUES in the issue's context: GET /rest/api/3/mypermissions?issueKey=…&permissions=…
   * ("for an issue, … if the user has the permission in the issue"). Jira answers 404 when the issue
   * does not exist or the user cannot see it; a user who cannot see the issue cannot move it: false.
   */
  async mayTransitionIssue(accountId: string, issueKey: string): Promise<boolean> {
    if (!issueKey) return false;
    return this.principalHas(
      accountId,
      'TRANSITION_ISSUES',
      route`/rest/api/3/mypermissions?issueKey=${issueKey}&permissions=${'TRANSITION_ISSUES'}`,
      [404],
    );
  }

  /**
   * Asks Jira as the invocation's principal whether it holds `permission` (`query` is the
   * /mypermissions route asking for it), and is sure through /myself that the principal is
   * `accountId`. Statuses in `refusing` (besides 401/403) also mean "not shown to hold it".
   */
  private async principalHas(
    accountId: string,
    permission: string,
    query: Route,
    refusing: number[] = [],
  ): Promise<boolean> {
    if (!accountId) return false;
    const who: JiraPrincipal = { as: 'user' };
    try {
      const [me, perms] = await Promise.all([
        jiraRequest<{ accountId?: string }>(who, 'GET', route`/rest/api/3/myself`, {
          operation: 'identifying the user',
          clock: this.clock,
        }),
        jiraRequest<MyPermissions>(who, 'GET', query, {
          operation: 'checking Jira permissions',
          clock: this.clock,
          accept: refusing,
        }),
      ]);
      if (me.body?.accountId !== accountId) return false;
      if (refusing.includes(perms.status)) return false;
      return perms.body?.permissions?.[permission]?.havePermission === true;
    } catch (e) {
      // The user has not granted the app access yet: let Forge's own error through, so the UI shows
      // the "Allow access" prompt instead of a misleading "not permitted".
      const cause = e instanceof JiraError ? (e as { cause?: unknown }).cause : undefined;
      if ((cause as { name?: string } | undefined)?.name === 'NEEDS_AUTHENTICATION_ERR') throw cause;
      // No user to act as (or not allowed to act as them): the answer is "not shown to hold it".
      if (e instanceof JiraError && (e.details.status === 401 || e.details.status === 403)) return false;
      if (e instanceof JiraError && e.details.status === undefined && e.kind === 'permanent') return false;
      throw e;
    }
  }
}
