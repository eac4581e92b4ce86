/**
 * The two rows `npm run bench` keeps besides issue 11's table (scripts/bench.ts), small, in `npm test`:
 * a lifecycle writes to Okta exactly twice, and duplicate delivery costs nothing extra. The table's
 * rows run small in table.test.ts. Only counts taken from the emulators, never wall-clock time.
 */
import {
  CLEAN,
  compareRuns,
  DUPLICATE_EVENTS_AND_OVERLAPPING_SWEEPS,
  lifecycle,
  lifecycles,
  type LifecycleResult,
} from '../../scripts/bench/scenarios';

jest.setTimeout(60_000);

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
