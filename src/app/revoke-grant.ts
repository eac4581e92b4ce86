/**
 * Ending a grant: expiry, the requester relinquishing and an admin revoking are one path that differs
 * only in actor and reason. REVOKING is written before Okta is called, so the intent survives a crash
 * and the sweep finds it again; membership the app did not create, or still needs, is kept.
 */
import { mayHoldAppMembership, type Grant } from '../domain/grant';
import { beginRevocation, finishRevocation, isAheadOfItsChain, retryRemoval } from '../domain/grant-transitions';
import { decideRemoval, isExpiryDue } from '../domain/policy';
import { GRANT_STATUS_LABELS } from '../shared/vocabulary';
import type { AppDeps } from './deps';
import { refuse, type Outcome } from './errors';
import { commit, retryOnStale, takeBackMembership } from './grant-lifecycle';
import * as say from './messages';
import { tell } from './deliver-notice';
import { auditGrant, noticeStep } from './notices';
import { DirectoryError, type WorkItem } from './ports';
import { announceFailure, handleOktaFailure, handleOktaWaiting, type WorkResult } from './work-result';
import { gatedDirectory, OktaWaiting } from './okta-gate';

/** A person asks to end a grant now (panel Relinquish, panel/admin Revoke). Authorization is the caller's job. */
export async function requestRevocation(
  deps: AppDeps,
  /** `note`: the admin's reason, kept in the audit entry (the admin page requires one). */
  input: {
    grantId: string;
    actor: string;
    reason: 'RELINQUISHED' | 'REVOKED_BY_ADMIN' | 'ISSUE_RESOLVED';
    note?: string;
  },
): Promise<Outcome> {
  return retryOnStale(async (): Promise<Outcome> => {
    const g = await deps.grants.get(input.grantId);
    if (!g) return refuse('GRANT.NOT_FOUND', 'That grant does not exist.');
    if (g.status === 'REVOKING') {
      // Already under way; queue it again in case the first push was lost (the worker is idempotent).
      await deps.queue.enqueue([{ kind: 'revoke', grantId: g.id }]);
      return { ok: true };
    }
    // An admin's way out of FAILED: retry the removal (or take back whatever a failed start left).
    const retry = g.status === 'FAILED' && input.reason === 'REVOKED_BY_ADMIN' && mayHoldAppMembership(g);
    if (g.status !== 'ACTIVE' && !retry)
      return refuse(
        'REVOKE.NOT_ACTIVE',
        `This grant is ${GRANT_STATUS_LABELS[g.status].toLowerCase()}, so there is nothing to end.`,
      );
    const now = deps.clock.now();
    await commit(
      deps.grants,
      retry
        ? retryRemoval(g, input.actor, now, input.note)
        : beginRevocation(g, input.reason, input.actor, now, input.note),
    );
    await deps.queue.enqueue([{ kind: 'revoke', grantId: g.id }]);
    return { ok: true };
  });
}

/** Worker: carry a grant through REVOKING to its end. `expireIfDue` starts expiry for an ACTIVE grant. */
export async function performRevocation(
  deps: AppDeps,
  grantId: string,
  opts: { expireIfDue: boolean },
): Promise<WorkResult> {
  let g = await deps.grants.get(grantId);
  if (!g) return { done: true, note: 'no such grant' };
  const now = deps.clock.now();
  if (isEnded(g)) {
    // A retry after the end notice failed: say again why membership was kept, if it was.
    const kept =
      g.endReason === 'REMOVED_EXTERNALLY'
        ? undefined
        : decideRemoval(
            g,
            await deps.grants.listHeldByRequesterAndGroup(g.requesterAccountId, g.groupId),
            g.endedAt ?? now,
          );
    await announceEnd(deps, g, kept && !kept.remove ? kept.why : undefined);
    return { done: true, note: `already ${g.status}` };
  }
  if (g.status === 'FAILED') {
    await announceFailure(deps, g);
    return { done: true, note: 'grant is FAILED' };
  }
  if (g.status === 'ACTIVE') {
    if (!opts.expireIfDue || !isExpiryDue(g, now)) return { done: true, note: 'not due' };
    g = await commit(deps.grants, beginRevocation(g, 'EXPIRED', 'app', now));
  }
  if (g.status !== 'REVOKING') return { done: true, note: `grant is ${g.status}` };
  // One live retry chain per step: work delivered before the chain's next attempt is a duplicate.
  if (isAheadOfItsChain(g, now)) return { done: true, note: 'a retry of this step is due later' };
  return completeRevocation(deps, g, now);
}

/** A batch stops starting expiries after this long and asks to go on later (the worker times out at 120 s). */
export const EXPIRY_BATCH_TIME_MS = 60_000;

/**
 * Worker: a batch of due expiries from one Okta lane (ADR 0031), each carried through the one removal path
 * exactly as its own event would be, from `from` on (where an earlier delivery of this batch stopped). A
 * step that must wait (Okta paced, busy or down) ends this delivery: the queue delivers the batch again
 * when that step's retry is due and it resumes there, so the step's retry chain stays its only one and
 * the others are not fed to an Okta that is saying "wait". Asking again is a retry of this event, not a
 * new push, so a mass expiry's waits cost no share of the installation's 500 events a minute.
 */
