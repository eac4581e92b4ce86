/**
 * The self-check's verdicts, table-driven: what each storage observation means, when the delayed
 * queue event counts as arrived, late or lost, and which failures pause new grants.
 */
import {
  judgeConditionOnExisting,
  judgeConditionOnMissing,
  judgeCreateOnly,
  judgeQueue,
  overallState,
  pausesGrants,
  settleChecks,
  summarize,
  supportReport,
  type CheckResult,
  type SelfCheckRun,
  type WriteAnswer,
} from '../../src/domain/self-check';

const written: WriteAnswer = { outcome: 'written' };
const refused = (status = 409, code = 'KEY_CONFLICT'): WriteAnswer => ({ outcome: 'refused', status, code });
const error = (status?: number): WriteAnswer => ({ outcome: 'error', status, code: 'X', message: 'boom' });

describe('create-only write', () => {
  const ok = { first: written, second: refused(), keptFirst: true, ledger: [true, false] };
  it.each([
    ['the reported answer', ok, 'pass', /refused with HTTP 409 KEY_CONFLICT and the first value kept/],
    ['another code at a 4xx', { ...ok, second: refused(400, 'ITEM_EXISTS') }, 'pass', /does not depend on the code/],
    ['an overwrite', { ...ok, second: written, keptFirst: false }, 'fail', /did not enforce FAIL_IF_EXISTS/],
    ['a 5xx for the clash', { ...ok, second: error(503) }, 'fail', /failed with HTTP 503/],
    ['a 429 for the clash', { ...ok, second: error(429) }, 'fail', /outcome unknown/],
    ['the first write refused', { ...ok, first: refused(400, 'MAX_SIZE') }, 'fail', /new key was not accepted/],
    ['a refusal that still changed the value', { ...ok, keptFirst: false }, 'fail', /stored value changed/],
    ['a ledger that claims twice', { ...ok, ledger: [true, true] }, 'fail', /exactly the first of two claims/],
    ['a ledger that throws', { ...ok, ledger: [true, { error: 'x' }] }, 'fail', /exactly the first/],
  ] as const)('%s → %s', (_name, o, status, saw) => {
    const r = judgeCreateOnly({ ...o, ledger: [...o.ledger] });
    expect(r.status).toBe(status);
    expect(r.saw).toMatch(saw);
    expect(r.details).toHaveLength(3);
  });
});

describe('condition on an existing item', () => {
  const ok = { matching: written, stale: refused(400, 'CONDITIONAL_CHECK_FAILED'), storedVersion: 2 };
  it.each([
    ['the reported answer', ok, 'pass', /stale version was refused with HTTP 400/],
    ['another code', { ...ok, stale: refused(409, 'TRANSACTION_CONFLICT') }, 'pass', /does not depend on the code/],
    ['a stale write accepted', { ...ok, stale: written, storedVersion: 3 }, 'fail', /did not enforce the condition/],
    ['the matching write refused', { ...ok, matching: refused(400, 'X') }, 'fail', /no grant could change/],
    ['a 5xx for the stale write', { ...ok, stale: error(500) }, 'fail', /outcome unknown/],
    ['the wrong version left', { ...ok, storedVersion: 1 }, 'fail', /stored version is 1/],
  ] as const)('%s → %s', (_name, o, status, saw) => {
    const r = judgeConditionOnExisting(o);
    expect([r.status, r.saw]).toEqual([status, expect.stringMatching(saw)]);
  });
});

