/**
 * The load scenario (issue 10 §4): `requests` access requests from `requesters` people spread over a
 * virtual day, Okta limited to `oktaPerMinute` requests a minute and failing `faultRate` of its
 * requests at random with transient errors (429, 500, 502, 503). At the end, after the world drained,
 * the same outcome checks as the fault suite (test/suites/outcomes.ts) and the revocation lag.
 * `npm run test:load` (scripts/load.ts) runs 2,000 / 500; test/suites/load.test.ts a small one in jest.
 */
import { seededRandom } from '../../sandbox/random';
import { HOUR, T0, type World } from '../integration/world';
import { outcomes, people } from './outcomes';

export interface LoadOptions {
  requests: number;
  requesters: number;
  seed?: number;
  faultRate?: number;
  oktaPerMinute?: number;
  progress?: (line: string) => void;
}

export interface LoadResult {
  requests: { newAccess: number; extend: number; view: number };
  grants: number;
  byStatus: Record<string, number>;
  lost: string[];
  duplicateMemberships: number;
  duplicateNotices: number;
  membershipMismatches: string[];
  noticeProblems: string[];
  auditVerifies: boolean;
  revocationLagMs: { expired: number; p50: number; p99: number; max: number };
  /** `rateLimited`: 429s from the emulator's own 600/min limit, not the injected ones. */
  okta: { requests: number; injectedFaults: number; rateLimited: number };
  /** Triggers that threw after Forge's last retry (their requests are left to the hourly catch-up). */
  triggerFailures: number;
  virtualHours: number;
}

const TRANSIENT = [429, 500, 502, 503];
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** Runs on `w` (a fresh world from test/integration/world.ts); the caller closes it. */
export async function runLoad(o: LoadOptions, w: World): Promise<LoadResult> {
  const { sb } = w;
  const draw = seededRandom(o.seed ?? 2026);
  const faultDraw = seededRandom((o.seed ?? 2026) + 1);
  const log = o.progress ?? (() => {});
  sb.okta.setRateLimit(o.oktaPerMinute ?? 600, 60);
  const groups = [w.w.groups.linux, w.w.groups.windows, w.w.groups.database];
  const crowd = people(w, o.requesters, 'load');
  const start = Date.parse(T0);
  const times = Array.from({ length: o.requests }, () => start + Math.floor(draw() * 24 * HOUR)).sort((a, b) => a - b);

  let injectedFaults = 0;
  let injected429 = 0;
  sb.okta.randomFaults(({ path }) => {
    if (!path.startsWith('/api/v1/') || faultDraw() >= (o.faultRate ?? 0.05)) return undefined;
    injectedFaults++;
    const status = TRANSIENT[Math.floor(faultDraw() * TRANSIENT.length)];
    if (status === 429) injected429++;
    return status;
  });
  let triggerFailures = 0;
  const advanceTo = async (ms: number) => {
    while (Date.parse(sb.clock.now()) < ms) {
      const step = Math.min(60_000, ms - Date.parse(sb.clock.now()));
      await sb.clock.advance(step).catch(() => triggerFailures++);
    }
  };

  const requested: Array<{ key: string; grantId: string }> = [];
  const otherIssues: string[] = [];
  const lastGroup = new Map<number, string>();
  const counts = { newAccess: 0, extend: 0, view: 0 };
  for (const [i, at] of times.entries()) {
    await advanceTo(at);
    const who = Math.floor(draw() * crowd.length);
    const kind = draw();
    const reporter = crowd[who].jira;
    if (kind < 0.1 && lastGroup.has(who)) {
      const r = await w.raise(
        { changeType: 'Standard', accessType: 'Extend access', adminGroup: lastGroup.get(who)! },
        { reporter },
      );
      otherIssues.push(r.key);
      counts.extend++;
    } else if (kind < 0.2) {
      const r = await w.raise({ accessType: 'View access' }, { reporter });
      otherIssues.push(r.key);
      counts.view++;
    } else {
      const group = groups[Math.floor(draw() * groups.length)];
      const changeType = ['Standard', 'Emergency', 'Normal'][Math.floor(draw() * 3)];
      const requestedEnd = draw() < 0.7 ? new Date(at + Math.floor((1 + draw() * 7) * HOUR)).toISOString() : undefined;
      const r = await w.raise(
        { changeType, accessType: 'New access', adminGroup: group, ...(requestedEnd ? { requestedEnd } : {}) },
        { reporter },
      );
      lastGroup.set(who, group);
      requested.push(r);
      counts.newAccess++;
    }
    if ((i + 1) % 200 === 0) log(`${i + 1} of ${o.requests} requests raised (${sb.clock.now()})`);
  }
  // The last grants end at most 12 h after the day; drain with faults still on, then one quiet hour.
  log('draining');
  await advanceTo(start + 37 * HOUR);
  sb.okta.randomFaults(undefined);
  await advanceTo(start + 38 * HOUR);

  const out = await outcomes(w, { requested, otherIssues });
  const grants = w.grants();
  const lags = grants
    .filter((g) => g.endReason === 'EXPIRED' && g.endedAt && g.endsAt)
    .map((g) => Date.parse(g.endedAt!) - Date.parse(g.endsAt!))
    .sort((a, b) => a - b);
  const byStatus: Record<string, number> = {};
  for (const g of grants) byStatus[g.status] = (byStatus[g.status] ?? 0) + 1;
  return {
    requests: counts,
    grants: out.grants,
    byStatus,
    lost: out.lost,
    duplicateMemberships: out.duplicateMemberships.length,
    duplicateNotices: out.duplicateNotices,
    membershipMismatches: out.membershipMismatches,
    noticeProblems: out.noticeProblems,
    auditVerifies: out.auditVerifies,
    revocationLagMs: {
      expired: lags.length,
      p50: percentile(lags, 50),
      p99: percentile(lags, 99),
      max: lags.at(-1) ?? 0,
    },
    okta: {
      requests: sb.okta.requests.length,
      injectedFaults,
      rateLimited: sb.okta.requests.filter((q) => q.status === 429).length - injected429,
    },
    triggerFailures,
    virtualHours: (Date.parse(sb.clock.now()) - start) / HOUR,
  };
}

