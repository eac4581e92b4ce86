/**
 * What the issue trigger does with a created/updated issue: read the app fields (events never carry
 * them), then route to New / Extend / View. No Okta call happens here: Okta work goes to the queue,
 * so the 25 s trigger limit and Okta outages never lose a request.
 */
import { parseAccessRequest, type FieldProblem } from '../domain/access-request';
import { requestEditsSince } from '../domain/request-integrity';
import { grantIdForIssue } from '../domain/grant';
import type { IssueSnapshot } from './ports';
import type { AppDeps } from './deps';
import { tell } from './deliver-notice';
import { noticeStep, stepKey } from './notices';
import * as say from './messages';
import { endedWhilePending } from './end-pending-request';
import { completeIntake, requestAccess } from './request-access';
import { currentRequest, fieldWords, historyFor, reviewEdits } from './request-edits';
import { announceExtension, extendGrant } from './extend-access';
import { viewAccess } from './view-access';
import { endsAccess } from '../domain/policy';
import { endIfIssueResolved } from './end-with-issue';

export interface IssueEventInput {
  issueId: string;
  issueKey: string;
  kind: 'created' | 'updated';
  /** Set when the update moved the issue to a new status. */
  statusTo?: string;
}

export type IntakeResult =
  | 'ignored'
  | 'issue-gone'
  | 'invalid-fields'
  | 'duplicate'
  | 'recorded'
  | 'denied'
  | 'approval-noted'
  | 'edit-ignored'
  | 'extended'
  | 'extend-refused'
  | 'viewed'
  /** The issue's request was cancelled or withdrawn while it waited: it stays ended (the worker says so). */
  | 'request-ended'
  /** The issue entered an ending status: its access ends (or its waiting request ends ungranted). */
  | 'issue-resolved';

const PROBLEM_TEXT: Record<FieldProblem['code'], (v?: string) => string> = {
  'REQUEST.ACCESS_TYPE_MISSING': () =>
    'Set Access type to New access, Extend access or View access, then raise a new request.',
  'REQUEST.ACCESS_TYPE_INVALID': (v) =>
    `"${v}" is not an Access type. Use New access, Extend access or View access, then raise a new request.`,
  'REQUEST.GROUP_MISSING': () => 'Choose the Admin group you need, then raise a new request.',
  'REQUEST.GROUP_INVALID': (v) =>
    `"${v}" is not an Okta group this app knows. Choose the Admin group from the list, then raise a new request.`,
};

/**
 * The once-only keys intake answers under, in one place: the hourly catch-up reads the same keys to
 * tell an answered issue from one whose event never arrived (`intakeAnswered`).
 */
export const INTAKE_KEYS = {
  /** The values a request was first seen with (Extend and View are answered as first raised). */
  firstValues: (issueId: string, requestNumber: number) => `request-values:${issueId}:${requestNumber}`,
  view: (issueId: string) => `view:${issueId}`,
  extend: (issueId: string) => `extend:${issueId}`,
  refused: (issueId: string, why: FieldProblem['code'] | 'no-reporter') => `invalid:${issueId}:${why}`,
};

/**
 * Whether intake has answered this issue, read without writing anything: a New access request has its
 * grant (the worker finishes whatever intake left undone); an Extend or View request its reply, for
 * the type it was first seen as; an issue never seen as a valid request its refusal. False for an
 * issue intake never got to (its product event lost, or every delivery failed).
 */
