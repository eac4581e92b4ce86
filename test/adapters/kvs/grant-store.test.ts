import { KvsGrantStore } from '../../../src/adapters/kvs/grant-store';
import { StaleGrantError } from '../../../src/app/ports';
import { makeGrant, LINUX, WINDOWS } from '../../factories/grant';
import { installKvs, type KvsHarness } from '../../support/kvs-runtime';

let h: KvsHarness;
const store = new KvsGrantStore();
beforeEach(() => {
  h = installKvs();
});
afterEach(() => h.runtime.uninstall());

describe('KvsGrantStore', () => {
  it('stores the indexed attributes plus the whole grant as doc, and reads it back', async () => {
    const g = makeGrant();
    expect(await store.create(g)).toBe('created');
    expect(await store.get(g.id)).toEqual(g);
    const [stored] = h.emulator.entity('grant');
    expect(stored.key).toBe('grant-10001');
    expect(stored.value).toMatchObject({
      requesterAccountId: 'acc-neville',
      groupId: LINUX,
      status: 'ACTIVE',
      endsAt: g.endsAt,
      version: 1,
      doc: g,
    });
    expect(await store.get('grant-nope')).toBeUndefined();
  });

  it('create twice answers exists and keeps the first grant', async () => {
    const g = makeGrant();
    await store.create(g);
    expect(await store.create({ ...g, status: 'REQUESTED', detail: 'dup' } as never)).toBe('exists');
    expect((await store.get(g.id))?.status).toBe('ACTIVE');
  });

  it('update writes when the stored version is next.version - 1', async () => {
    const g = makeGrant({ version: 1 });
    await store.create(g);
    const next = { ...g, status: 'REVOKING' as const, updatedAt: '2026-11-22T10:00:00.000Z', version: 2 };
    await store.update(next);
    expect(await store.get(g.id)).toEqual(next);
  });

  it('writes a step and its audit entries atomically (pending, no contention): a stale step leaves no entry', async () => {
    const { KvsAuditLog } = await import('../../../src/adapters/kvs/audit-log');
    const audit = new KvsAuditLog();
    const journaled = new KvsGrantStore(audit);
    const g = makeGrant({ version: 1 });
    await journaled.create(g);
    const entry = (action: 'REVOKE_STARTED' | 'REMOVED_EXTERNALLY') => ({
      at: '2026-11-22T10:00:00.000Z',
      action,
      actor: 'app',
      grantId: g.id,
      detail: action,
    });
    // The step and a concurrent unrelated append: each writes its own pending entry, neither refused.
    await Promise.all([
      journaled.update({ ...g, status: 'REVOKING' as const, updatedAt: '2026-11-22T10:00:00.000Z', version: 2 }, [
        entry('REVOKE_STARTED'),
      ]),
      audit.append({ at: '2026-11-22T10:00:00.000Z', action: 'VIEWED', actor: 'acc-x', detail: 'concurrent' }),
    ]);
    const stale = journaled.update(
      { ...g, status: 'REMOVED_EXTERNALLY' as const, updatedAt: '2026-11-22T10:01:00.000Z', version: 2 },
      [entry('REMOVED_EXTERNALLY')],
    );
    await expect(stale).rejects.toBeInstanceOf(StaleGrantError);
    const docs = h.emulator
      .entity('audit')
      .map((e) => (e.value as { doc: { action: string } }).doc.action)
      .sort();
    expect(docs).toEqual(['REVOKE_STARTED', 'VIEWED']);
    expect(h.emulator.requests.filter((r) => r.path === '/api/v1/transaction')).toHaveLength(2); // no retry
    await audit.sequence();
    expect(await audit.verify()).toEqual({ ok: true, count: 2 });
    expect((await journaled.get(g.id))?.status).toBe('REVOKING');
  });

  it('a stale update throws StaleGrantError and leaves the stored grant unchanged', async () => {
    const g = makeGrant({ version: 1 });
    await store.create(g);
    const first = { ...g, status: 'REVOKING' as const, updatedAt: '2026-11-22T10:00:00.000Z', version: 2 };
    await store.update(first);
    // A second writer that also read version 1:
    const stale = { ...g, status: 'REMOVED_EXTERNALLY' as const, updatedAt: '2026-11-22T10:01:00.000Z', version: 2 };
    await expect(store.update(stale)).rejects.toBeInstanceOf(StaleGrantError);
    expect(await store.get(g.id)).toEqual(first);
    await expect(store.update({ ...makeGrant({ id: 'grant-missing' }), version: 2 })).rejects.toBeInstanceOf(
      StaleGrantError,
    );
    expect(await store.get('grant-missing')).toBeUndefined();
  });

  it('listByStatus filters on the endsAt range, oldest end first, and sees grants without an end by their request time', async () => {
    await store.create(makeGrant({ id: 'g-late', endsAt: '2026-11-22T15:00:00.000Z' }));
    await store.create(makeGrant({ id: 'g-early', endsAt: '2026-11-22T11:00:00.000Z' }));
    await store.create(makeGrant({ id: 'g-mid', endsAt: '2026-11-22T12:00:00Z' })); // other ISO form
    await store.create(
      makeGrant({ id: 'g-req', status: 'REQUESTED', endsAt: undefined, requestedAt: '2026-11-22T08:00:00.000Z' }),
    );
    const ids = (gs: Array<{ id: string }>) => gs.map((g) => g.id);
    expect(ids(await store.listByStatus('ACTIVE'))).toEqual(['g-early', 'g-mid', 'g-late']);
    expect(ids(await store.listByStatus('ACTIVE', '2026-11-22T12:00:00.000Z'))).toEqual(['g-early', 'g-mid']);
    expect(ids(await store.listByStatus('ACTIVE', '2026-11-22T10:59:59.999Z'))).toEqual([]);
    expect(ids(await store.listByStatus('REQUESTED'))).toEqual(['g-req']);
    expect((await store.get('g-req'))?.endsAt).toBeUndefined();
  });

  it('lists by requester, held by requester+group, by group+status and by request time', async () => {
    await store.create(
      makeGrant({ id: 'a1', requesterAccountId: 'acc-a', groupId: LINUX, requestedAt: '2026-11-20T00:00:00.000Z' }),
    );
    await store.create(
      makeGrant({ id: 'a2', requesterAccountId: 'acc-a', groupId: WINDOWS, requestedAt: '2026-11-21T00:00:00.000Z' }),
    );
    await store.create(
      makeGrant({
        id: 'a3',
        requesterAccountId: 'acc-a',
        groupId: LINUX,
        status: 'EXPIRED',
        requestedAt: '2026-11-22T00:00:00.000Z',
      }),
    );
    await store.create(
      makeGrant({ id: 'b1', requesterAccountId: 'acc-b', groupId: LINUX, requestedAt: '2026-11-23T00:00:00.000Z' }),
    );
    await store.create(
      makeGrant({
        id: 'a4',
        requesterAccountId: 'acc-a',
        groupId: LINUX,
        status: 'GRANTING',
        requestedAt: '2026-11-23T00:00:00.000Z',
      }),
    );
    await store.create(
      makeGrant({
        id: 'a5',
        requesterAccountId: 'acc-a',
        groupId: LINUX,
        status: 'REVOKING',
        requestedAt: '2026-11-23T00:00:00.000Z',
      }),
    );
    const ids = (gs: Array<{ id: string }>) => gs.map((g) => g.id).sort();
    expect(ids(await store.listByRequester('acc-a'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    // Held = GRANTING, ACTIVE, REVOKING, FAILED: the ended a3 and other people's b1 are not read back.
    expect(ids(await store.listHeldByRequesterAndGroup('acc-a', LINUX))).toEqual(['a1', 'a4', 'a5']);
    expect(ids(await store.listByGroupAndStatus(LINUX, 'ACTIVE'))).toEqual(['a1', 'b1']);
    expect(ids(await store.listRequestedBetween('2026-11-21T00:00:00.000Z', '2026-11-22T00:00:00.000Z'))).toEqual([
      'a2',
      'a3',
    ]);
  });

  it('pages requests of a window newest first, at most the limit, saying when there were more', async () => {
    const at = (i: number) => new Date(Date.parse('2026-11-22T00:00:00.000Z') + i * 60_000).toISOString();
    for (let i = 0; i < 150; i++) await store.create(makeGrant({ id: `r${i}`, requestedAt: at(i) }));
    const page = await store.pageRequestedBetween(at(10), at(139), 120);
    expect(page.more).toBe(true);
    expect(page.grants.map((g) => g.id)).toEqual(Array.from({ length: 120 }, (_, k) => `r${139 - k}`));
    const all = await store.pageRequestedBetween(at(10), at(139), 200);
    expect(all).toMatchObject({ more: false });
    expect(all.grants).toHaveLength(130);
  });

  it("reads only what the requester holds in the group: not other people's grants, not their own ended history", async () => {
    const put = (g: ReturnType<typeof makeGrant>) => store.create(g);
    await put(makeGrant({ id: 'mine-active', requesterAccountId: 'acc-a' }));
    await put(makeGrant({ id: 'mine-failed', requesterAccountId: 'acc-a', status: 'FAILED', endReason: 'EXPIRED' }));
    for (let i = 0; i < 150; i++) {
      await put(makeGrant({ id: `mine-old-${i}`, requesterAccountId: 'acc-a', status: 'EXPIRED' }));
      await put(makeGrant({ id: `theirs-${i}`, requesterAccountId: `acc-b${i}` }));
      await put(makeGrant({ id: `mine-win-${i}`, requesterAccountId: 'acc-a', groupId: WINDOWS }));
    }
    h.emulator.resetStats();
    const held = await store.listHeldByRequesterAndGroup('acc-a', LINUX);
    expect(held.map((g) => g.id).sort()).toEqual(['mine-active', 'mine-failed']);
    // One query per status that may hold the membership, each reading only its matches; then a get each.
    expect(h.emulator.stats.byIndex).toEqual({
      'grant/by-requester-group-status': { queries: 4, scanned: 2, returned: 2 },
    });
    expect(h.emulator.stats.requests).toEqual({ 'entity/query': 4, 'entity/get': 2 });
  });

  it('pages through more than one KVS page (cursor loop)', async () => {
    for (let i = 0; i < 230; i++) {
      await store.create(
        makeGrant({
          id: `g-${i}`,
          endsAt: new Date(Date.parse('2026-11-22T10:00:00.000Z') + i * 60_000).toISOString(),
        }),
      );
    }
    const all = await store.listByStatus('ACTIVE');
    expect(all).toHaveLength(230);
    expect(new Set(all.map((g) => g.id)).size).toBe(230);
    const queries = h.emulator.requests.filter((r) => r.path === '/api/v1/entity/query');
    expect(queries).toHaveLength(3);
    expect(queries.every((q) => (q.body as { limit: number }).limit === 100)).toBe(true);
  });

  it('a corrupt stored grant fails loudly instead of passing as a Grant', async () => {
    h.emulator.handle('/api/v1/entity/set', {
      entityName: 'grant',
      key: 'g-bad',
      value: { status: 'ACTIVE', endsAt: '2026-11-22T10:00:00.000Z', version: 1, doc: { id: 'g-bad' } },
    });
    await expect(store.get('g-bad')).rejects.toThrow(/not readable/);
  });
});
