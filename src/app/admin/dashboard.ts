/**
 * What an admin watches: grants that hold or are changing membership, grants that need them, whether
 * the scheduled sweep runs and revocations are on time, and a two-week picture of requests.
 */
import { MAY_HOLD_STATUSES, mayHoldAppMembership, type Grant, type GrantStatus } from '../../domain/grant';
import { approvalsNeeded, describeSteps, stepsOf } from '../../domain/approval-policy';
import { approvalWindowDays, MINUTE_MS, type GroupPolicy, type PolicySettings } from '../../domain/policy';
import type {
  DashboardAlertAck,
  DashboardChart,
  DashboardDeniedRequest,
  DashboardGrant,
  DashboardHealth,
  DashboardPendingRequest,
  DashboardView,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import type { AlertAck, AlertAcks } from '../ports';
import { GRANTS_PAUSED_REASON } from '../self-check';
import { connectionStatus } from './connection';
import { selfCheckSummary } from './diagnostics';
import { displayNames, ok, type AdminOutcome } from './shared';

type Deps = Pick<AppDeps, 'clock' | 'grants' | 'health' | 'config' | 'issues' | 'notices'>;

/** Requests waiting for approval shown at most (oldest first): one bounded read. */
export const PENDING_LIMIT = 50;

export const SWEEP_INTERVAL_MS = 5 * MINUTE_MS;
/** A removal later than this after it became due is overdue (the sweep backstop has missed it). */
export const OVERDUE_GRACE_MS = 5 * MINUTE_MS;
/** Denied requests needing an admin shown at most (newest first), out of the chart's window. */
export const DENIED_LIMIT = 20;
export const CHART_DAYS = 14;
const DAY_MS = 24 * 60 * MINUTE_MS;
const MAX_PER_STATUS = 500;

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * When the membership was due to go. An ACTIVE grant: at its end time. A grant ending (REVOKING) or
 * whose removal failed: when its end was asked for, which is its end time or just after for an expiry
 * (the exact-time expiry or the sweep), the moment of the request for an admin's revoke or a
 * relinquish (before the end time, or after it when the grant outlived it), and the moment of the retry
 * for a retried removal. Grants written before endRequestedAt existed fall back to their end time.
 * Undefined for a grant that holds nothing of the app's.
 */
export function removalDueAt(g: Grant): string | undefined {
  if (g.status === 'ACTIVE') return g.endsAt;
  if (g.status === 'REVOKING' || (g.status === 'FAILED' && mayHoldAppMembership(g)))
    return g.endRequestedAt ?? g.endsAt ?? g.updatedAt;
  return undefined;
}

/**
 * Still in Okta after it should have gone: held (or maybe held, a failed removal) more than the grace
 * past the moment removal became due. A grant an admin revoked a minute ago is not overdue, whatever its
 * end time said; one whose removal has failed is, once the grace has passed.
 */
export function isOverdue(g: Grant, nowMs: number): boolean {
  const due = removalDueAt(g);
  return due !== undefined && nowMs - Date.parse(due) > OVERDUE_GRACE_MS;
}
const dayOf = (isoString: string) => isoString.slice(0, 10);

/** Grants holding or changing membership, and FAILED ones (they need an admin, and may still hold it). */
export const DASHBOARD_STATUSES: readonly GrantStatus[] = MAY_HOLD_STATUSES;

/** Rows needing an admin first. */
/** Undeliverable notices listed on the dashboard (newest first). */
const UNDELIVERED_SHOWN = 5;

const ORDER: Partial<Record<GrantStatus, number>> = { FAILED: 0, REVOKING: 1, GRANTING: 2, ACTIVE: 3 };

export async function getDashboard(deps: Deps): Promise<AdminOutcome<DashboardView>> {
  const now = deps.clock.now();
  const nowMs = Date.parse(now);
  const chartFrom = `${dayOf(iso(nowMs - (CHART_DAYS - 1) * DAY_MS))}T00:00:00.000Z`;

  const [byStatus, allowlist, lastSweep, errors, unmanaged, recent, waiting, policy, connection, catchUp, acks, lost] =
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
      deps.health.alertAcks(),
      deps.notices.listUndeliverable(UNDELIVERED_SHOWN),
    ]);
  const groupName = new Map(allowlist.map((p) => [p.groupId, p.displayName]));
  const overdue = (g: Grant) => isOverdue(g, nowMs);
  const denied = deniedNeedingAdmin(recent, allowlist, policy);

  const shown = byStatus.flatMap((list) => list.slice(0, MAX_PER_STATUS));
  const names = await displayNames(deps, [
    ...[...shown, ...waiting.grants, ...denied.grants].map((g) => g.requesterAccountId),
    // Who acknowledged the health cards.
    ...Object.values(acks).map((a) => a.by),
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
      overdue: overdue(g),
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
    overdueRevocations: byStatus.flat().filter(overdue).length,
    oktaErrors24h: unacknowledgedErrors(errors, acks).length,
    recentOktaErrors: unacknowledgedErrors(errors, acks)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, 5),
    unmanagedMembers: unmanaged ? { at: unmanaged.at, count: unacknowledgedDrift(unmanaged.byGroup, acks) } : undefined,
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
    ...(lost.notices.length
      ? {
          undeliveredNotices: {
            recent: lost.notices.map((n) => ({ issueKey: n.issueKey, at: n.dueAt, reason: n.reason ?? '' })),
            more: lost.more,
          },
        }
      : {}),
    selfCheck: await selfCheckSummary(deps),
    acks: { oktaErrors: ackView(acks['okta-errors'], names), drift: ackView(acks.drift, names) },
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
    denied: {
      requests: denied.grants.map((g) => deniedRow(g, groupName, names)),
      more: denied.more,
      limit: DENIED_LIMIT,
      days: CHART_DAYS,
    },
    health,
    chart: chart(recent, chartFrom, groupName),
  });
}