export async function intakeAnswered(
  deps: Pick<AppDeps, 'grants' | 'ledger' | 'notices'>,
  issue: IssueSnapshot,
): Promise<boolean> {
  if (await deps.grants.get(grantIdForIssue(issue.id))) return true;
  // No grant, so no request number beyond the first.
  const first = await deps.ledger.recall(INTAKE_KEYS.firstValues(issue.id, 1));
  const firstType = first === undefined ? undefined : firstTypeOf(first);
  const claimed = (key: string) => deps.ledger.isClaimed(key);
  // A reply recorded in the notice outbox is answered: the outbox delivers it, whatever Jira does now.
  const owed = async (key: string) => (await deps.notices.get(key)) !== undefined;
  switch (firstType) {
    case 'View access':
      return (await owed(INTAKE_KEYS.view(issue.id))) && (await claimed(stepKey(INTAKE_KEYS.view(issue.id), 'audit')));
    case 'Extend access':
      return owed(INTAKE_KEYS.extend(issue.id));
    case 'New access':
      // Seen, but its recording never happened (it lost a race with an edit, or failed).
      return false;
  }
  const parsed = parseAccessRequest(issue.accessType, issue.adminGroup);
  if (!parsed.ok) return owed(INTAKE_KEYS.refused(issue.id, parsed.problem.code));
  if (!issue.reporterAccountId) return owed(INTAKE_KEYS.refused(issue.id, 'no-reporter'));
  return false;
}

const firstTypeOf = (values: string): unknown => {
  try {
    const parsed: unknown = JSON.parse(values);
    return Array.isArray(parsed) ? parsed[0] : undefined;
  } catch {
    return undefined;
  }
};

export async function intakeIssueEvent(deps: AppDeps, input: IssueEventInput): Promise<IntakeResult> {
  const policy = await deps.config.getPolicy();
  const issue = await deps.issues.getIssue(input.issueKey, policy);
  if (!issue) return 'issue-gone';
  // Issues without our fields are not access requests: stay silent on them.
  if ((issue.accessType === undefined || issue.accessType === null || issue.accessType === '') && !issue.adminGroup) {
    // An Automation rule's request lives on an issue without the request fields (ADR 0026): its
    // approval moves and edits are still this request's.
    if (!(await deps.grants.get(grantIdForIssue(issue.id)))?.raisedByRule) return 'ignored';
  }

  const { current: existing, next, replacing } = await currentRequest(deps, issue.id);
  // The request a requester's own edit withdrew: its requester raised the one recorded below.
  let replaced = replacing;
  if (existing) {
    if (input.kind !== 'updated') {
      // A repeated creation event: finish whatever the first delivery may not have (crash half way).
      await completeIntake(deps, existing, policy);
      return 'duplicate';
    }
    // Resolved or cancelled (the admin's ending statuses, ADR 0025): access ends with the issue.
    if (input.statusTo !== undefined && endsAccess(policy, input.statusTo)) {
      if (existing.status === 'ACTIVE' && (await endIfIssueResolved(deps, existing))) return 'issue-resolved';
      // Waiting (approval or start): the worker ends it without granting; one starting ends once ACTIVE.
      if (existing.status === 'REQUESTED' || existing.status === 'GRANTING') {
        await deps.queue.enqueue([{ kind: 'grant', grantId: existing.id }], existing.status === 'GRANTING' ? 30 : 0);
        return 'issue-resolved';
      }
    }
    // Cancelled by an admin or withdrawn from the panel: nothing replaces it and nothing re-records the
    // issue. The worker tells an approval or edit since, once.
    if (endedWhilePending(existing)) {
      await deps.queue.enqueue([{ kind: 'grant', grantId: existing.id }]);
      return 'request-ended';
    }
    const history = historyFor(existing, await deps.issues.history(issue.key, policy));
    const edits = await reviewEdits(deps, existing, history);
    if (edits !== 'withdraw') {
      // A waiting request: the worker decides whether an approval stands (and says if an edit voided
      // one); the event is only a hint.
      const approvalMove = input.statusTo === policy.approvalStatusName;
      if (existing.status === 'REQUESTED' && (approvalMove || edits === 'not-applied'))
        await deps.queue.enqueue([{ kind: 'grant', grantId: existing.id }]);
      return edits === 'not-applied'
        ? 'edit-ignored'
        : approvalMove && existing.status === 'REQUESTED'
          ? 'approval-noted'
          : 'duplicate';
    }
    // Withdrawn by the requester's own edit: the issue as it is now is a new request (below).
    replaced = existing;
  }

  const parsed = parseAccessRequest(issue.accessType, issue.adminGroup);
  if (!parsed.ok) {
    const text = PROBLEM_TEXT[parsed.problem.code]('value' in parsed.problem ? parsed.problem.value : undefined);
    await tell(deps, INTAKE_KEYS.refused(issue.id, parsed.problem.code), {
      issueKey: issue.key,
      comment: say.refused(issue.reporterAccountId, 'This access request cannot be processed.', text),
    });
    return 'invalid-fields';
  }
  if (!issue.reporterAccountId) {
    await tell(deps, INTAKE_KEYS.refused(issue.id, 'no-reporter'), {
      issueKey: issue.key,
      comment: say.refused(
        undefined,
        'This access request has no reporter.',
        'Access is granted to the reporter of the issue. Set yourself as the reporter and raise a new request.',
      ),
    });
    return 'invalid-fields';
  }

  if (
    await answeredBefore(
      deps,
      issue,
      parsed.accessType,
      'groupId' in parsed ? parsed.groupId : undefined,
      policy.durationFieldName,
      next,
    )
  ) {
    return 'edit-ignored';
  }

  switch (parsed.accessType) {
    case 'View access': {
      const { told } = await viewAccess(deps, {
        issueKey: issue.key,
        requesterAccountId: issue.reporterAccountId!,
        noticeKey: INTAKE_KEYS.view(issue.id),
      });
      return told ? 'viewed' : 'duplicate';
    }
    case 'Extend access': {
      // Applying is idempotent per Extend issue (the grant remembers it); telling is once per issue.
      const input = {
        requesterAccountId: issue.reporterAccountId!,
        groupId: parsed.groupId,
        actor: issue.reporterAccountId!,
        issueKey: issue.key,
        changeType: issue.changeType,
        requestIssueKey: issue.key,
      };
      const result = await extendGrant(deps, input);
      const told = await announceExtension(deps, input, result, INTAKE_KEYS.extend(issue.id));
      return !told ? 'duplicate' : result.ok ? 'extended' : 'extend-refused';
    }
    case 'New access':
      return requestAccess(deps, {
        issue,
        groupId: parsed.groupId,
        policy,
        requestNumber: next,
        raisedBy: replaced?.requesterAccountId,
      });
  }
}

