/**
 * Issue 11, "bounded reads where a person waits", counted on the KVS emulator's billing counts: items
 * read = items a query's index walk read (filtered out or not) + items read by get. Unlike counting
 * what answers carried, this sees a query that reads a partition and filters most of it away.
 */
import type { Sandbox } from '../../sandbox';
import { totalRequests } from '../../sandbox/kvs/kvs-emulator';
import { toGrantEntity } from '../../src/adapters/kvs/keys';
import type { Grant } from '../../src/domain/grant';
import { makeGrant } from '../factories/grant';
import { HOUR, useWorlds, world } from './world';

useWorlds();

function put(sb: Sandbox, g: Grant): void {
  const r = sb.kvs.handle('/api/v1/entity/set', { entityName: 'grant', key: g.id, value: toGrantEntity(g) });
  if (r.status >= 300) throw new Error(JSON.stringify(r.body));
}

async function measure(sb: Sandbox, run: () => Promise<unknown>) {
  sb.kvs.resetStats();
  await run();
  const s = sb.kvs.stats;
  return { requests: totalRequests(s), itemsRead: s.itemsScanned + s.itemsGot, byIndex: s.byIndex };
}

describe('issue panel for a requester with 1,000 past grants', () => {
  it('one load reads at most 60 items, whatever the history', async () => {
    const t = await world();
    const now = Date.parse(t.sb.clock.now());
    const iso = (ms: number) => new Date(ms).toISOString();
    for (let i = 0; i < 1_000; i++) {
      const requested = now - (i + 1) * 2 * HOUR;
      const id = String(900_000 + i);
      put(
        t.sb,
        makeGrant({
          id: `grant-${id}`,
          issueId: id,
          issueKey: `HIST-${i + 1}`,
          requesterAccountId: t.w.jira.neville,
          groupId: t.w.groups.windows,
          status: 'EXPIRED',
          requestedAt: iso(requested),
          startedAt: iso(requested),
          firstStartedAt: iso(requested),
          endsAt: iso(requested + HOUR),
          endedAt: iso(requested + HOUR),
          endReason: 'EXPIRED',
          updatedAt: iso(requested + HOUR),
          version: 5,
        }),
      );
    }
    const linux = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: t.w.groups.linux });
    const view = await t.raise({ accessType: 'View access' });
    const load = (issue: { id: string; key: string }) =>
      measure(t.sb, async () => {
        const r = await t.sb.app.invoke<any>(
          'panel/load',
          {},
          { accountId: t.w.jira.neville, extension: { issue, project: { key: 'ACC' } } },
        );
        expect(r).toMatchObject({ ok: true });
      });

    const onView = await load(view);
    const onGrant = await load(linux);
    console.log(`panel load, 1,000 past grants: View access issue ${JSON.stringify(onView)}`);
    console.log(`panel load, 1,000 past grants: grant issue ${JSON.stringify(onGrant)}`);
    expect(onView.itemsRead).toBeLessThanOrEqual(60);
    expect(onGrant.itemsRead).toBeLessThanOrEqual(60);
  }, 60_000);
});

/**
 * Measured, not yet bounded: the dashboard reads every grant of each status it shows (ADR 0002,
 * `by-status-end`), so its cost grows with the site's active grants. Issue 11's goal is <= 25 storage
 * requests per render; this records where it stands so the rewrite has a baseline, and fails if it
 * gets worse than today: two full reads in pages of 100, the ACTIVE partition (`by-status-end`) and the
 * chart's window (`by-requested`; these grants were all requested today), plus a fixed overhead.
 * Measured on 2026-11-30: 1,000 active grants, 36 requests and 2,004 items read per render; 50,000
 * (too slow to keep in the suite), 1,016 requests and 100,004 items.
 */
describe('admin dashboard render (measured)', () => {
  it.each([1_000, 10_000])(
    'one render with %i active grants',
    async (n) => {
      const t = await world();
      for (let i = 0; i < n; i++) {
        const id = String(700_000 + i);
        put(
          t.sb,
          makeGrant({
            id: `grant-${id}`,
            issueId: id,
            issueKey: `ACT-${i + 1}`,
            requesterAccountId: `acc-other-${i % 500}`,
            groupId: t.w.groups.linux,
            status: 'ACTIVE',
            requestedAt: '2026-11-22T08:00:00.000Z',
            endsAt: '2026-11-23T08:00:00.000Z',
          }),
        );
      }
      const cost = await measure(t.sb, async () => {
        const r = await t.sb.app.invoke<any>(
          'admin/dashboard/get',
          {},
          { accountId: t.w.jira.ada, moduleKey: 'admin-page' },
        );
        expect(r).toMatchObject({ ok: true });
      });
      console.log(`dashboard render, ${n} active grants: ${JSON.stringify(cost)}`);
      expect(cost.requests).toBeLessThanOrEqual(2 * Math.ceil(n / 100) + 20);
    },
    300_000,
  );
});
