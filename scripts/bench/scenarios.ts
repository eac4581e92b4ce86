/**
 * The benchmark scenarios. Each builds its own sandbox (virtual clock, KVS/Jira/Okta emulators, the
 * app loaded from manifest.yml), drives the app only through the sandbox, and returns COUNTS taken
 * from the emulators' request logs. Nothing here measures wall-clock time except the optional,
 * informational CPU ratio.
 */
import { createSandbox, type Sandbox, type SandboxOptions } from '../../sandbox';
import { seedDemo, type DemoWorld } from '../../sandbox/seed';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import type { Grant } from '../../src/domain/grant';
import {
  countBy,
  instrument,
  isOktaWrite,
  jiraOperation,
  oktaOperation,
  since,
  tallyKvs,
  type KvsCall,
  type KvsTally,
  type Probe,
} from './instrument';
import { addPerson, HOUR, MIN, type Person } from './seed';

const iso = (ms: number) => new Date(ms).toISOString();

export interface Ctx {
  sb: Sandbox;
  w: DemoWorld;
  probe: Probe;
}

/** A fresh sandbox with the demo world (app configured, three PAM groups allowlisted, close-out "Done"). */
export async function withSandbox<T>(
  nowIso: string,
  body: (ctx: Ctx) => Promise<T>,
  opts: Omit<SandboxOptions, 'now'> = {},
): Promise<T> {
  const { info, warn } = console;
  console.info = () => {};
  console.warn = () => {};
  const sb = await createSandbox({ ...opts, now: nowIso });
  try {
    const probe = instrument(sb);
    const w = await seedDemo(sb, { closeOutTransitionName: 'Done' });
    // Every sandbox is a new installation, so the app's Jira field catalog starts cold in each scenario.
    const result = await body({ sb, w, probe });
    if (sb.unhandled.length > 0) throw new Error(`bench: the sandbox could not serve ${sb.unhandled.join('; ')}`);
    if (sb.okta.violations.length > 0)
      throw new Error(
        `bench: the app sent requests Okta does not define: ${JSON.stringify(sb.okta.violations.slice(0, 3))}`,
      );
    if (sb.jira.specViolations.length > 0)
      throw new Error(
        `bench: Jira traffic outside Jira's published API: ${JSON.stringify(sb.jira.specViolations.slice(0, 3))}`,
      );
    return result;
  } finally {
    await sb.close();
    console.info = info;
    console.warn = warn;
  }
}

const getGrants = (sb: Sandbox, ids: string[]) =>
  sb.app.run(async () => {
    const store = new KvsGrantStore();
    const out: Grant[] = [];
    for (const id of ids) {
      const g = await store.get(id);
      if (g) out.push(g);
    }
    return out;
  });

const byFn = (calls: KvsCall[], fn: string) => calls.filter((c) => c.fn === fn);

// ------------------------------------------------------------------------------------------------
// 2 + 3. One grant lifecycle end to end through Jira issues: request -> active -> extend -> expire
// ------------------------------------------------------------------------------------------------

export interface LifecycleResult {
  issues: { request: string; extend: string };
  grant: { status: string; extensions: number; endsAt: string; endedAt?: string; revocationLagMs?: number };
  virtualHours: number;
  runs: { sweeps: number; reconciles: number };
  okta: {
    total: number;
    reads: number;
    writes: number;
    puts: number;
    deletes: number;
    /** Reads the lifecycle itself caused (trigger + worker + sweep), i.e. without the hourly drift check. */
    lifecycleReads: number;
    /** The hourly drift check lists each allowlisted group's members: a per-group, per-hour cost, not per grant. */
    reconcileReads: number;
    byOperation: Record<string, number>;
    byFunction: Record<string, number>;
  };
  jira: {
    total: number;
    comments: number;
    notifications: number;
    /** By the lifecycle's own functions (trigger, worker, sweep); the hourly run's are in `hourlyCatchUp`. */
    fieldListFetches: number;
    issueReads: number;
    /**
     * The hourly run's requests: the intake catch-up (a field list and a search) and the issue property
     * check (a search, and a write only for a property behind its grant, ADR 0024): per hour, not per grant.
     */
    hourlyCatchUp: number;
    /** Writes of the JQL issue property (ADR 0024): one per stored change of a grant, plus repairs. */
    propertyWrites: number;
    transitions: number;
    byOperation: Record<string, number>;
    byFunction: Record<string, number>;
  };
  kvs: { total: KvsTally; byFunction: Record<string, KvsTally>; perQuietSweep: number };
  grantEntitiesWritten: number;
  auditEntries: number;
}

