/**
 * The queue worker's half of New access: approval re-check, Okta checks, then membership.
 * State is written before each Okta call, so a crash or retry resumes from the recorded step and a
 * membership the user already had is never mistaken for one we created.
 */
import type { Grant } from '../domain/grant';
import {
  activate,
  isAheadOfItsChain,
  needsMembershipAdd,
  scheduleStart,
  startGranting,
  unscheduleStart,
  type GrantStart,
} from '../domain/grant-transitions';
import type { HistoryEntry } from '../domain/request-integrity';
import {
  approvalWindowDays,
  computeEndsAt,
  earliestEnd,
  endsAccess,
  requestedEndPassed,
  startIsAhead,
  isPreexistingMembership,
  MINUTE_MS,
  type GroupPolicy,
  type PolicySettings,
} from '../domain/policy';
import type { AppDeps } from './deps';
import { commit } from './grant-lifecycle';
import { movesSince } from './approvals';
import { tell } from './deliver-notice';
import { oweReview } from './break-glass-review';
import { historyFor, reviewEdits } from './request-edits';
import { weighApprovals } from './weigh-approvals';
import { endedWhilePending, tellEndedRequest } from './end-pending-request';
import { intakeIssueEvent } from './intake-issue-event';
import * as say from './messages';
import { formatInZone } from './format';
import { DirectoryError, type Directory, type IssueSnapshot } from './ports';
import { completeIntake } from './request-access';
import { endIfIssueResolved } from './end-with-issue';
import { resolveRequester } from './resolve-requester';
import { pauseIfSelfCheckFailed } from './self-check';
import {
  abandonAtEnd,
  announceFailure,
  deny,
  handleOktaFailure,
  handleOktaWaiting,
  type WorkResult,
} from './work-result';
import { gatedDirectory, OktaWaiting } from './okta-gate';

/** How close to its end a grant must be for the worker to schedule its exact-time expiry itself. */
export const EXACT_EXPIRY_WINDOW_MS = 15 * MINUTE_MS;

/** How old Okta's group-rule listing may be when a grant is checked (ADR 0021). */
export const GRANT_RULES_MAX_AGE_MS = 5 * MINUTE_MS;

/** One connection read per run, and none at all while a request only waits for approval. */
type LazyDirectory = () => Promise<Directory>;

export async function grantAccess(deps: AppDeps, grantId: string): Promise<WorkResult> {
  const g = await deps.grants.get(grantId);
  if (!g) return { done: true, note: 'no such grant' };
  if (g.status === 'ACTIVE') {
    // A redelivery after a crash: whatever the activation owed (its notice, its review) is owed still.
    await announceActive(deps, g);
    await oweReview(deps, g);
    // The issue was resolved while the grant was starting (GRANTING): its end is taken up here.
    if (await endIfIssueResolved(deps, g)) return { done: true, note: 'issue resolved: access ends' };
    return { done: true, note: 'already active' };
  }
  if (g.status === 'DENIED' || g.status === 'FAILED')
    return announceFailure(deps, g).then(() => ({ done: true, note: `grant is ${g.status}` }));
  // Cancelled or withdrawn while it waited: ended for good; an approval or edit since is told so, once.
  if (endedWhilePending(g))
    return tellEndedRequest(deps, g).then(() => ({ done: true, note: 'request was cancelled or withdrawn' }));
  if (g.status !== 'REQUESTED' && g.status !== 'GRANTING') return { done: true, note: `grant is ${g.status}` };
  // A storage semantic the app rests on failed the self-check: no new grant starts (ADR 0014).
  const paused = await pauseIfSelfCheckFailed(deps, g);
  if (paused) return paused;

  const [policy, allowlist] = await Promise.all([deps.config.getPolicy(), deps.config.getAllowlist()]);
  const group = allowlist.find((x) => x.groupId === g.groupId);
  if (!group) {
    return deny(
      deps,
      g,
      'GRANT.NOT_ALLOWLISTED',
      'This group was removed from the allowlist before access was granted. Ask a Jira admin, or choose another group in a new request.',
    );
  }
  const now = deps.clock.now();
  // One live retry chain per step: work delivered before the chain's next attempt is a duplicate. A
  // request waiting for its planned start is not a chain: a hint before it (an approval, an edit) is
  // weighed at once, and the start itself is guarded in checkAndStart.
  if (!g.scheduledStartAt && isAheadOfItsChain(g, now))
    return { done: true, note: 'a retry of this step is due later' };
  const okta = gatedDirectory(deps, now);
  let current = g;
  try {
    if (current.status === 'REQUESTED') {
      const started = await checkAndStart(deps, current, policy, group, okta.get, now);
      if ('done' in started) return started;
      current = started;
    }
    const result = await addMembership(deps, current, okta.get, now, policy);
    await okta.answered();
    return result;
  } catch (e) {
    if (e instanceof DirectoryError) return handleOktaFailure(deps, current, e, 'grant');
    if (e instanceof OktaWaiting) return handleOktaWaiting(deps, current, e, 'grant');
    throw e;
  }
}

