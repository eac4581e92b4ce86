import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Installs the two globals the Forge runtime gives every invocation (`__forge_runtime__` and
 * `__forge_fetch__`), so the real @forge/* SDKs run unmodified off the platform. Each SDK call lands in
 * `route(target, path, init)`, where the sandbox answers as KVS, Jira or the queue service would.
 */
export interface ForgeFetchTarget {
  type: 'kvs' | 'fpp' | string;
  provider: 'app' | 'user' | 'none' | string;
  remote: 'kvs' | 'jira' | 'stargate' | string;
  accountId?: string;
}

export type ForgeRoute = (target: ForgeFetchTarget, path: string, init: RequestInit) => Promise<Response>;

export interface InvocationContext {
  functionKey: string;
  moduleType: string;
  moduleKey: string;
}

export const SANDBOX_APP = {
  appId: '6f3c2a1e-8d4b-4e0f-9a57-2b1c0d9e7f31',
  environmentId: '0b8f7c52-3e61-4d8a-a2f9-5c1e7d3b9a40',
  appVersion: '1.0.0',
  cloudId: 'c0ffee00-1111-4222-8333-444455556666',
  siteUrl: 'https://atko-sandbox.atlassian.net',
} as const;

export const installContextAri = `ari:cloud:jira::site/${SANDBOX_APP.cloudId}`;

export function jsonResponse(status: number, body?: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? null : JSON.stringify(body);
  // 204/304 must not carry a body in WHATWG Response.
  return new Response(status === 204 || status === 304 ? null : text, {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

let invocationSeq = 0;

export interface Invocation extends InvocationContext {
  /** The user a resolver runs for; `asUser()` without an id means this account. */
  principal?: string;
  invocationId: string;
}

const current = new AsyncLocalStorage<Invocation>();

/** The invocation the calling code runs in (each handler call gets its own, even when they overlap). */
export const currentInvocation = (): Invocation | undefined => current.getStore();

export interface ForgeRuntime {
  /** Runs `fn` as one Forge invocation of `ctx` (what `getAppContext()` and `asUser()` will see). */
  run<T>(ctx: InvocationContext & { principal?: string }, fn: () => Promise<T> | T): Promise<T>;
  uninstall(): void;
}

let installationSeq = 0;

export function installForgeRuntime(route: ForgeRoute): ForgeRuntime {
  const g = globalThis as Record<string, unknown>;
  // Each sandbox is a new installation, so caches keyed per site (the Jira field catalog) start cold.
  const installationId = `installation-sandbox-${++installationSeq}`;
  const outside: InvocationContext = { functionKey: 'none', moduleType: 'none', moduleKey: 'none' };
  const noopMetric = { incr() {}, incrBy() {}, decr() {}, decrBy() {}, set() {}, measure: () => ({ stop() {} }) };
  g.__forge_runtime__ = {
    proxy: { token: 'sandbox-proxy-token', url: 'http://forge-proxy.sandbox' },
    contextAri: installContextAri,
    container: {},
    // A getter, so overlapping invocations each see their own module identity.
    get appContext() {
      const inv = current.getStore() ?? { ...outside, invocationId: 'inv-0' };
      return {
        appId: SANDBOX_APP.appId,
        appVersion: SANDBOX_APP.appVersion,
        environmentId: SANDBOX_APP.environmentId,
        environmentType: 'DEVELOPMENT',
        installationId,
        invocationId: inv.invocationId,
        functionKey: inv.functionKey,
        moduleType: inv.moduleType,
        moduleKey: inv.moduleKey,
      };
    },
    lambdaContext: { awsRequestId: 'sandbox', getRemainingTimeInMillis: () => 25_000 },
    tracing: { traceId: 'sandbox-trace', spanId: 'sandbox-span' },
    realtime: {},
    metrics: { counter: () => noopMetric, timing: () => noopMetric, gauge: () => noopMetric },
    featureFlags: () => false,
  };
  g.__forge_fetch__ = (target: ForgeFetchTarget, path: string, init: RequestInit = {}) => route(target, path, init);
  return {
    run(ctx, fn) {
      return current.run({ ...ctx, invocationId: `inv-${++invocationSeq}` }, async () => fn());
    },
    uninstall() {
      delete g.__forge_runtime__;
      delete g.__forge_fetch__;
    },
  };
}
