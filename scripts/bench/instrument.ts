/**
 * Counting what the app asks of the platform, attributed to the Forge function that asked.
 *
 * The sandbox already logs every request (`sb.kvs.requests`, `sb.okta.requests`, `sb.jira.requests`);
 * what it does not say is WHICH invocation sent it (the sweep itself, or the queue work the sweep
 * enqueued and `runScheduled` then settles). So this module wraps, on the live sandbox objects only
 * (nothing in sandbox/ is edited), the three entry points the app's SDK calls land in, and notes
 * `currentInvocation().functionKey` next to each request. The wrappers are pure observers: they pass
 * arguments and results through unchanged. Totals are cross-checked against the sandbox's own logs.
 */
import type { Sandbox } from '../../sandbox';
import { currentInvocation } from '../../sandbox/runtime';

export const KVS_WRITE_PATHS = new Set([
  '/api/v1/set',
  '/api/v1/delete',
  '/api/v1/secret/set',
  '/api/v1/secret/delete',
  '/api/v1/entity/set',
  '/api/v1/entity/delete',
  '/api/v1/batch/set',
  '/api/v1/batch/delete',
  '/api/v1/transaction',
]);

export interface KvsCall {
  path: string;
  fn: string;
  status: number;
  /** Items the response carried: 1 for a found get, page size for a query, found keys for batch/get. */
  itemsRead: number;
  write: boolean;
  /** Entity name for entity calls, else 'plain'/'secret'. */
  store: string;
  /** The key, for single-key calls. */
  key?: string;
}
export interface HttpCall {
  fn: string;
  method: string;
  path: string;
}

export interface Probe {
  kvs: KvsCall[];
  okta: HttpCall[];
  jira: HttpCall[];
  /** CPU microseconds spent inside the KVS emulator (synchronous), to separate it from the app's own CPU. */
  kvsEmulatorCpuUs: number;
  mark(): Mark;
}

export interface Mark {
  kvs: number;
  okta: number;
  jira: number;
  oktaLog: number;
  jiraLog: number;
  kvsLog: number;
  kvsCpuUs: number;
  deliveries: number;
}

const fnNow = (): string => currentInvocation()?.functionKey ?? 'outside';

function itemsIn(path: string, status: number, body: unknown): number {
  if (status !== 200) return 0;
  const b = body as Record<string, unknown> | undefined;
  if (path.endsWith('/query')) return Array.isArray(b?.data) ? (b!.data as unknown[]).length : 0;
  if (path === '/api/v1/batch/get')
    return Array.isArray(b?.successfulKeys) ? (b!.successfulKeys as unknown[]).length : 0;
  if (path.endsWith('/get')) return 1;
  return 0;
}

export function instrument(sb: Sandbox): Probe {
  const probe: Probe = {
    kvs: [],
    okta: [],
    jira: [],
    kvsEmulatorCpuUs: 0,
    mark: () => ({
      kvs: probe.kvs.length,
      okta: probe.okta.length,
      jira: probe.jira.length,
      kvsLog: sb.kvs.requests.length,
      oktaLog: sb.okta.requests.length,
      jiraLog: sb.jira.requests.length,
      kvsCpuUs: probe.kvsEmulatorCpuUs,
      deliveries: sb.events.deliveries.length,
    }),
  };

  const kvsHandle = sb.kvs.handle.bind(sb.kvs);
  sb.kvs.handle = (path: string, body: unknown) => {
    const t = process.cpuUsage();
    const r = kvsHandle(path, body);
    const d = process.cpuUsage(t);
    probe.kvsEmulatorCpuUs += d.user + d.system;
    const b = body as Record<string, unknown> | undefined;
    const store = path.includes('/entity/') ? String(b?.entityName) : path.includes('/secret/') ? 'secret' : 'plain';
    probe.kvs.push({
      path,
      fn: fnNow(),
      status: r.status,
      itemsRead: itemsIn(path, r.status, r.body),
      write: KVS_WRITE_PATHS.has(path),
      store,
      ...(typeof b?.key === 'string' ? { key: b.key } : {}),
    });
    return r;
  };

  // Backend fetch: the sandbox's egress proxy is the current global; Okta calls pass through it.
  const egress = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname === sb.okta.domain) {
      probe.okta.push({
        fn: fnNow(),
        method: (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase(),
        path: url.pathname,
      });
    }
    return egress(input, init);
  }) as typeof fetch;

  // Jira: `sb.jira` is a proxy over the emulator; the sandbox's router calls the emulator's `handle`.
  const jiraTarget = sb.jira as unknown as { handle: (req: { method: string; path: string }) => unknown };
  const jiraHandle = jiraTarget.handle.bind(jiraTarget);
  jiraTarget.handle = (req) => {
    probe.jira.push({ fn: fnNow(), method: req.method.toUpperCase(), path: req.path.split('?')[0] });
    return jiraHandle(req);
  };
  return probe;
}