const sweepsIn = (calls: KvsCall[]) =>
  calls.filter((c) => c.fn === 'sweeper' && c.write && c.key === 'health:last-sweep').length;
const reconcilesIn = (calls: KvsCall[]) =>
  calls.filter((c) => c.fn === 'reconciler' && c.write && c.key === 'health:unmanaged-members').length;

export async function lifecycle(): Promise<LifecycleResult> {
  const T0 = Date.parse('2026-11-22T08:00:00.000Z');
  return withSandbox(iso(T0), async ({ sb, w, probe }) => {
    const m = probe.mark();
    const auditBefore = sb.kvs.entity('audit').length;
    const req = await sb.jira.createIssue({
      projectKey: w.projectKey,
      summary: 'Patch the Linux fleet',
      reporter: w.jira.neville,
      fields: { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux },
    });
    // Standard = 12 h, so it ends at 20:00; the 19:00 sweep reminds; Neville extends at 19:10.
    await sb.clock.advanceTo(iso(T0 + 11 * HOUR + 10 * MIN));
    const ext = await sb.jira.createIssue({
      projectKey: w.projectKey,
      summary: 'More time on Linux',
      reporter: w.jira.neville,
      fields: { changeType: 'Standard', accessType: 'Extend access', adminGroup: w.groups.linux },
    });
    const [extended] = await getGrants(sb, [`grant-${req.id}`]);
    if (!extended || extended.status !== 'ACTIVE' || extended.extensions !== 1)
      throw new Error(`bench: the lifecycle grant was not extended (${extended?.status}, ${extended?.extensions})`);
    await sb.clock.advanceTo(iso(Date.parse(extended.endsAt!) + 30 * MIN));
    const [g] = await getGrants(sb, [`grant-${req.id}`]);
    const d = since(sb, probe, m);

    const oktaReads = d.oktaLog.filter((r) => !isOktaWrite(r));
    const reconcileReads = d.okta.filter((r) => r.fn === 'reconciler' && !isOktaWrite(r)).length;
    const fns = [...new Set(d.kvs.map((c) => c.fn))].sort();
    const sweeperKvs = byFn(d.kvs, 'sweeper');
    const sweeps = sweepsIn(d.kvs);
    return {
      issues: { request: req.key, extend: ext.key },
      grant: {
        status: g.status,
        extensions: g.extensions,
        endsAt: g.endsAt!,
        endedAt: g.endedAt,
        revocationLagMs: g.endedAt ? Date.parse(g.endedAt) - Date.parse(g.endsAt!) : undefined,
      },
      virtualHours: (Date.parse(sb.clock.now()) - T0) / HOUR,
      runs: { sweeps, reconciles: reconcilesIn(d.kvs) },
      okta: {
        total: d.oktaLog.length,
        reads: oktaReads.length,
        writes: d.oktaLog.filter(isOktaWrite).length,
        puts: d.oktaLog.filter((r) => isOktaWrite(r) && r.method === 'PUT').length,
        deletes: d.oktaLog.filter((r) => isOktaWrite(r) && r.method === 'DELETE').length,
        lifecycleReads: oktaReads.length - reconcileReads,
        reconcileReads,
        byOperation: countBy(d.oktaLog, oktaOperation),
        byFunction: countBy(d.okta, (r) => r.fn),
      },
      jira: {
        total: d.jiraLog.length,
        comments: d.jiraLog.filter((r) => r.method === 'POST' && /\/comment$/.test(r.path)).length,
        notifications: d.jiraLog.filter((r) => r.method === 'POST' && /\/notify$/.test(r.path)).length,
        fieldListFetches: d.jira.filter(
          (r) => r.fn !== 'reconciler' && r.method === 'GET' && r.path === '/rest/api/3/field',
        ).length,
        issueReads: d.jiraLog.filter((r) => r.method === 'GET' && /^\/rest\/api\/3\/issue\/[^/?]+(\?|$)/.test(r.path))
          .length,
        hourlyCatchUp: d.jira.filter((r) => r.fn === 'reconciler').length,
        propertyWrites: d.jiraLog.filter((r) => r.method === 'PUT' && /\/properties\/okta-jit-access$/.test(r.path))
          .length,
        transitions: d.jiraLog.filter((r) => r.method === 'POST' && /\/transitions$/.test(r.path)).length,
        byOperation: countBy(d.jira, jiraOperation),
        byFunction: countBy(d.jira, (r) => r.fn),
      },
      kvs: {
        total: tallyKvs(d.kvs),
        byFunction: Object.fromEntries(fns.map((fn) => [fn, tallyKvs(byFn(d.kvs, fn))])),
        perQuietSweep: sweeps > 0 ? Math.round((sweeperKvs.length / sweeps) * 10) / 10 : 0,
      },
      grantEntitiesWritten: d.kvs.filter((c) => c.write && (c.store === 'grant' || c.path === '/api/v1/transaction'))
        .length,
      auditEntries: sb.kvs.entity('audit').length - auditBefore,
    };
  });
}

