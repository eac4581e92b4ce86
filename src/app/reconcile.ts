/**
 * Drift: Okta is the truth for membership. A grant whose member was removed by hand ends as
 * REMOVED_EXTERNALLY; a member added by hand to a managed group is reported, never turned into a grant.
 */
import { beginRevocation } from '../domain/grant-transitions';
import type { AppDeps } from './deps';
import { commit } from './grant-lifecycle';
import { StaleGrantError } from './ports';
import { completeRevocation } from './revoke-grant';

export interface ReconcileSummary { groups: number; removedExternally: number; unmanaged: number }

export async function reconcile(deps: AppDeps): Promise<ReconcileSummary> {
  const allowlist = await deps.config.getAllowlist();
  if (allowlist.length === 0) return { groups: 0, removedExternally: 0, unmanaged: 0 };
  const directory = await deps.directory();
  const previous = (await deps.health.unmanagedMembers())?.byGroup ?? {};
  const byGroup: Record<string, string[]> = {};
  let removedExternally = 0;
  for (const group of allowlist) {
    const listedAt = deps.clock.now();
    const members = new Set(await directory.listMemberIds(group.groupId));
    const active = await deps.grants.listByGroupAndStatus(group.groupId, 'ACTIVE');
    for (const g of active) {
      if (!g.oktaUserId || members.has(g.oktaUserId)) continue;
      // Re-read: queries are eventually consistent and a revocation may have just started.
      const fresh = await deps.grants.get(g.id);
      if (!fresh || fresh.status !== 'ACTIVE') continue;
      // The list may predate an add that landed just after it: ask Okta about this one member.
      if (await directory.isMember(g.oktaUserId, group.groupId)) continue;
      try {
        // The same end as every other: REVOKING first (the intent survives a crash; the sweep finds
        // it), then the one removal step, which knows there is nothing left in Okta to remove.
        const ending = await commit(deps.grants, beginRevocation(fresh, 'REMOVED_EXTERNALLY', 'app', listedAt));
        await completeRevocation(deps, ending, listedAt);
        removedExternally++;
      } catch (e) {
        if (!(e instanceof StaleGrantError)) throw e;
      }
    }
    const granted = new Set((await deps.grants.listByGroupAndStatus(group.groupId, 'ACTIVE')).map((g) => g.oktaUserId));
    const unmanaged = [...members].filter((id) => !granted.has(id)).sort();
    byGroup[group.groupId] = unmanaged;
    const newlySeen = unmanaged.filter((id) => !(previous[group.groupId] ?? []).includes(id));
    for (const userId of newlySeen) {
      await deps.audit.append({ at: listedAt, action: 'UNMANAGED_MEMBER_FOUND', actor: 'app', groupId: group.groupId, detail: `Okta user ${userId} is a member of ${group.displayName} without a grant from this app (added outside it, or a membership that pre-existed). Reported only; not changed.` });
    }
  }
  await deps.health.recordUnmanagedMembers(deps.clock.now(), byGroup);
  return { groups: allowlist.length, removedExternally, unmanaged: Object.values(byGroup).reduce((n, xs) => n + xs.length, 0) };
}
