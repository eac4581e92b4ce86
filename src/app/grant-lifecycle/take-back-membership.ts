/**
 * The one place the app removes an Okta membership. Every end (expiry, relinquish, admin revoke,
 * drift) and a start abandoned at its end time come through here, so the rules are applied once:
 * membership the user had by other means, or that another of their grants still needs, is kept.
 */
import type { Grant } from '../../domain/grant';
import type { RemovalOutcome } from '../../domain/grant-transitions';
import { decideRemoval } from '../../domain/policy';
import type { AppDeps } from '../deps';

/** Decides and, when it is ours to remove, removes. Throws DirectoryError when Okta fails. */
export async function takeBackMembership(
  deps: Pick<AppDeps, 'grants' | 'directory'>,
  g: Grant,
  now: string,
): Promise<RemovalOutcome> {
  // Drift: Okta already confirmed the member is gone; writing to Okta now could only undo someone's re-add.
  if (g.endReason === 'REMOVED_EXTERNALLY') return { kind: 'removed-externally' };
  const decision = decideRemoval(
    g,
    await deps.grants.listHeldByRequesterAndGroup(g.requesterAccountId, g.groupId),
    now,
  );
  if (!decision.remove) return { kind: 'kept', why: decision.why };
  if (!g.oktaUserId) return { kind: 'no-okta-user' };
  const directory = await deps.directory();
  const result = await directory.removeMember(g.oktaUserId, g.groupId);
  return { kind: result.outcome, oktaRequestId: result.requestId };
}
