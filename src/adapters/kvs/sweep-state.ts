/** SweepState on plain KVS keys: where the sweep's bounded reads continue next run (ADR 0023). */
import { kvs } from '@forge/kvs';
import { z } from 'zod';
import type { SweepState } from '../../app/ports';

const key = (name: string) => `sweep:${name}`;
const Stored = z.object({ value: z.string() });

export class KvsSweepState implements SweepState {
  async get(name: string): Promise<string | undefined> {
    const parsed = Stored.safeParse(await kvs.get(key(name)));
    // A value this version cannot read is as good as none: the read starts over.
    return parsed.success ? parsed.data.value : undefined;
  }

  async set(name: string, value: string | undefined): Promise<void> {
    if (value === undefined) await kvs.delete(key(name));
    else await kvs.set(key(name), { value });
  }
}