/**
 * Extend and View access are answered once, for the values the issue had when the app first saw it
 * as a request. An edit afterwards (another group, another reporter, New access) is not applied:
 * otherwise editing an answered Extend issue would extend a second grant, and a View issue edited into
 * New access by someone else would grant its reporter. True when this is such an edit (it has been
 * said so, once per new set of values). A New access issue is its grant's business, not this.
 */
async function answeredBefore(
  deps: AppDeps,
  issue: IssueSnapshot,
  accessType: string,
  groupId: string | undefined,
  durationFieldName: string,
  requestNumber: number,
): Promise<boolean> {
  const values = JSON.stringify([
    accessType,
    issue.reporterAccountId,
    groupId ?? null,
    issue.changeType ?? null,
    issue.requestedEnd ?? null,
  ]);
  const first = await deps.ledger.remember(INTAKE_KEYS.firstValues(issue.id, requestNumber), values);
  // First seen now, or first seen as New access (never answered: its recording lost a race with an edit).
  if (first === values || (JSON.parse(first) as unknown[])[0] === 'New access') return false;
  const key = `edit-not-applied:${issue.id}:${values}`;
  const edits = requestEditsSince(await deps.issues.history(issue.key, durationFieldName), {
    at: issue.createdAt ?? '1970-01-01T00:00:00.000Z',
  });
  const last = edits[edits.length - 1];
  const what = last ? fieldWords([...new Set(edits.flatMap((e) => e.fields))]) : 'The request fields';
  await noticeStep(deps.ledger, key, 'audit', () =>
    deps.audit.append({
      at: deps.clock.now(),
      action: 'EDIT_IGNORED',
      actor: last?.by ?? 'app',
      issueKey: issue.key,
      requesterAccountId: issue.reporterAccountId,
      detail: `${what} changed after this request was answered; not applied (the answer stands for the issue as first raised).`,
    }),
  );
  await tell(deps, key, {
    issueKey: issue.key,
    comment: say.refused(
      undefined,
      'Changes to this request are not applied.',
      `This issue was already answered as it was raised. For another group, person or kind of request, raise a new issue.`,
    ),
  });
  return true;
}