/** The requests since `m`, and a check that the wrappers saw exactly what the sandbox logged. */
export function since(sb: Sandbox, probe: Probe, m: Mark) {
  const kvs = probe.kvs.slice(m.kvs);
  const okta = probe.okta.slice(m.okta);
  const jira = probe.jira.slice(m.jira);
  const oktaLog = sb.okta.requests.slice(m.oktaLog);
  const jiraLog = sb.jira.requests.slice(m.jiraLog);
  const kvsLogCount = sb.kvs.requests.length - m.kvsLog;
  if (kvs.length !== kvsLogCount)
    throw new Error(`bench: KVS probe saw ${kvs.length} requests, sb.kvs.requests ${kvsLogCount}`);
  if (okta.length !== oktaLog.length)
    throw new Error(`bench: Okta probe saw ${okta.length} requests, sb.okta.requests ${oktaLog.length}`);
  if (jira.length !== jiraLog.length)
    throw new Error(`bench: Jira probe saw ${jira.length} requests, sb.jira.requests ${jiraLog.length}`);
  return {
    kvs,
    okta,
    oktaLog,
    jira,
    jiraLog,
    kvsEmulatorCpuUs: probe.kvsEmulatorCpuUs - m.kvsCpuUs,
    deliveries: sb.events.deliveries.slice(m.deliveries),
  };
}

export interface KvsTally {
  requests: number;
  reads: number;
  writes: number;
  itemsRead: number;
  failedWrites: number;
}

export function tallyKvs(calls: KvsCall[]): KvsTally {
  return {
    requests: calls.length,
    reads: calls.filter((c) => !c.write).length,
    writes: calls.filter((c) => c.write).length,
    failedWrites: calls.filter((c) => c.write && c.status >= 400).length,
    itemsRead: calls.reduce((n, c) => n + c.itemsRead, 0),
  };
}

/** Okta membership writes are the PUT/DELETE on /groups/{g}/users/{u}; everything else the app sends is a read. */
export const isOktaWrite = (r: { method: string; path: string }): boolean =>
  (r.method === 'PUT' || r.method === 'DELETE') && /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/.test(r.path);

export const countBy = <T>(xs: T[], key: (x: T) => string): Record<string, number> =>
  xs.reduce<Record<string, number>>((acc, x) => {
    const k = key(x);
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

/** Okta paths with ids replaced, so counts group by operation. */
export const oktaOperation = (r: { method: string; path: string }): string =>
  `${r.method} ${r.path.replace(/\/(00[ugr][A-Za-z0-9]+)/g, (_, id: string) => `/{${id[2] === 'u' ? 'user' : id[2] === 'g' ? 'group' : 'id'}}`)}`;

/** Jira paths with issue keys/ids replaced. */
export const jiraOperation = (r: { method: string; path: string }): string =>
  `${r.method} ${r.path.replace(/\/issue\/[^/]+/, '/issue/{key}')}`;