export async function expireMany(deps: AppDeps, grantIds: readonly string[], from = 0): Promise<WorkResult> {
  const startedMs = Date.parse(deps.clock.now());
  for (let i = Math.min(Math.max(0, from), grantIds.length); i < grantIds.length; i++) {
    if (i > from && Date.parse(deps.clock.now()) - startedMs >= EXPIRY_BATCH_TIME_MS)
      return { done: false, retryAfterMs: 1_000, resumeFrom: i, note: `${grantIds.length - i} expiries left (time)` };
    const result = await performRevocation(deps, grantIds[i]!, { expireIfDue: true });
    if (!result.done) {
      // The ones behind it are past their end too: they show as being removed while they wait, not as active.
      await beginDueExpiries(deps, grantIds.slice(i + 1));
      return { ...result, resumeFrom: i, note: `${grantIds.length - i} expiries left (${result.note})` };
    }
  }
  return { done: true, note: `${grantIds.length} expiries handled` };
}

/**
 * ACTIVE → REVOKING for each of these grants that is due, without calling Okta: the batch's redelivery
 * carries them on. Best effort: a grant that changed meanwhile (a person ended it, say) or a write that
 * fails is left as it is, and the redelivery meets it as it then stands.
 */
async function beginDueExpiries(deps: AppDeps, grantIds: readonly string[]): Promise<void> {
  const now = deps.clock.now();
  await Promise.all(
    grantIds.map(async (id) => {
      try {
        const g = await deps.grants.get(id);
        if (g?.status === 'ACTIVE' && isExpiryDue(g, now))
          await commit(deps.grants, beginRevocation(g, 'EXPIRED', 'app', now));
      } catch {
        // Left for the redelivery (see above).
      }
    }),
  );
}

/** The queue work that expires these grants: one `expire`, or one `expire-many` for several of one lane. */
export const expiryWork = (grantIds: readonly string[]): WorkItem =>
  grantIds.length === 1 ? { kind: 'expire', grantId: grantIds[0]! } : { kind: 'expire-many', grantIds: [...grantIds] };

/**
 * REVOKING → its end: the membership goes through the one removal step, and what happened to it is
 * recorded with the end itself (one atomic write). Drift comes here too, without an Okta write.
 */
export async function completeRevocation(deps: AppDeps, g: Grant, now: string): Promise<WorkResult> {
  const okta = gatedDirectory(deps, now);
  try {
    const outcome = await takeBackMembership({ grants: deps.grants, directory: okta.get }, g, now);
    await okta.answered();
    const ended = await commit(deps.grants, finishRevocation(g, outcome, now));
    await announceEnd(deps, ended, outcome.kind === 'kept' ? outcome.why : undefined);
    return { done: true, note: 'revoked' };
  } catch (e) {
    if (e instanceof DirectoryError) return handleOktaFailure(deps, g, e, 'revoke');
    if (e instanceof OktaWaiting) return handleOktaWaiting(deps, g, e, 'revoke');
    throw e;
  }
}

const isEnded = (g: Grant) => g.status === 'EXPIRED' || g.status === 'REVOKED' || g.status === 'REMOVED_EXTERNALLY';

/** Tell (the notice outbox delivers it) and close out the issue, once per grant end, even across retries. */
export async function announceEnd(
  deps: AppDeps,
  g: Grant,
  kept: 'PREEXISTING' | 'OTHER_GRANT_ACTIVE' | undefined,
): Promise<void> {
  const key = `announce:${g.id}:END`;
  const [allowlist, policy, user] = await Promise.all([
    deps.config.getAllowlist(),
    deps.config.getPolicy(),
    deps.issues.getUser(g.requesterAccountId),
  ]);
  const name = say.groupLabel(g.groupId, allowlist);
  const msg = say.accessEnded(g, name, user?.timeZone ?? 'UTC', kept);
  await tell(deps, key, {
    issueKey: g.issueKey,
    comment: msg,
    ...(policy.notifyByEmail ? { email: { to: [g.requesterAccountId], subject: `Access ended: ${name}` } } : {}),
  });
  // An Automation rule's request lives on the rule's issue (an incident, say), not on a request issue:
  // its workflow is the rule's to drive, so access ending never moves it (ADR 0026).
  const closeOut = g.raisedByRule ? undefined : policy.closeOutTransitionName;
  if (closeOut) {
    await noticeStep(deps.ledger, key, 'close-out', async () => {
      const moved = await deps.issues.transition(g.issueKey, closeOut);
      if (moved === 'unavailable') {
        await auditGrant(
          deps.audit,
          g,
          deps.clock.now(),
          'CLOSE_OUT_SKIPPED',
          'app',
          `Close-out transition "${closeOut}" is not available from the issue's status; the issue was left as it is.`,
        );
      }
    });
  }
}
