/**
 * What an admin watches: grants that hold or are changing membership, grants that need them, whether
 * the scheduled sweep runs and revocations are on time, and a two-week picture of requests.
 */
import { MAY_HOLD_STATUSES, mayHoldAppMembership, type Grant, type GrantStatus } from '../../domain/grant';
import { approvalsNeeded, describeSteps, stepsOf } from '../../domain/approval-policy';
import type { Review } from '../../domain/break-glass-review';
import { approvalWindowDays, MINUTE_MS, type GroupPolicy, type PolicySettings } from '../../domain/policy';
import type {
  DashboardReview,
  DashboardAlertAck,
  DashboardChart,
  DashboardDeniedRequest,
  DashboardGrant,
  DashboardHealth,
  DashboardPendingRequest,
  DashboardView,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import {
  SUMMARY_DENIED_KEPT,
  type AlertAck,
  type AlertAcks,
  type DashboardSummary,
  type DeniedRequestRecord,
} from '../ports';
import { GRANTS_PAUSED_REASON } from '../self-check';
import { accountIdsIn } from '../panel/panel-words';
import { connectionStatus } from './connection';
import { selfCheckSummary } from './diagnostics';
import { displayNames, groupLabel, ok, personLabel, wordsForAdmin, type AdminOutcome } from './shared';

type Deps = Pick<AppDeps, 'clock' | 'grants' | 'health' | 'config' | 'issues' | 'notices' | 'reviews'>;
/** Unresolved break-glass reviews listed per state (ADR 0027): one bounded read each. */
const REVIEWS_SHOWN = 25;

/**
 * Rows listed per status (the first page of each, in the order shown): one storage request each,
 * whatever the number of grants (ADR 0022). How many there are in all comes from the summary.
 */
export const ROWS_PER_STATUS = 100;
/**
 * Requests made since the summary's time read on a render (newest first, at most two pages): they
 * bring the chart and the denied list up to the minute. More than this in an hour and the chart says
 * it is partial until the next hourly count.
 */
export const RECENT_LIMIT = 200;

/** Requests waiting for approval shown at most (oldest first): one bounded read. */
export const PENDING_LIMIT = 50;

export const SWEEP_INTERVAL_MS = 5 * MINUTE_MS;
/** A removal later than this after it became due is overdue (the sweep backstop has missed it). */
export const OVERDUE_GRACE_MS = 5 * MINUTE_MS;
/** Denied requests needing an admin shown at most (newest first), out of the chart's window. */
export const DENIED_LIMIT = 20;
export const CHART_DAYS = 14;
const DAY_MS = 24 * 60 * MINUTE_MS;

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

/** Midnight (UTC) of the chart's first day. */
const chartStart = (nowMs: number) => `${dayOf(iso(nowMs - (CHART_DAYS - 1) * DAY_MS))}T00:00:00.000Z`;

/**
 * Every read here is bounded (ADR 0022): the first page of each status listed, the first page of
 * waiting requests, the requests since the last hourly summary (at most RECENT_LIMIT), and single
 * records. Totals that would need every grant come from that summary and say how old they are.
 */
export async function getDashboard(deps: Deps): Promise<AdminOutcome<DashboardView>> {
  const now = deps.clock.now();
  const nowMs = Date.parse(now);
  const chartFrom = chartStart(nowMs);

  const summaryRead = deps.health
    .dashboardSummary()
    // A summary from the future (a clock set back) describes nothing that can be checked: none.
    .then((s) => (s && Date.parse(s.asOf) <= nowMs ? s : undefined));
  // Requests after the summary's time, or the whole window when there is none (or it is too old).
  const recentRead = summaryRead.then((s) =>
    deps.grants.pageRequestedBetween(
      s && Date.parse(s.asOf) >= Date.parse(chartFrom) ? iso(Date.parse(s.asOf) + 1) : chartFrom,
      now,
      RECENT_LIMIT,
    ),
  );

  const [
    pages,
    allowlist,
    lastSweep,
    errors,
    unmanaged,
    summary,
    recent,
    waiting,
    policy,
    connection,
    catchUp,
    acks,
    lost,
    opening,
    openReviews,
  ] = await Promise.all([
    Promise.all(DASHBOARD_STATUSES.map((s) => deps.grants.pageByStatus(s, ROWS_PER_STATUS))),
    deps.config.getAllowlist(),
    deps.health.lastSweep(),
    deps.health.oktaErrorsSince(iso(nowMs - DAY_MS)),
    deps.health.unmanagedMembers(),
    summaryRead,
    recentRead,
    deps.grants.pageByStatus('REQUESTED', PENDING_LIMIT),
    deps.config.getPolicy(),
    connectionStatus(deps),
    deps.health.lastCatchUp(),
    deps.health.alertAcks(),
    deps.notices.listUndeliverable(UNDELIVERED_SHOWN),
    deps.reviews.listOpening(REVIEWS_SHOWN),
    deps.reviews.listOpen(REVIEWS_SHOWN),
  ]);
  const groupName = new Map(allowlist.map((p) => [p.groupId, p.displayName]));
  const overdue = (g: Grant) => isOverdue(g, nowMs);
  // What the summary knew of the window up to its time, then everything requested since.
  const known = (summary?.denied ?? []).filter((d) => d.requestedAt >= chartFrom);
  const denied = deniedNeedingAdmin([...recent.grants, ...known], allowlist, policy);

  const shown = pages.flatMap((p) => p.grants);
  const names = await displayNames(deps, [
    ...[...shown, ...waiting.grants, ...denied.grants].map((g) => g.requesterAccountId),
    ...[...opening.reviews, ...openReviews.reviews].map((r) => r.subjectAccountId),
    // Who acknowledged the health cards.
    ...Object.values(acks).map((a) => a.by),
    // People named as approvers, for the pending list's "who may approve".
    ...allowlist.flatMap((p) => (p.approvalSteps ?? []).flatMap((s) => s.approvers.accountIds)),
    // People a failure's text names (an edit by someone), said by name.
    ...shown.flatMap((g) => accountIdsIn(`${g.reason ?? ''} ${g.lastError ?? ''}`)),
    ...errors.flatMap((e) => accountIdsIn(e.message)),
  ]);
  // Okta's path, status and codes go behind the row's Details; the words say what happened.
  const problemOf = (raw: string | undefined): Pick<DashboardGrant, 'problem' | 'problemDetails' | 'problemOpens'> => {
    if (!raw) return {};
    const w = wordsForAdmin(raw, groupName, names, now);
    return {
      problem: w.text,
      ...(w.details ? { problemDetails: w.details } : {}),
      ...(w.opens ? { problemOpens: w.opens } : {}),
    };
  };
  const grants: DashboardGrant[] = shown
    .map((g) => ({
      id: g.id,
      status: g.status,
      issueKey: g.issueKey,
      requesterAccountId: g.requesterAccountId,
      requesterName: personLabel(g.requesterAccountId, names),
      groupId: g.groupId,
      groupName: groupLabel(g.groupId, groupName),
      startedAt: g.startedAt,
      endsAt: g.endsAt,
      emergency: g.emergency,
      attempts: g.attempts,
      ...problemOf(g.status === 'FAILED' ? (g.reason ?? g.lastError) : g.lastError),
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
    // Fresh, from the pages read: exact unless a page was full and there may be more overdue past it.
    overdueRevocations: shown.filter(overdue).length,
    ...(overdueMayBeMore(pages, nowMs) ? { overdueRevocationsMore: true } : {}),
    oktaErrors24h: unacknowledgedErrors(errors, acks).length,
    recentOktaErrors: unacknowledgedErrors(errors, acks)
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, 5)
      .map((e) => {
        const w = wordsForAdmin(e.message, groupName, names, now);
        return { at: e.at, message: w.text, ...(w.details ? { details: w.details } : {}) };
      }),
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
    chart: chart(summary, recent, chartFrom, groupName),
    reviews: {
      opening: opening.reviews.map((r) => reviewRow(r, names)),
      open: openReviews.reviews.map((r) => reviewRow(r, names)),
      more: opening.more || openReviews.more,
      limit: REVIEWS_SHOWN,
    },
    listed: {
      perStatus: ROWS_PER_STATUS,
      more: DASHBOARD_STATUSES.filter((_, i) => pages[i].more),
    },
    ...(summary
      ? {
          counts: {
            asOf: summary.asOf,
            byStatus: summary.byStatus,
            overdueRevocations: summary.overdueRevocations,
          },
        }
      : {}),
  });
}

/**
 * Could overdue grants lie past a full page? ACTIVE pages come in end-time order, so only if the last
 * row read is overdue too; a removal's due time is not the index order, so any full page of REVOKING
 * or FAILED may hide one. GRANTING grants are never overdue.
 */
function overdueMayBeMore(pages: ReadonlyArray<{ grants: Grant[]; more: boolean }>, nowMs: number): boolean {
  return DASHBOARD_STATUSES.some((status, i) => {
    const { grants, more } = pages[i];
    if (!more || status === 'GRANTING') return false;
    return status !== 'ACTIVE' || isOverdue(grants[grants.length - 1], nowMs);
  });
}

/**
 * The dashboard's counts that would need every grant, counted by the hourly run and stored as one
 * record (ADR 0022): grants per listed status, overdue removals, requests per day and group, and the
 * newest denied request per requester and group. Full reads, paid once an hour instead of per render.
 */
export async function refreshDashboardSummary(
  deps: Pick<AppDeps, 'clock' | 'grants' | 'health'>,
): Promise<DashboardSummary> {
  const asOf = deps.clock.now();
  const nowMs = Date.parse(asOf);
  const statuses: GrantStatus[] = [...DASHBOARD_STATUSES, 'REQUESTED'];
  const lists = await Promise.all(statuses.map((s) => deps.grants.listByStatus(s)));
  const recent = await deps.grants.listRequestedBetween(chartStart(nowMs), asOf);
  const requestsByDay: Record<string, Record<string, number>> = {};
  for (const g of recent) {
    if (g.status === 'DENIED') continue;
    const day = (requestsByDay[dayOf(g.requestedAt)] ??= {});
    day[g.groupId] = (day[g.groupId] ?? 0) + 1;
  }
  const summary: DashboardSummary = {
    asOf,
    byStatus: Object.fromEntries(statuses.map((s, i) => [s, lists[i].length])),
    overdueRevocations: lists.flat().filter((g) => isOverdue(g, nowMs)).length,
    requestsByDay,
    denied: newestDeniedForAdmin(recent)
      .slice(0, SUMMARY_DENIED_KEPT)
      .map((g) => ({
        id: g.id,
        issueKey: g.issueKey,
        requesterAccountId: g.requesterAccountId,
        groupId: g.groupId,
        status: g.status,
        requestedAt: g.requestedAt,
        updatedAt: g.updatedAt,
        ...(g.endedAt ? { endedAt: g.endedAt } : {}),
        ...(g.reason ? { reason: g.reason } : {}),
        ...(g.reasonCode ? { reasonCode: g.reasonCode } : {}),
      })),
  };
  await deps.health.recordDashboardSummary(summary);
  return summary;
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
 * Newest first, one per requester and group: their newest request, kept when it was denied for a
 * reason an admin must fix (a later request of the same person for the same group replaces it).
 */
function newestDeniedForAdmin<T extends DeniedRequestRecord>(recent: readonly T[]): T[] {
  const seen = new Set<string>();
  const found: T[] = [];
  for (const g of [...recent].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))) {
    const key = `${g.requesterAccountId} ${g.groupId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (g.status === 'DENIED' && g.reasonCode && ADMIN_ACTIONS[g.reasonCode]) found.push(g);
  }
  return found;
}

/**
 * Built from the requests since the summary plus the summary's newest denial per requester and group
 * before it (no other storage read): without those fixed since, at most DENIED_LIMIT.
 */
function deniedNeedingAdmin(
  recent: readonly DeniedRequestRecord[],
  allowlist: readonly GroupPolicy[],
  policy: PolicySettings,
): { grants: DeniedRequestRecord[]; more: boolean } {
  const found = newestDeniedForAdmin(recent).filter((g) => {
    const what = ADMIN_ACTIONS[g.reasonCode!];
    if (what.fixed === 'mapped' && policy.requesterMapping[g.requesterAccountId]) return false;
    if (what.fixed === 'allowlisted' && allowlist.some((p) => p.groupId === g.groupId)) return false;
    return true;
  });
  return { grants: found.slice(0, DENIED_LIMIT), more: found.length > DENIED_LIMIT };
}

function deniedRow(
  g: DeniedRequestRecord,
  groupName: Map<string, string>,
  names: Map<string, string>,
): DashboardDeniedRequest {
  const what = ADMIN_ACTIONS[g.reasonCode!];
  const who = personLabel(g.requesterAccountId, names);
  const group = groupLabel(g.groupId, groupName);
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
  const name = (a: string) => personLabel(a, names);
  const closesMs = group && needsApproval ? Date.parse(g.requestedAt) + approvalWindowDays(group) * DAY_MS : undefined;
  const waitingFor = !group
    ? 'Blocked: the group is no longer on the allowlist; the request will be denied.'
    : !needsApproval
      ? g.lastError
        ? `Being granted; the last Okta check failed: ${wordsForAdmin(g.lastError, new Map([[group.groupId, group.displayName]]), names, iso(nowMs)).text}`
        : 'Being granted (no approval needed).'
      : closesMs !== undefined && nowMs > closesMs
        ? 'Approval window passed: the request is closed within the hour, with a comment.'
        : `Waiting for approval: approvers use Approve in the issue's Okta access panel or move the issue to "${policy.approvalStatusName}".`;
  return {
    id: g.id,
    issueKey: g.issueKey,
    requesterAccountId: g.requesterAccountId,
    requesterName: personLabel(g.requesterAccountId, names),
    groupId: g.groupId,
    groupName: group?.displayName ?? groupLabel(g.groupId, new Map()),
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

/**
 * Requests per day (UTC) and group; denied requests are not grants and are left out. The summary's
 * counts up to its time, plus the requests read since; without a summary, the requests read are all.
 */
function chart(
  summary: DashboardSummary | undefined,
  recent: { grants: Grant[]; more: boolean },
  fromIso: string,
  groupName: Map<string, string>,
): DashboardChart {
  const start = Date.parse(fromIso);
  const days = Array.from({ length: CHART_DAYS }, (_, i) => dayOf(iso(start + i * DAY_MS)));
  const index = new Map(days.map((d, i) => [d, i]));
  const series = new Map<string, number[]>();
  const add = (day: string, groupId: string, n: number) => {
    const i = index.get(day);
    if (i === undefined || n === 0) return;
    if (!series.has(groupId)) series.set(groupId, new Array(CHART_DAYS).fill(0));
    series.get(groupId)![i] += n;
  };
  for (const [day, byGroup] of Object.entries(summary?.requestsByDay ?? {}))
    for (const [groupId, n] of Object.entries(byGroup)) add(day, groupId, n);
  for (const g of recent.grants) if (g.status !== 'DENIED') add(dayOf(g.requestedAt), g.groupId, 1);
  return {
    days,
    ...(summary ? { asOf: summary.asOf } : {}),
    complete: !recent.more,
    series: [...series.entries()]
      .map(([groupId, counts]) => ({ groupId, groupName: groupLabel(groupId, groupName), counts }))
      .sort((a, b) => a.groupName.localeCompare(b.groupName)),
  };
}

function reviewRow(r: Review, names: Map<string, string>): DashboardReview {
  return {
    grantId: r.grantId,
    requestIssueKey: r.requestIssueKey,
    ...(r.reviewIssueKey ? { reviewIssueKey: r.reviewIssueKey } : {}),
    subjectAccountId: r.subjectAccountId,
    subjectName: personLabel(r.subjectAccountId, names),
    groupName: r.groupName,
    endsAt: r.endsAt,
    refusals: r.refusals,
    ...(r.status === 'OPENING' && r.lastError ? { problem: r.lastError } : {}),
  };
}
