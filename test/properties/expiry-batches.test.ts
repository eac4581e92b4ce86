/**
 * Expiry batches (ADR 0031) as a property over any mix of: grants of one Okta lane ending at different
 * times, Okta failing some of their removals (503s, 429s), the batch and each grant's own expiry event
 * delivered in any number and order, sweeps, a person relinquishing or extending meanwhile, and time.
 * After every step: no membership was removed before its grant's end unless a person ended it, and no
 * grant is ACTIVE more than a minute past its end while Okta answers. In the end: every grant ended once
 * (one end entry, one end notice), exactly one successful removal each, nobody left in the group.
 * The real app on a fresh sandbox per run; the model is only what the test itself did (ends, extensions,
 * relinquishes).
 */
import fc from 'fast-check';
import { oktaLaneOf } from '../../src/app/okta-lanes';
import type { WorkItem } from '../../src/app/ports';
import { extendGrant } from '../../src/app/extend-access';
import { requestRevocation } from '../../src/app/revoke-grant';
import type { Grant } from '../../src/domain/grant';
import { compose } from '../../src/entry/compose';
import { seedActiveGrants, putGrant } from '../integration/seed-grants';
import { at, closeWorlds, MIN, world, type World } from '../integration/world';

const RUNS = process.env.PROPS_RUNS ? Number(process.env.PROPS_RUNS) : 25;
const SEED = process.env.PROPS_SEED ? Number(process.env.PROPS_SEED) : 20261130;

type Fault = 'none' | '503-once' | '503-thrice' | '429-once';
type Step =
  | { kind: 'batch'; order: number[] }
  | { kind: 'single'; k: number }
  | { kind: 'sweep' }
  | { kind: 'relinquish'; k: number }
  | { kind: 'extend'; k: number }
  | { kind: 'advance'; seconds: number };

const K = fc.integer({ min: 0, max: 5 });
const STEP: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      order: fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 2 }),
    }),
  },
  fc.record({ kind: fc.constant('single' as const), k: K }),
  fc.constant<Step>({ kind: 'sweep' }),
  fc.record({ kind: fc.constant('relinquish' as const), k: K }),
  fc.record({ kind: fc.constant('extend' as const), k: K }),
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), seconds: fc.constantFrom(1, 20, 90, 400) }),
  },
);
const CASE = fc.record({
  n: fc.integer({ min: 2, max: 6 }),
  // Seconds from 09:00 to each grant's end: some past, some soon, some later.
  ends: fc.array(fc.constantFrom(-600, -60, 0, 30, 200, 900), { minLength: 6, maxLength: 6 }),
  faults: fc.array(fc.constantFrom<Fault>('none', 'none', '503-once', '503-thrice', '429-once'), {
    minLength: 6,
    maxLength: 6,
  }),
  steps: fc.array(STEP, { minLength: 1, maxLength: 10 }),
});

/** `n` ACTIVE grants whose ids share one Okta lane, so one event may carry them all. */
function seedOneLane(t: World, n: number, ends: number[]): Grant[] {
  const all = seedActiveGrants(t, n * 90, () => at('23:00:00'));
  const lane = oktaLaneOf(all[0]!.id);
  return all
    .filter((g) => oktaLaneOf(g.id) === lane)
    .slice(0, n)
    .map((g, i) => {
      const mine = { ...g, endsAt: new Date(Date.parse(at('09:00:00')) + ends[i]! * 1000).toISOString() };
      putGrant(t.sb, mine);
      return mine;
    });
}

beforeAll(() => {
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});
afterAll(() => jest.restoreAllMocks());

