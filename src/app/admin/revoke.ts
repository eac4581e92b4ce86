/**
 * An admin ends a grant early: the lifecycle's one revocation path, with the admin as actor. The answer
 * is the grant's state read back after the request, never an assumed success: ended, still queued,
 * retrying after Okta refused, or failed with the reason.
 */
import { MAY_HOLD_STATUSES } from '../../domain/grant';
import type { RevokeResult } from '../../shared/admin-contract';
import { withoutCode } from '../../shared/vocabulary';
import type { AppDeps } from '../deps';
import { requestRevocation } from '../revoke-grant';
import { ok, type AdminOutcome } from './shared';

export async function revokeGrant(
  deps: AppDeps,
  actor: string,
  input: { grantId: string; reason: string },
): Promise<AdminOutcome<RevokeResult>> {
  const outcome = await requestRevocation(deps, {
    grantId: input.grantId,
    actor,
    reason: 'REVOKED_BY_ADMIN',
    note: input.reason,
  });
  if (!outcome.ok) return outcome;
  const g = await deps.grants.get(input.grantId);
  const grantId = input.grantId;
  if (!g) return ok({ grantId, status: 'REVOKING', outcome: 'queued' });
  // Ended: the removal ran (or the membership was kept for another grant, which the end records).
  if (!MAY_HOLD_STATUSES.includes(g.status)) return ok({ grantId, status: g.status, outcome: 'done' });
  if (g.status === 'FAILED') {
    return ok({
      grantId,
      status: g.status,
      outcome: 'failed',
      problem: withoutCode(g.reason ?? g.lastError ?? 'The removal failed.'),
    });
  }
  // The request resets the step's error: one read back now means the worker ran and Okta refused.
  if (g.status === 'REVOKING' && g.lastError) {
    return ok({
      grantId,
      status: g.status,
      outcome: 'retrying',
      problem: withoutCode(g.lastError),
      ...(g.nextAttemptAt ? { nextAttemptAt: g.nextAttemptAt } : {}),
    });
  }
  // In production the worker may not have run yet: the dashboard shows the outcome when it has.
  return ok({ grantId, status: g.status, outcome: 'queued' });
}
