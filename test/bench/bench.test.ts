/**
 * A small `npm run bench` (scripts/bench.ts) kept in `npm test`, so a regression to table scans, a
 * doubled Okta write or a duplicate-delivery leak fails the build. Only counts and ratios taken from
 * the sandbox emulators' request logs are asserted, never wall-clock time.
 */
import {
  CLEAN,
  compareRuns,
  DUPLICATE_EVENTS_AND_OVERLAPPING_SWEEPS,
  lifecycle,
  lifecycles,
  sweepCost,
  SWEEP_DUE,
  type LifecycleResult,
  type SweepRow,
} from '../../scripts/bench/scenarios';

jest.setTimeout(60_000);

describe('bench: the sweep costs what is due, not what is stored', () => {
  let small: SweepRow;
  let large: SweepRow;
  beforeAll(async () => {
    small = await sweepCost(50);
    large = await sweepCost(500);
  });

  it('reads the same number of KVS requests and items at N = 500 as at N = 50 (a table scan would read 10x)', () => {
    expect(large.fullScan.itemsRead / small.fullScan.itemsRead).toBe(10);
    expect(large.sweep.requests).toBeLessThanOrEqual(1.2 * small.sweep.requests);
    expect(large.sweep.itemsRead).toBeLessThanOrEqual(1.2 * small.sweep.itemsRead);
    expect(large.repeatSweep.requests).toBeLessThanOrEqual(1.2 * small.repeatSweep.requests);
    expect(large.repeatSweep.itemsRead).toBeLessThanOrEqual(1.2 * small.repeatSweep.itemsRead);
    // The sweep reads only ACTIVE grants ending before its horizon: 5 due + 5 ending within 15 min.
    expect(large.sweep.itemsRead).toBeLessThan(large.history);
  });

  it('keeps the work the sweep triggers flat too, and still ends exactly the due grants', () => {
    expect(large.triggered.requests).toBeLessThanOrEqual(1.2 * small.triggered.requests);
    expect(large.triggered.itemsRead).toBeLessThanOrEqual(1.2 * small.triggered.itemsRead);
    for (const r of [small, large]) {
      expect(r.expiredAfter).toBe(SWEEP_DUE);
      expect(r.oktaWrites).toBe(SWEEP_DUE);
    }
  });
});

describe("bench: ending a grant costs what is running, not the person's history", () => {
  it('reads as much at 500 past grants of the due requesters as at 50', async () => {
    const small = await sweepCost(50, { historyOwner: 'due-requesters' });
    const large = await sweepCost(500, { historyOwner: 'due-requesters' });
    expect(large.triggered.itemsRead).toBeLessThanOrEqual(1.2 * small.triggered.itemsRead);
    expect(large.expiredAfter).toBe(SWEEP_DUE);
  });
});

describe('bench: one lifecycle through issues (request -> active -> extend -> expire)', () => {
  let life: LifecycleResult;
  beforeAll(async () => {
    life = await lifecycle();
  });

  it('writes to Okta exactly twice: one PUT and one DELETE', () => {
    expect(life.grant).toMatchObject({ status: 'EXPIRED', extensions: 1 });
    expect(life.okta.writes).toBe(2);
    expect(life.okta.puts).toBe(1);
    expect(life.okta.deletes).toBe(1);
  });

  it('revokes within a minute of the end, and discovers Jira fields at most once per trigger invocation', () => {
    expect(life.grant.revocationLagMs).toBeLessThan(60_000);
    // Two issues (request, extension), each read by one trigger invocation; the worker's reads hit the cache.
    expect(life.jira.fieldListFetches).toBeLessThanOrEqual(2);
    expect(life.jira.fieldListFetches).toBeLessThan(life.jira.issueReads);
  });

  it('costs the hourly run a field list and two searches (catch-up, property check), nothing per issue in step', () => {
    expect(life.runs.reconciles).toBeGreaterThan(20);
    expect(life.jira.hourlyCatchUp).toBeLessThanOrEqual(3 * life.runs.reconciles);
  });
});

describe('bench: duplicate delivery and overlapping sweeps', () => {
  it('cost no extra Okta write, comment or audit entry, and end in the same state', async () => {
    const clean = await lifecycles(2, CLEAN);
    const r = compareRuns(clean, await lifecycles(2, DUPLICATE_EVENTS_AND_OVERLAPPING_SWEEPS));
    expect(clean.okta.writes).toBe(4);
    expect(r.chaotic.productDeliveries).toBe(2 * clean.productDeliveries);
    expect(r.chaotic.sweepRuns).toBeGreaterThan(clean.sweepRuns);
    expect(r.ratios.oktaWrites).toBe(1);
    expect(r.ratios.jiraComments).toBe(1);
    expect(r.ratios.auditEntries).toBe(1);
    expect(r.auditDifferences).toEqual({});
    expect(r.sameFinalState).toBe(true);
  });
});
