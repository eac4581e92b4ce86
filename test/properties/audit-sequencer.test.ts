/**
 * Property (ADR 0019): any interleaving of audit writers and sequencer runs, including runs that crash
 * before or after one of their transactions reaches the store and runs that overlap despite the
 * concurrency limit, leaves a chain that verifies and holds every committed entry exactly once (and no
 * entry of a refused write), each transaction linking its entries in the deterministic order (`at`,
 * then the writer's order, then the random id), and a quiescent run linking what was pending in that
 * order. Real @forge/kvs client against the KVS emulator; concurrency is Promise.all at await points.
 */
import fc from 'fast-check';
import { Filter, FilterConditions, kvs } from '@forge/kvs';
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import type { AuditEntryInput } from '../../src/app/ports';
import { KvsEmulator, loadManifestEntities } from '../../sandbox/kvs/kvs-emulator';
import { currentInvocation, installForgeRuntime, jsonResponse, type ForgeRuntime } from '../../sandbox/runtime';
import { MANIFEST_PATH } from '../support/kvs-runtime';

const RUNS = process.env.PROPS_RUNS ? Number(process.env.PROPS_RUNS) : 300;
const SEED = process.env.PROPS_SEED ? Number(process.env.PROPS_SEED) : 20261130;
jest.setTimeout(300_000);

type Action =
  | { kind: 'write'; atSecond: number; entries: number; refused: boolean }
  | { kind: 'sequence'; crash?: { phase: 'before' | 'after'; nthTransaction: number } };

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    atSecond: fc.integer({ min: 0, max: 3 }),
    entries: fc.integer({ min: 1, max: 4 }),
    refused: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('sequence' as const) }),
  fc.record({
    kind: fc.constant('sequence' as const),
    crash: fc.record({
      phase: fc.constantFrom('before' as const, 'after' as const),
      nthTransaction: fc.integer({ min: 1, max: 3 }),
    }),
  }),
);
/** Rounds of actions; the actions of one round run concurrently. */
const rounds = fc.array(fc.array(action, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 10 });

interface Harness {
  emulator: KvsEmulator;
  runtime: ForgeRuntime;
  /** Order keys each sequencer transaction linked, in the order it linked them. */
  linkedByTransaction: string[][];
}

/** Every KVS request waits for the scheduler: fast-check picks the order in which they reach the store. */
function harness(scheduler: fc.Scheduler): Harness {
  const emulator = new KvsEmulator({ entities: loadManifestEntities(MANIFEST_PATH), now: () => 0 });
  const h: Harness = { emulator, runtime: undefined as unknown as ForgeRuntime, linkedByTransaction: [] };
  const transactionsOf = new Map<string, number>();
  h.runtime = installForgeRuntime(async (_target, p, init) => {
    const body = typeof init.body === 'string' && init.body.length > 0 ? JSON.parse(init.body) : undefined;
    const inv = currentInvocation();
    if (inv && inv.functionKey !== 'setup') await scheduler.schedule(Promise.resolve(), `${inv.functionKey} ${p}`);
    // functionKey `crash-<phase>-<n>`: this sequencer run dies around its n-th transaction.
    const crash = /^crash-(before|after)-(\d+)$/.exec(inv?.functionKey ?? '');
    let nth = 0;
    if (p === '/api/v1/transaction' && inv) {
      nth = (transactionsOf.get(inv.invocationId) ?? 0) + 1;
      transactionsOf.set(inv.invocationId, nth);
    }
    if (crash && crash[1] === 'before' && nth === Number(crash[2])) throw new Error('crashed before');
    const r = emulator.handle(p, body);
    if (p === '/api/v1/transaction' && r.status === 204) {
      const linked = ((body?.set ?? []) as Array<{ key: string; entityName?: string; value: { order?: string } }>)
        .filter((s) => s.entityName === 'audit' && /^audit-\d+$/.test(s.key))
        .map((s) => s.value.order!);
      if (linked.length > 0) h.linkedByTransaction.push(linked);
    }
    if (crash && crash[1] === 'after' && nth === Number(crash[2])) throw new Error('crashed after');
    return jsonResponse(r.status, r.body);
  });
  return h;
}

