/**
 * The queue worker's half of New access: approval re-check, Okta checks, then membership.
 * State is written before each Okta call, so a crash or retry resumes from the recorded step and a
 * membership the user already had is never mistaken for one we created.
 */
import type { Grant } from '../domain/grant';
import { computeEndsAt, decideApproval, decideRemoval, isPreexistingMembership, MINUTE_MS } from '../domain/policy';
import type { AppDeps } from './deps';
import { advance, auditGrant, noticeStep, once, type StepRecord } from './grant-ops';
import * as say from './messages';
import { DirectoryError, type Directory, type IssueSnapshot } from './ports';
import { completeIntake } from './request-access';
import { resolveRequester } from './resolve-requester';
import { announceFailure, fail, handleOktaFailure, type WorkResult } from './work-result';

/** How close to its end a grant must be for the worker to schedule its exact-time expiry itself. */
export const EXACT_EXPIRY_WINDOW_MS = 15 * MINUTE_MS;

export async function grantAccess(deps: AppDeps, grantId: string): Promise<WorkResult> {
  let g = await deps.grants.get(grantId);
  if (!g) return { done: true, note: 'no such grant' };
  if (g.status === 'ACTIVE') return announceActive(deps, g).then(() => ({ done: true, note: 'already active' }));
  if (g.status === 'DENIED' || g.status === 'FAILED') return announceFailure(deps, g).then(() => ({ done: true, note: `grant is ${g!.status}` }));
  if (g.status !== 'REQUESTED' && g.status !== 'GRANTING') return { done: true, note: `grant is ${g.status}` };

  const now = deps.clock.now();
  const [policy, allowlist] = await Promise.all([deps.config.getPolicy(), deps.config.getAllowlist()]);
  const group = allowlist.find((x) => x.groupId === g!.groupId);
  if (!group) {
    return deny(deps, g, 'GRANT.NOT_ALLOWLISTED', 'This group was removed from the allowlist before access was granted. Ask a Jira admin, or choose another group in a new request.');
  }

  // One connection read per run, and none at all while a request only waits for approval.
  let connected: Directory | undefined;
  const directoryOnce = async () => (connected ??= await deps.directory());
  try {
    if (g.status === 'REQUESTED') {
      // If intake crashed half way, finish its audit entries and comments first (each runs once).
      await completeIntake(deps, g, policy, { handOver: false });
      const issue = await deps.issues.getIssue(g.issueKey, policy.durationFieldName);
      const needsApproval = group.approvalMode === 'status' && !g.emergency;
      const approval = decideApproval({
        group, settings: policy, changeType: g.changeType, requesterAccountId: g.requesterAccountId,
        approvalTransitionBy: needsApproval && issue ? await standingApprover(deps, g, issue, policy.approvalStatusName) : undefined,
      });
      if (approval.kind === 'await-approval') return awaitApproval(deps, g, issue, policy.approvalStatusName, now);
      if (approval.kind === 'refused') {
        // Once per grant: the sweep re-queues a waiting request every five minutes and the changelog
        // still names the same self-approval each time, so a key with the time in it repeated the refusal.
        const key = `self-approval:${g.id}`;
        await noticeStep(deps.ledger, key, 'audit', () => auditGrant(deps.audit, g!, now, 'APPROVAL_REFUSED', g!.requesterAccountId, approval.message));
        await noticeStep(deps.ledger, key, 'comment', () => deps.issues.comment(g!.issueKey, say.refused(g!.requesterAccountId, 'Approval not accepted.', approval.message)));
        return { done: true, note: 'self approval refused' };
      }

      const directory = await directoryOnce();
      const eligible = await directory.checkGroupEligible(g.groupId);
      if (!eligible.ok) return deny(deps, g, eligible.code, eligible.message);
      const who = await resolveRequester(deps.issues, directory, policy, g.requesterAccountId);
      if (!who.ok) return deny(deps, g, who.code, who.message);

      // Siblings first, membership second: a sibling whose revocation runs in between then shows up
      // as "not a member" here, never as a membership we would wrongly call pre-existing.
      const others = (await deps.grants.listHeldByRequesterAndGroup(g.requesterAccountId, g.groupId)).filter((o) => o.id !== g!.id);
      const isMember = await directory.isMember(who.user.id, g.groupId);
      const endsAt = computeEndsAt({ now, settings: policy, group, changeType: g.changeType, requestedEnd: issue?.requestedEnd });
      const approvedBy = approval.kind === 'approved' ? approval.approverAccountId : undefined;
      const preexistingMembership = isPreexistingMembership(isMember, others);
      g = await advance(deps.grants, g, 'GRANTING', now, {
        oktaUserId: who.user.id, endsAt, approvedBy, attempts: 0, lastError: undefined, preexistingMembership,
      }, [
        ...(approvedBy ? [{ action: 'APPROVED' as const, actor: approvedBy, detail: `Approved by moving the issue to "${policy.approvalStatusName}".` }] : []),
        { action: 'GRANT_STARTED', actor: 'app', detail: `Okta user ${who.user.id} (${who.user.login}); ends ${endsAt}${preexistingMembership ? '; already a member by other means' : ''}.` },
      ]);
    }

    // GRANTING: the membership call is idempotent in Okta (PUT), so retries are safe.
    const directory = await directoryOnce();
    if (g.endsAt && Date.parse(g.endsAt) <= Date.parse(now)) {
      // Okta was unavailable until past the end. An earlier add may still have landed: take back what
      // this grant may have created before giving up, so no standing access is left behind.
      const record: StepRecord[] = [];
      if (!g.preexistingMembership && g.oktaUserId) {
        const siblings = (await deps.grants.listHeldByRequesterAndGroup(g.requesterAccountId, g.groupId)).filter((o) => o.id !== g!.id);
        if (decideRemoval(g, siblings, now).remove) {
          const removed = await directory.removeMember(g.oktaUserId, g.groupId);
          record.push({ action: 'MEMBERSHIP_REMOVED', actor: 'app', oktaRequestId: removed.requestId,
            detail: `Grant abandoned at its end time; membership of ${g.groupId} ${removed.outcome === 'removed' ? 'removed' : 'was not present'}.` });
        }
      }
      return fail(deps, g, 'Okta could not be reached before this grant\'s end time, so it was not started. Raise a new request if you still need access.', record);
    }
    // The membership change is recorded with the ACTIVE write: a crash in between repeats the
    // (idempotent) PUT on retry and records it then, so the trail has it exactly once.
    const membership: StepRecord = g.preexistingMembership
      ? { action: 'MEMBERSHIP_ALREADY_PRESENT', actor: 'app', detail: 'Already a member by other means; membership left as it was and will not be removed by the app.' }
      : { action: 'MEMBERSHIP_ADDED', actor: 'app', detail: `Added to Okta group ${g.groupId}.`, oktaRequestId: (await directory.addMember(g.oktaUserId!, g.groupId)).requestId };
    g = await advance(deps.grants, g, 'ACTIVE', now, { startedAt: now, firstStartedAt: g.firstStartedAt ?? now, attempts: 0, lastError: undefined },
      [membership, { action: 'ACTIVE', actor: 'app', detail: `Active until ${g.endsAt}.` }]);
    await announceActive(deps, g);
    const left = Date.parse(g.endsAt!) - Date.parse(now);
    if (left <= EXACT_EXPIRY_WINDOW_MS) await deps.queue.enqueue([{ kind: 'expire', grantId: g.id }], Math.max(0, Math.ceil(left / 1000)));
    return { done: true, note: 'granted' };
  } catch (e) {
    if (e instanceof DirectoryError) return handleOktaFailure(deps, g, e, 'grant');
    throw e;
  }
}

