/** An admin ends a grant early: the lifecycle's one revocation path, with the admin as actor. */
import type { AppDeps } from '../deps';
import { requestRevocation } from '../revoke-grant';
import { ok, type AdminOutcome } from './shared';

export async function revokeGrant(deps: AppDeps, actor: string, input: { grantId: string }): Promise<AdminOutcome<{ grantId: string; status: string }>> {
  const outcome = await requestRevocation(deps, { grantId: input.grantId, actor, reason: 'REVOKED_BY_ADMIN' });
  if (!outcome.ok) return outcome;
  const g = await deps.grants.get(input.grantId);
  return ok({ grantId: input.grantId, status: g?.status ?? 'REVOKING' });
}
