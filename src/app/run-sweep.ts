/**
 * The five-minute sweep: the backstop that makes sure nothing is lost. It finds work and queues it;
 * it does none of it itself (ADR 0023), so its cost is reads of what is due plus one claim per piece of
 * work and one queued event per piece (per few expiries of one Okta lane: ADR 0031), whatever that work
 * then costs:
 * - due expiries, and exact-time expiry events for grants ending within 15 minutes (so the
 *   revocation lag stays under a minute between sweeps);
 * - planned starts (ADR 0025): due ones queued, and exact-time events for those starting within 15
 *   minutes, read from the by-start index (only requests waiting for a start are in it), one page a run;
 * - reminders, as `remind` work (the worker sends them; the notice outbox keeps each to one);
 * - work whose queue event was lost or exhausted (GRANTING/REVOKING/REQUESTED left behind, notices),
 *   read a bounded number of pages per run, continuing next run where this one stopped.
 * Pushes are paced by the installation's push budget (Forge refuses more than 500 events a minute);
 * what does not fit is left in the index it was found in, for the sweep's continuation a minute later
 * or the next run. Every action is idempotent, so overlapping or repeated sweeps do no harm.
 */
import { WORKER_STATUSES, type Grant, type GrantStatus } from '../domain/grant';
import { isRetryChainDead } from '../domain/grant-transitions';
import { isReminderDue, MINUTE_MS, type GroupPolicy } from '../domain/policy';
import type { AppDeps } from './deps';
import { EXACT_EXPIRY_WINDOW_MS, EXACT_START_WINDOW_MS } from './grant-access';
import { stalledNoticeWork } from './deliver-notice';
import { oktaLaneOf } from './okta-lanes';
import { StaleCursorError, type WorkItem } from './ports';
import { expiryWork } from './revoke-grant';

/** Work this long past its next attempt (or without progress, if it has none) is re-queued by the sweep. */
const STALLED_AFTER_MS = 15 * MINUTE_MS;
/**
 * Due work queued once is queued again only if it is still not done this long later (its event was
 * lost): the claim key carries the 15-minute slot, so each slot queues it at most once.
 */
const REQUEUE_AFTER_MS = 15 * MINUTE_MS;
/** The stalled-work backstop reads at most this many pages of each worker status per run. */
const BACKSTOP_PAGES = 2;
const BACKSTOP_PAGE_SIZE = 100;
/** Planned starts read per run, earliest first (what is due comes first; the rest the next run). */
const START_PAGE_SIZE = 100;
/** Events one run queues at most (the push budget usually grants fewer). */
const MAX_PUSHES_PER_RUN = 1_000;
/**
 * Expiries one event carries at most (ADR 0031). A revocation takes about 3 s at 100 ms a remote call,
 * so a full batch stays well inside the worker's 120 s (and the worker hands on what is left after 60 s).
 */
const EXPIRY_BATCH = 8;
/** Exact-time expiries ending within the same this-many seconds share an event, sent at the latest end. */
const EXPIRY_BATCH_SPAN_SECONDS = 5;
/** Claims one round of the fan-out makes at once. */
const CLAIMS_PER_ROUND = 100;
/** The one continuation a run that left work behind asks for: when the next minute's budget is there. */
export const CONTINUE_AFTER_SECONDS = 60;
/** Where the exact-time expiry pass got to: grants ending at or before it have their event queued. */
const SCHEDULED_THROUGH = 'expiry-scheduled-through';
const backstopCursor = (status: GrantStatus) => `backstop-cursor:${status}`;

/** What one piece of the sweep could not do; the run carries on and the next sweep tries again. */
export interface SweepFailure {
  what: 'expire' | 'schedule-expiry' | 'remind' | 'requeue' | 'requeue-notices' | 'read' | 'push' | 'record';
  issueKey?: string;
  message: string;
}

