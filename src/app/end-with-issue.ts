/**
 * Access bound to its ticket (ADR 0025): when the request issue enters one of the admin's ending
 * statuses (resolved, cancelled), an ACTIVE grant ends through the one revocation path, with its own
 * end reason. A waiting request is ended by the worker instead (grant-access.ts), without granting.
 */
import type { Grant } from '../domain/grant';
import { APP_ACTOR } from '../domain/grant-transitions';
import { endsAccess, type PolicySettings } from '../domain/policy';
import type { AppDeps } from './deps';
import { requestRevocation } from './revoke-grant';

/**
 * An ACTIVE grant whose issue is in one of the admin's ending statuses: its end begins (the same
 * revocation path as expiry, reason ISSUE_RESOLVED). True when it did. No read when none are set.
 */
export async function endIfIssueResolved(deps: AppDeps, g: Grant, known?: PolicySettings): Promise<boolean> {
  const policy = known ?? (await deps.config.getPolicy());
  if (g.status !== 'ACTIVE' || (policy.accessEndingStatuses ?? []).length === 0) return false;
  const issue = await deps.issues.getIssue(g.issueKey, policy);
  if (!issue || !endsAccess(policy, issue.statusName)) return false;
  const r = await requestRevocation(deps, {
    grantId: g.id,
    actor: APP_ACTOR,
    reason: 'ISSUE_RESOLVED',
    note: `the issue moved to "${issue.statusName}"`,
  });
  return r.ok;
}
