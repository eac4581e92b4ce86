/** RequestLedger on plain KVS keys created with FAIL_IF_EXISTS: exactly one claimant per key. */
import { createHash } from 'node:crypto';
import { kvs } from '@forge/kvs';
import type { RequestLedger } from '../../app/ports';

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
    try {
      await kvs.set(storageKey(key), { key: key.slice(0, 200), at: this.now() }, { keyPolicy: 'FAIL_IF_EXISTS', ttl: LEDGER_TTL });
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'KEY_CONFLICT') return false;
      throw e;
    }
  }

  async remember(key: string, value: string): Promise<string> {
    try {
      await kvs.set(storageKey(key), { key: key.slice(0, 200), at: this.now(), value }, { keyPolicy: 'FAIL_IF_EXISTS', ttl: LEDGER_TTL });
      return value;
    } catch (e) {
      if ((e as { code?: string }).code !== 'KEY_CONFLICT') throw e;
    }
    const stored = await kvs.get<{ value?: unknown }>(storageKey(key));
    // A marker written by claim() carries no value: nothing was remembered under this key before.
    return typeof stored?.value === 'string' ? stored.value : value;
  }

  async release(key: string): Promise<void> {
    await kvs.delete(storageKey(key));
  }
}
