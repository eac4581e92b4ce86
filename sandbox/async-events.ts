/**
 * Forge async events, as the platform documents them: at-least-once, `delayInSeconds` 0-900, retried
 * when the consumer throws or returns InvocationError (honouring retryAfter), kept for 24 hours, and
 * at most `concurrency.limit` events with the same `concurrency.key` in flight at once (Forge postpones
 * the others; here they wait until a slot frees at the same virtual instant).
 * Pushes arrive through `__forge_fetch__` from the real @forge/events client.
 */
export interface QueuedEvent {
  eventId: string;
  jobId: string;
  queueName: string;
  body: Record<string, unknown>;
  dueAt: number;
  firstPushedAt: number;
  retryCount: number;
  retryReason?: string;
  retryData?: unknown;
  concurrency?: { key: string; limit: number };
}

/** True for an event that may not start now (its concurrency key is at its limit). */
export type Blocked = (e: QueuedEvent) => boolean;

export interface DeliveryRecord {
  eventId: string;
  queueName: string;
  body: unknown;
  at: number;
  outcome: 'ok' | 'retry' | 'error';
  retryAfterMs?: number;
  error?: string;
}

const RETENTION_MS = 24 * 3_600_000;
const MAX_DELAY_S = 900;
const MAX_EVENTS = 50;
const MAX_BYTES = 200 * 1024;
/** Forge: at most 500 events per minute per installation; beyond that a push is refused (429). */
export const MAX_EVENTS_PER_MINUTE = 500;
const RATE_WINDOW_MS = 60_000;

export class AsyncEventsService {
  private pending: QueuedEvent[] = [];
  private seq = 0;
  readonly deliveries: DeliveryRecord[] = [];
  /** Events dropped after the retention window: a test that expects "nothing lost" asserts this is empty. */
  readonly expired: QueuedEvent[] = [];

  /** Accepted pushes (time, events) within the last rolling minute; the sandbox has one installation. */
  private readonly recentPushes: Array<{ at: number; events: number }> = [];
  /** Pushes refused for the rate limit: a test of pacing asserts this stays empty. */
  readonly rateLimited: Array<{ at: number; events: number }> = [];

  /**
   * A fault for the benchmarks: accept delayed pushes (delayInSeconds > 0) and never deliver them, as if
   * the platform lost every one. They are kept in `lost`, so a run can say how many it lost.
   */
  loseDelayed = false;
  readonly lost: Array<{ queueName: string; body: Record<string, unknown>; delayInSeconds: number }> = [];

  constructor(private readonly now: () => number) {}

  /** Handles POST /webhook/queue/publish/... from the SDK. */
  publish(request: {
    queueName: string;
    jobId: string;
    payload: Array<{
      body: Record<string, unknown>;
      delayInSeconds?: number;
      concurrency?: { key: string; limit: number };
    }>;
  }): { status: number; body?: unknown } {
    const events = request.payload ?? [];
    if (events.length === 0 || events.length > MAX_EVENTS)
      return { status: 400, body: { message: `A push must carry 1-${MAX_EVENTS} events` } };
    if (Buffer.byteLength(JSON.stringify(events)) > MAX_BYTES)
      return { status: 413, body: { errorMessage: 'Payload too big' } };
    for (const e of events) {
      const delay = e.delayInSeconds ?? 0;
      if (delay < 0 || delay > MAX_DELAY_S)
        return { status: 400, body: { message: `delayInSeconds must be 0-${MAX_DELAY_S}` } };
    }
    // Refused whole, as the SDK reports it (RateLimitError): nothing of a refused push is queued.
    while (this.recentPushes.length > 0 && this.recentPushes[0].at <= this.now() - RATE_WINDOW_MS)
      this.recentPushes.shift();
    if (this.recentPushes.reduce((n, p) => n + p.events, 0) + events.length > MAX_EVENTS_PER_MINUTE) {
      this.rateLimited.push({ at: this.now(), events: events.length });
      return { status: 429, body: { message: 'Rate limit exceeded: too many events pushed in the last minute' } };
    }
    this.recentPushes.push({ at: this.now(), events: events.length });
    for (const e of events) {
      if (this.loseDelayed && (e.delayInSeconds ?? 0) > 0) {
        this.lost.push({ queueName: request.queueName, body: e.body, delayInSeconds: e.delayInSeconds! });
        continue;
      }
      this.pending.push({
        eventId: `evt-${++this.seq}`,
        jobId: request.jobId,
        queueName: request.queueName,
        body: e.body,
        dueAt: this.now() + (e.delayInSeconds ?? 0) * 1000,
        firstPushedAt: this.now(),
        retryCount: 0,
        ...(e.concurrency
          ? { concurrency: { key: String(e.concurrency.key), limit: Math.max(1, Number(e.concurrency.limit) || 1) } }
          : {}),
      });
    }
    return { status: 201, body: { jobId: request.jobId } };
  }

  nextDueAt(blocked: Blocked = () => false): number | undefined {
    return this.pending.reduce<number | undefined>(
      (min, e) => (blocked(e) ? min : min === undefined || e.dueAt < min ? e.dueAt : min),
      undefined,
    );
  }

  /** Removes and returns the earliest event due at or before `at` that is not blocked (FIFO among equals). */
  takeDue(at: number, blocked: Blocked = () => false): QueuedEvent | undefined {
    let best = -1;
    for (let i = 0; i < this.pending.length; i++) {
      if (
        this.pending[i].dueAt <= at &&
        (best < 0 || this.pending[i].dueAt < this.pending[best].dueAt) &&
        !blocked(this.pending[i])
      )
        best = i;
    }
    return best < 0 ? undefined : this.pending.splice(best, 1)[0];
  }

  /** Puts an event back for another delivery, unless it has outlived the retention window. */
  retry(e: QueuedEvent, afterMs: number, reason: string, data?: unknown): void {
    const next = {
      ...e,
      dueAt: this.now() + afterMs,
      retryCount: e.retryCount + 1,
      retryReason: reason,
      retryData: data,
    };
    if (next.dueAt - e.firstPushedAt > RETENTION_MS) this.expired.push(next);
    else this.pending.push(next);
  }

  /** Re-inserts an event unchanged, for tests of duplicate delivery. */
  duplicate(e: QueuedEvent): void {
    this.pending.push({ ...e });
  }

  get size(): number {
    return this.pending.length;
  }
  peek(): readonly QueuedEvent[] {
    return this.pending;
  }
}
