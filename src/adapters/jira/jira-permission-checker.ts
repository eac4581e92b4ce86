/**
 * `PermissionChecker` asking Jira as the user being checked, never as the app: the app's own user is
 * usually in `atlassian-addons-admin` and so holds ADMINISTER itself.
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
import { route } from '@forge/api';
import type { Clock, PermissionChecker } from '../../app/ports';
import { JiraError, jiraRequest, type JiraPrincipal } from './jira-http';

interface MyPermissions {
  permissions?: Record<string, { havePermission?: boolean }>;
}

export class JiraPermissionChecker implements PermissionChecker {
  constructor(private readonly clock: Clock) {}

  async isJiraAdmin(accountId: string): Promise<boolean> {
    if (!accountId) return false;
    const who: JiraPrincipal = { as: 'user' };
    try {
      const [me, perms] = await Promise.all([
        jiraRequest<{ accountId?: string }>(who, 'GET', route`/rest/api/3/myself`, {
          operation: 'identifying the user',
          clock: this.clock,
        }),
        jiraRequest<MyPermissions>(who, 'GET', route`/rest/api/3/mypermissions?permissions=${'ADMINISTER'}`, {
          operation: 'checking Jira permissions',
          clock: this.clock,
        }),
      ]);
      if (me.body?.accountId !== accountId) return false;
      return perms.body?.permissions?.ADMINISTER?.havePermission === true;
    } catch (e) {
      // The user has not granted the app access yet: let Forge's own error through, so the UI shows
      // the "Allow access" prompt instead of a misleading "not an admin".
      const cause = e instanceof JiraError ? (e as { cause?: unknown }).cause : undefined;
      if ((cause as { name?: string } | undefined)?.name === 'NEEDS_AUTHENTICATION_ERR') throw cause;
      // No user to act as (or not allowed to act as them): the answer is "not shown to be an admin".
      if (e instanceof JiraError && (e.details.status === 401 || e.details.status === 403)) return false;
      if (e instanceof JiraError && e.details.status === undefined && e.kind === 'permanent') return false;
      throw e;
    }
  }
}
