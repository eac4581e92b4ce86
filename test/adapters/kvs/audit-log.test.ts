import { kvs } from '@forge/kvs';
import { KvsAuditLog, GENESIS_HASH } from '../../../src/adapters/kvs/audit-log';
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

describe('KvsAuditLog', () => {
  it('appends a hash chain starting at seq 1 under zero-padded keys', async () => {
    const a = await log.append(entry());
    const b = await log.append(entry({ action: 'ACTIVE' }));
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS_HASH });
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash });
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(h.emulator.entity('audit').map((e) => e.key)).toEqual(['audit-000000000001', 'audit-000000000002']);
    expect(await log.verify()).toEqual({ ok: true, count: 2 });
  });

  it('ten concurrent appenders get seq 1..10 with a valid chain', async () => {
    const out = await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(entry({ detail: `writer ${i}` }))));
    expect(out.map((e) => e.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(out.map((e) => e.detail)).size).toBe(10);
    expect(await log.verify()).toEqual({ ok: true, count: 10 });
    // They really did collide: some FAIL_IF_EXISTS writes were refused and retried.
    const creates = h.emulator.requests.filter((r) => r.path === '/api/v1/entity/set');
    expect(creates.length).toBeGreaterThan(10);
  });

  it('a crash after the entry but before the head hint does not break the chain', async () => {
    await log.append(entry());
    await log.append(entry());
    // Simulate the crash: the hint still says seq 1 although entry 2 was written.
    await kvs.set('audit-head', { seq: 1, hash: (h.emulator.entity('audit')[0].value.doc as { hash: string }).hash });
    const third = await log.append(entry({ detail: 'after crash' }));
    expect(third.seq).toBe(3);
    expect(await log.verify()).toEqual({ ok: true, count: 3 });
    // And with no hint at all (lost entirely):
    await kvs.delete('audit-head');
    expect((await log.append(entry())).seq).toBe(4);
    expect(await log.verify()).toEqual({ ok: true, count: 4 });
  });

  it('verify reads the chain in batches, not one request per entry', async () => {
    for (let i = 0; i < 60; i++) await log.append(entry({ detail: `step ${i}` }));
    const before = h.emulator.requests.length;
    expect(await log.verify()).toEqual({ ok: true, count: 60 });
    // 60 entries: 3 batch reads (25 + 25 + 10) plus the head hint and one probe past the end.
    expect(h.emulator.requests.length - before).toBeLessThanOrEqual(5);
  });

  it('verify detects an entry edited in storage', async () => {
    for (let i = 0; i < 3; i++) await log.append(entry({ detail: `d${i}` }));
    const [, second] = h.emulator.entity('audit');
    const tampered = { ...second.value, doc: { ...(second.value.doc as object), detail: 'nothing to see' } };
    expect(
      h.emulator.handle('/api/v1/entity/set', { entityName: 'audit', key: second.key, value: tampered }).status,
    ).toBe(204);
    expect(await log.verify()).toEqual({ ok: false, brokenAt: 2 });
  });

  it('verify detects an edited indexed attribute and a deleted entry', async () => {
    for (let i = 0; i < 3; i++) await log.append(entry());
    const [first] = h.emulator.entity('audit');
    h.emulator.handle('/api/v1/entity/set', {
      entityName: 'audit',
      key: first.key,
      value: { ...first.value, action: 'APPROVED' },
    });
    expect(await log.verify()).toEqual({ ok: false, brokenAt: 1 });
    h.emulator.handle('/api/v1/entity/set', { entityName: 'audit', key: first.key, value: first.value });
    expect(await log.verify()).toEqual({ ok: true, count: 3 });
    h.emulator.handle('/api/v1/entity/delete', { entityName: 'audit', key: 'audit-000000000003' });
    expect(await log.verify()).toEqual({ ok: false, brokenAt: 3 });
  });

  it("listByGrant returns one grant's entries in seq order", async () => {
    await log.append(entry({ grantId: 'grant-1', action: 'REQUESTED' }));
    await log.append(entry({ grantId: 'grant-2' }));
    await log.append(entry({ grantId: 'grant-1', action: 'ACTIVE' }));
    await log.append(entry({ grantId: undefined, action: 'CONFIG_CHANGED' }));
    expect((await log.listByGrant('grant-1')).map((e) => [e.seq, e.action])).toEqual([
      [1, 'REQUESTED'],
      [3, 'ACTIVE'],
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
});
