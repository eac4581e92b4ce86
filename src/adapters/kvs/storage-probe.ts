/**
 * The storage half of the install self-check (ADR 0014): the semantics the app rests on, exercised on
 * the real KVS with the app's own storage code (the ledger's create-only claim, the grant store's
 * compare-and-set condition, the audit log's "number still free" condition) in a key space of its own:
 * plain keys under `self-check:<space>:` and items of the `self-check` entity, which no index, query or
 * other code reads. Every answer is recorded, never thrown; what it means is the domain's to judge.
 */
import { ForgeKvsAPIError, kvs } from '@forge/kvs';
import type { StorageProbe } from '../../app/ports';
import type {
  ConditionOnExistingObservation,
  ConditionOnMissingObservation,
  CreateOnlyObservation,
  WriteAnswer,
} from '../../domain/self-check';
import { atVersion, seqIsFree } from './conditions';
import { ENTITY, selfCheckSpace } from './keys';
import { isKvsRefusal } from './paging';
import { KvsRequestLedger } from './request-ledger';

/** An item of the `self-check` entity (manifest.yml): the attributes the two conditions read. */
interface ProbeItem {
  version?: number;
  seq?: number;
}

const items = () => kvs.entity<ProbeItem>(ENTITY.selfCheck);
/** Probe keys expire by themselves should the clean-up not run (a crash mid-check). */
const TTL = { value: 1, unit: 'DAYS' } as const;

/** How KVS answered a write, sorted as the app's adapters sort it (`isKvsRefusal`). */
async function answer(write: () => Promise<unknown>): Promise<WriteAnswer> {
  try {
    await write();
    return { outcome: 'written' };
  } catch (e) {
    if (isKvsRefusal(e)) return { outcome: 'refused', status: e.responseDetails.status, code: String(e.code) };
    if (e instanceof ForgeKvsAPIError)
      return { outcome: 'error', status: e.responseDetails?.status, code: String(e.code), message: e.message };
    return { outcome: 'error', message: e instanceof Error ? e.message : String(e) };
  }
}

const itemKeys = (space: string) => ({
  existing: `${space}-existing`,
  missing: `${space}-missing`,
  anchor: `${space}-anchor`,
  fresh: `${space}-fresh`,
});

export class KvsStorageProbe implements StorageProbe {
  constructor(private readonly now: () => string) {}

  async createOnly(space: string): Promise<CreateOnlyObservation> {
    const key = `${selfCheckSpace(space)}:create-only`;
    const write = (value: string) => () => kvs.set(key, { value }, { keyPolicy: 'FAIL_IF_EXISTS', ttl: TTL });
    const first = await answer(write('first'));
    const second = await answer(write('second'));
    const stored = await kvs.get<{ value?: string }>(key).catch(() => undefined);
    // The same decision the app makes for every once-only step: two claims of one key.
    const ledger = new KvsRequestLedger(this.now);
    const claimKey = `${selfCheckSpace(space)}:claim`;
    const claims: CreateOnlyObservation['ledger'] = [];
    for (let i = 0; i < 2; i++) {
      try {
        claims.push(await ledger.claim(claimKey));
      } catch (e) {
        claims.push({ error: e instanceof Error ? e.message : String(e) });
      }
    }
    return { first, second, keptFirst: stored?.value === 'first', ledger: claims };
  }

  async conditionOnExisting(space: string): Promise<ConditionOnExistingObservation> {
    const key = itemKeys(space).existing;
    const setup = await answer(() => items().set(key, { version: 1 }));
    if (setup.outcome !== 'written') return { matching: setup, stale: setup };
    const atV1 = { entityName: ENTITY.selfCheck, conditions: atVersion<ProbeItem & { version: number }>(1) };
    const matching = await answer(() => kvs.transact().set<ProbeItem>(key, { version: 2 }, atV1).execute());
    const stale = await answer(() => kvs.transact().set<ProbeItem>(key, { version: 3 }, atV1).execute());
    const stored = await items()
      .get(key)
      .catch(() => undefined);
    return { matching, stale, storedVersion: stored?.version };
  }

  async conditionOnMissing(space: string): Promise<ConditionOnMissingObservation> {
    const k = itemKeys(space);
    const free = { entityName: ENTITY.selfCheck, conditions: seqIsFree<ProbeItem & { seq: number }>() };
    const onMissing = await answer(() => kvs.transact().set<ProbeItem>(k.missing, { seq: 1 }, free).execute());
    const onExisting = await answer(() => kvs.transact().set<ProbeItem>(k.missing, { seq: 2 }, free).execute());
    const stored = await items()
      .get(k.missing)
      .catch(() => undefined);
    // As KvsGrantStore.update writes a step: the grant at its version and a new audit entry, together.
    const anchored = await answer(() => items().set(k.anchor, { version: 1 }));
    const combined =
      anchored.outcome !== 'written'
        ? anchored
        : await answer(() =>
            kvs
              .transact()
              .set<ProbeItem>(
                k.anchor,
                { version: 2 },
                {
                  entityName: ENTITY.selfCheck,
                  conditions: atVersion<ProbeItem & { version: number }>(1),
                },
              )
              .set<ProbeItem>(k.fresh, { seq: 1 }, free)
              .execute(),
          );
    return { onMissing, onExisting, storedSeq: stored?.seq, combined };
  }

  async cleanUp(space: string): Promise<void> {
    const k = itemKeys(space);
    await Promise.allSettled([
      kvs.delete(`${selfCheckSpace(space)}:create-only`),
      new KvsRequestLedger(this.now).release(`${selfCheckSpace(space)}:claim`),
      ...Object.values(k).map((key) => items().delete(key)),
    ]);
  }
}
