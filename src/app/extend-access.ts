/**
 * Extend access: push out the end of the requester's running grant for a group, within policy.
 * No Okta call: the membership is already there.
 */
import type { Grant } from '../domain/grant';
import { decideExtension } from '../domain/policy';
import type { AppDeps } from './deps';
import { refuse, type Outcome } from './errors';
import { amend, auditGrant, retryOnStale } from './grant-ops';
import * as say from './messages';

export async function extendAccess(deps: AppDeps, input: {
  requesterAccountId: string; groupId: string; actor: string;
  /** Issue to comment on (the Extend access issue, or the grant's own issue from the panel). */
  issueKey: string; changeType?: string; grantId?: string;
}): Promise<Outcome<{ grant: Grant }>> {
  const [policy, allowlist] = await Promise.all([deps.config.getPolicy(), deps.config.getAllowlist()]);
  const group = allowlist.find((x) => x.groupId === input.groupId);
  const result: Outcome<{ grant: Grant }> = !group
    ? refuse('GRANT.NOT_ALLOWLISTED', 'This group is no longer on the allowlist, so its grants cannot be extended.')
    : await retryOnStale(async (): Promise<Outcome<{ grant: Grant }>> => {
      const now = deps.clock.now();
      const candidates = input.grantId
        ? [await deps.grants.get(input.grantId)].filter((g): g is Grant => !!g)
        : await deps.grants.listHeldByRequesterAndGroup(input.requesterAccountId, input.groupId);
      const active = candidates
        .filter((g) => g.status === 'ACTIVE' && g.requesterAccountId === input.requesterAccountId && g.groupId === input.groupId)
        .sort((a, b) => Date.parse(b.endsAt!) - Date.parse(a.endsAt!))[0];
      if (!active) return refuse('EXTEND.NO_ACTIVE_GRANT', `You have no active access to ${group.displayName} to extend. Raise a New access request instead.`);
      const decision = decideExtension({ grant: active, now, settings: policy, group, changeType: input.changeType ?? active.changeType });
      if (!decision.ok) return refuse(decision.code, decision.message);
      const next = await amend(deps.grants, active, now, { endsAt: decision.endsAt, extensions: decision.extensions, reminderSentAt: undefined });
      await auditGrant(deps.audit, next, now, 'EXTENDED', input.actor, `Extended from ${active.endsAt} to ${next.endsAt} (extension ${next.extensions} of ${group.maxExtensions}) via ${input.issueKey}.`);
      return { ok: true, grant: next };
    });

  const user = await deps.issues.getUser(input.requesterAccountId);
  if (result.ok) {
    await deps.issues.comment(input.issueKey, say.extended(result.grant, group!.displayName, user?.timeZone ?? 'UTC', group!.maxExtensions));
  } else {
    await deps.audit.append({
      at: deps.clock.now(), action: 'EXTEND_REFUSED', actor: input.actor, grantId: input.grantId, issueKey: input.issueKey,
      requesterAccountId: input.requesterAccountId, groupId: input.groupId, detail: `${result.code}: ${result.message}`,
    });
    await deps.issues.comment(input.issueKey, say.refused(input.requesterAccountId, 'Access not extended.', result.message));
  }
  return result;
}