export interface SweepSummary {
  /** Due expiries queued this run. */
  due: number;
  /** Exact-time expiry events queued. */
  scheduled: number;
  /** Reminders queued (the worker sends them). */
  reminded: number;
  /** Stalled grants and notices queued again. */
  requeued: number;
  /** Work found but left for the next run or the continuation: this minute's push budget was spent. */
  deferred: number;
  failed: number;
  failures: SweepFailure[];
}

/** One event the sweep wants to queue: `claim` (if any) makes it once per key, whoever sweeps. */
interface Candidate {
  what: 'due' | 'scheduled' | 'reminded' | 'requeued';
  item: WorkItem;
  delaySeconds?: number;
  claim?: string;
  endsAt?: string;
}

/**
 * Each part is isolated: a failure is counted and the run goes on (the backstop must still run), and
 * the run's health record always lands with its failure count. `continuation`: the run was asked for
 * by an earlier run that left work behind (queue work, not the schedule).
 */
export async function runSweep(deps: AppDeps, opts: { continuation?: boolean } = {}): Promise<SweepSummary> {
  const now = deps.clock.now();
  const nowMs = Date.parse(now);
  const failures: SweepFailure[] = [];
  const isolated = async (what: SweepFailure['what'], run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (e) {
      failures.push({ what, message: e instanceof Error ? e.message : String(e) });
    }
  };
  let allowlist: GroupPolicy[] = [];
  await isolated('read', async () => {
    allowlist = await deps.config.getAllowlist();
  });

  // In the order the push budget is spent: ends first (access must not outlive its end), then stalled
  // removals, exact-time expiries, reminders, stalled starts, and last the notices.
  const due: Candidate[] = [];
  const scheduled: Candidate[] = [];
  const reminders: Candidate[] = [];
  const stalledRevocations: Candidate[] = [];
  const stalledStarts: Candidate[] = [];
  const notices: Candidate[] = [];
  const starts: Candidate[] = [];
  let scheduledThrough: string | undefined;

  await isolated('read', async () => {
    // One read of what ends before the horizon: bounded by what is due or nearly so, never the table.
    const maxLeadMs = Math.max(60, ...allowlist.map((g) => g.reminderLeadMinutes)) * MINUTE_MS;
    const horizon = new Date(nowMs + Math.max(maxLeadMs, EXACT_EXPIRY_WINDOW_MS)).toISOString();
    const [through, ending] = await Promise.all([
      deps.sweepState.get(SCHEDULED_THROUGH),
      deps.grants.listByStatus('ACTIVE', horizon),
    ]);
    scheduledThrough = through;
    for (const g of ending) {
      const endMs = Date.parse(g.endsAt!);
      const left = endMs - nowMs;
      if (left <= 0) {
        due.push({
          what: 'due',
          item: { kind: 'expire', grantId: g.id },
          claim: `expire-queued:${g.id}:${g.endsAt}:${Math.floor(-left / REQUEUE_AFTER_MS)}`,
        });
        continue;
      }
      if (left <= EXACT_EXPIRY_WINDOW_MS && !(scheduledThrough && endMs <= Date.parse(scheduledThrough))) {
        scheduled.push({
          what: 'scheduled',
          item: { kind: 'expire', grantId: g.id },
          delaySeconds: Math.ceil(left / 1000),
          // One delayed event per grant end time, however many sweeps see it.
          claim: `expiry-scheduled:${g.id}:${g.endsAt}`,
          endsAt: g.endsAt,
        });
      }
      const group = allowlist.find((x) => x.groupId === g.groupId);
      if (group && isReminderDue(g, group, now)) {
        const dueSinceMs = nowMs - (endMs - group.reminderLeadMinutes * MINUTE_MS);
        reminders.push({
          what: 'reminded',
          item: { kind: 'remind', grantId: g.id, endsAt: g.endsAt! },
          claim: `remind-queued:${g.id}:${g.endsAt}:${Math.floor(Math.max(0, dueSinceMs) / REQUEUE_AFTER_MS)}`,
        });
      }
    }
  });

  // Planned starts: the due ones, and an exact-time event for each within the queue's longest delay
  // (a second event beside the worker's own, so one lost event still starts it on time).
  await isolated('read', async () => {
    const horizon = new Date(nowMs + EXACT_START_WINDOW_MS).toISOString();
    for (const g of (await deps.grants.pageScheduledStarts(horizon, START_PAGE_SIZE)).grants) {
      // The index may lag a start that already happened: the worker re-reads anyway, this saves a push.
      if (g.status !== 'REQUESTED' || !g.scheduledStartAt) continue;
      const left = Date.parse(g.scheduledStartAt) - nowMs;
      const item: WorkItem = { kind: 'grant', grantId: g.id };
      starts.push(
        left <= 0
          ? {
              what: 'due',
              item,
              claim: `start-queued:${g.id}:${g.scheduledStartAt}:${Math.floor(-left / REQUEUE_AFTER_MS)}`,
            }
          : {
              what: 'scheduled',
              item,
              delaySeconds: Math.ceil(left / 1000),
              claim: `start-scheduled:${g.id}:${g.scheduledStartAt}`,
            },
      );
    }
  });

  // The backstop: a bounded number of pages of each worker status, continuing where the last run stopped.
  // The statuses and the notices are read side by side (one round trip each, not one after another), so
  // the due expiries found above are pushed sooner; candidates keep the statuses' order.
  const found = new Map<GrantStatus, { read: BackstopRead; candidates: Candidate[] }>();
  const readStatus = (status: GrantStatus) =>
    isolated('requeue', async () => {
      const read = await readBackstopPages(deps, status);
      const candidates: Candidate[] = [];
      for (const g of read.grants) {
        // Only a dead chain is re-queued: a step whose next retry is still due (or was due only just
        // now) has a live chain, and a second one would double every Okta call from then on.
        if (!isRetryChainDead(g, now, STALLED_AFTER_MS)) continue;
        const item: WorkItem =
          status === 'REVOKING' ? { kind: 'revoke', grantId: g.id } : { kind: 'grant', grantId: g.id };
        // The approval transition queues a waiting grant itself; this only recovers a lost event, hourly.
        const claim =
          status === 'REQUESTED' && awaitsApproval(g, allowlist)
            ? `approval-check:${g.id}:${now.slice(0, 13)}`
            : undefined;
        candidates.push({ what: 'requeued', item, claim });
      }
      found.set(status, { read, candidates });
    });
  // Notices whose delivery chain died are owed still: queued again, a bounded number per run.
  const readNotices = () =>
    isolated('requeue-notices', async () => {
      for (const item of await stalledNoticeWork(deps, now)) notices.push({ what: 'requeued', item });
    });
  await Promise.all([...WORKER_STATUSES.map(readStatus), readNotices()]);
  const backstop: Array<{ status: GrantStatus; read: BackstopRead; candidates: Candidate[] }> = [];
  for (const status of WORKER_STATUSES) {
    const f = found.get(status);
    if (!f) continue;
    (status === 'REVOKING' ? stalledRevocations : stalledStarts).push(...f.candidates);
    backstop.push({ status, ...f });
  }

  // Due and exact-time expiries of one Okta lane travel together, a few to an event (ADR 0031); every
  // other piece of work is its own event. The push budget counts events.
  const queues = [due, stalledRevocations, scheduled, starts, reminders, stalledStarts, notices].map(pack);
  const wanted = queues.reduce((n, q) => n + q.length, 0);
  let tokens = 0;
  await isolated('push', async () => {
    if (wanted > 0) tokens = await deps.pushBudget.take(Math.min(wanted, MAX_PUSHES_PER_RUN));
  });
  const counts = { due: 0, scheduled: 0, reminded: 0, requeued: 0 };
  const fanned = await fanOut(deps, queues, tokens, counts, failures);

  // The exact-time pass moves on past what it queued, so the next runs do not claim those again.
  const through = scheduledThroughAfter(scheduled, fanned.handled);
  if (through && (!scheduledThrough || Date.parse(through) > Date.parse(scheduledThrough)))
    await isolated('schedule-expiry', () => deps.sweepState.set(SCHEDULED_THROUGH, through));

  // The backstop's read moves on only past what it queued: pages whose work waits for budget are read again.
  for (const b of backstop) {
    if (b.candidates.every((c) => fanned.handled.has(c)) && b.read.next !== b.read.from)
      await isolated('requeue', () => deps.sweepState.set(backstopCursor(b.status), b.read.next));
  }

  if (fanned.deferred > 0) await isolated('push', () => requestContinuation(deps, nowMs));

  const summary = { ...counts, deferred: fanned.deferred, failed: failures.length };
  if (!opts.continuation || failures.length > 0) {
    // A storage error here must not fail the run after its work was queued: it is logged by the
    // handler with the summary, and the next run records itself.
    await isolated('record', () => deps.health.recordSweep(now, { ...summary }));
  }
  return { ...summary, failed: failures.length, failures };
}

