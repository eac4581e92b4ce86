/**
 * Records a New access request as a grant (once per issue) and hands it to the worker, or refuses it
 * with a reason when policy already says no. Okta is not called here.
 */
import type { Grant } from '../domain/grant';
import { deny, openRequest } from '../domain/grant-transitions';
import {
  capHours,
  checkWindow,
  decideApproval,
  isEmergency,
  projectAllowed,
  type PolicySettings,
} from '../domain/policy';
import { describeSteps, stepsOf } from '../domain/approval-policy';
import { approversInWords } from './approvals';
import type { AppDeps } from './deps';
import { recordRequest } from './grant-lifecycle';
import { tell, tellUnlessOwed } from './deliver-notice';
import { auditGrant, noticeStep } from './notices';
import * as say from './messages';
import type { IssueSnapshot } from './ports';

export async function requestAccess(
  deps: AppDeps,
  input: { issue: IssueSnapshot; groupId: string; policy: PolicySettings; requestNumber?: number; raisedBy?: string },
): Promise<'recorded' | 'denied' | 'duplicate'> {
  const { groupId, policy } = input;
  // The history first, then the fields: an edit between the two reads then counts as an edit after
  // the recording (said, never silently absorbed), and approvals are counted only from here on.
  const historySeen = (await deps.issues.history(input.issue.key, policy)).length;
  const issue = await deps.issues.getIssue(input.issue.key, policy);
  // Gone, or edited since the caller read it: that edit's own event records the issue as it then reads.
  if (
    !issue ||
    issue.adminGroup !== groupId ||
    issue.accessType !== 'New access' ||
    issue.reporterAccountId !== input.issue.reporterAccountId
  )
    return 'duplicate';
  const now = deps.clock.now();
  const allowlist = await deps.config.getAllowlist();
  const group = allowlist.find((g) => g.groupId === groupId);
  const requested = openRequest(
    {
      issueId: issue.id,
      issueKey: issue.key,
      projectKey: issue.projectKey,
      requesterAccountId: issue.reporterAccountId!,
      groupId,
      changeType: issue.changeType,
      requestedEnd: issue.requestedEnd,
      plannedStart: issue.plannedStart,
      plannedEnd: issue.plannedEnd,
      emergency: isEmergency(policy, issue.changeType),
      requestNumber: input.requestNumber ?? 1,
      historySeen,
      raisedBy: input.raisedBy,
    },
    now,
  );

  const refusal = !group
    ? {
        code: 'GRANT.NOT_ALLOWLISTED',
        message:
          'This group is not on the list of groups this app may grant. Choose a group from the Admin group list, or ask a Jira admin to allowlist it.',
      }
    : !projectAllowed(group, issue.projectKey)
      ? {
          code: 'GRANT.PROJECT_NOT_ALLOWED',
          message: `${group.displayName} cannot be requested from project ${issue.projectKey}. Raise the request in one of: ${group.allowedProjectKeys.join(', ')}.`,
        }
      : // A change window that cannot be honoured as asked is refused, never bent (ADR 0025).
        checkWindow({
          plannedStart: issue.plannedStart,
          plannedEnd: issue.plannedEnd,
          now,
          capHours: capHours(policy, group, issue.changeType),
        });
  // Refused at intake: stored DENIED from the start. Its audit entries and comment follow in
  // completeIntake, each once, so a duplicate event after a crash finishes what the first began.
  const initial: Grant = refusal ? deny(requested, refusal, now).grant : requested;
  const created = await recordRequest(deps.grants, initial);
  const stored = created === 'created' ? initial : await deps.grants.get(initial.id);
  if (stored) await completeIntake(deps, stored, policy);
  if (created === 'exists') return 'duplicate';
  return refusal ? 'denied' : 'recorded';
}

/** Who raised a rule's request, for its REQUESTED entry (ADR 0026). */
const ruleSuffix = (g: Grant): string =>
  g.raisedByRule
    ? ` for ${g.requesterAccountId} by ${g.raisedByRule.rule ? `Automation rule "${g.raisedByRule.rule}"` : 'an Automation rule'} (run as ${g.raisedByRule.actor})${g.requestedHours !== undefined ? `, ${g.requestedHours} h asked` : ''}`
    : '';

/**
 * What follows the recording of a request: its audit entries, the refusal or waiting comment, and the
 * hand-over to the worker. Every step runs once per grant, and the whole is safe to run again: a
 * duplicate event after a crash half way through finishes what the first delivery started.
 */
export async function completeIntake(
  deps: AppDeps,
  g: Grant,
  policy: PolicySettings,
  opts: { handOver: boolean } = { handOver: true },
): Promise<void> {
  const allowlist = await deps.config.getAllowlist();
  const group = allowlist.find((x) => x.groupId === g.groupId);
  const at = g.requestedAt;
  const step = (name: string, run: () => Promise<unknown>) => noticeStep(deps.ledger, `intake:${g.id}`, name, run);
  // The issue property (ADR 0018, 0024) is not intake's: the grant store writes it after every stored
  // change of the grant, this creation included (src/app/grant-lifecycle/issue-property.ts).
  // Refused at intake = created DENIED and never written since (version 1); the worker's own denials
  // are announced by the worker.
  if (g.status === 'DENIED' && g.version === 1) {
    await step('audit-denied', () =>
      auditGrant(deps.audit, g, at, 'DENIED', 'app', `${g.reasonCode ?? 'GRANT.REFUSED'}: ${g.reason}`),
    );
    await tell(deps, `intake:${g.id}:comment-denied`, {
      issueKey: g.issueKey,
      comment: say.refused(g.requesterAccountId, 'Access request refused.', g.reason ?? ''),
    });
    return;
  }
  if (g.status !== 'REQUESTED' || !group) return;
  await step('audit-requested', () =>
    auditGrant(
      deps.audit,
      g,
      at,
      'REQUESTED',
      g.raisedByRule?.actor ?? g.requesterAccountId,
      `New access to ${group.displayName} (${g.groupId}) requested${g.changeType ? `, ${policy.durationFieldName} ${g.changeType}` : ''}${ruleSuffix(g)}.`,
    ),
  );
  const approval = decideApproval({
    group,
    settings: policy,
    changeType: g.changeType,
  });
  if (approval.kind === 'await-approval') {
    await step('audit-awaiting', () =>
      auditGrant(
        deps.audit,
        g,
        at,
        'AWAITING_APPROVAL',
        'app',
        `Waiting for approval (${describeSteps(stepsOf(group))}): in the panel or by moving the issue to "${approval.statusName}".`,
      ),
    );
    await tellUnlessOwed(deps, `intake:${g.id}:comment-awaiting`, async () => ({
      issueKey: g.issueKey,
      comment: say.awaitingApproval(g, group.displayName, approval.statusName, await approversInWords(deps, group)),
    }));
    return;
  }
  if (g.emergency)
    await step('audit-emergency', () =>
      auditGrant(
        deps.audit,
        g,
        at,
        'EMERGENCY_USED',
        g.requesterAccountId,
        `Emergency path: approval skipped, capped at ${policy.emergencyMaxHours} h. Flagged for review.`,
      ),
    );
  // Not once: enqueueing again is harmless (the worker is idempotent) and recovers a lost push.
  if (opts.handOver) await deps.queue.enqueue([{ kind: 'grant', grantId: g.id }]);
}
