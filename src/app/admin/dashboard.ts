/**
 * What an admin watches: grants that hold or are changing membership, grants that need them, whether
 * the scheduled sweep runs and revocations are on time, and a two-week picture of requests.
 */
import { MAY_HOLD_STATUSES, mayHoldAppMembership, type Grant, type GrantStatus } from '../../domain/grant';
import { approvalsNeeded, describeSteps, stepsOf } from '../../domain/approval-policy';
import { approvalWindowDays, MINUTE_MS, type GroupPolicy, type PolicySettings } from '../../domain/policy';
import type {
  DashboardChart,
  DashboardGrant,
  DashboardHealth,
  DashboardPendingRequest,
  DashboardView,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { GRANTS_PAUSED_REASON } from '../self-check';
import { connectionStatus } from './connection';
import { selfCheckSummary } from './diagnostics';
import { displayNames, ok, type AdminOutcome } from './shared';

type Deps = Pick<AppDeps, 'clock' | 'grants' | 'health' | 'config' | 'issues'>;

/** Requests waiting for approval shown at most (oldest first): one bounded read. */
export const PENDING_LIMIT = 50;

export const SWEEP_INTERVAL_MS = 5 * MINUTE_MS;
/** A revocation later than this after its end time is overdue (the sweep backstop has missed it). */
export const OVERDUE_GRACE_MS = 5 * MINUTE_MS;
export const CHART_DAYS = 14;
const DAY_MS = 24 * 60 * MINUTE_MS;
const MAX_PER_STATUS = 500;

const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (isoString: string) => isoString.slice(0, 10);

/** Grants holding or changing membership, and FAILED ones (they need an admin, and may still hold it). */
export const DASHBOARD_STATUSES: readonly GrantStatus[] = MAY_HOLD_STATUSES;

/** Rows needing an admin first. */
const ORDER: Partial<Record<GrantStatus, number>> = { FAILED: 0, REVOKING: 1, GRANTING: 2, ACTIVE: 3 };

export async function getDashboard(deps: Deps): Promise<AdminOutcome<DashboardView>> {
  const now = deps.clock.now();
  const nowMs = Date.parse(now);
  const overdueBefore = iso(nowMs - OVERDUE_GRACE_MS);
  const chartFrom = `${dayOf(iso(nowMs - (CHART_DAYS - 1) * DAY_MS))}T00:00:00.000Z`;

  const [byStatus, allowlist, lastSweep, errors, unmanaged, recent, waiting, policy, connection, catchUp] =
    await Promise.all([
      Promise.all(DASHBOARD_STATUSES.map((s) => deps.grants.listByStatus(s))),
      deps.config.getAllowlist(),
      deps.health.lastSweep(),
      deps.health.oktaErrorsSince(iso(nowMs - DAY_MS)),
      deps.health.unmanagedMembers(),
      deps.grants.listRequestedBetween(chartFrom, now),
      deps.grants.pageByStatus('REQUESTED', PENDING_LIMIT),
      deps.config.getPolicy(),
      connectionStatus(deps),
      deps.health.lastCatchUp(),
    ]);
  const groupName = new Map(allowlist.map((p) => [p.groupId, p.displayName]));
  // Still in Okta after it should have gone: past its end by the grace, or a removal that failed.
  const isOverdue = (g: Grant) =>
    ((g.status === 'ACTIVE' || g.status === 'REVOKING') && g.endsAt !== undefined && g.endsAt < overdueBefore) ||
    (g.status === 'FAILED' && mayHoldAppMembership(g));

  const shown = byStatus.flatMap((list) => list.slice(0, MAX_PER_STATUS));
  const names = await displayNames(deps, [
    ...[...shown, ...waiting.grants].map((g) => g.requesterAccountId),
    // People named as approvers, for the pending list's "who may approve".
    ...allowlist.flatMap((p) => (p.approvalSteps ?? []).flatMap((s) => s.approvers.accountIds)),
  ]);
  const grants: DashboardGrant[] = shown
    .map((g) => ({
      id: g.id,
      status: g.status,
      issueKey: g.issueKey,
      requesterAccountId: g.requesterAccountId,
      requesterName: names.get(g.requesterAccountId) ?? g.requesterAccountId,
      groupId: g.groupId,
      groupName: groupName.get(g.groupId) ?? g.groupId,
      startedAt: g.startedAt,
      endsAt: g.endsAt,
      emergency: g.emergency,
      attempts: g.attempts,
      problem: g.status === 'FAILED' ? (g.reason ?? g.lastError) : g.lastError,
      overdue: isOverdue(g),
      // A FAILED removal can be retried: an admin's way out of "needs an admin". A grant that failed while
      // starting holds nothing of ours (a start abandoned at its end took back what it may have added).
      revocable: g.status === 'ACTIVE' || (g.status === 'FAILED' && mayHoldAppMembership(g)),
    }))
    .sort(
      (a, b) =>
        (ORDER[a.status] ?? 4) - (ORDER[b.status] ?? 4) ||
        Number(b.overdue) - Number(a.overdue) ||
        (a.endsAt ?? '').localeCompare(b.endsAt ?? ''),
    );

  const nextSweepMs = lastSweep ? Date.parse(lastSweep.at) + SWEEP_INTERVAL_MS : undefined;
  const health: DashboardHealth = {
    lastSweepAt: lastSweep?.at,
    nextSweepAt: nextSweepMs !== undefined ? iso(nextSweepMs) : undefined,
    sweepLate: nextSweepMs !== undefined && nowMs > nextSweepMs + SWEEP_INTERVAL_MS,
    // Counted over the full lists, not only the rows shown.
    overdueRevocations: byStatus.flat().filter(isOverdue).length,
    oktaErrors24h: errors.length,
    recentOktaErrors: [...errors].sort((a, b) => b.at.localeCompare(a.at)).slice(0, 5),
    unmanagedMembers: unmanaged
      ? { at: unmanaged.at, count: Object.values(unmanaged.byGroup).reduce((n, ids) => n + ids.length, 0) }
      : undefined,
    ...(connection ? { connection } : {}),
    ...(catchUp
      ? {
          intakeCatchUp: {
            at: catchUp.at,
            examined: catchUp.examined,
            found: catchUp.found,
            recorded: catchUp.recorded,
            failed: catchUp.failed,
            more: catchUp.more,
            ...(catchUp.problem ? { problem: catchUp.problem } : {}),
          },
        }
      : {}),
    selfCheck: await selfCheckSummary(deps),
  };
  const pending = waiting.grants
    .filter((g) => g.status === 'REQUESTED')
    .map((g) =>
      pendingRow(
        g,
        allowlist.find((p) => p.groupId === g.groupId),
        policy,
        names,
        nowMs,
      ),
    );
  return ok({
    now,
    grants,
    pending: { requests: pending, more: waiting.more, limit: PENDING_LIMIT },
    health,
    chart: chart(recent, chartFrom, groupName),
  });
}

const PAUSED =
  'Paused: new grants are stopped because the self-check failed (see Diagnostics); it goes on by itself once the check passes.';

const capitalize = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);