const sorted = (xs: string[]) => xs.every((x, i) => i === 0 || xs[i - 1] < x);

describe('audit sequencer under interleavings (fast-check)', () => {
  it('the chain verifies and holds each committed entry exactly once, in the deterministic order', async () => {
    await fc.assert(
      fc.asyncProperty(rounds, fc.scheduler(), async (plan, scheduler) => {
        const h = harness(scheduler);
        try {
          const log = new KvsAuditLog();
          const run = <T>(functionKey: string, fn: () => Promise<T>) =>
            h.runtime.run({ functionKey, moduleType: 'test', moduleKey: 'test' }, fn);
          // The "grant" a refused writer's transaction is conditional on (stands at version 1).
          await run('setup', () => kvs.entity<{ version: number }>('grant').set('gate', { version: 1 }));
          const committed = new Set<string>();
          const refused = new Set<string>();
          let id = 0;
          for (const round of plan) {
            const all = Promise.all(
              round.map(async (a) => {
                if (a.kind === 'write') {
                  const details = Array.from({ length: a.entries }, () => `entry-${++id}`);
                  const inputs: AuditEntryInput[] = details.map((detail) => ({
                    at: `2026-11-22T09:00:0${a.atSecond}.000Z`,
                    action: 'VIEWED',
                    actor: 'acc-x',
                    detail,
                  }));
                  const version = a.refused ? 2 : 1;
                  try {
                    await run('writer', async () => {
                      const prepared = log.prepare(inputs);
                      await prepared
                        .addTo(kvs.transact())
                        .check('gate', {
                          entityName: 'grant',
                          conditions: new Filter<{ version: number }>().and(
                            'version',
                            FilterConditions.equalTo(version),
                          ),
                        })
                        .execute();
                      await prepared.committed();
                    });
                    details.forEach((d) => committed.add(d));
                  } catch {
                    details.forEach((d) => refused.add(d));
                  }
                } else {
                  const key = a.crash ? `crash-${a.crash.phase}-${a.crash.nthTransaction}` : 'sequencer';
                  await run(key, () => log.sequence()).catch((e: Error) => {
                    if (!/^crashed/.test(e.message)) throw e;
                  });
                }
              }),
            );
            await scheduler.waitFor(all);
          }
          // Quiescent: what is still pending is linked by one clean run, in the deterministic order.
          const pendingBefore = h.emulator
            .entity('audit')
            .filter((e) => e.key.startsWith('audit-p-'))
            .map((e) => e.key)
            .sort();
          const txBefore = h.linkedByTransaction.length;
          await scheduler.waitFor(run('sequencer', () => log.sequence()));
          expect(h.linkedByTransaction.slice(txBefore).flat()).toEqual(pendingBefore);

          let verified: Awaited<ReturnType<KvsAuditLog['verify']>>;
          do verified = await scheduler.waitFor(run('verify', () => log.verify()));
          while (verified.ok && verified.more);
          expect(verified).toEqual({ ok: true, count: committed.size });
          const chain = h.emulator
            .entity('audit')
            .map((e) => e.value as { chain: string; seq: number; doc: { detail: string } })
            .sort((a, b) => a.seq - b.seq);
          expect(chain.every((e) => e.chain === 'linked')).toBe(true);
          const details = chain.map((e) => e.doc.detail);
          expect(new Set(details).size).toBe(details.length);
          expect(new Set(details)).toEqual(committed);
          for (const r of refused) expect(details).not.toContain(r);
          for (const tx of h.linkedByTransaction) expect(sorted(tx)).toBe(true);
        } finally {
          h.runtime.uninstall();
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
