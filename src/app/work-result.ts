/**
 * How a queue job ended. `retryAfterMs` asks the queue to deliver the job again later (Okta was busy
 * or down); the grant keeps its GRANTING/REVOKING state with the attempt count and the last error, so
 * people can see what is happening.
 */
import type { Grant } from '../domain/grant';
import type { AppDeps } from './deps';
import { advance, amend, auditGrant } from './grant-ops';
import * as say from './messages';
import type { DirectoryError } from './ports';

export type WorkResult = { done: true; note: string } | { done: false; retryAfterMs: number; note: string };

/** Backoff when Okta did not say how long to wait: 30 s doubling to the queue's 15-minute ceiling. */
export const backoffMs = (attempt: number): number => Math.min(900_000, 30_000 * 2 ** Math.max(0, attempt - 1));

export async function handleOktaFailure(deps: AppDeps, g: Grant, e: DirectoryError, step: 'grant' | 'revoke'): Promise<WorkResult> {
  const now = deps.clock.now();
  if (e.kind === 'transient') {
    const attempts = g.attempts + 1;
    const updated = g.status === 'GRANTING' || g.status === 'REVOKING' ? await amend(deps.grants, g, now, { attempts, lastError: e.message }) : g;
    await auditGrant(deps.audit, updated, now, 'OKTA_RETRY', 'app', `Okta ${step} attempt ${attempts} failed: ${e.message} Retrying.`, e.details.requestId);
    await deps.health.recordOktaError(now, `${g.issueKey}: ${e.message}`);
    return { done: false, retryAfterMs: e.details.retryAfterMs ?? backoffMs(attempts), note: 'okta transient' };
  }
  // configuration, permanent, not-found: retrying will not help; an admin must act.
  const message = e.kind === 'configuration'
    ? `The Okta connection is not working: ${e.message} A Jira admin must fix it in the Okta JIT Access admin page (Okta connection), then the request can be raised again.`
    : `Okta refused the change: ${e.message} This is shown on the admin dashboard for an administrator to resolve.`;
  return fail(deps, g, message);
}

/** Ends a grant or revocation as FAILED: visible on the issue and the admin dashboard, never silent. */
export async function fail(deps: AppDeps, g: Grant, message: string): Promise<WorkResult> {
  const now = deps.clock.now();
  const failed = await advance(deps.grants, g, 'FAILED', now, { reason: message, lastError: message });
  await auditGrant(deps.audit, failed, now, 'FAILED', 'app', message);
  await deps.health.recordOktaError(now, `${g.issueKey}: ${message}`);
  const allowlist = await deps.config.getAllowlist();
  const name = say.groupLabel(g.groupId, allowlist);
  await deps.issues.comment(g.issueKey, g.status === 'REVOKING' ? say.revocationFailed(failed, name, message) : say.grantFailed(failed, name, message));
  return { done: true, note: 'failed' };
}