const awaitsApproval = (g: Grant, allowlist: readonly GroupPolicy[]) =>
  !g.emergency && allowlist.find((x) => x.groupId === g.groupId)?.approvalMode === 'status';

interface BackstopRead {
  grants: Grant[];
  /** The cursor this read started from, and the one the next run starts from if this read's work is queued. */
  from?: string;
  next?: string;
}

/** Up to BACKSTOP_PAGES pages of `status` from where the last run stopped; at the end, start over next run. */
async function readBackstopPages(deps: AppDeps, status: GrantStatus): Promise<BackstopRead> {
  const from = await deps.sweepState.get(backstopCursor(status));
  let cursor = from;
  const grants: Grant[] = [];
  for (let page = 0; page < BACKSTOP_PAGES; page++) {
    let found;
    try {
      found = await deps.grants.pageByStatusFrom(status, BACKSTOP_PAGE_SIZE, cursor);
    } catch (e) {
      if (!(e instanceof StaleCursorError) || cursor === undefined) throw e;
      // The stored cursor is no longer accepted: this run starts the partition again.
      found = await deps.grants.pageByStatusFrom(status, BACKSTOP_PAGE_SIZE);
    }
    grants.push(...found.grants);
    cursor = found.nextCursor;
    if (!cursor) break;
  }
  return { grants, from, next: cursor };
}