// ------------------------------------------------------------------------------------------------
// 5. Idempotency overhead: the same lifecycles, clean vs. with duplicate delivery and overlapping sweeps
// ------------------------------------------------------------------------------------------------

export interface Chaos {
  /** Every product event delivered twice: again right after the first delivery settled. */
  productEventsTwice: boolean;
  /** ...and the issue-created events twice AT ONCE (two trigger invocations running concurrently). */
  twinsAtOnce: boolean;
  /** At every 5-minute tick, two extra sweeps run concurrently with each other. */
  overlappingSweeps: boolean;
  /** Every queue push is delivered twice (at-least-once queue). */
  queueEventsTwice: boolean;
}

export const CLEAN: Chaos = {
  productEventsTwice: false,
  twinsAtOnce: false,
  overlappingSweeps: false,
  queueEventsTwice: false,
};
/** What the brief asks: every product event twice, and overlapping sweeps. */
export const DUPLICATE_EVENTS_AND_OVERLAPPING_SWEEPS: Chaos = {
  productEventsTwice: true,
  twinsAtOnce: true,
  overlappingSweeps: true,
  queueEventsTwice: false,
};
/** ...plus every queue push delivered twice, while settles overlap (only the per-grant concurrency key keeps one grant's work apart). */
export const ALL_DUPLICATED_CONCURRENT: Chaos = {
  productEventsTwice: true,
  twinsAtOnce: true,
  overlappingSweeps: true,
  queueEventsTwice: true,
};
/** Every product event and every queue push twice, but one at a time (what a per-grant concurrency limit of 1 gives). */
export const ALL_DUPLICATED_SEQUENTIAL: Chaos = {
  productEventsTwice: true,
  twinsAtOnce: false,
  overlappingSweeps: false,
  queueEventsTwice: true,
};

export interface RunCounts {
  chaos: Chaos;
  people: number;
  kvs: KvsTally;
  kvsByFunction: Record<string, KvsTally>;
  okta: { reads: number; writes: number; puts: number; deletes: number };
  jira: { total: number; comments: number; notifications: number; transitions: number };
  auditByAction: Record<string, number>;
  auditEntries: number;
  productDeliveries: number;
  queueDeliveries: { ok: number; retry: number; error: number };
  sweepRuns: number;
  finalState: { grants: string[]; stillMembers: number; commentsPerIssue: number[] };
}

