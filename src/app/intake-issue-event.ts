/**
 * What the issue trigger does with a created/updated issue: read the app fields (events never carry
 * them), then route to New / Extend / View. No Okta call happens here: Okta work goes to the queue,
 * so the 25 s trigger limit and Okta outages never lose a request.
 */
import { parseAccessRequest, type FieldProblem } from '../domain/access-request';
import { grantIdForIssue } from '../domain/grant';
import type { AppDeps } from './deps';
import { noticeStep, once } from './notices';
import * as say from './messages';
import { completeIntake, requestAccess } from './request-access';
import { announceExtension, extendGrant } from './extend-access';
import { viewAccess } from './view-access';

export interface IssueEventInput {
  issueId: string;
  issueKey: string;
  kind: 'created' | 'updated';
  /** Set when the update moved the issue to a new status. */
  statusTo?: string;
}

export type IntakeResult =
  | 'ignored' | 'issue-gone' | 'invalid-fields' | 'duplicate' | 'recorded' | 'denied'
  | 'approval-noted' | 'edit-ignored' | 'extended' | 'extend-refused' | 'viewed';

const PROBLEM_TEXT: Record<FieldProblem['code'], (v?: string) => string> = {
  'REQUEST.ACCESS_TYPE_MISSING': () => 'Set Access type to New access, Extend access or View access, then raise a new request.',
  'REQUEST.ACCESS_TYPE_INVALID': (v) => `"${v}" is not an Access type. Use New access, Extend access or View access, then raise a new request.`,
  'REQUEST.GROUP_MISSING': () => 'Choose the Admin group you need, then raise a new request.',
  'REQUEST.GROUP_INVALID': (v) => `"${v}" is not an Okta group this app knows. Choose the Admin group from the list, then raise a new request.`,
};

export async function intakeIssueEvent(deps: AppDeps, input: IssueEventInput): Promise<IntakeResult> {
  const policy = await deps.config.getPolicy();
  const issue = await deps.issues.getIssue(input.issueKey, policy.durationFieldName);
  if (!issue) return 'issue-gone';
  // Issues without our fields are not access requests: stay silent on them.
  if ((issue.accessType === undefined || issue.accessType === null || issue.accessType === '') && !issue.adminGroup) return 'ignored';

  const existing = await deps.grants.get(grantIdForIssue(issue.id));
  if (existing) {
    if (input.kind !== 'updated') {
      // A repeated creation event: finish whatever the first delivery may not have (crash half way).
      await completeIntake(deps, existing, policy);
      return 'duplicate';
    }
    if (input.statusTo === policy.approvalStatusName && existing.status === 'REQUESTED') {
      // The worker re-reads who made the transition; the event is only a hint.
      await deps.queue.enqueue([{ kind: 'grant', grantId: existing.id }]);
      return 'approval-noted';
    }
    // The request stands as raised: an edit of its fields afterwards is said to be ignored, once per value.
    const groupNow = String(issue.adminGroup ?? '').slice(0, 40);
    const typeNow = String(issue.accessType ?? '').slice(0, 40);
    if (issue.adminGroup !== existing.groupId || issue.accessType !== 'New access') {
      const key = `edit-ignored:${issue.id}:${typeNow}:${groupNow}`;
      await noticeStep(deps.ledger, key, 'audit', () => deps.audit.append({ at: deps.clock.now(), action: 'EDIT_IGNORED', actor: 'app', grantId: existing.id, issueKey: issue.key, requesterAccountId: existing.requesterAccountId, groupId: existing.groupId, detail: `Fields changed after the request (Access type "${typeNow}", Admin group "${groupNow}"); the request stays New access for ${existing.groupId}.` }));
      await noticeStep(deps.ledger, key, 'comment', () => deps.issues.comment(issue.key, say.refused(existing.requesterAccountId, 'Changes to this request are not applied.', 'This request was recorded as it was when it was raised. For a different group or another kind of request, raise a new issue.')));
      return 'edit-ignored';
    }
    return 'duplicate';
  }

  const parsed = parseAccessRequest(issue.accessType, issue.adminGroup);
  if (!parsed.ok) {
    const text = PROBLEM_TEXT[parsed.problem.code]('value' in parsed.problem ? parsed.problem.value : undefined);
    await once(deps.ledger, `invalid:${issue.id}:${parsed.problem.code}`, () =>
      deps.issues.comment(issue.key, say.refused(issue.reporterAccountId, 'This access request cannot be processed.', text)));
    return 'invalid-fields';
  }
  if (!issue.reporterAccountId) {
    await once(deps.ledger, `invalid:${issue.id}:no-reporter`, () =>
      deps.issues.comment(issue.key, say.refused(undefined, 'This access request has no reporter.', 'Access is granted to the reporter of the issue. Set yourself as the reporter and raise a new request.')));
    return 'invalid-fields';
  }

  switch (parsed.accessType) {
    case 'View access': {
      const { told } = await viewAccess(deps, { issueKey: issue.key, requesterAccountId: issue.reporterAccountId!, noticeKey: `view:${issue.id}` });
      return told ? 'viewed' : 'duplicate';
    }
    case 'Extend access': {
      // Applying is idempotent per Extend issue (the grant remembers it); telling is once per issue.
      const input = { requesterAccountId: issue.reporterAccountId!, groupId: parsed.groupId, actor: issue.reporterAccountId!, issueKey: issue.key, changeType: issue.changeType, requestIssueKey: issue.key };
      const result = await extendGrant(deps, input);
      const told = await once(deps.ledger, `extend:${issue.id}`, () => announceExtension(deps, input, result));
      return !told ? 'duplicate' : result.ok ? 'extended' : 'extend-refused';
    }
    case 'New access':
      return requestAccess(deps, { issue, groupId: parsed.groupId, policy });
  }
}
