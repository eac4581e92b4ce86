/**
 * How a queue job ended. `retryAfterMs` asks the queue to deliver the job again later (Okta was busy
 * or down); the grant keeps its GRANTING/REVOKING state with the attempt count and the last error, so
 * people can see what is happening.
 */
import type { Grant } from '../domain/grant';
import type { AppDeps } from './deps';
import { advance, amend, auditGrant, once, type StepRecord } from './grant-ops';
import * as say from './messages';
import type { DirectoryError } from './ports';

export type WorkResult = { done: true; note: string } | { done: false; retryAfterMs: number; note: string };

/** How often a revocation blocked by a broken Okta connection tries again (the queue's ceiling). */
export const CONNECTION_RETRY_MS = 900_000;

/** Backoff when Okta did not say how long to wait: 30 s doubling to the queue's 15-minute ceiling. */
export const backoffMs = (attempt: number): number => Math.min(900_000, 30_000 * 2 ** Math.max(0, attempt - 1));

export async function handleOktaFailure(deps: AppDeps, g: Grant, e: DirectoryError, step: 'grant' | 'revoke'): Promise<WorkResult> {
  const now = deps.clock.now();
  if (e.kind === 'transient') {
    const attempts = g.attempts + 1;
    const record: StepRecord = { action: 'OKTA_RETRY', actor: 'app', detail: `Okta ${step} attempt ${attempts} failed: ${e.message} Retrying.`, oktaRequestId: e.details.requestId };
    if (g.status === 'GRANTING' || g.status === 'REVOKING') await amend(deps.grants, g, now, { attempts, lastError: e.message }, [record]);
    else await auditGrant(deps.audit, g, now, record.action, record.actor, record.detail, record.oktaRequestId);
    await deps.health.recordOktaError(now, `${g.issueKey}: ${e.message}`);
    return { done: false, retryAfterMs: e.details.retryAfterMs ?? backoffMs(attempts), note: 'okta transient' };
  }
  if (e.kind === 'configuration' && step === 'revoke') {
    // Broken credentials must not turn every expiry into standing access: keep the revocation pending,
    // alert, and carry on by itself once an admin has fixed the connection.
    const attempts = g.attempts + 1;
    // Every 15 minutes until fixed: record the first attempt and then one an hour, not 96 a day.
    const noteworthy = attempts === 1 || attempts % 4 === 0;
    await amend(deps.grants, g, now, { attempts, lastError: e.message },
      noteworthy ? [{ action: 'OKTA_RETRY', actor: 'app', detail: `Removal blocked by the Okta connection (attempt ${attempts}): ${e.message}`, oktaRequestId: e.details.requestId }] : []);
    if (noteworthy) await deps.health.recordOktaError(now, `${g.issueKey}: removal waiting for the Okta connection: ${e.message}`);
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
export async function fail(deps: AppDeps, g: Grant, message: string, record: StepRecord[] = []): Promise<WorkResult> {
  const now = deps.clock.now();
  const failed = await advance(deps.grants, g, 'FAILED', now, { reason: message, lastError: message }, [...record, { action: 'FAILED', actor: 'app', detail: message }]);
  await deps.health.recordOktaError(now, `${g.issueKey}: ${message}`);
  await announceFailure(deps, failed);
  return { done: true, note: 'failed' };
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