export async function lifecycles(people: number, chaos: Chaos): Promise<RunCounts> {
  const T0 = Date.parse('2026-11-22T08:00:00.000Z');
  return withSandbox(iso(T0), async ({ sb, w, probe }) => {
    // PAM Linux / PAM Windows (12 h cap) only: PAM Database Admins caps at 8 h and would end before the extension.
    const groups = [w.groups.linux, w.groups.windows];
    const persons = Array.from({ length: people }, (_, i) => addPerson(sb, `idem${i}`));
    if (chaos.queueEventsTwice) {
      const publish = sb.events.publish.bind(sb.events);
      sb.events.publish = (req) => {
        const r = publish(req);
        if (r.status === 201) publish(req);
        return r;
      };
    }
    const redelivered = new Set<string>();
    const redeliverAll = async () => {
      if (!chaos.productEventsTwice) return;
      for (let i = 0; i < sb.jira.events.length; i++) {
        const e = sb.jira.events[i];
        if (redelivered.has(e.eventId)) continue;
        redelivered.add(e.eventId);
        await sb.jira.deliverAgain(e.eventId);
      }
    };
    const raise = async (p: Person, groupId: string, accessType: 'New access' | 'Extend access') => {
      const fields = { changeType: 'Standard', accessType, adminGroup: groupId };
      if (!chaos.productEventsTwice || !chaos.twinsAtOnce) {
        const created = await sb.jira.createIssue({
          projectKey: w.projectKey,
          summary: `${accessType} ${p.email}`,
          reporter: p.jiraAccountId,
          fields,
        });
        await redeliverAll();
        return created;
      }
      // Twin delivery at once: the trigger runs twice concurrently for the same event.
      sb.holdEvents();
      const created = await sb.jira.createIssue({
        projectKey: w.projectKey,
        summary: `${accessType} ${p.email}`,
        reporter: p.jiraAccountId,
        fields,
      });
      redelivered.add(created.event.eventId);
      await Promise.all([sb.releaseEvents(), sb.jira.deliverAgain(created.event.eventId)]);
      await redeliverAll();
      return created;
    };
    const tickUntil = async (ms: number) => {
      while (Date.parse(sb.clock.now()) < ms) {
        await sb.clock.advance(Math.min(5 * MIN, ms - Date.parse(sb.clock.now())));
        await redeliverAll();
        if (chaos.overlappingSweeps) {
          await Promise.all([sb.app.runScheduled('expiry-sweep'), sb.app.runScheduled('expiry-sweep')]);
          await redeliverAll();
        }
      }
    };

    const m = probe.mark();
    const productBefore = sb.productEvents.filter((e) => e.delivered).length;
    const auditBefore = sb.kvs.entity('audit').length;
    const requests = [];
    for (let i = 0; i < persons.length; i++)
      requests.push(await raise(persons[i], groups[i % groups.length], 'New access'));
    await tickUntil(T0 + 11 * HOUR + 10 * MIN);
    for (let i = 0; i < persons.length; i++) await raise(persons[i], groups[i % groups.length], 'Extend access');
    await tickUntil(T0 + 23 * HOUR + 45 * MIN);
    const d = since(sb, probe, m);

    const grants = await getGrants(
      sb,
      requests.map((r) => `grant-${r.id}`),
    );
    const audit = sb.kvs
      .entity('audit')
      .slice(auditBefore)
      .map((e) => String(e.value.action));
    const outcomes = countBy(d.deliveries, (x) => x.outcome);
    return {
      chaos,
      people,
      kvs: tallyKvs(d.kvs),
      kvsByFunction: Object.fromEntries(
        [...new Set(d.kvs.map((c) => c.fn))].sort().map((fn) => [fn, tallyKvs(byFn(d.kvs, fn))]),
      ),
      okta: {
        reads: d.oktaLog.filter((r) => !isOktaWrite(r)).length,
        writes: d.oktaLog.filter(isOktaWrite).length,
        puts: d.oktaLog.filter((r) => isOktaWrite(r) && r.method === 'PUT').length,
        deletes: d.oktaLog.filter((r) => isOktaWrite(r) && r.method === 'DELETE').length,
      },
      jira: {
        total: d.jiraLog.length,
        comments: d.jiraLog.filter((r) => r.method === 'POST' && /\/comment$/.test(r.path)).length,
        notifications: d.jiraLog.filter((r) => r.method === 'POST' && /\/notify$/.test(r.path)).length,
        transitions: d.jiraLog.filter((r) => r.method === 'POST' && /\/transitions$/.test(r.path)).length,
      },
      auditByAction: countBy(audit, (a) => a),
      auditEntries: audit.length,
      productDeliveries: sb.productEvents.filter((e) => e.delivered).length - productBefore,
      queueDeliveries: { ok: outcomes.ok ?? 0, retry: outcomes.retry ?? 0, error: outcomes.error ?? 0 },
      sweepRuns: sweepsIn(d.kvs),
      finalState: {
        grants: grants.map((g) => `${g.status}/${g.extensions}`),
        stillMembers: persons.filter((p, i) => sb.okta.members(groups[i % groups.length]).includes(p.oktaUserId))
          .length,
        commentsPerIssue: requests.map((r) => sb.jira.comments(r.key).length),
      },
    };
  });
}