/**
 * REQUESTED → GRANTING: approval, group eligibility and the Okta user are checked, and the end time
 * and pre-existing membership fixed, before anything is written to Okta. Answers the work result when
 * the request stops here (waiting, refused, denied).
 */
async function checkAndStart(
  deps: AppDeps,
  g: Grant,
  policy: PolicySettings,
  group: GroupPolicy,
  directory: LazyDirectory,
  now: string,
): Promise<Grant | WorkResult> {
  // If intake crashed half way, finish its audit entries and comments first (each runs once).
  await completeIntake(deps, g, policy, { handOver: false });
  const issue = await deps.issues.getIssue(g.issueKey, policy);
  const history = issue ? historyFor(g, await deps.issues.history(g.issueKey, policy)) : [];
  // An edit the intake did not see (its event lost or late) is dealt with here, before any grant.
  if (issue && (await reviewEdits(deps, g, history)) === 'withdraw') {
    await intakeIssueEvent(deps, { issueId: g.issueId, issueKey: g.issueKey, kind: 'updated' });
    return { done: true, note: "withdrawn by the requester's edit; recorded again" };
  }
  // Resolved or cancelled before it started: it ends without granting; reopening does not revive it.
  if (issue && endsAccess(policy, issue.statusName))
    return deny(
      deps,
      g,
      'REQUEST.ISSUE_RESOLVED',
      `This issue moved to "${issue.statusName}" before access started, so nothing was granted. Raise a new request if you still need access.`,
    );
  let approval: GrantStart['approval'];
  if (group.approvalMode === 'status' && !g.emergency) {
    const weighed = await weighApprovals(deps, g, group, policy, issue, history);
    if (!weighed.complete) {
      // An approval given ahead of the start no longer stands (an edit voided it): nothing is scheduled.
      const waiting = weighed.grant.scheduledStartAt
        ? await commit(deps.grants, unscheduleStart(weighed.grant, now))
        : weighed.grant;
      return awaitApproval(deps, waiting, group, issue, history, policy.approvalStatusName, now);
    }
    approval = { approvals: weighed.approvals, statusName: policy.approvalStatusName, needed: weighed.needed };
  }
  // Approved ahead of its change window: granted at the planned start, not before (ADR 0025).
  if (startIsAhead(g.plannedStart, now)) return awaitStart(deps, g, approval, now);

  const until = earliestEnd(g.requestedEnd, g.plannedEnd);
  if (requestedEndPassed(until, now))
    return deny(
      deps,
      g,
      'GRANT.REQUESTED_END_PASSED',
      `The ${until === g.requestedEnd ? 'requested' : 'planned'} end (${formatInZone(until, 'UTC')}) passed before access could start, so nothing was granted. Raise a new request with a later end if you still need access.`,
    );
  const okta = await directory();
  // Type and admin roles are read live; Okta's rule listing (all pages, org-wide) may be up to
  // five minutes old (issue 11, ADR 0021).
  const eligible = await okta.checkGroupEligible(g.groupId, { rulesMaxAgeMs: GRANT_RULES_MAX_AGE_MS });
  if (!eligible.ok) return deny(deps, g, eligible.code, eligible.message);
  const who = await resolveRequester(deps.issues, okta, policy, g.requesterAccountId);
  if (!who.ok) return deny(deps, g, who.code, who.message);

  // Siblings first, membership second: a sibling whose revocation runs in between then shows up
  // as "not a member" here, never as a membership we would wrongly call pre-existing.
  const others = (await deps.grants.listHeldByRequesterAndGroup(g.requesterAccountId, g.groupId)).filter(
    (o) => o.id !== g.id,
  );
  const isMember = await okta.isMember(who.user.id, g.groupId);
  return commit(
    deps.grants,
    startGranting(
      g,
      {
        user: who.user,
        // Counted from the actual start: a change window's grant is sized from when it began.
        endsAt: computeEndsAt({
          now,
          settings: policy,
          group,
          changeType: g.changeType,
          requestedEnd: until,
          requestedHours: g.requestedHours,
        }),
        approval,
        preexistingMembership: isPreexistingMembership(isMember, others),
      },
      now,
    ),
  );
}

