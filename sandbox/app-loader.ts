/**
 * Reads manifest.yml and src/index.ts the way Forge does: which function serves which trigger, queue,
 * schedule and resolver. There is no second list of handlers anywhere in the sandbox.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

export const PROJECT_ROOT = path.resolve(__dirname, '..');

type Handler = (...args: unknown[]) => unknown;

/** The parts of manifest.yml the sandbox reads (YAML is parsed unchecked: manifest-check validates it). */
interface ManifestModule {
  key: string;
  handler?: string;
  function?: string;
  events?: string[];
  filter?: { ignoreSelf?: boolean };
  queue?: string;
  interval?: 'fiveMinute' | 'hour' | 'day' | 'week';
  resolver?: { function?: string };
  /** automation:actionProvider: the action keys Automation offers. */
  actions?: string[];
}
export interface Manifest {
  modules?: Record<string, ManifestModule[] | undefined>;
  permissions?: { external?: { fetch?: { backend?: Array<string | { address: string }> } } };
}

export interface LoadedApp {
  manifest: Manifest;
  /** function key -> handler exported from src/index.ts */
  functions: Map<string, Handler>;
  triggers: Array<{ key: string; events: string[]; ignoreSelf: boolean; functionKey: string }>;
  consumers: Array<{ key: string; queue: string; functionKey: string }>;
  schedules: Array<{ key: string; interval: 'fiveMinute' | 'hour' | 'day' | 'week'; functionKey: string }>;
  /** UI module key -> resolver function key */
  resolvers: Map<string, { functionKey: string; moduleType: string }>;
  /** Automation action key -> function key, for actions an actionProvider lists (Automation shows no other). */
  actions: Map<string, string>;
}

export const INTERVAL_MS = { fiveMinute: 5 * 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const;

export function loadApp(root = PROJECT_ROOT): LoadedApp {
  const manifest = YAML.parse(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8')) as Manifest;
  const modules = manifest.modules ?? {};
  const functions = new Map<string, Handler>();
  const loaded = new Map<string, Record<string, unknown>>();
  for (const fn of modules.function ?? []) {
    const [file, exportName] = String(fn.handler).split('.');
    // The handler's file is named by manifest.yml, as Forge resolves it, so no static import can name it;
    // require() (not import()) keeps one module instance per file under Jest and tsx alike.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (!loaded.has(file)) loaded.set(file, require(path.join(root, 'src', file)));
    const handler = loaded.get(file)![exportName];
    if (typeof handler !== 'function')
      throw new Error(`manifest function ${fn.key}: src/${file} has no export ${exportName}`);
    functions.set(fn.key, handler as Handler);
  }
  const resolvers = new Map<string, { functionKey: string; moduleType: string }>();
  for (const [moduleType, list] of Object.entries(modules)) {
    for (const m of list ?? []) {
      const fnKey = m?.resolver?.function;
      if (fnKey) resolvers.set(m.key, { functionKey: fnKey, moduleType });
    }
  }
  const offered = new Set((modules['automation:actionProvider'] ?? []).flatMap((p) => p.actions ?? []));
  const actions = new Map(
    (modules.action ?? []).filter((a) => offered.has(a.key)).map((a) => [a.key, required(a, 'function')] as const),
  );
  return {
    manifest,
    functions,
    actions,
    triggers: (modules.trigger ?? []).map((t) => ({
      key: t.key,
      events: t.events ?? [],
      ignoreSelf: !!t.filter?.ignoreSelf,
      functionKey: required(t, 'function'),
    })),
    consumers: (modules.consumer ?? []).map((c) => ({
      key: c.key,
      queue: required(c, 'queue'),
      functionKey: required(c, 'function'),
    })),
    schedules: (modules.scheduledTrigger ?? []).map((s) => ({
      key: s.key,
      interval: required(s, 'interval'),
      functionKey: required(s, 'function'),
    })),
    resolvers,
  };
}

function required<K extends keyof ManifestModule>(m: ManifestModule, field: K): NonNullable<ManifestModule[K]> {
  const v = m[field];
  if (v === undefined || v === null) throw new Error(`manifest module ${m.key} has no ${String(field)}`);
  return v as NonNullable<ManifestModule[K]>;
}

/** Hosts the manifest lets backend `fetch` reach (`*.okta.com` covers subdomains only, as in Forge). */
export function egressAllows(manifest: Manifest, host: string): boolean {
  const entries = manifest.permissions?.external?.fetch?.backend ?? [];
  return entries.some((e) => {
    const address = typeof e === 'string' ? e : e.address;
    if (address.startsWith('*.')) return host.endsWith(address.slice(1)) && host !== address.slice(2);
    return host === address;
  });
}