/**
 * A waiting request as the dashboard shows it. Read from the grant alone (no issue read per row): what
 * it waits for, or what blocks it, and when the group's approval window closes it.
 */
function pendingRow(
  g: Grant,
  group: GroupPolicy | undefined,
  policy: PolicySettings,
  names: Map<string, string>,
  nowMs: number,
): DashboardPendingRequest {
  const needsApproval = group?.approvalMode === 'status' && !g.emergency;
  const steps = group ? stepsOf(group) : [];
  const name = (a: string) => names.get(a) ?? a;
  const closesMs = group && needsApproval ? Date.parse(g.requestedAt) + approvalWindowDays(group) * DAY_MS : undefined;
  const waitingFor = !group
    ? 'Blocked: the group is no longer on the allowlist; the request will be denied.'
    : !needsApproval
      ? g.lastError
        ? `Being granted; the last Okta check failed: ${g.lastError}`
        : 'Being granted (no approval needed).'
      : closesMs !== undefined && nowMs > closesMs
        ? 'Approval window passed: the request is closed within the hour, with a comment.'
        : `Waiting for approval: approvers use Approve in the issue's Okta access panel or move the issue to "${policy.approvalStatusName}".`;
  return {
    id: g.id,
    issueKey: g.issueKey,
    requesterAccountId: g.requesterAccountId,
    requesterName: names.get(g.requesterAccountId) ?? g.requesterAccountId,
    groupId: g.groupId,
    groupName: group?.displayName ?? g.groupId,
    requestedAt: g.requestedAt,
    // Approvals recorded on the request; the worker records a status move as soon as it counts it.
    approvals: needsApproval
      ? { given: Math.min(g.approvals?.length ?? 0, approvalsNeeded(steps)), needed: approvalsNeeded(steps) }
      : { given: 0, needed: 0 },
    waitingFor,
    // Paused by the install self-check (ADR 0014): that is what it waits for, whatever else applies.
    ...(g.lastError === GRANTS_PAUSED_REASON ? { waitingFor: PAUSED } : {}),
    approvers: needsApproval ? capitalize(describeSteps(steps, name)) : 'No approval needed',
    ...(closesMs !== undefined ? { closesAt: iso(closesMs) } : {}),
    emergency: g.emergency,
  };
}

/** Requests per day (UTC) and group; denied requests are not grants and are left out. */
function chart(grants: Grant[], fromIso: string, groupName: Map<string, string>): DashboardChart {
  const start = Date.parse(fromIso);
  const days = Array.from({ length: CHART_DAYS }, (_, i) => dayOf(iso(start + i * DAY_MS)));
  const index = new Map(days.map((d, i) => [d, i]));
  const series = new Map<string, number[]>();
  for (const g of grants) {
    if (g.status === 'DENIED') continue;
    const i = index.get(dayOf(g.requestedAt));
    if (i === undefined) continue;
    if (!series.has(g.groupId)) series.set(g.groupId, new Array(CHART_DAYS).fill(0));
    series.get(g.groupId)![i]++;
  }
  return {
    days,
    series: [...series.entries()]
      .map(([groupId, counts]) => ({ groupId, groupName: groupName.get(groupId) ?? groupId, counts }))
      .sort((a, b) => a.groupName.localeCompare(b.groupName)),
  };
}
