/**
 * Runs the real @forge/kvs client against a fresh KvsEmulator built from manifest.yml: the Forge
 * runtime globals are installed and every `{type:'kvs'}` fetch lands in the emulator.
 */
import path from 'node:path';
import { KvsEmulator, loadManifestEntities, type EntityDefinition } from '../../sandbox/kvs/kvs-emulator';
import { installForgeRuntime, jsonResponse, type ForgeRuntime } from '../../sandbox/runtime';

export const MANIFEST_PATH = path.join(__dirname, '..', '..', 'manifest.yml');

export interface KvsHarness {
  emulator: KvsEmulator;
  runtime: ForgeRuntime;
  /** Moves the emulator's clock (TTL) forward. */
  advance(ms: number): void;
}

export function installKvs(opts: { entities?: EntityDefinition[]; nowMs?: number } = {}): KvsHarness {
  let now = opts.nowMs ?? Date.parse('2026-11-22T09:00:00.000Z');
  const emulator = new KvsEmulator({ entities: opts.entities ?? loadManifestEntities(MANIFEST_PATH), now: () => now });
  const runtime = installForgeRuntime(async (target, p, init) => {
    if (target.type !== 'kvs') return jsonResponse(500, { message: `unexpected target ${JSON.stringify(target)}` });
    const body = typeof init.body === 'string' && init.body.length > 0 ? JSON.parse(init.body) : undefined;
    const r = emulator.handle(p, body);
    return jsonResponse(r.status, r.body);
  });
  return {
    emulator,
    runtime,
    advance: (ms) => {
      now += ms;
    },
  };
}