it(`a batch of expiries ends each grant once, never early, whatever the deliveries, faults and people do (${RUNS} runs, seed ${SEED})`, async () => {
  await fc.assert(
    fc.asyncProperty(CASE, async ({ n, ends, faults, steps }) => {
      const t = await world({ closeOut: null });
      const { sb } = t;
      try {
        const grants = seedOneLane(t, n, ends);
        const linux = t.w.groups.linux;
        grants.forEach((g, i) => {
          const path = `/api/v1/groups/${linux}/users/${g.oktaUserId}`;
          const f = faults[i]!;
          if (f === '503-once' || f === '503-thrice')
            sb.okta.fault({ method: 'DELETE', path, status: 503, times: f === '503-once' ? 1 : 3 });
          if (f === '429-once') sb.okta.fault({ method: 'DELETE', path, status: 429, times: 1 });
        });
        // The model: when each grant may lose its membership (its end, moved by extensions), or a person ended it.
        const endOf = new Map(grants.map((g) => [g.id, Date.parse(g.endsAt!)]));
        const endedByPerson = new Set<string>();
        const app = compose;
        const enqueue = (items: WorkItem[]) => sb.app.run(() => app().queue.enqueue(items));

        const check = () => {
          const now = Date.parse(sb.clock.now());
          const members = new Set(sb.okta.members(linux));
          for (const g of grants) {
            const stored = t.grant(g.id)!;
            // Never removed before its end, unless a person ended it.
            if (!members.has(g.oktaUserId!) && !endedByPerson.has(g.id))
              expect(now).toBeGreaterThanOrEqual(endOf.get(g.id)!);
            // An ACTIVE grant ends when the model says (its extensions counted).
            if (stored.status === 'ACTIVE') expect(Date.parse(stored.endsAt!)).toBe(endOf.get(g.id));
          }
        };

        for (const s of steps) {
          if (s.kind === 'batch') {
            const ids = s.order.filter((k) => k < n).map((k) => grants[k]!.id);
            if (ids.length > 0) await enqueue([{ kind: 'expire-many', grantIds: ids }]);
          } else if (s.kind === 'single' && s.k < n) {
            await enqueue([{ kind: 'expire', grantId: grants[s.k]!.id }]);
          } else if (s.kind === 'sweep') {
            await sb.app.runScheduled('expiry-sweep');
          } else if (s.kind === 'relinquish' && s.k < n) {
            const g = grants[s.k]!;
            const wasActive = t.grant(g.id)!.status === 'ACTIVE';
            const r = await sb.app.run(() =>
              requestRevocation(app(), { grantId: g.id, actor: g.requesterAccountId, reason: 'RELINQUISHED' }),
            );
            if (r.ok && wasActive) endedByPerson.add(g.id);
          } else if (s.kind === 'extend' && s.k < n) {
            const g = grants[s.k]!;
            const r = await sb.app.run(() =>
              extendGrant(app(), {
                requesterAccountId: g.requesterAccountId,
                groupId: g.groupId,
                grantId: g.id,
                actor: g.requesterAccountId,
                issueKey: g.issueKey,
              }),
            );
            if (r.ok) endOf.set(g.id, Date.parse(r.grant.endsAt!));
          } else if (s.kind === 'advance') {
            await sb.clock.advance(s.seconds * 1000);
          }
          await sb.clock.settle();
          check();
        }

        // Okta answers again; the queue, its retries and the sweeps finish everything.
        const latest = Math.max(...grants.map((g) => endOf.get(g.id)!));
        await sb.clock.advanceTo(new Date(Math.max(Date.parse(sb.clock.now()), latest) + 40 * MIN).toISOString());
        check();
        for (const g of grants) {
          const stored = t.grant(g.id)!;
          expect(stored.status).toBe(endedByPerson.has(g.id) ? 'REVOKED' : 'EXPIRED');
          expect(t.audit({ grantId: g.id, action: 'ENDED' })).toHaveLength(1);
          const removed = sb.okta.requests.filter(
            (r) => r.method === 'DELETE' && r.path.endsWith(`/users/${g.oktaUserId}`) && r.status === 204,
          );
          expect(removed).toHaveLength(1);
          // Removed no earlier than its end, unless a person ended it.
          if (!endedByPerson.has(g.id)) expect(removed[0]!.at).toBeGreaterThanOrEqual(endOf.get(g.id)!);
          const notices = sb.kvs
            .entity('notice')
            .filter((e) => (e.value as { doc: { key: string } }).doc.key === `announce:${g.id}:END`);
          expect(notices).toHaveLength(1);
        }
        expect(sb.okta.members(linux).filter((m) => grants.some((g) => g.oktaUserId === m))).toEqual([]);
      } finally {
        await closeWorlds();
      }
    }),
    { numRuns: RUNS, seed: SEED },
  );
}, 600_000);