/** GRANTING → ACTIVE. The membership call is idempotent in Okta (PUT), so retries are safe. */
async function addMembership(
  deps: AppDeps,
  g: Grant,
  directory: LazyDirectory,
  now: string,
  policy: PolicySettings,
): Promise<WorkResult> {
  // Okta was unavailable until past the end: give up, taking back whatever an earlier add may have left.
  if (g.endsAt && Date.parse(g.endsAt) <= Date.parse(now)) return abandonAtEnd(deps, g, now);
  // The membership change is recorded with the ACTIVE write: a crash in between repeats the
  // (idempotent) PUT on retry and records it then, so the trail has it exactly once.
  const addRequestId = needsMembershipAdd(g)
    ? (await (await directory()).addMember(g.oktaUserId!, g.groupId)).requestId
    : undefined;
  const active = await commit(deps.grants, activate(g, now, addRequestId));
  await announceActive(deps, active);
  // Emergency access owes its review (ADR 0027): recorded now, opened by queue work if Jira is down.
  await oweReview(deps, active);
  // Resolved while it was starting (the resolve found it GRANTING): it ends now (ADR 0025).
  if (await endIfIssueResolved(deps, active, policy)) return { done: true, note: 'granted; issue resolved: ends' };
  const left = Date.parse(active.endsAt!) - Date.parse(now);
  if (left <= EXACT_EXPIRY_WINDOW_MS)
    await deps.queue.enqueue([{ kind: 'expire', grantId: active.id }], Math.max(0, Math.ceil(left / 1000)));
  return { done: true, note: 'granted' };
}

/**
 * Approved (or needing no approval) before its planned start: the request is scheduled, once per start
 * time, with the approvals recorded and the requester told when access starts. A start within the
 * queue's longest delay gets its exact-time event now; a later one gets it from the sweep, which also
 * grants a start whose event was lost (run-sweep.ts).
 */
async function awaitStart(deps: AppDeps, g: Grant, approval: GrantStart['approval'], now: string): Promise<WorkResult> {
  const at = g.plannedStart!;
  if (g.scheduledStartAt === at) return { done: true, note: 'waiting for the planned start' };
  const scheduled = await commit(deps.grants, scheduleStart(g, { at, approval }, now));
  const [allowlist, user] = await Promise.all([deps.config.getAllowlist(), deps.issues.getUser(g.requesterAccountId)]);
  await tell(deps, `announce:${g.id}:START_SCHEDULED:${at}`, {
    issueKey: g.issueKey,
    comment: say.startScheduled(scheduled, say.groupLabel(g.groupId, allowlist), user?.timeZone ?? 'UTC'),
  });
  const left = Date.parse(at) - Date.parse(now);
  if (left <= EXACT_START_WINDOW_MS)
    await deps.queue.enqueue([{ kind: 'grant', grantId: g.id }], Math.max(0, Math.ceil(left / 1000)));
  return { done: true, note: 'waiting for the planned start' };
}

/** How close a planned start must be for its exact-time event to be queued (Forge's longest delay, 900 s). */
export const EXACT_START_WINDOW_MS = 15 * MINUTE_MS;

async function announceActive(deps: AppDeps, g: Grant): Promise<void> {
  const key = `announce:${g.id}:ACTIVE`;
  const [allowlist, policy, user] = await Promise.all([
    deps.config.getAllowlist(),
    deps.config.getPolicy(),
    deps.issues.getUser(g.requesterAccountId),
  ]);
  const name = say.groupLabel(g.groupId, allowlist);
  const msg = say.accessGranted(g, name, user?.timeZone ?? 'UTC');
  await tell(deps, key, {
    issueKey: g.issueKey,
    comment: msg,
    ...(policy.notifyByEmail ? { email: { to: [g.requesterAccountId], subject: `Access granted: ${name}` } } : {}),
  });
}

/**
 * Requests waiting longer than their group's approval window are closed, so nothing waits (and is
 * re-checked) for ever.
 */
export const approvalTimeoutMs = (group: Pick<GroupPolicy, 'approvalWindowDays'>): number =>
  approvalWindowDays(group) * 24 * 60 * MINUTE_MS;

async function awaitApproval(
  deps: AppDeps,
  g: Grant,
  group: GroupPolicy,
  issue: IssueSnapshot | undefined,
  history: readonly HistoryEntry[],
  approvalStatus: string,
  now: string,
): Promise<WorkResult> {
  if (Date.parse(now) - Date.parse(g.requestedAt) > approvalTimeoutMs(group)) {
    const days = approvalWindowDays(group);
    return deny(
      deps,
      g,
      'APPROVAL.TIMED_OUT',
      `This request was not approved within ${days} day${days === 1 ? '' : 's'} (the approval window of ${group.displayName}), so it was closed. Raise a new request if you still need access.`,
    );
  }
  // Moved into the approval status, but out again before the app counted it: say so rather than
  // wait silently (a move the app counted is kept on the request and still counts).
  if (issue && issue.statusName !== approvalStatus) {
    const move = movesSince(g, history, approvalStatus).at(-1);
    if (move && !(g.approvals ?? []).some((a) => a.via === 'status' && a.at === move.at && a.by === move.by)) {
      await tell(deps, `approval-left:${g.id}:${move.at}`, {
        issueKey: g.issueKey,
        comment: say.refused(
          undefined,
          'Approval no longer stands.',
          `The issue left "${approvalStatus}" (it is now "${issue.statusName}") before access was granted, so nothing was granted. To grant it, move the issue back to "${approvalStatus}".`,
        ),
      });
    }
  }
  return { done: true, note: 'awaiting approval' };
}