/** The checks a load run must pass; each names what failed. */
export function loadFailures(r: LoadResult): string[] {
  return [
    ...(r.lost.length ? [`lost ${r.lost.length}: ${r.lost.slice(0, 5).join('; ')}`] : []),
    ...(r.duplicateMemberships ? [`duplicate memberships ${r.duplicateMemberships}`] : []),
    ...(r.duplicateNotices || r.noticeProblems.length
      ? [`notices: ${r.duplicateNotices} duplicates; ${r.noticeProblems.slice(0, 5).join('; ')}`]
      : []),
    ...(r.membershipMismatches.length
      ? [`membership mismatches ${r.membershipMismatches.length}: ${r.membershipMismatches.slice(0, 5).join('; ')}`]
      : []),
    ...(r.auditVerifies ? [] : ['the audit chain does not verify']),
  ];
}

export const formatLoad = (r: LoadResult): string[] => {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  return [
    `requests ${r.requests.newAccess + r.requests.extend + r.requests.view} (${r.requests.newAccess} new, ${r.requests.extend} extend, ${r.requests.view} view) over ${r.virtualHours} virtual hours`,
    `grants ${r.grants}: ${Object.entries(r.byStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `okta requests ${r.okta.requests}, injected transient faults ${r.okta.injectedFaults}, rate-limited by the 600/min limit ${r.okta.rateLimited}; triggers failed after their retries ${r.triggerFailures}`,
    `lost ${r.lost.length}`,
    `duplicate memberships ${r.duplicateMemberships}`,
    `duplicate notices ${r.duplicateNotices}`,
    `membership mismatches ${r.membershipMismatches.length}`,
    `audit verifies ${r.auditVerifies ? 'yes' : 'NO'}`,
    `revocation lag over ${r.revocationLagMs.expired} expiries: p50 ${s(r.revocationLagMs.p50)}, p99 ${s(r.revocationLagMs.p99)}, max ${s(r.revocationLagMs.max)}`,
  ];
};
