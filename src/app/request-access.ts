/**
 * Records a New access request as a grant (once per issue) and hands it to the worker, or refuses it
 * with a reason when policy already says no. Okta is not called here.
 */
import { grantIdForIssue, type Grant } from '../domain/grant';
import { decideApproval, isEmergency, projectAllowed, type PolicySettings } from '../domain/policy';
import type { AppDeps } from './deps';
import { auditGrant } from './grant-ops';
import * as say from './messages';
import type { IssueSnapshot } from './ports';

export async function requestAccess(
  deps: AppDeps, input: { issue: IssueSnapshot; groupId: string; policy: PolicySettings },
): Promise<'recorded' | 'denied' | 'duplicate'> {
  const { issue, groupId, policy } = input;
  const now = deps.clock.now();
  const allowlist = await deps.config.getAllowlist();
  const group = allowlist.find((g) => g.groupId === groupId);
  const requester = issue.reporterAccountId!;
  const base: Grant = {
    id: grantIdForIssue(issue.id), issueId: issue.id, issueKey: issue.key, projectKey: issue.projectKey,
    requesterAccountId: requester, groupId, status: 'REQUESTED', requestedAt: now, changeType: issue.changeType,
    emergency: isEmergency(policy, issue.changeType), extensions: 0, preexistingMembership: false, attempts: 0,
    version: 1, updatedAt: now,
  };

  const refusal = !group
    ? { code: 'GRANT.NOT_ALLOWLISTED', message: 'This group is not on the list of groups this app may grant. Choose a group from the Admin group list, or ask a Jira admin to allowlist it.' }
    : !projectAllowed(group, issue.projectKey)
      ? { code: 'GRANT.PROJECT_NOT_ALLOWED', message: `${group.displayName} cannot be requested from project ${issue.projectKey}. Raise the request in one of: ${group.allowedProjectKeys.join(', ')}.` }
      : undefined;
  if (refusal) {
    const denied: Grant = { ...base, status: 'DENIED', reason: refusal.message, endedAt: now };
    if ((await deps.grants.create(denied)) === 'exists') return 'duplicate';
    await auditGrant(deps.audit, denied, now, 'DENIED', 'app', `${refusal.code}: ${refusal.message}`);
    await deps.issues.comment(issue.key, say.refused(requester, 'Access request refused.', refusal.message));
    return 'denied';
  }

  const created = await deps.grants.create(base);
  const approval = decideApproval({ group: group!, settings: policy, changeType: issue.changeType, requesterAccountId: requester });
  if (created === 'exists') {
    // A duplicate delivery may follow a crash between create and enqueue: enqueueing again is harmless.
    if (approval.kind === 'grant-now') await deps.queue.enqueue([{ kind: 'grant', grantId: base.id }]);
    return 'duplicate';
  }
  await auditGrant(deps.audit, base, now, 'REQUESTED', requester, `New access to ${group!.displayName} (${groupId}) requested${issue.changeType ? `, ${policy.durationFieldName} ${issue.changeType}` : ''}.`);
  if (approval.kind === 'await-approval') {
    await auditGrant(deps.audit, base, now, 'AWAITING_APPROVAL', 'app', `Waiting for the issue to enter "${approval.statusName}".`);
    await deps.issues.comment(issue.key, say.awaitingApproval(base, group!.displayName, approval.statusName));
    return 'recorded';
  }
  if (base.emergency) await auditGrant(deps.audit, base, now, 'EMERGENCY_USED', requester, `Emergency path: approval skipped, capped at ${policy.emergencyMaxHours} h. Flagged for review.`);
  await deps.queue.enqueue([{ kind: 'grant', grantId: base.id }]);
  return 'recorded';
}