/** One event the sweep pushes: one candidate, or several expiries of one Okta lane due at about the same time. */
interface Envelope {
  candidates: Candidate[];
}

/**
 * Packs a queue's candidates into events, keeping their order: expiries of the same lane whose delays
 * fall in the same span share an event (at most EXPIRY_BATCH); everything else goes alone. Only grants of
 * one lane may share an event: the lane is the event's concurrency key, and it must be each grant's own so
 * that two pieces of work for one grant never run at once.
 */
function pack(queue: readonly Candidate[]): Envelope[] {
  const envelopes: Envelope[] = [];
  const filling = new Map<string, Envelope>();
  for (const c of queue) {
    if (c.item.kind !== 'expire') {
      envelopes.push({ candidates: [c] });
      continue;
    }
    const key = `${oktaLaneOf(c.item.grantId)}:${Math.ceil((c.delaySeconds ?? 0) / EXPIRY_BATCH_SPAN_SECONDS)}`;
    let e = filling.get(key);
    if (!e || e.candidates.length >= EXPIRY_BATCH) {
      e = { candidates: [] };
      filling.set(key, e);
      envelopes.push(e);
    }
    e.candidates.push(c);
  }
  return envelopes;
}

/** The event for an envelope's candidates that won their claims: delayed to the latest of them. */
function eventOf(won: readonly Candidate[]): { item: WorkItem; delaySeconds?: number } {
  if (won.length === 1) return { item: won[0]!.item, delaySeconds: won[0]!.delaySeconds };
  const grantIds = won.map((c) => (c.item as Extract<WorkItem, { kind: 'expire' }>).grantId);
  const delays = won.map((c) => c.delaySeconds ?? 0);
  return { item: expiryWork(grantIds), delaySeconds: Math.max(...delays) };
}

