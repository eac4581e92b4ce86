/**
 * Forge's KVS error table lists no code for a create-only clash or a failed transaction condition
 * (ADR 0011). The adapters decide those outcomes by a 4xx refusal plus a read-back of the key, so the
 * same decisions must come out whatever status and code string the emulator answers with.
 */
import { KvsAuditLog } from '../../../src/adapters/kvs/audit-log';
import { KvsGrantStore } from '../../../src/adapters/kvs/grant-store';
import { KvsHealthStore } from '../../../src/adapters/kvs/health-store';
import { KvsRequestLedger } from '../../../src/adapters/kvs/request-ledger';
import { StaleGrantError } from '../../../src/app/ports';
import { REPORTED_CONFLICT_ANSWERS, type ConflictAnswers } from '../../../sandbox/kvs/kvs-emulator';
import { makeGrant } from '../../factories/grant';
import { installKvs, type KvsHarness } from '../../support/kvs-runtime';

let h: KvsHarness;
beforeEach(() => {
  h = installKvs();
});
afterEach(() => h.runtime.uninstall());

const ANSWERS: Array<[string, ConflictAnswers]> = [
  ['the reported codes (409 KEY_CONFLICT, 400 CONDITIONAL_CHECK_FAILED)', REPORTED_CONFLICT_ANSWERS],
  [
    'other strings at the same statuses',
    {
      keyExists: { status: 409, code: 'ALREADY_EXISTS' },
      conditionFailed: { status: 400, code: 'TRANSACTION_CANCELLED' },
    },
  ],
  [
    'swapped statuses and unknown strings',
    { keyExists: { status: 400, code: 'PRECONDITION_FAILED' }, conditionFailed: { status: 409, code: 'CONFLICT' } },
  ],
  [
    '412 with an empty-looking code',
    { keyExists: { status: 412, code: 'UNKNOWN' }, conditionFailed: { status: 412, code: 'UNKNOWN' } },
  ],
];

const at = '2026-11-22T10:00:00.000Z';
const entry = (grantId: string, action: 'REVOKE_STARTED' | 'REMOVED_EXTERNALLY') => ({
  at,
  action,
  actor: 'app',
  grantId,
  detail: action,
});

describe.each(ANSWERS)('conflicts answered with %s', (_name, answers) => {
  beforeEach(() => {
    h.emulator.conflicts = answers;
  });

  it('ledger: one claimant of many wins, the others get false (no throw); remember keeps the first value', async () => {
    const ledger = new KvsRequestLedger(() => at);
    const wins = await Promise.all(Array.from({ length: 6 }, () => ledger.claim('announce:grant-1:ACTIVE:comment')));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await ledger.claim('announce:grant-1:ACTIVE:comment')).toBe(false);
    expect(await ledger.remember('okta-request:grant-1', 'req-first')).toBe('req-first');
    expect(await ledger.remember('okta-request:grant-1', 'req-second')).toBe('req-first');
  });

  it('grants: create twice answers exists; a stale update throws StaleGrantError and writes nothing', async () => {
    const store = new KvsGrantStore();
    const g = makeGrant({ version: 1 });
    expect(await store.create(g)).toBe('created');
    expect(await store.create({ ...g, detail: 'dup' } as never)).toBe('exists');
    const first = { ...g, status: 'REVOKING' as const, updatedAt: at, version: 2 };
    await store.update(first, [entry(g.id, 'REVOKE_STARTED')]);
    const stale = store.update({ ...g, status: 'REMOVED_EXTERNALLY' as const, updatedAt: at, version: 2 }, [
      entry(g.id, 'REMOVED_EXTERNALLY'),
    ]);
    await expect(stale).rejects.toBeInstanceOf(StaleGrantError);
    expect(await store.get(g.id)).toEqual(first);
    expect(h.emulator.entity('audit').map((e) => (e.value.doc as { action: string }).action)).toEqual([
      'REVOKE_STARTED',
    ]);
  });

  it('audit: a step and concurrent appends write pending entries without a race; the sequencer links all and the chain verifies', async () => {
    const audit = new KvsAuditLog();
    const store = new KvsGrantStore(audit);
    const g = makeGrant({ version: 1 });
    await store.create(g);
    await Promise.all([
      store.update({ ...g, status: 'REVOKING' as const, updatedAt: at, version: 2 }, [entry(g.id, 'REVOKE_STARTED')]),
      audit.append({ at, action: 'VIEWED', actor: 'acc-x', detail: 'concurrent' }),
      audit.append({ at, action: 'VIEWED', actor: 'acc-y', detail: 'concurrent' }),
    ]);
    expect(h.emulator.entity('audit')).toHaveLength(3);
    await audit.sequence();
    expect(await audit.verify()).toEqual({ ok: true, count: 3 });
  });

  it('health: the Okta breaker opens once', async () => {
    const health = new KvsHealthStore();
    const breaker = { openedAt: at, message: 'Okta answered 401' };
    const opened = await Promise.all([health.openOktaBreaker(breaker), health.openOktaBreaker(breaker)]);
    expect(opened.sort()).toEqual([false, true]);
  });
});

describe('a refusal that is not a conflict is never taken for one', () => {
  it('a create-only write refused for its size throws; nothing is claimed', async () => {
    const store = new KvsGrantStore();
    const huge = makeGrant({ id: 'g-huge', reason: 'x'.repeat(300 * 1024) });
    await expect(store.create(huge)).rejects.toMatchObject({ code: 'MAX_SIZE' });
    expect(await store.get('g-huge')).toBeUndefined();
  });

  it('an update refused while the grant still stands at the read version and no audit number was taken is thrown as it came', async () => {
    const store = new KvsGrantStore();
    const g = makeGrant({ version: 1 });
    await store.create(g);
    const tooBig = { ...g, reason: 'x'.repeat(300 * 1024), updatedAt: at, version: 2 };
    await expect(store.update(tooBig, [entry(g.id, 'REVOKE_STARTED')])).rejects.toMatchObject({ code: 'MAX_SIZE' });
    await expect(store.update(tooBig)).rejects.toMatchObject({ code: 'MAX_SIZE' });
    expect(await store.get(g.id)).toEqual(g);
    expect(h.emulator.entity('audit')).toEqual([]);
  });

  it('if Forge failed every condition on a missing item, a step with audit entries still commits and is sequenced: no write conditions on a missing item (ADR 0019)', async () => {
    h.emulator.conditionsOnMissingItems = 'fail';
    const audit = new KvsAuditLog();
    const store = new KvsGrantStore(audit);
    const g = makeGrant({ version: 1 });
    await store.create(g);
    const next = { ...g, status: 'REVOKING' as const, updatedAt: at, version: 2 };
    await store.update(next, [entry(g.id, 'REVOKE_STARTED')]);
    expect(await store.get(g.id)).toEqual(next);
    expect(await audit.sequence()).toEqual({ linked: 1, transactions: 1 });
    expect(await audit.verify()).toEqual({ ok: true, count: 1 });
  });
});