async function announceActive(deps: AppDeps, g: Grant): Promise<void> {
  const key = `announce:${g.id}:ACTIVE`;
  const [allowlist, policy, user] = await Promise.all([deps.config.getAllowlist(), deps.config.getPolicy(), deps.issues.getUser(g.requesterAccountId)]);
  const name = say.groupLabel(g.groupId, allowlist);
  const msg = say.accessGranted(g, name, user?.timeZone ?? 'UTC');
  await noticeStep(deps.ledger, key, 'comment', () => deps.issues.comment(g.issueKey, msg));
  if (policy.notifyByEmail) {
    await noticeStep(deps.ledger, key, 'notify', () => deps.notifier.notify(g.issueKey, [g.requesterAccountId], `Access granted: ${name}`, msg));
  }
}

/**
 * Who approved, if the approval stands: the issue is in the approval status now, and the move into it
 * happened after the issue was created (events may arrive late, so the grant's own request time is not
 * the reference). An approval since reversed, or one from before the request, does not count.
 */
async function standingApprover(deps: AppDeps, g: Grant, issue: IssueSnapshot, approvalStatus: string): Promise<string | undefined> {
  if (issue.statusName !== approvalStatus) return undefined;
  const move = await deps.issues.lastTransitionInto(g.issueKey, approvalStatus);
  const since = issue.createdAt ?? g.requestedAt;
  return move && Date.parse(move.at) >= Date.parse(since) ? move.accountId : undefined;
}

/** Requests waiting longer than this for approval are closed, so nothing waits (and is re-checked) for ever. */
export const APPROVAL_TIMEOUT_MS = 7 * 24 * 3_600_000;

async function awaitApproval(deps: AppDeps, g: Grant, issue: IssueSnapshot | undefined, approvalStatus: string, now: string): Promise<WorkResult> {
  if (Date.parse(now) - Date.parse(g.requestedAt) > APPROVAL_TIMEOUT_MS) {
    return deny(deps, g, 'APPROVAL.TIMED_OUT', `This request was not approved within ${APPROVAL_TIMEOUT_MS / 86_400_000} days, so it was closed. Raise a new request if you still need access.`);
  }
  // Approved, but the issue moved on before the app could act: say so rather than wait silently.
  if (issue && issue.statusName !== approvalStatus) {
    const move = await deps.issues.lastTransitionInto(g.issueKey, approvalStatus);
    if (move && Date.parse(move.at) >= Date.parse(issue.createdAt ?? g.requestedAt)) {
      await once(deps.ledger, `approval-left:${g.id}:${move.at}`, () => deps.issues.comment(g.issueKey, say.refused(undefined,
        'Approval no longer stands.', `The issue left "${approvalStatus}" (it is now "${issue.statusName}") before access was granted, so nothing was granted. To grant it, move the issue back to "${approvalStatus}".`)));
    }
  }
  return { done: true, note: 'awaiting approval' };
}

async function deny(deps: AppDeps, g: Grant, code: string, message: string): Promise<WorkResult> {
  const now = deps.clock.now();
  const denied = await advance(deps.grants, g, 'DENIED', now, { reason: message, reasonCode: code, endedAt: now },
    [{ action: 'DENIED', actor: 'app', detail: `${code}: ${message}` }]);
  await announceFailure(deps, denied);
  return { done: true, note: `denied ${code}` };
}