describe('condition on an item that does not exist', () => {
  const ok = {
    onMissing: written,
    onExisting: refused(400, 'CONDITIONAL_CHECK_FAILED'),
    storedSeq: 1,
    combined: written,
  };
  it.each([
    ['holds on a missing item, fails on an existing one', ok, 'pass', /grant-step-shaped transaction was accepted/],
    [
      'fails on a missing item',
      { ...ok, onMissing: refused(400, 'X'), onExisting: refused(400, 'X') },
      'fail',
      /revocations alike/,
    ],
    ['only the combined form refused', { ...ok, combined: refused(400, 'X') }, 'fail', /revocations alike/],
    ['holds on an existing item too', { ...ok, onExisting: written, storedSeq: 2 }, 'fail', /same audit number/],
    ['a 5xx on the existing item', { ...ok, onExisting: error(502) }, 'fail', /outcome unknown/],
  ] as const)('%s → %s', (_name, o, status, saw) => {
    const r = judgeConditionOnMissing(o);
    expect([r.status, r.saw]).toEqual([status, expect.stringMatching(saw)]);
  });
});

describe('delayed queue event', () => {
  const probe = { sentAt: '2026-11-22T09:00:00.000Z', delaySeconds: 10 };
  it.each([
    ['not yet, within the grace', undefined, '2026-11-22T09:10:00.000Z', 'pending'],
    ['not yet, past the grace', undefined, '2026-11-22T09:15:11.000Z', 'fail'],
    ['on time', '2026-11-22T09:00:10.000Z', '2026-11-22T09:20:00.000Z', 'pass'],
    ['late', '2026-11-22T09:03:00.000Z', '2026-11-22T09:20:00.000Z', 'pass'],
    ['half a second early (whole seconds)', '2026-11-22T09:00:09.500Z', '2026-11-22T09:20:00.000Z', 'pass'],
    ['seconds early', '2026-11-22T09:00:02.000Z', '2026-11-22T09:20:00.000Z', 'fail'],
  ])('%s → %s', (_name, arrived, now, status) => {
    expect(judgeQueue(probe, arrived, now).status).toBe(status);
  });
});

describe('the run as a whole', () => {
  const pass = (id: CheckResult['id']): CheckResult => ({ id, status: 'pass', saw: 'ok' });
  const run: SelfCheckRun = {
    runId: 'r1',
    trigger: 'installed',
    startedAt: '2026-11-22T09:00:00.000Z',
    finishedAt: '2026-11-22T09:00:02.000Z',
    checks: [
      pass('storage.create-only'),
      { id: 'queue.delayed-event', status: 'pending', saw: 'waiting' },
      { id: 'okta.token', status: 'skipped', saw: 'not connected' },
    ],
    queueProbe: { sentAt: '2026-11-22T09:00:00.000Z', delaySeconds: 10 },
  };

  it('settles the queue check from its arrival, leaving the others as recorded', () => {
    const settled = settleChecks(run, '2026-11-22T09:00:11.000Z', '2026-11-22T09:01:00.000Z');
    expect(settled.map((c) => c.status)).toEqual(['pass', 'pass', 'skipped']);
    expect(overallState(settled)).toBe('ok');
    expect(summarize(settled)).toBe('2 of 2 checks passed, 1 not run.');
    expect(overallState(run.checks)).toBe('pending');
  });

  it.each([
    ['storage.create-only', true],
    ['storage.condition-existing', true],
    ['storage.condition-missing', true],
    ['queue.delayed-event', false],
    ['jira.scopes', false],
    ['okta.token', false],
  ] as const)('a failed %s pauses new grants: %s', (id, paused) => {
    expect(pausesGrants([pass('storage.create-only'), { id, status: 'fail', saw: 'x' }])).toBe(paused);
  });

  it('writes a report for support that says whether grants are paused and what each check saw', () => {
    const failed = [{ id: 'storage.condition-missing', status: 'fail', saw: 'seen', details: ['d1'] }] as CheckResult[];
    const text = supportReport({ ...run, appVersion: '2.0.0' }, failed);
    expect(text).toContain('Run r1, on install');
    expect(text).toContain('App version 2.0.0');
    expect(text).toContain('New grants: PAUSED');
    expect(text).toContain(
      '[FAIL] storage.condition-missing: Condition on an item that does not exist yet\n  seen\n  - d1',
    );
  });
});