/** Okta errors recorded after the last acknowledgement (those at or before it were acknowledged). */
export function unacknowledgedErrors<E extends { at: string }>(errors: readonly E[], acks: AlertAcks): E[] {
  const upTo = acks['okta-errors']?.upTo;
  return upTo === undefined ? [...errors] : errors.filter((e) => Date.parse(e.at) > Date.parse(upTo));
}

/** Members without a grant that the last acknowledgement did not cover (a new one counts again). */
export function unacknowledgedDrift(byGroup: Record<string, string[]>, acks: AlertAcks): number {
  const seen = acks.drift?.byGroup ?? {};
  return Object.entries(byGroup).reduce(
    (n, [groupId, ids]) => n + ids.filter((id) => !(seen[groupId] ?? []).includes(id)).length,
    0,
  );
}

function ackView(ack: AlertAck | undefined, names: Map<string, string>): DashboardAlertAck {
  return ack
    ? {
        acknowledged: {
          by: ack.by,
          byName: names.get(ack.by) ?? ack.by,
          at: ack.at,
          upTo: ack.upTo,
          count: ack.count,
        },
      }
    : {};
}

/**
 * What an admin does about a denial, by its reason code; codes not listed are for the requester or an
 * approver (a wrong project picked, an approver's no, a window that passed) and are not shown.
 */
const ADMIN_ACTIONS: Record<
  string,
  { link?: DashboardDeniedRequest['link']; action: (who: string, group: string) => string; fixed?: Fixed }
> = {
  'IDENTITY.EMAIL_HIDDEN': {
    link: 'policy',
    action: (who) =>
      `Add ${who} to the requester mapping on the Policy tab (or make their email visible to apps in Atlassian), then ask them to raise the request again.`,
    fixed: 'mapped',
  },
  'USER.NOT_FOUND': {
    link: 'policy',
    action: (who) =>
      `No Okta user matches ${who}: map them to their Okta login in the requester mapping on the Policy tab (or correct the mapping), then ask them to raise the request again.`,
  },
  'USER.AMBIGUOUS': {
    link: 'policy',
    action: (who) =>
      `More than one Okta user matches ${who}: map them to one Okta login in the requester mapping on the Policy tab, then ask them to raise the request again.`,
    fixed: 'mapped',
  },
  'USER.NOT_ACTIVE': {
    action: (who) =>
      `The Okta account of ${who} is not active: an Okta admin must activate it, then ${who} raises the request again.`,
  },
  'GRANT.NOT_ALLOWLISTED': {
    link: 'allowlist',
    action: (_who, group) =>
      `${group} is not on the allowlist: add it on the Allowlist tab if people may request it, or tell the requester which group to choose.`,
    fixed: 'allowlisted',
  },
  'GROUP.NOT_FOUND': {
    link: 'allowlist',
    action: (_who, group) => `Okta no longer has ${group}: remove it from the allowlist on the Allowlist tab.`,
  },
  'GROUP.NOT_OKTA_GROUP': {
    link: 'allowlist',
    action: (_who, group) =>
      `${group} is not an Okta group the app can manage (it comes from an app or directory): remove it from the allowlist.`,
  },
  'GROUP.RULE_TARGETED': {
    link: 'allowlist',
    action: (_who, group) =>
      `A group rule in Okta assigns ${group}: remove it from the allowlist, or the rule in Okta.`,
  },
  'GROUP.HAS_ADMIN_ROLE': {
    link: 'allowlist',
    action: (_who, group) =>
      `${group} carries an Okta admin role, which the app refuses to grant: remove it from the allowlist.`,
  },
};

/** How the dashboard knows an admin has fixed it since: a mapping added, a group allowlisted. */
type Fixed = 'mapped' | 'allowlisted';

/**
 * The chart's read (every request of the last CHART_DAYS days, one indexed range query) already holds
 * them: no further storage read. Newest first, one per requester and group, without those fixed since
 * or replaced by a later request of the same person for the same group; at most DENIED_LIMIT.
 */
function deniedNeedingAdmin(
  recent: readonly Grant[],
  allowlist: readonly GroupPolicy[],
  policy: PolicySettings,
): { grants: Grant[]; more: boolean } {
  const seen = new Set<string>();
  const found: Grant[] = [];
  for (const g of [...recent].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))) {
    const key = `${g.requesterAccountId} ${g.groupId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const what = g.status === 'DENIED' && g.reasonCode ? ADMIN_ACTIONS[g.reasonCode] : undefined;
    if (!what) continue;
    if (what.fixed === 'mapped' && policy.requesterMapping[g.requesterAccountId]) continue;
    if (what.fixed === 'allowlisted' && allowlist.some((p) => p.groupId === g.groupId)) continue;
    found.push(g);
  }
  return { grants: found.slice(0, DENIED_LIMIT), more: found.length > DENIED_LIMIT };
}

function deniedRow(g: Grant, groupName: Map<string, string>, names: Map<string, string>): DashboardDeniedRequest {
  const what = ADMIN_ACTIONS[g.reasonCode!];
  const who = names.get(g.requesterAccountId) ?? g.requesterAccountId;
  const group = groupName.get(g.groupId) ?? g.groupId;
  return {
    id: g.id,
    issueKey: g.issueKey,
    requesterAccountId: g.requesterAccountId,
    requesterName: who,
    groupId: g.groupId,
    groupName: group,
    deniedAt: g.endedAt ?? g.updatedAt,
    reasonCode: g.reasonCode!,
    reason: g.reason ?? '',
    action: what.action(who, group),
    ...(what.link ? { link: what.link } : {}),
  };
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
