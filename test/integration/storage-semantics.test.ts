/**
 * Storage semantics the app must not guess (ADR 0011), end to end: conflicts answered with code
 * strings Forge never promised, and queries that lag behind the stored truth.
 */
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import { at, useWorlds, world } from './world';

useWorlds();

describe('conflicts answered with other codes than the reported ones', () => {
  it('a grant runs its whole life, sweeps overlapping on every once-only claim, with the same outcome and no failed step', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.kvs.conflicts = {
      keyExists: { status: 400, code: 'ITEM_ALREADY_EXISTS' },
      conditionFailed: { status: 409, code: 'TRANSACTION_CONFLICT' },
    };
    const r = await t.newAccess(w.groups.linux, at('13:00:00'));
    await sb.jira.deliverAgain(r.eventId);
    for (const hhmm of ['11:00', '12:00', '12:50', '13:00', '13:10']) {
      await sb.clock.advanceTo(at(`${hhmm}:00`));
      expect(await t.health((h) => h.lastSweep())).toEqual({
        at: expect.any(String),
        summary: expect.objectContaining({ failed: 0 }),
      });
    }
    expect(t.grants()).toHaveLength(1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
    const kinds = t
      .comments(r.key)
      .map((c) =>
        c.includes('you are now a member')
          ? 'granted'
          : c.includes('ends at')
            ? 'reminder'
            : c.includes('has ended')
              ? 'ended'
              : c,
      );
    expect(kinds).toEqual(['granted', 'reminder', 'ended']);
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(1);
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'ENDED' })).toHaveLength(1);
    expect(await sb.app.run(() => new KvsAuditLog().verify())).toEqual({ ok: true, count: t.audit().length });
  });
});

describe('queries lag behind the stored grant', () => {
  it('a grant extended after the reminder query was answered is not reminded at its old end; it is reminded once at its new one', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.newAccess(w.groups.linux, at('13:00:00'));
    await sb.clock.advanceTo(at('11:55:00'));
    sb.kvs.freezeQueries(); // the index still shows the end at 13:00
    await sb.app.run(async () => {
      const store = new KvsGrantStore();
      const g = (await store.get(r.grantId))!;
      await store.update({ ...g, endsAt: at('15:00:00'), version: g.version + 1, updatedAt: at('11:55:00') });
    });
    await sb.clock.advanceTo(at('12:00:00'));
    const reminders = () => t.comments(r.key).filter((c) => c.includes('ends at'));
    expect(reminders()).toEqual([]);
    sb.kvs.thawQueries();
    await sb.clock.advanceTo(at('14:00:00'));
    expect(reminders()).toHaveLength(1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', endsAt: at('15:00:00') });
  });

  it('a grant that stopped being ACTIVE after the query was answered is not reminded', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.newAccess(w.groups.linux, at('13:00:00'));
    await sb.clock.advanceTo(at('11:55:00'));
    sb.kvs.freezeQueries(); // the index still shows it ACTIVE
    await sb.app.run(async () => {
      const store = new KvsGrantStore();
      const g = (await store.get(r.grantId))!;
      await store.update({ ...g, status: 'REVOKING', version: g.version + 1, updatedAt: at('11:55:00') });
    });
    await sb.clock.advanceTo(at('12:00:00'));
    expect(t.comments(r.key).filter((c) => c.includes('ends at'))).toEqual([]);
  });
});
