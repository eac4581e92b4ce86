/**
 * The two transaction conditions the app's correctness rests on, in one place: the grant store and
 * the audit log write with them, and the install self-check (ADR 0014) proves them on the real KVS
 * with these same builders, so what it proves is what the app sends.
 */
import { Filter, FilterConditions } from '@forge/kvs';

/** Compare-and-set: the stored item is still at `version` (an item that exists: documented). */
export const atVersion = <T extends { version: number }>(version: number) =>
  new Filter<T>().and('version', FilterConditions.equalTo(version));

/**
 * A new audit entry's number is still free: `seq` does not exist on the item, which itself does not
 * exist yet. How Forge evaluates a condition on a missing item is undocumented (ADR 0011, section 2):
 * the self-check's `storage.condition-missing` proves it on each installation.
 */
export const seqIsFree = <T extends { seq: number }>() => new Filter<T>().and('seq', FilterConditions.notExists());
