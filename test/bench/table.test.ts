/**
 * Issue 11's table (`npm run bench`, scripts/bench.ts) at small sizes inside `npm test`: the same
 * scenarios (scripts/bench/table.ts) and the same goals, so a regression to partition scans, unpaced
 * pushes, long sweep invocations or slow revocation fails the build. Counts from the emulators and
 * virtual time from the sandbox's latency model (100 ms per remote call), never wall-clock time.
 */
import {
  dashboardRender,
  massExpiry,
  oktaCallsPerNewAccess,
  panelLoad,
  removalDecision,
  revocationLag,
  sweepFanOut,
} from '../../scripts/bench/table';

jest.setTimeout(300_000);
const SWEEPER_TIMEOUT_MS = 300_000;
const SWEEP_PERIOD_MS = 300_000;

describe('bench table, small', () => {
  it("the removal decision costs the same with 200 and 2,000 other people's active grants in the group", async () => {
    const small = await removalDecision(200);
    const large = await removalDecision(2_000);
    expect(large.relinquish.requests).toBeLessThanOrEqual(1.2 * small.relinquish.requests);
    expect(large.relinquish.itemsScanned).toBeLessThanOrEqual(1.2 * small.relinquish.itemsScanned);
    // The baseline is measured: the full scan reads every grant of the table.
    expect(large.fullScan.itemsScanned).toBeGreaterThan(2_000);
    expect(large.fullScan.itemsScanned).toBeGreaterThan(10 * large.relinquish.itemsScanned);
  });

  it('one sweep queues 150 reminders and 150 expiries as their own work, paced, quickly, each done once', async () => {
    const r = await sweepFanOut({ reminders: 150, expiries: 150, history: 1_000, latencyMs: 100 });
    expect(r.firstSweep.jira).toBe(0);
    expect(r.firstSweep.storage).toBeLessThanOrEqual(300 + Math.ceil(300 / 50) + 40);
    expect(r.work).toMatchObject({ remind: 150, expire: 150 });
    expect(r.longestSweepMs).toBeLessThanOrEqual(0.1 * SWEEPER_TIMEOUT_MS);
    expect(r.peakEventsPerMinute).toBeLessThanOrEqual(500);
    expect(r.refusedPushes).toBe(0);
    expect(r).toMatchObject({ expired: 150, reminded: 150, reminderNotices: 150, reminderNoticesSent: 150 });
    expect(r.fullScan.itemsScanned).toBeGreaterThanOrEqual(1_300);
  });

  it('the dashboard renders 2,000 active grants in at most 25 storage requests', async () => {
    const r = await dashboardRender(2_000);
    expect(r.beforeSummary.requests).toBeLessThanOrEqual(25);
    expect(r.afterSummary.requests).toBeLessThanOrEqual(25);
  });

  it('the panel reads at most 60 items for a requester with 300 past grants', async () => {
    const r = await panelLoad(300);
    expect(r.onGrantIssue.itemsScanned).toBeLessThanOrEqual(60);
    expect(r.onViewIssue.itemsScanned).toBeLessThanOrEqual(60);
  });

  it('a New access costs 5 Okta calls with the rule listing cached (ADR 0021: the goal of 4 is not reached)', async () => {
    const r = await oktaCallsPerNewAccess();
    expect(r.cold).toHaveLength(6);
    expect(r.warm).toHaveLength(5);
  });

  it('a mass expiry at the rate limit draws few 429s and at most one retry entry per grant', async () => {
    const r = await massExpiry(300, 100);
    expect(r.expired).toBe(300);
    expect(r.perGrant429).toBeLessThanOrEqual(1.5);
    expect(r.mostRetryEntriesForOneGrant).toBeLessThanOrEqual(1);
  });

  it('revocation lag with 50 in flight at 100 ms a call: p99 under 60 s; with delayed events lost, one sweep period plus processing', async () => {
    const normal = await revocationLag({ grants: 200, lose: false });
    expect(normal.expired).toBe(200);
    expect(normal.lagMs.p99).toBeLessThan(60_000);
    const lost = await revocationLag({ grants: 200, lose: true });
    expect(lost.expired).toBe(200);
    expect(lost.lostEvents).toBeGreaterThan(0);
    // Only the five-minute sweep ends grants: a grant ending just after a sweep waits for the next one.
    expect(lost.lagMs.max).toBeLessThan(SWEEP_PERIOD_MS + 5_000);
  });
});
