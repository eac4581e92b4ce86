/**
 * How a queue job ended, and the steps that end one without success. `retryAfterMs` asks the queue to
 * deliver the job again later (Okta was busy or down); the grant keeps its GRANTING/REVOKING state with
 * the attempt count and the last error, so people can see what is happening.
 */
import type { Grant } from '../domain/grant';
import {
  deny as denied, fail as failed, isNoteworthyConnectionAttempt, membershipRecord, retryLater, retryRecord, type GrantRecord,
} from '../domain/grant-transitions';
import type { AppDeps } from './deps';
import { commit, takeBackMembership } from './grant-lifecycle';
import * as say from './messages';
import { auditGrant, once } from './notices';
import type { DirectoryError } from './ports';

export type WorkResult = { done: true; note: string } | { done: false; retryAfterMs: number; note: string };

/** How often a revocation blocked by a broken Okta connection tries again (the queue's ceiling). */
export const CONNECTION_RETRY_MS = 900_000;

/** Backoff when Okta did not say how long to wait: 30 s doubling to the queue's 15-minute ceiling. */
export const backoffMs = (attempt: number): number => Math.min(900_000, 30_000 * 2 ** Math.max(0, attempt - 1));

export async function handleOktaFailure(deps: AppDeps, g: Grant, e: DirectoryError, step: 'grant' | 'revoke'): Promise<WorkResult> {
  const now = deps.clock.now();
  if (e.kind === 'transient') {
    const trouble = { kind: 'transient', step, message: e.message, oktaRequestId: e.details.requestId } as const;
    const attempts = g.attempts + 1;
    // Only a grant in an Okta step carries the attempt; a check made before one (REQUESTED) is only recorded.
    if (g.status === 'GRANTING' || g.status === 'REVOKING') await commit(deps.grants, retryLater(g, trouble, now));
    else {
      const r = retryRecord(trouble, attempts)!;
      await auditGrant(deps.audit, g, now, r.action, r.actor, r.detail, r.oktaRequestId);
    }
    await deps.health.recordOktaError(now, `${g.issueKey}: ${e.message}`);
    return { done: false, retryAfterMs: e.details.retryAfterMs ?? backoffMs(attempts), note: 'okta transient' };
  }
  if (e.kind === 'configuration' && step === 'revoke') {
    // Broken credentials must not turn every expiry into standing access: keep the revocation pending,
    // alert, and carry on by itself once an admin has fixed the connection.
    const retried = await commit(deps.grants, retryLater(g, { kind: 'connection', message: e.message, oktaRequestId: e.details.requestId }, now));
    if (isNoteworthyConnectionAttempt(retried.attempts)) {
      await deps.health.recordOktaError(now, `${g.issueKey}: removal waiting for the Okta connection: ${e.message}`);
    }
    await once(deps.ledger, `revoke-blocked:${g.id}`, async () => {
      const name = say.groupLabel(g.groupId, await deps.config.getAllowlist());
      await deps.issues.comment(g.issueKey, say.revocationBlocked(name, e.message));
    });
    return { done: false, retryAfterMs: CONNECTION_RETRY_MS, note: 'okta connection broken' };
  }
  // configuration, permanent, not-found: retrying will not help; an admin must act.
  const message = e.kind === 'configuration'
    ? `The Okta connection is not working: ${e.message} A Jira admin must fix it in the Okta JIT Access admin page (Okta connection), then the request can be raised again.`
    : `Okta refused the change: ${e.message} This is shown on the admin dashboard for an administrator to resolve.`;
  return fail(deps, g, message);
}

/** Ends a grant or revocation as FAILED: visible on the issue and the admin dashboard, never silent. */
export async function fail(deps: AppDeps, g: Grant, message: string, before: GrantRecord[] = []): Promise<WorkResult> {
  const now = deps.clock.now();
  const stored = await commit(deps.grants, failed(g, message, now, before));
  await deps.health.recordOktaError(now, `${g.issueKey}: ${message}`);
  await announceFailure(deps, stored);
  return { done: true, note: 'failed' };
}

/** Policy says no in the worker (group gone, not eligible, user unknown, approval timed out). */
export async function deny(deps: AppDeps, g: Grant, code: string, message: string): Promise<WorkResult> {
  const stored = await commit(deps.grants, denied(g, { code, message }, deps.clock.now()));
  await announceFailure(deps, stored);
  return { done: true, note: `denied ${code}` };
}

/**
 * A start that Okta held up until past the grant's end: it is not started. An earlier add may still
 * have landed, so the membership goes back through the one removal step first; no standing access is
 * left behind.
 */
export async function abandonAtEnd(deps: AppDeps, g: Grant, now: string): Promise<WorkResult> {
  const outcome = await takeBackMembership(deps, g, now);
  const record = membershipRecord(g, outcome);
  return fail(deps, g, 'Okta could not be reached before this grant\'s end time, so it was not started. Raise a new request if you still need access.', record ? [record] : []);
}

/**
 * The comment on a grant that ended DENIED or FAILED (its `reason` says why), once per stored grant
 * version. The worker calls it again when it meets such a grant, so a comment that Jira refused the
 * first time (the invocation then failed and was retried) is posted late rather than lost.
 */
export async function announceFailure(deps: AppDeps, g: Grant): Promise<void> {
  await once(deps.ledger, `announce:${g.id}:${g.status}:${g.version}`, async () => {
    const name = say.groupLabel(g.groupId, await deps.config.getAllowlist());
    const why = g.reason ?? g.lastError ?? '';
    // A revocation (it has an end reason) that failed leaves membership behind: say so.
    await deps.issues.comment(g.issueKey, g.status === 'FAILED' && g.endReason ? say.revocationFailed(g, name, why) : say.grantFailed(g, name, why));
  });
}
