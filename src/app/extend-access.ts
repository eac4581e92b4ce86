/**
 * Extend access: push out the end of the requester's running grant for a group, within policy.
 * No Okta call: the membership is already there.
 */
import { reviewFollowsExtension } from './break-glass-review';
import type { Grant } from '../domain/grant';
import { extend } from '../domain/grant-transitions';
import { decideExtension } from '../domain/policy';
import type { AppDeps } from './deps';
import { refuse, type Outcome } from './errors';
import { commit, retryOnStale } from './grant-lifecycle';
import { tell } from './deliver-notice';
import * as say from './messages';
import { noticeStep } from './notices';

export interface ExtendInput {
  requesterAccountId: string;
  groupId: string;
  actor: string;
  /** Issue to comment on (the Extend access issue, or the grant's own issue from the panel). */
  issueKey: string;
  changeType?: string;
  grantId?: string;
  /**
   * The Extend access issue asking for it, when there is one: an extension is applied once per such
   * issue, so a redelivered event (its comment failed, say) never extends twice.
   */
  requestIssueKey?: string;
  /** How the audit trail names where the extension came from, when not just `issueKey` (an Automation rule). */
  via?: string;
}

/** Applies the extension (or says why not); writes nothing to Jira. */
export async function extendGrant(deps: AppDeps, input: ExtendInput): Promise<Outcome<{ grant: Grant }>> {
  const [policy, allowlist] = await Promise.all([deps.config.getPolicy(), deps.config.getAllowlist()]);
  const group = allowlist.find((x) => x.groupId === input.groupId);
  if (!group)
    return refuse(
      'GRANT.NOT_ALLOWLISTED',
      'This group is no longer on the allowlist, so its grants cannot be extended.',
    );
  return retryOnStale(async (): Promise<Outcome<{ grant: Grant }>> => {
    const now = deps.clock.now();
    const candidates = input.grantId
      ? [await deps.grants.get(input.grantId)].filter((g): g is Grant => !!g)
      : await deps.grants.listHeldByRequesterAndGroup(input.requesterAccountId, input.groupId);
    const mine = candidates.filter(
      (g) => g.requesterAccountId === input.requesterAccountId && g.groupId === input.groupId,
    );
    const already = input.requestIssueKey && mine.find((g) => g.extendedVia?.includes(input.requestIssueKey!));
    if (already) return { ok: true, grant: already };
    const active = mine
      .filter((g) => g.status === 'ACTIVE')
      .sort((a, b) => Date.parse(b.endsAt!) - Date.parse(a.endsAt!))[0];
    if (!active)
      return refuse(
        'EXTEND.NO_ACTIVE_GRANT',
        `You have no active access to ${group.displayName} to extend. Raise a New access request instead.`,
      );
    const decision = decideExtension({
      grant: active,
      now,
      settings: policy,
      group,
      changeType: input.changeType ?? active.changeType,
    });
    if (!decision.ok) return refuse(decision.code, decision.message);
    const next = await commit(
      deps.grants,
      extend(
        active,
        {
          endsAt: decision.endsAt,
          extensions: decision.extensions,
          maxExtensions: group.maxExtensions,
          actor: input.actor,
          viaIssueKey: input.via ?? input.issueKey,
          requestIssueKey: input.requestIssueKey,
        },
        now,
      ),
    );
    return { ok: true, grant: next };
  });
}

/**
 * Tells the requester on the issue what happened, once per `noticeKey` (a refusal is also audited,
 * once). False when it was told before.
 */
export async function announceExtension(
  deps: AppDeps,
  input: ExtendInput,
  result: Outcome<{ grant: Grant }>,
  noticeKey: string,
): Promise<boolean> {
  const [allowlist, user] = await Promise.all([
    deps.config.getAllowlist(),
    deps.issues.getUser(input.requesterAccountId),
  ]);
  const group = allowlist.find((x) => x.groupId === input.groupId);
  if (result.ok) {
    // An emergency grant's review is due at its actual end (ADR 0027).
    await reviewFollowsExtension(deps, result.grant);
    return tell(deps, noticeKey, {
      issueKey: input.issueKey,
      comment: say.extended(
        result.grant,
        group?.displayName ?? input.groupId,
        user?.timeZone ?? 'UTC',
        group?.maxExtensions ?? result.grant.extensions,
      ),
    });
  }
  await noticeStep(deps.ledger, noticeKey, 'audit', () =>
    deps.audit.append({
      at: deps.clock.now(),
      action: 'EXTEND_REFUSED',
      actor: input.actor,
      grantId: input.grantId,
      issueKey: input.issueKey,
      requesterAccountId: input.requesterAccountId,
      groupId: input.groupId,
      detail: `${result.code}: ${result.message}`,
    }),
  );
  return tell(deps, noticeKey, {
    issueKey: input.issueKey,
    comment: say.refused(input.requesterAccountId, 'Access not extended.', result.message),
  });
}

/** Extend and tell, in one go (the panel's button). */
export async function extendAccess(deps: AppDeps, input: ExtendInput): Promise<Outcome<{ grant: Grant }>> {
  const result = await extendGrant(deps, input);
  // Each press is its own notice: the extension it made (the grant's new version), or this refusal.
  const key = result.ok
    ? `extended:${result.grant.id}:${result.grant.version}`
    : `extend-refused:${input.issueKey}:${input.grantId ?? input.groupId}:${deps.clock.now()}`;
  await announceExtension(deps, input, result, key);
  return result;
}
