/**
 * The local stand-in for Atlassian's cloud. One call builds it all: virtual clock, KVS, Jira and Okta
 * emulators, async events, scheduled triggers, and the app itself loaded from manifest.yml and
 * src/index.ts. Tests, the demo and the benchmarks drive the app only through this object.
 */
import path from 'node:path';
import { AsyncEventsService, type QueuedEvent } from './async-events';
import { egressAllows, INTERVAL_MS, loadApp, PROJECT_ROOT, type LoadedApp } from './app-loader';
import { VirtualClock } from './clock';
import { LatencyModel, type Latency, type RemoteKind } from './latency';
import { KvsEmulator, loadManifestEntities } from './kvs/kvs-emulator';
import { JiraEmulator, loadIndexedProperties, type ForgeIssueEvent } from './jira/jira-emulator';
import { startOktaEmulator, type OktaEmulator } from './okta/okta-emulator';
import {
  currentInvocation,
  installContextAri,
  installForgeRuntime,
  jsonResponse,
  SANDBOX_APP,
  type ForgeFetchTarget,
} from './runtime';
import { seededRandom } from './random';

export interface SandboxOptions {
  /** Virtual start time (ISO). */
  now?: string;
  /** The Okta org host the app is configured with; the sandbox's egress proxy sends it to the emulator. */
  oktaDomain?: string;
  oktaRateLimit?: { limit: number; windowSeconds: number };
  /** Seed of the sandbox's Math.random (default 1): the same seed replays the same jitter. */
  seed?: number;
  /**
   * Queue events delivered at once (default QUEUE_CONSUMERS_DEFAULT). Forge runs consumers concurrently
   * unless a `concurrency` key limits them; deliveries interleave at their await points, as invocations
   * overlap in production. 1 gives the old one-at-a-time delivery.
   */
  queueConcurrency?: number;
  /** Virtual milliseconds each remote call takes (sandbox/latency.ts); default none. `sb.latency.set` changes it later. */
  latency?: Partial<Latency>;
}

/** One Forge invocation as the sandbox ran it: when it started and ended in virtual time, and what it called. */
export interface InvocationRecord {
  invocationId: string;
  functionKey: string;
  moduleType: string;
  moduleKey: string;
  startMs: number;
  endMs?: number;
  calls: Record<RemoteKind, number>;
}

/**
 * Forge documents no per-installation cap on consumers in flight, only per `concurrency.key` limits
 * (platform-notes.md: "Consumers run concurrently unless a concurrency key limits them"); 50 matches the
 * most events one push can carry, so one full push can run all at once.
 */
export const QUEUE_CONSUMERS_DEFAULT = 50;

/** A product event as a trigger receives it; `retryContext` when Forge delivers it again. */
export type ProductEvent = ForgeIssueEvent & {
  retryContext?: { retryCount: number; retryReason?: string; retryData?: unknown };
};
export interface ProductEventRecord {
  event: ProductEvent;
  delivered: boolean;
  reason?: string;
}

/** What a trigger or consumer may return: `InvocationError` asks Forge for another delivery. */
type HandlerResult =
  | { _retry?: boolean; retryOptions?: { retryAfter?: number; retryReason?: string; retryData?: unknown } }
  | null
  | undefined;

export type Sandbox = Awaited<ReturnType<typeof createSandbox>>;

