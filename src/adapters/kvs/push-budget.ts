/**
 * PushBudget on plain KVS keys created with FAIL_IF_EXISTS (ADR 0023). Each minute has a few slots of
 * SLOT_EVENTS events; a caller takes a slot by creating its key, so overlapping sweeps can never hand
 * out the same slot twice (the create-only write the self-check proves on each installation, ADR 0014).
 * No record is read-modified-written, so nothing here is a point of contention beyond the slots.
 */
import { kvs } from '@forge/kvs';
import type { PushBudget } from '../../app/ports';
import { createOnly } from './paging';

/** One slot: the most events one Forge push carries. */
export const SLOT_EVENTS = 50;
/**
 * Slots per clock minute. Forge allows 500 events per minute per installation; minutes are counted
 * here on fixed boundaries, so a rolling minute can span two of them: 4 slots (200 events) per
 * minute keeps any rolling minute at or under 400, leaving 100 for pushes outside the budget.
 */
export const SLOTS_PER_MINUTE = 4;
/** Slots are only ever looked at in their own minute: they go soon after. */
const SLOT_TTL = { value: 10, unit: 'MINUTES' } as const;

export class KvsPushBudget implements PushBudget {
  constructor(private readonly now: () => string) {}

  async take(wanted: number): Promise<number> {
    const minute = this.now().slice(0, 16);
    let need = Math.ceil(Math.max(0, wanted) / SLOT_EVENTS);
    let granted = 0;
    for (let next = 0; need > 0 && next < SLOTS_PER_MINUTE;) {
      const batch = Array.from({ length: Math.min(need, SLOTS_PER_MINUTE - next) }, (_, i) => next + i);
      next += batch.length;
      const won = (await Promise.all(batch.map((slot) => this.claim(`push-budget:${minute}:${slot}`)))).filter(
        Boolean,
      ).length;
      granted += won;
      need -= won;
    }
    return Math.min(Math.max(0, wanted), granted * SLOT_EVENTS);
  }

  private async claim(key: string): Promise<boolean> {
    const outcome = await createOnly(
      () => kvs.set(key, { at: this.now() }, { keyPolicy: 'FAIL_IF_EXISTS', ttl: SLOT_TTL }),
      async () => (await kvs.get(key)) !== undefined,
    );
    return outcome === 'created';
  }
}