/**
 * Queues events in priority order, at most `tokens` of them: each round's claims are made together (one
 * round trip), then the round's events are pushed together with the candidates that won. A candidate
 * another sweep queued already loses its claim and costs nothing; the rounds are bounded so a crowd of
 * work still in the queue cannot make a run claim for ever. A push that fails releases its round's claims
 * (the next run queues them) and ends the fan-out: the queue is refusing, the rest waits.
 */
async function fanOut(
  deps: AppDeps,
  queues: Envelope[][],
  tokens: number,
  counts: Record<Candidate['what'], number>,
  failures: SweepFailure[],
): Promise<{ deferred: number; handled: Set<Candidate> }> {
  const handled = new Set<Candidate>();
  let left = tokens;
  let attempts = 2 * tokens + 50;
  let deferred = 0;
  let stopped = false;
  for (const queue of queues) {
    let i = 0;
    while (!stopped && i < queue.length && left > 0 && attempts > 0) {
      const round = nextRound(queue, i, Math.min(left, 50, attempts));
      i += round.length;
      attempts -= round.length;
      const candidates = round.flatMap((e) => e.candidates);
      const claimed = await Promise.all(
        candidates.map(async (c) => {
          if (!c.claim) return true;
          try {
            return await deps.ledger.claim(c.claim);
          } catch (e) {
            failures.push({ what: 'push', message: e instanceof Error ? e.message : String(e) });
            return false;
          }
        }),
      );
      const won = new Set(candidates.filter((_, k) => claimed[k]));
      // Claimed by another run already: that run queued it.
      for (const c of candidates) if (!won.has(c) && c.claim) handled.add(c);
      const events = round.map((e) => e.candidates.filter((c) => won.has(c))).filter((w) => w.length > 0);
      if (events.length === 0) continue;
      try {
        await deps.queue.enqueueEach(events.map(eventOf));
      } catch (e) {
        failures.push({ what: 'push', message: e instanceof Error ? e.message : String(e) });
        await Promise.all(
          [...won].filter((c) => c.claim).map((c) => deps.ledger.release(c.claim!).catch(() => undefined)),
        );
        deferred += won.size;
        stopped = true;
        break;
      }
      left -= events.length;
      for (const c of won) {
        counts[c.what]++;
        handled.add(c);
      }
    }
    for (const e of queue.slice(i)) deferred += e.candidates.length;
  }
  return { deferred, handled };
}

/** Up to `events` envelopes from `from`, fewer if their claims would pass CLAIMS_PER_ROUND (at least one). */
function nextRound(queue: readonly Envelope[], from: number, events: number): Envelope[] {
  const round: Envelope[] = [];
  let claims = 0;
  for (let k = from; k < queue.length && round.length < events; k++) {
    const n = queue[k]!.candidates.length;
    if (round.length > 0 && claims + n > CLAIMS_PER_ROUND) break;
    round.push(queue[k]!);
    claims += n;
  }
  return round;
}

/** The latest end time up to which every exact-time candidate was queued (by this run or another). */
function scheduledThroughAfter(scheduled: readonly Candidate[], handled: ReadonlySet<Candidate>): string | undefined {
  let through: string | undefined;
  let below: string | undefined;
  for (const c of scheduled) {
    // `below`: the latest end strictly before this one (grants sharing an end may be split by the budget).
    if (through !== c.endsAt) below = through;
    if (!handled.has(c)) return below;
    through = c.endsAt;
  }
  return through;
}

/**
 * Work was left behind: one `sweep` event a minute later carries on with the next minute's budget.
 * The claim per minute keeps overlapping runs to one continuation; a lost one is the next run's to do.
 */
async function requestContinuation(deps: AppDeps, nowMs: number): Promise<void> {
  const at = new Date(nowMs + CONTINUE_AFTER_SECONDS * 1000).toISOString().slice(0, 16);
  if (await deps.ledger.claim(`sweep-continue:${at}`))
    await deps.queue.enqueue([{ kind: 'sweep' }], CONTINUE_AFTER_SECONDS);
}