export interface IdempotencyResult {
  clean: RunCounts;
  chaotic: RunCounts;
  ratios: {
    kvsRequests: number;
    kvsWrites: number;
    kvsSuccessfulWrites: number;
    oktaWrites: number;
    oktaCalls: number;
    jiraComments: number;
    auditEntries: number;
  };
  extra: {
    kvsWrites: number;
    /** Of which by the extra sweeps (the sweeper function)... */
    kvsWritesBySweeps: number;
    /** ...and by handling the duplicates (trigger and worker). */
    kvsWritesByDuplicates: number;
    extraSweepRuns: number;
    oktaCalls: number;
    oktaWrites: number;
    auditEntries: number;
  };
  sameFinalState: boolean;
  auditDifferences: Record<string, { clean: number; chaotic: number }>;
}

const ratio = (a: number, b: number) => (b === 0 ? (a === 0 ? 1 : Infinity) : Math.round((a / b) * 1000) / 1000);

export function compareRuns(clean: RunCounts, chaotic: RunCounts): IdempotencyResult {
  const actions = [...new Set([...Object.keys(clean.auditByAction), ...Object.keys(chaotic.auditByAction)])].sort();
  const auditDifferences = Object.fromEntries(
    actions
      .filter((a) => (clean.auditByAction[a] ?? 0) !== (chaotic.auditByAction[a] ?? 0))
      .map((a) => [a, { clean: clean.auditByAction[a] ?? 0, chaotic: chaotic.auditByAction[a] ?? 0 }]),
  );
  return {
    clean,
    chaotic,
    ratios: {
      kvsRequests: ratio(chaotic.kvs.requests, clean.kvs.requests),
      kvsWrites: ratio(chaotic.kvs.writes, clean.kvs.writes),
      kvsSuccessfulWrites: ratio(
        chaotic.kvs.writes - chaotic.kvs.failedWrites,
        clean.kvs.writes - clean.kvs.failedWrites,
      ),
      oktaWrites: ratio(chaotic.okta.writes, clean.okta.writes),
      oktaCalls: ratio(chaotic.okta.reads + chaotic.okta.writes, clean.okta.reads + clean.okta.writes),
      jiraComments: ratio(chaotic.jira.comments, clean.jira.comments),
      auditEntries: ratio(chaotic.auditEntries, clean.auditEntries),
    },
    extra: {
      kvsWrites: chaotic.kvs.writes - clean.kvs.writes,
      kvsWritesBySweeps: (chaotic.kvsByFunction.sweeper?.writes ?? 0) - (clean.kvsByFunction.sweeper?.writes ?? 0),
      kvsWritesByDuplicates:
        chaotic.kvs.writes -
        (chaotic.kvsByFunction.sweeper?.writes ?? 0) -
        (clean.kvs.writes - (clean.kvsByFunction.sweeper?.writes ?? 0)),
      extraSweepRuns: chaotic.sweepRuns - clean.sweepRuns,
      oktaWrites: chaotic.okta.writes - clean.okta.writes,
      oktaCalls: chaotic.okta.reads + chaotic.okta.writes - (clean.okta.reads + clean.okta.writes),
      auditEntries: chaotic.auditEntries - clean.auditEntries,
    },
    sameFinalState: JSON.stringify(clean.finalState) === JSON.stringify(chaotic.finalState),
    auditDifferences,
  };
}