export async function createSandbox(opts: SandboxOptions = {}) {
  const clock = new VirtualClock(opts.now ?? '2026-11-22T09:00:00Z');
  clock.install();
  const latency = new LatencyModel(clock);
  if (opts.latency) latency.set(opts.latency);
  // Every invocation, so a benchmark can read how long each took in virtual time and what it called.
  const invocations: InvocationRecord[] = [];
  const openInvocations = new Map<string, InvocationRecord>();
  /** Counts the call against the invocation making it and waits the model's latency for its kind. */
  const remoteCall = (kind: RemoteKind): Promise<void> | undefined => {
    const inv = currentInvocation();
    const rec = inv && openInvocations.get(inv.invocationId);
    if (rec) rec.calls[kind]++;
    return latency.wait(kind);
  };
  const realFetch = globalThis.fetch;
  // Chance is as repeatable as time: the app's jittered retries draw from a seeded generator, so a
  // run (a failing property test included) replays exactly. `seed` picks another sequence.
  const realRandom = Math.random;
  Math.random = seededRandom(opts.seed ?? 1);

  const kvs = new KvsEmulator({
    entities: loadManifestEntities(path.join(PROJECT_ROOT, 'manifest.yml')),
    now: () => clock.nowMs(),
  });
  const inbox: ProductEvent[] = [];
  const productEvents: ProductEventRecord[] = [];
  let holdingEvents = false;
  const jiraEmulator = new JiraEmulator({
    now: () => clock.now(),
    appId: SANDBOX_APP.appId,
    environmentId: SANDBOX_APP.environmentId,
    siteUrl: SANDBOX_APP.siteUrl,
    onEvent: (e) => inbox.push(e),
    indexedProperties: loadIndexedProperties(path.join(PROJECT_ROOT, 'manifest.yml')),
  });
  const oktaEmulator: OktaEmulator = await startOktaEmulator({
    now: () => clock.nowMs(),
    rateLimit: opts.oktaRateLimit,
  });
  const oktaDomain = opts.oktaDomain ?? 'atko.okta.com';
  /** Okta calls in flight from the app (developer.okta.com/docs/reference/rl2-concurrency: 75 per org by default). */
  const oktaCalls = { inFlight: 0, peakInFlight: 0, concurrencyLimit: 75, refusedForConcurrency: 0 };
  const events = new AsyncEventsService(() => clock.nowMs());
  const unhandled: string[] = [];

  const route = async (target: ForgeFetchTarget, p: string, init: RequestInit): Promise<Response> => {
    const body = typeof init.body === 'string' && init.body.length > 0 ? JSON.parse(init.body) : undefined;
    const kind: RemoteKind =
      target.type === 'kvs'
        ? 'storage'
        : target.remote === 'jira'
          ? 'jira'
          : target.remote === 'stargate'
            ? 'queue'
            : 'storage';
    const waiting = remoteCall(kind);
    if (waiting) await waiting;
    if (target.type === 'kvs') {
      const r = kvs.handle(p, body);
      return jsonResponse(r.status, r.body);
    }
    if (target.type === 'fpp' && target.remote === 'jira') {
      const asAccountId = target.provider === 'user' ? (target.accountId ?? currentInvocation()?.principal) : undefined;
      if (target.provider === 'user' && !asAccountId)
        return jsonResponse(401, { errorMessages: ['asUser() outside a user context'], errors: {} });
      const r = jiraEmulator.handle({
        method: (init.method ?? 'GET').toUpperCase(),
        path: p,
        body,
        asAccountId,
        headers: init.headers,
      });
      return jsonResponse(r.status, r.body, r.headers);
    }
    if (target.type === 'fpp' && target.remote === 'stargate' && p.startsWith('/webhook/queue/publish/')) {
      const r = events.publish(body);
      return jsonResponse(r.status, r.body);
    }
    unhandled.push(`${JSON.stringify(target)} ${p}`);
    return jsonResponse(500, { message: `sandbox: nothing serves ${target.remote} ${p}` });
  };
  const runtime = installForgeRuntime(route);
  // Each invocation recorded (start, end, calls) around the runtime's own bookkeeping.
  const forge = {
    run<T>(ctx: Parameters<typeof runtime.run>[0], body: () => Promise<T> | T): Promise<T> {
      return runtime.run(ctx, async () => {
        const inv = currentInvocation()!;
        const rec: InvocationRecord = {
          invocationId: inv.invocationId,
          functionKey: ctx.functionKey,
          moduleType: ctx.moduleType,
          moduleKey: ctx.moduleKey,
          startMs: clock.nowMs(),
          calls: { storage: 0, jira: 0, okta: 0, queue: 0 },
        };
        invocations.push(rec);
        openInvocations.set(rec.invocationId, rec);
        try {
          return await body();
        } finally {
          rec.endMs = clock.nowMs();
          openInvocations.delete(rec.invocationId);
        }
      });
    },
    uninstall: () => runtime.uninstall(),
  };

  // Backend fetch goes through Forge's egress proxy: only manifest-declared hosts, and here the
  // configured Okta org host is served by the emulator over loopback HTTP.
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return realFetch(input, init);
    if (!egressAllows(app.manifest, url.hostname)) {
      throw new TypeError(`fetch to ${url.hostname} blocked: not in manifest permissions.external.fetch.backend`);
    }
    if (url.hostname !== oktaDomain) throw new TypeError(`fetch failed: getaddrinfo ENOTFOUND ${url.hostname}`);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set('x-forwarded-host', url.hostname);
    headers.set('x-forwarded-proto', 'https');
    // Okta's concurrency limit: requests of the org being processed at once (the call's latency
    // included). Past it Okta answers 429 at once, as the real org does.
    oktaCalls.inFlight++;
    oktaCalls.peakInFlight = Math.max(oktaCalls.peakInFlight, oktaCalls.inFlight);
    try {
      const waiting = remoteCall('okta');
      if (waiting) await waiting;
      if (oktaCalls.inFlight > oktaCalls.concurrencyLimit) {
        oktaCalls.refusedForConcurrency++;
        return jsonResponse(429, {
          errorCode: 'E0000047',
          errorSummary: 'API call exceeded rate limit due to too many requests.',
          errorLink: 'E0000047',
          errorId: `oaeSandbox${oktaCalls.refusedForConcurrency}`,
          errorCauses: [],
        });
      }
      return await latency.real(() =>
        realFetch(new URL(url.pathname + url.search, oktaEmulator.url), { ...init, headers }),
      );
    } finally {
      oktaCalls.inFlight--;
    }
  }) as typeof fetch;

  const app: LoadedApp = loadApp();
  const fn = (key: string) => {
    const h = app.functions.get(key);
    if (!h) throw new Error(`manifest has no function ${key}`);
    return h;
  };

  // ---- product events (triggers) ----
  // A trigger may return InvocationError to be delivered again (Forge allows up to four retries),
  // with `retryContext` on the event; those wait here for their time.
  const productRetries: Array<{ dueAt: number; event: ProductEvent; functionKey: string; moduleKey: string }> = [];
  const MAX_PRODUCT_RETRIES = 4;
  async function runTrigger(t: { functionKey: string; key: string }, event: ProductEvent): Promise<void> {
    const result = (await forge.run({ functionKey: t.functionKey, moduleType: 'core:trigger', moduleKey: t.key }, () =>
      fn(t.functionKey)(structuredClone(event), { installContext: installContextAri }),
    )) as HandlerResult;
    const retryCount = event.retryContext?.retryCount ?? 0;
    if (result && result._retry && retryCount < MAX_PRODUCT_RETRIES) {
      const retryContext = {
        retryCount: retryCount + 1,
        retryReason: result.retryOptions?.retryReason,
        retryData: result.retryOptions?.retryData,
      };
      productRetries.push({
        dueAt: clock.nowMs() + Math.max(1, result.retryOptions?.retryAfter ?? 1) * 1000,
        event: { ...event, retryContext },
        functionKey: t.functionKey,
        moduleKey: t.key,
      });
    }
  }
  async function deliverProductEvent(event: ProductEvent): Promise<void> {
    const triggers = app.triggers.filter((t) => t.events.includes(event.eventType));
    for (const t of triggers) {
      if (t.ignoreSelf && event.selfGenerated) {
        productEvents.push({ event, delivered: false, reason: 'ignoreSelf' });
        continue;
      }
      productEvents.push({ event, delivered: true });
      await runTrigger(t, event);
    }
  }
  function takeDueProductRetry(at: number) {
    const i = productRetries.findIndex((r) => r.dueAt <= at);
    return i < 0 ? undefined : productRetries.splice(i, 1)[0];
  }

  // ---- app life-cycle events: the documented payload (no eventType field), retried like a trigger ----
  async function deliverLifecycle(
    kind: 'installed' | 'upgraded',
    o: { accountId?: string; version?: string } = {},
  ): Promise<void> {
    const eventType = `avi:forge:${kind}:app`;
    const event = {
      id: installContextAri,
      ...(o.accountId ? { [kind === 'installed' ? 'installerAccountId' : 'upgraderAccountId']: o.accountId } : {}),
      app: { id: SANDBOX_APP.appId, version: o.version ?? SANDBOX_APP.appVersion },
      environment: { id: SANDBOX_APP.environmentId },
    };
    for (const t of app.triggers.filter((x) => x.events.includes(eventType)))
      await runTrigger(t, event as unknown as ProductEvent);
    await settle();
  }

  // ---- async events (queue consumers) ----
  // Events in flight per concurrency key: overlapping settles (e.g. two scheduled runs at once) must
  // not start more events of one key than its limit, as Forge does not.
  const inFlight = new Map<string, number>();
  const blocked = (e: QueuedEvent) => !!e.concurrency && (inFlight.get(e.concurrency.key) ?? 0) >= e.concurrency.limit;
  /** Most events of one concurrency key seen in flight at once (a test asserts the limit held). */
  const peakByKey = new Map<string, number>();
  async function deliverQueued(e: QueuedEvent): Promise<void> {
    const key = e.concurrency?.key;
    if (key !== undefined) {
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      peakByKey.set(key, Math.max(peakByKey.get(key) ?? 0, inFlight.get(key)!));
    }
    try {
      await deliverQueuedNow(e);
    } finally {
      if (key !== undefined) inFlight.set(key, inFlight.get(key)! - 1);
    }
  }
  async function deliverQueuedNow(e: QueuedEvent): Promise<void> {
    const consumer = app.consumers.find((c) => c.queue === e.queueName);
    if (!consumer) {
      unhandled.push(`queue ${e.queueName} has no consumer`);
      return;
    }
    const event = {
      queueName: e.queueName,
      jobId: e.jobId,
      eventId: e.eventId,
      body: structuredClone(e.body),
      ...(e.retryCount > 0
        ? { retryContext: { retryCount: e.retryCount, retryReason: e.retryReason, retryData: e.retryData } }
        : {}),
    };
    try {
      const result = (await forge.run(
        { functionKey: consumer.functionKey, moduleType: 'core:consumer', moduleKey: consumer.key },
        () => fn(consumer.functionKey)(event, { installContext: installContextAri }),
      )) as HandlerResult;
      if (result && result._retry) {
        const afterMs = Math.max(1, result.retryOptions?.retryAfter ?? 1) * 1000;
        events.deliveries.push({
          eventId: e.eventId,
          queueName: e.queueName,
          body: e.body,
          at: clock.nowMs(),
          outcome: 'retry',
          retryAfterMs: afterMs,
        });
        events.retry(
          e,
          afterMs,
          result.retryOptions?.retryReason ?? 'FUNCTION_RETRY_REQUEST',
          result.retryOptions?.retryData,
        );
      } else {
        events.deliveries.push({
          eventId: e.eventId,
          queueName: e.queueName,
          body: e.body,
          at: clock.nowMs(),
          outcome: 'ok',
        });
      }
    } catch (err) {
      // A thrown error is retried by the platform with its own backoff.
      const afterMs = Math.min(900_000, 60_000 * 2 ** e.retryCount);
      events.deliveries.push({
        eventId: e.eventId,
        queueName: e.queueName,
        body: e.body,
        at: clock.nowMs(),
        outcome: 'error',
        error: String((err as Error)?.message ?? err),
        retryAfterMs: afterMs,
      });
      events.retry(e, afterMs, 'FUNCTION_PLATFORM_UNKNOWN_ERROR');
    }
  }

  let queueConcurrency = Math.max(1, Math.floor(opts.queueConcurrency ?? QUEUE_CONSUMERS_DEFAULT));
  // Queue deliveries in flight, shared by overlapping settles so the cap is global.
  const running = new Set<Promise<void>>();
  let peakInFlight = 0;

  /**
   * Delivers everything due at the current virtual instant: product events first, then queue events,
   * up to `queueConcurrency` of them in flight at once (each honouring its concurrency key). The
   * virtual clock moves while they run only by the latency model's waits (none by default), so they
   * overlap at their await points.
   */
  async function settle(): Promise<void> {
    for (let guard = 0; guard < 100_000; guard++) {
      if (!holdingEvents && inbox.length > 0) {
        await deliverProductEvent(inbox.shift()!);
        continue;
      }
      const retry = takeDueProductRetry(clock.nowMs());
      if (retry) {
        productEvents.push({ event: retry.event, delivered: true, reason: 'retry' });
        await runTrigger({ functionKey: retry.functionKey, key: retry.moduleKey }, retry.event);
        continue;
      }
      while (running.size < queueConcurrency) {
        const due = events.takeDue(clock.nowMs(), blocked);
        if (!due) break;
        const p: Promise<void> = deliverQueued(due).finally(() => running.delete(p));
        running.add(p);
        peakInFlight = Math.max(peakInFlight, running.size);
      }
      if (running.size === 0) return;
      await Promise.race(running);
    }
    throw new Error('sandbox: work keeps scheduling itself at the same instant (runaway loop)');
  }

  // ---- scheduled triggers: first run one interval after "deploy", like Forge ----
  const schedules = app.schedules.map((s) => ({ ...s, nextRun: clock.nowMs() + INTERVAL_MS[s.interval], runs: 0 }));
  async function runScheduled(key: string): Promise<unknown> {
    const s = app.schedules.find((x) => x.key === key);
    if (!s) throw new Error(`no scheduledTrigger ${key}`);
    return forge.run({ functionKey: s.functionKey, moduleType: 'core:scheduledTrigger', moduleKey: s.key }, () =>
      fn(s.functionKey)(
        { context: { cloudId: SANDBOX_APP.cloudId, moduleKey: s.key }, contextToken: 'sandbox-context-token' },
        { principal: undefined, installContext: installContextAri },
      ),
    );
  }

  async function advanceTo(targetMs: number): Promise<void> {
    await settle();
    for (;;) {
      const nextQueue = Math.min(events.nextDueAt(blocked) ?? Infinity, ...productRetries.map((r) => r.dueAt));
      const nextSchedule = Math.min(...schedules.map((s) => s.nextRun));
      const next = Math.min(nextQueue, nextSchedule);
      if (next > targetMs) break;
      clock.set(Math.max(next, clock.nowMs()));
      // Schedules due at the same instant run side by side, and the work each queues starts as soon as
      // it is queued, as on Forge: the sweep's expiries do not wait for the hourly reconcile to finish.
      const dueSchedules = schedules.filter((s) => s.nextRun <= clock.nowMs());
      for (const s of dueSchedules) {
        s.nextRun += INTERVAL_MS[s.interval];
        s.runs++;
      }
      await Promise.all(dueSchedules.map(async (s) => (await runScheduled(s.key), settle())));
      await settle();
    }
    // Remote calls take virtual time (the latency model), so the work may already have run past the target.
    clock.set(Math.max(targetMs, clock.nowMs()));
    await settle();
  }

  // ---- resolvers (UI modules) ----
  const MODULE_BY_PREFIX: Record<string, string> = {
    'admin/': 'jira:adminPage',
    'panel/': 'jira:issuePanel',
    'field/': 'jira:customField',
  };
  async function invoke<T = unknown>(
    key: string,
    payload: unknown,
    o: { accountId: string; moduleKey?: string; extension?: Record<string, unknown> },
  ): Promise<T> {
    const entry = o.moduleKey
      ? app.resolvers.get(o.moduleKey) && { moduleKey: o.moduleKey, ...app.resolvers.get(o.moduleKey)! }
      : [...app.resolvers.entries()]
          .map(([moduleKey, r]) => ({ moduleKey, ...r }))
          .find((r) =>
            Object.entries(MODULE_BY_PREFIX).some(([prefix, type]) => key.startsWith(prefix) && r.moduleType === type),
          );
    if (!entry) throw new Error(`no UI module with a resolver serves ${key}`);
    const context = {
      cloudId: SANDBOX_APP.cloudId,
      moduleKey: entry.moduleKey,
      siteUrl: SANDBOX_APP.siteUrl,
      localId: `local-${entry.moduleKey}`,
      environmentType: 'DEVELOPMENT',
      extension: { type: entry.moduleType, ...(o.extension ?? {}) },
    };
    const result = await forge.run(
      {
        functionKey: entry.functionKey,
        moduleType: entry.moduleType,
        moduleKey: entry.moduleKey,
        principal: o.accountId,
      },
      () =>
        fn(entry.functionKey)(
          { call: { functionKey: key, payload }, context },
          { principal: { accountId: o.accountId }, installContext: installContextAri },
        ),
    );
    await settle();
    return result as T;
  }

  // ---- Automation actions ----
  /**
   * Runs an Automation action as a rule would: the function named by the `action` module gets the
   * configured inputs (smart values already resolved) as its payload, and runs as `accountId`.
   */
  async function runAction<T = unknown>(actionKey: string, inputs: Record<string, unknown>, o: { accountId: string }) {
    const functionKey = app.actions.get(actionKey);
    if (!functionKey) throw new Error(`no Automation action ${actionKey} is offered by an actionProvider`);
    const result = await forge.run(
      { functionKey, moduleType: 'action', moduleKey: actionKey, principal: o.accountId },
      () => fn(functionKey)(inputs, { principal: { accountId: o.accountId }, installContext: installContextAri }),
    );
    await settle();
    return result as T;
  }

  // The Jira driver: the emulator as it is, except that changes made through it deliver the resulting
  // product events to the app's triggers (unless held), as Jira would a moment later.
  const driver = {
    async createIssue(input: Parameters<JiraEmulator['createIssue']>[0]) {
      const r = jiraEmulator.createIssue(input);
      await settle();
      return r;
    },
    async updateFields(key: string, fields: Parameters<JiraEmulator['updateFields']>[1], by: string) {
      const e = jiraEmulator.updateFields(key, fields, by);
      await settle();
      return e;
    },
    async setReporter(key: string, reporter: string, by: string) {
      const e = jiraEmulator.setReporter(key, reporter, by);
      await settle();
      return e;
    },
    async assign(key: string, assignee: string | null, by: string) {
      const e = jiraEmulator.assign(key, assignee, by);
      await settle();
      return e;
    },
    async transition(key: string, status: string, by: string) {
      const e = jiraEmulator.transition(key, status, by);
      await settle();
      return e;
    },
    /** Delivers a product event again (Forge gives no exactly-once guarantee). */
    async deliverAgain(eventId: string) {
      const event = jiraEmulator.events.find((e) => e.eventId === eventId);
      if (!event) throw new Error(`no product event ${eventId}`);
      await deliverProductEvent(event);
      await settle();
    },
    /** Deletes an issue; the app hears nothing (it does not subscribe to deletions), so work on it settles as reads of it 404. */
    async deleteIssue(key: string, by: string) {
      jiraEmulator.deleteIssue(key, by);
      await settle();
    },
  };
  type JiraDriver = Omit<JiraEmulator, keyof typeof driver> & typeof driver;
  const jira = new Proxy(jiraEmulator, {
    get(target, prop, receiver) {
      if (prop in driver) return driver[prop as keyof typeof driver];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as unknown as JiraDriver;

  return {
    clock: {
      now: () => clock.now(),
      advance: (ms: number) => advanceTo(clock.nowMs() + ms),
      advanceTo: (iso: string) => advanceTo(Date.parse(iso)),
      settle,
    },
    kvs,
    jira,
    okta: Object.assign(oktaEmulator, { domain: oktaDomain }),
    events,
    /** Queue consumers in flight: `set` changes the cap for what starts next; `peak` is the most seen at once. */
    queue: {
      get concurrency() {
        return queueConcurrency;
      },
      set concurrency(n: number) {
        queueConcurrency = Math.max(1, Math.floor(n));
      },
      get peak() {
        return peakInFlight;
      },
      /** The most events of concurrency key `key` that were in flight at once. */
      peakOfKey: (key: string) => peakByKey.get(key) ?? 0,
      resetPeak() {
        peakInFlight = 0;
        peakByKey.clear();
      },
    },
    productEvents,
    /** Holds product events in the inbox (late delivery); `releaseEvents` lets them through. */
    holdEvents() {
      holdingEvents = true;
    },
    async releaseEvents() {
      holdingEvents = false;
      await settle();
    },
    app: {
      loaded: app,
      invoke,
      /** Forge's `avi:forge:installed:app` / `avi:forge:upgraded:app` to the triggers that subscribe to it. */
      lifecycle: deliverLifecycle,
      runScheduled: async (key: string) => {
        const r = await runScheduled(key);
        await settle();
        return r;
      },
      /** Runs any code as one invocation of `functionKey` (seeding, adapters in tests). */
      run: <T>(fnBody: () => Promise<T>, ctx: { functionKey?: string; principal?: string } = {}) =>
        forge.run(
          {
            functionKey: ctx.functionKey ?? 'sandbox',
            moduleType: 'sandbox',
            moduleKey: 'sandbox',
            principal: ctx.principal,
          },
          fnBody,
        ),
    },
    /** Virtual time per remote call (sandbox/latency.ts): `set({ storage: 100, ... })`; zero by default. */
    latency,
    /** Every invocation run so far, with its virtual start, end and remote calls (oldest first). */
    invocations,
    /** The app's Okta calls in flight: the most at once, Okta's concurrency limit, and calls refused past it. */
    oktaCalls,
    /** Jira Automation invoking the app's actions (`run(actionKey, inputs, { accountId })`). */
    automation: { run: runAction },
    /** SDK calls nothing in the sandbox serves; a test can assert this stays empty. */
    unhandled,
    async close() {
      await oktaEmulator.close();
      forge.uninstall();
      globalThis.fetch = realFetch;
      Math.random = realRandom;
      clock.uninstall();
    },
  };
}
