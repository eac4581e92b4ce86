/** RequestLedger on plain KVS keys created with FAIL_IF_EXISTS: exactly one claimant per key. */
import { createHash } from 'node:crypto';
import { kvs } from '@forge/kvs';
import type { RequestLedger } from '../../app/ports';
import { createOnly } from './paging';

/**
 * Markers outlive every redelivery they guard against (queue events live 24 h, grants weeks at most,
 * waiting requests 7 days) and then expire, so the ledger does not grow for ever.
 */
const LEDGER_TTL = { value: 90, unit: 'DAYS' } as const;

// Ledger keys may carry user-entered text (an edited field value): hash them into a valid KVS key.
const storageKey = (key: string) => `ledger:${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

export class KvsRequestLedger implements RequestLedger {
  constructor(private readonly now: () => string) {}

  async claim(key: string): Promise<boolean> {
    const k = storageKey(key);
    const outcome = await createOnly(
      () => kvs.set(k, { key: key.slice(0, 200), at: this.now() }, { keyPolicy: 'FAIL_IF_EXISTS', ttl: LEDGER_TTL }),
      async () => (await kvs.get(k)) !== undefined,
    );
    return outcome === 'created';
  }

  async remember(key: string, value: string): Promise<string> {
    const k = storageKey(key);
    let stored: { value?: unknown } | undefined;
    const outcome = await createOnly(
      () =>
        kvs.set(k, { key: key.slice(0, 200), at: this.now(), value }, { keyPolicy: 'FAIL_IF_EXISTS', ttl: LEDGER_TTL }),
      async () => (stored = await kvs.get<{ value?: unknown }>(k)) !== undefined,
    );
    if (outcome === 'created') return value;
    // A marker written by claim() carries no value: nothing was remembered under this key before.
    return typeof stored?.value === 'string' ? stored.value : value;
  }

  async release(key: string): Promise<void> {
    await kvs.delete(storageKey(key));
  }

  async isClaimed(key: string): Promise<boolean> {
    return (await kvs.get(storageKey(key))) !== undefined;
  }

  async recall(key: string): Promise<string | undefined> {
    const stored = await kvs.get<{ value?: unknown }>(storageKey(key));
    return typeof stored?.value === 'string' ? stored.value : undefined;
  }
}
