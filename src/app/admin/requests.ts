/**
 * An admin cancels a request that waits for approval, with a reason: the same step the requester's
 * withdrawal takes (src/app/end-pending-request), with the admin as actor.
 */
import type { AppDeps } from '../deps';
import { endPendingRequest } from '../end-pending-request';
import { ok, type AdminOutcome } from './shared';

export async function cancelRequest(
  deps: AppDeps,
  actor: string,
  input: { grantId: string; reason: string },
): Promise<AdminOutcome<{ grantId: string; status: string }>> {
  const outcome = await endPendingRequest(deps, input.grantId, { kind: 'cancel', actor, reason: input.reason });
  if (!outcome.ok) return outcome;
  return ok({ grantId: outcome.grant.id, status: outcome.grant.status });
}
