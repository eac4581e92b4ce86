/**
 * Drift: Okta is the truth for membership. A grant whose member was removed by hand ends as
 * REMOVED_EXTERNALLY; a member added by hand to a managed group is reported, never turned into a grant.
 * Each group is checked on its own: one that Okta no longer has, or will not show, is an alert naming
 * that group, and every other group is still checked. It also repairs request issues' JQL property
 * where a write after a grant's change was lost (ADR 0024).
 */
import type { GroupPolicy } from '../domain/policy';
import { beginRevocation } from '../domain/grant-transitions';
import type { AppDeps } from './deps';
import { commit, repairIssueProperties } from './grant-lifecycle';
import { DirectoryError, StaleGrantError, type Directory } from './ports';
import { gatedDirectory, OktaWaiting, openOktaBreaker } from './okta-gate';
import { completeRevocation } from './revoke-grant';

export interface ReconcileSummary {
  groups: number;
  removedExternally: number;
  unmanaged: number;
  groupsNotChecked: number;
  /** Issue properties found behind their grant and rewritten (ADR 0024), and those Jira refused again. */
  propertiesRepaired: number;
  propertiesNotRepaired: number;
}

/** How many grants one hourly run compares with their issue property: the rest wait an hour. */
export const PROPERTY_REPAIRS_PER_RUN = 50;

/** What the admin reads for a group the drift check could not read, and what to do about it. */
export function groupCheckProblem(group: Pick<GroupPolicy, 'displayName' | 'groupId'>, e: DirectoryError): string {
  const what = `Drift check of ${group.displayName} (${group.groupId}) failed: ${e.message}`;
  switch (e.kind) {
    case 'not-found':
      return `${what} The group no longer exists in Okta: remove it from the allowlist, or allowlist the group that replaced it.`;
    case 'permanent':
      return `${what} Okta refused to show its members: give the app's Okta admin role access to this group.`;
    case 'transient':
      return `${what} Okta was unavailable; the next hourly check tries again.`;
    case 'configuration':
      return `${what} Fix the Okta connection on the admin page.`;
  }
}

export async function reconcile(deps: AppDeps): Promise<ReconcileSummary> {
  // Jira, not Okta: first, so an Okta outage that fails the drift check does not skip it, and a Jira
  // failure here is logged and leaves the drift check to run.
  let repair = { repaired: 0, failed: 0 };
  try {
    repair = await repairIssueProperties(deps, PROPERTY_REPAIRS_PER_RUN);
  } catch (e) {
    console.warn('reconcile: the issue property check did not run', e instanceof Error ? e.message : String(e));
  }
  const drift = await reconcileMembership(deps);
  return { ...drift, propertiesRepaired: repair.repaired, propertiesNotRepaired: repair.failed };
}

async function reconcileMembership(
  deps: AppDeps,
): Promise<Omit<ReconcileSummary, 'propertiesRepaired' | 'propertiesNotRepaired'>> {
  const allowlist = await deps.config.getAllowlist();
  if (allowlist.length === 0) return { groups: 0, removedExternally: 0, unmanaged: 0, groupsNotChecked: 0 };
  // Behind the credential breaker like every Okta caller: while it is open, only its probe calls Okta.
  const okta = gatedDirectory(deps, deps.clock.now());
  let directory: Directory;
  try {
    directory = await okta.get();
  } catch (e) {
    if (!(e instanceof OktaWaiting)) throw e;
    await deps.health.recordOktaError(
      deps.clock.now(),
      `Drift check skipped: Okta rejects the app's credentials (${e.breaker.message}).`,
    );
    return { groups: allowlist.length, removedExternally: 0, unmanaged: 0, groupsNotChecked: allowlist.length };
  }
  const previous = (await deps.health.unmanagedMembers())?.byGroup ?? {};
  const byGroup: Record<string, string[]> = {};
  let removedExternally = 0;
  let groupsNotChecked = 0;
  for (const group of allowlist) {
    try {
      const found = await reconcileGroup(deps, directory, group, previous[group.groupId] ?? []);
      byGroup[group.groupId] = found.unmanaged;
      removedExternally += found.removedExternally;
    } catch (e) {
      // A broken connection fails every group alike: that is the whole run's failure, not this group's.
      if (e instanceof DirectoryError && e.kind === 'configuration' && e.details.status !== undefined)
        await openOktaBreaker(deps, deps.clock.now(), e.message, e.details.requestId);
      if (!(e instanceof DirectoryError) || e.kind === 'configuration') throw e;
      groupsNotChecked++;
      // What was last known stays reported; nothing is concluded from a group that could not be read.
      if (previous[group.groupId]) byGroup[group.groupId] = previous[group.groupId];
      await deps.health.recordOktaError(deps.clock.now(), groupCheckProblem(group, e));
    }
  }
  if (groupsNotChecked < allowlist.length) await okta.answered();
  await deps.health.recordUnmanagedMembers(deps.clock.now(), byGroup);
  return {
    groups: allowlist.length,
    removedExternally,
    unmanaged: Object.values(byGroup).reduce((n, xs) => n + xs.length, 0),
    groupsNotChecked,
  };
}

async function reconcileGroup(
  deps: AppDeps,
  directory: Directory,
  group: GroupPolicy,
  previouslyUnmanaged: readonly string[],
): Promise<{ removedExternally: number; unmanaged: string[] }> {
  let removedExternally = 0;
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
  for (const userId of unmanaged.filter((id) => !previouslyUnmanaged.includes(id))) {
    await deps.audit.append({
      at: listedAt,
      action: 'UNMANAGED_MEMBER_FOUND',
      actor: 'app',
      groupId: group.groupId,
      detail: `Okta user ${userId} is a member of ${group.displayName} without a grant from this app (added outside it, or a membership that pre-existed). Reported only; not changed.`,
    });
  }
  return { removedExternally, unmanaged };
}
