import { Filter, FilterConditions, kvs } from '@forge/kvs';
import { KvsAuditLog, GENESIS_HASH, VERIFY_PER_CALL } from '../../../src/adapters/kvs/audit-log';
import { installForgeRuntime, jsonResponse } from '../../../sandbox/runtime';
import type { AuditEntryInput } from '../../../src/app/ports';
import { installKvs, type KvsHarness } from '../../support/kvs-runtime';

let h: KvsHarness;
const log = new KvsAuditLog();
beforeEach(() => {
  h = installKvs();
});
afterEach(() => h.runtime.uninstall());

const entry = (over: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  at: '2026-11-22T09:00:00.000Z',
  action: 'REQUESTED',
  actor: 'acc-neville',
  grantId: 'grant-1',
  issueKey: 'ACC-1',
  requesterAccountId: 'acc-neville',
  groupId: 'g-linux',
  detail: 'requested',
  ...over,
});

const linkedKeys = () =>
  h.emulator
    .entity('audit')
    .filter((e) => !e.key.startsWith('audit-p-'))
    .map((e) => e.key);
const pendingKeys = () =>
  h.emulator
    .entity('audit')
    .filter((e) => e.key.startsWith('audit-p-'))
    .map((e) => e.key);

describe('KvsAuditLog', () => {
  it('writes entries pending; the sequencer links them into a hash chain at seq 1.. under zero-padded keys', async () => {
    const a = await log.append(entry());
    const b = await log.append(entry({ action: 'ACTIVE' }));
    expect(a).toMatchObject({ pending: true, seq: 0 });
    expect(b).toMatchObject({ pending: true, seq: 0 });
    expect(pendingKeys()).toHaveLength(2);
    expect(linkedKeys()).toEqual([]);
    // Pending entries are listed already (newest first; same instant: later written first), flagged.
    expect((await log.query({})).entries.map((e) => [e.action, e.pending])).toEqual([
      ['ACTIVE', true],
      ['REQUESTED', true],
    ]);

    expect(await log.sequence()).toEqual({ linked: 2, transactions: 1 });
    expect(pendingKeys()).toEqual([]);
    expect(linkedKeys()).toEqual(['audit-000000000001', 'audit-000000000002']);
    const [first, second] = await log.listByGrant('grant-1');
    expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, action: 'REQUESTED' });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash, action: 'ACTIVE' });
    expect(first.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.pending).toBeUndefined();
    expect(await log.verify()).toEqual({ ok: true, count: 2 });
    // A second run finds nothing to do and writes nothing.
    h.emulator.requests.length = 0;
    expect(await log.sequence()).toEqual({ linked: 0, transactions: 0 });
    expect(h.emulator.requests.filter((r) => r.path === '/api/v1/transaction')).toEqual([]);
  });

  it('ten concurrent writers never conflict: one write each, then linked 1..10 with a valid chain', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(entry({ detail: `writer ${i}` }))));
    const sets = h.emulator.requests.filter((r) => r.path === '/api/v1/entity/set');
    expect(sets).toHaveLength(10);
    await log.sequence();
    const chain = await log.listByGrant('grant-1');
    expect(chain.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(chain.map((e) => e.detail)).size).toBe(10);
    expect(await log.verify()).toEqual({ ok: true, count: 10 });
  });

  it('orders by `at`, then the order one writer wrote in, whatever order they were written', async () => {
    await log.append(entry({ at: '2026-11-22T09:00:02.000Z', detail: 'c' }));
    await log.append(entry({ at: '2026-11-22T09:00:01.000Z', detail: 'a' }));
    await log.append(entry({ at: '2026-11-22T09:00:01.000Z', detail: 'b' }));
    await log.sequence();
    expect((await log.listByGrant('grant-1')).map((e) => e.detail)).toEqual(['a', 'b', 'c']);
  });

  it('links in batches that fit a transaction (25 operations)', async () => {
    for (let i = 0; i < 30; i++) await log.append(entry({ detail: `e${i}` }));
    h.emulator.requests.length = 0;
    expect(await log.sequence()).toEqual({ linked: 30, transactions: 3 });
    const txs = h.emulator.requests.filter((r) => r.path === '/api/v1/transaction');
    expect(txs).toHaveLength(3);
    expect(await log.verify()).toEqual({ ok: true, count: 30 });
  });

  it('verify reads the chain in batches, not one request per entry', async () => {
    for (let i = 0; i < 60; i++) await log.append(entry({ detail: `e${i}` }));
    await log.sequence();
    h.emulator.requests.length = 0;
    expect(await log.verify()).toEqual({ ok: true, count: 60 });
    const reads = h.emulator.requests.filter((r) => r.path.includes('/get'));
    expect(reads.length).toBeLessThanOrEqual(10);
  });

  it('verify detects an entry edited in storage', async () => {
    for (let i = 0; i < 3; i++) await log.append(entry({ detail: `e${i}` }));
    await log.sequence();
    const second = h.emulator.entity('audit').find((e) => e.key === 'audit-000000000002')!;
    const tampered = { ...second.value, doc: { ...(second.value.doc as object), detail: 'edited' } };
    expect(
      h.emulator.handle('/api/v1/entity/set', { entityName: 'audit', key: second.key, value: tampered }).status,
    ).toBe(204);
    expect(await log.verify()).toEqual({ ok: false, brokenAt: 2 });
  });

  it('verify detects an edited indexed attribute and a deleted entry', async () => {
    for (let i = 0; i < 3; i++) await log.append(entry({ detail: `e${i}` }));
    await log.sequence();
    const first = h.emulator.entity('audit').find((e) => e.key === 'audit-000000000001')!;
    h.emulator.handle('/api/v1/entity/set', {
      entityName: 'audit',
      key: first.key,
      value: { ...first.value, groupId: 'g-other' },
    });
    expect(await log.verify()).toEqual({ ok: false, brokenAt: 1 });
    h.emulator.handle('/api/v1/entity/set', { entityName: 'audit', key: first.key, value: first.value });
    expect(await log.verify()).toEqual({ ok: true, count: 3 });
    h.emulator.handle('/api/v1/entity/delete', { entityName: 'audit', key: 'audit-000000000003' });
    expect(await log.verify()).toEqual({ ok: false, brokenAt: 3 });
  });

  it("listByGrant returns one grant's entries in chain order, then its pending ones", async () => {
    await log.append(entry({ grantId: 'grant-1', action: 'REQUESTED' }));
    await log.append(entry({ grantId: 'grant-2' }));
    await log.append(entry({ grantId: 'grant-1', action: 'ACTIVE' }));
    await log.append(entry({ grantId: undefined, action: 'CONFIG_CHANGED' }));
    await log.sequence();
    await log.append(entry({ grantId: 'grant-1', action: 'ENDED' }));
    expect((await log.listByGrant('grant-1')).map((e) => [e.seq, e.action, e.pending ?? false])).toEqual([
      [1, 'REQUESTED', false],
      [3, 'ACTIVE', false],
      [0, 'ENDED', true],
    ]);
  });

  describe('query', () => {
    beforeEach(async () => {
      const rows: Array<Partial<AuditEntryInput>> = [
        { at: '2026-11-20T10:00:00.000Z', requesterAccountId: 'acc-a', groupId: 'g1', issueKey: 'ACC-1' },
        { at: '2026-11-21T10:00:00.000Z', requesterAccountId: 'acc-a', groupId: 'g2', issueKey: 'ACC-2' },
        { at: '2026-11-22T10:00:00.000Z', requesterAccountId: 'acc-b', groupId: 'g1', issueKey: 'ACC-3' },
        { at: '2026-11-23T10:00:00.000Z', requesterAccountId: 'acc-a', groupId: 'g1', issueKey: 'ACC-4' },
        { at: '2026-11-24T10:00:00.000Z', requesterAccountId: 'acc-a', groupId: 'g1', issueKey: 'ACC-1' },
      ];
      for (const r of rows) await log.append(entry(r));
      await log.sequence();
      h.emulator.requests.length = 0;
    });
    const seqs = (r: { entries: Array<{ seq: number }> }) => r.entries.map((e) => e.seq);
    const indexUsed = () =>
      (h.emulator.requests.find((r) => r.path === '/api/v1/entity/query')!.body as { indexName: string }).indexName;

    it('with no criteria reads the time index, newest first', async () => {
      expect(seqs(await log.query({}))).toEqual([5, 4, 3, 2, 1]);
      expect(indexUsed()).toBe('by-time');
    });

    it('from/to bound `at` (inclusive)', async () => {
      expect(seqs(await log.query({ from: '2026-11-21T10:00:00.000Z', to: '2026-11-23T10:00:00.000Z' }))).toEqual([
        4, 3, 2,
      ]);
      expect(seqs(await log.query({ from: '2026-11-23T00:00:00.000Z' }))).toEqual([5, 4]);
      expect(seqs(await log.query({ to: '2026-11-20T23:00:00.000Z' }))).toEqual([1]);
    });

    it('picks issue > requester > group and filters on the rest', async () => {
      expect(seqs(await log.query({ issueKey: 'ACC-1', requesterAccountId: 'acc-a' }))).toEqual([5, 1]);
      expect(indexUsed()).toBe('by-issue');
      h.emulator.requests.length = 0;
      expect(seqs(await log.query({ requesterAccountId: 'acc-a', groupId: 'g1' }))).toEqual([5, 4, 1]);
      expect(indexUsed()).toBe('by-requester');
      h.emulator.requests.length = 0;
      expect(seqs(await log.query({ groupId: 'g1', from: '2026-11-22T00:00:00.000Z' }))).toEqual([5, 4, 3]);
      expect(indexUsed()).toBe('by-group');
    });

    it('limit and cursor page without gaps, even when filters thin out pages', async () => {
      const first = await log.query({ requesterAccountId: 'acc-a', groupId: 'g1', limit: 2 });
      expect(seqs(first)).toEqual([5, 4]);
      expect(first.cursor).toBeDefined();
      const second = await log.query({ requesterAccountId: 'acc-a', groupId: 'g1', limit: 2, cursor: first.cursor });
      expect(seqs(second)).toEqual([1]);
      expect(second.cursor).toBeUndefined();
    });
  });

  describe('failure cases (ADR 0019)', () => {
    /** Routes KVS requests through `hook`, which may throw before or after the emulator answers. */
    function intercept(hook: (path: string, phase: 'before' | 'after') => void | Promise<void>) {
      h.runtime.uninstall();
      h.runtime = installForgeRuntime(async (_target, p, init) => {
        const body = typeof init.body === 'string' && init.body.length > 0 ? JSON.parse(init.body) : undefined;
        await hook(p, 'before');
        const r = h.emulator.handle(p, body);
        hook(p, 'after');
        return jsonResponse(r.status, r.body);
      });
    }

    it('a sequencer that crashes mid-run leaves whole transactions only; the rerun links the rest once', async () => {
      for (let i = 0; i < 30; i++) await log.append(entry({ detail: `e${i}` }));
      let txs = 0;
      // The process dies right after its second transaction reached the store (the answer is lost).
      intercept((p, phase) => {
        if (p === '/api/v1/transaction' && phase === 'after' && ++txs === 2) throw new Error('crash');
      });
      await expect(log.sequence()).rejects.toThrow('crash');
      expect(linkedKeys()).toHaveLength(24);
      expect(pendingKeys()).toHaveLength(6);
      expect(await log.verify()).toEqual({ ok: true, count: 24 });
      // And one that dies before its transaction reaches the store changes nothing.
      intercept((p, phase) => {
        if (p === '/api/v1/transaction' && phase === 'before') throw new Error('crash');
      });
      await expect(log.sequence()).rejects.toThrow('crash');
      expect(linkedKeys()).toHaveLength(24);
      intercept(() => undefined);
      expect(await log.sequence()).toEqual({ linked: 6, transactions: 1 });
      const details = (await log.listByGrant('grant-1')).map((e) => e.detail);
      expect(details).toHaveLength(30);
      expect(new Set(details).size).toBe(30);
      expect(await log.verify()).toEqual({ ok: true, count: 30 });
    });

    it('two sequencers at once (despite the limit): the head condition makes one lose harmlessly', async () => {
      for (let i = 0; i < 20; i++) await log.append(entry({ detail: `e${i}` }));
      // Both read the head and the same pending entries before either writes: the first transaction
      // waits until the second run has read its batch too.
      let reads = 0;
      let bothRead!: () => void;
      const gate = new Promise<void>((resolve) => (bothRead = resolve));
      intercept(async (p, phase) => {
        if (p === '/api/v1/batch/get' && phase === 'after' && ++reads === 2) bothRead();
        if (p === '/api/v1/transaction' && phase === 'before') await gate;
      });
      const runs = await Promise.all([log.sequence(), log.sequence()]);
      expect(runs[0].linked + runs[1].linked).toBe(20);
      const refused = h.emulator.requests.filter((r) => r.path === '/api/v1/transaction').length;
      expect(refused).toBeGreaterThan(runs[0].transactions + runs[1].transactions); // they did collide
      expect((await log.listByGrant('grant-1')).map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(await log.verify()).toEqual({ ok: true, count: 20 });
    });

    it("an entry whose writer's transaction was refused never appears", async () => {
      const prepared = log.prepare([entry({ detail: 'never' })]);
      const tx = prepared.addTo(kvs.transact()).set(
        'no-such-entity-key',
        { version: 1 },
        {
          entityName: 'grant',
          conditions: new Filter<{ version: number }>().and('version', FilterConditions.equalTo(7)),
        },
      );
      await expect(tx.execute()).rejects.toBeDefined();
      await log.sequence();
      expect(h.emulator.entity('audit')).toEqual([]);
      expect(await log.verify()).toEqual({ ok: true, count: 0 });
    });

    it('verification continues from its checkpoint, a bounded number of entries per call', async () => {
      for (let i = 0; i < 40; i++) await log.append(entry({ detail: `e${i}` }));
      await log.sequence();
      expect(await log.verify()).toEqual({ ok: true, count: 40 });
      for (let i = 0; i < 5; i++) await log.append(entry({ detail: `later${i}` }));
      await log.sequence();
      h.emulator.requests.length = 0;
      expect(await log.verify()).toEqual({ ok: true, count: 45 });
      // The new entries from the checkpoint, plus the rolling re-walk of the old ones.
      const batchGets = h.emulator.requests.filter((r) => r.path === '/api/v1/batch/get');
      expect(batchGets.map((r) => (r.body as unknown[]).length)).toEqual([5, 25, 15]);
    });
  });

  it('verifying a long trail takes bounded calls: each reads at most VERIFY_PER_CALL entries, and the next continues', async () => {
    const n = VERIFY_PER_CALL + 500;
    for (let i = 0; i < n; i++) await log.append(entry({ detail: `e${i}` }));
    // A run links at most 100 transactions (1,200 entries); what is left goes to the next run.
    expect(await log.sequence()).toEqual({ linked: 1_200, transactions: 100 });
    while ((await log.sequence()).linked > 0);
    h.emulator.requests.length = 0;
    expect(await log.verify()).toEqual({ ok: true, count: VERIFY_PER_CALL, more: { head: n } });
    // 100 batch reads of 25 (new entries first, the rolling re-walk with the rest) plus a few single
    // reads and checkpoint writes: about 11 s at 100 ms per request, inside a 25 s resolver call.
    expect(h.emulator.requests.length).toBeLessThanOrEqual(VERIFY_PER_CALL / 25 + 10);
    h.emulator.requests.length = 0;
    expect(await log.verify()).toEqual({ ok: true, count: n });
    expect(h.emulator.requests.length).toBeLessThanOrEqual(VERIFY_PER_CALL / 25 + 10);
  });
});
