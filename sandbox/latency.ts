/**
 * The sandbox's latency model: every remote call an invocation makes (storage, Jira, Okta, a queue
 * push) takes virtual time, so lag and timeout figures include processing time (issue 11).
 *
 * A call waits until the virtual clock reaches its wake time (now + the kind's latency). Nobody moves
 * the clock for it: when every waiting call is still waiting and nothing else happens for two turns of
 * the event loop (no new call, no real Okta HTTP in flight), the model advances the clock to the
 * earliest wake time and releases every call due by then. So calls an invocation starts together
 * (`Promise.all`) share one round trip, calls made one after another take one each, and overlapping
 * invocations wait side by side, as they would on the platform.
 *
 * What it does not model: CPU time (the app's own computation is instantaneous in virtual time), queueing
 * inside the services, or jitter. The latencies are what the caller sets; all zero (the default) means
 * no waiting at all, so tests that do not ask for latency run exactly as before.
 */
import type { VirtualClock } from './clock';

export type RemoteKind = 'storage' | 'jira' | 'okta' | 'queue';
export type Latency = Record<RemoteKind, number>;
export const NO_LATENCY: Latency = { storage: 0, jira: 0, okta: 0, queue: 0 };

interface Sleeper {
  wakeAt: number;
  release: () => void;
}

export class LatencyModel {
  private latency: Latency = { ...NO_LATENCY };
  private sleepers: Sleeper[] = [];
  /** Bumped on every call and release: the poller advances the clock only when it stops changing. */
  private activity = 0;
  /** Real HTTP in flight (the Okta emulator over loopback): its answer is not virtual, so time waits for it. */
  private realIo = 0;
  private polling = false;
  /** Calls that waited, by kind (what the model charged). */
  readonly waited: Record<RemoteKind, number> = { storage: 0, jira: 0, okta: 0, queue: 0 };

  constructor(private readonly clock: VirtualClock) {}

  get current(): Latency {
    return { ...this.latency };
  }
  set(l: Partial<Latency>): void {
    this.latency = { ...NO_LATENCY, ...l };
  }

  /** Waits the kind's latency in virtual time; resolves at once (synchronously settled) when it is zero. */
  wait(kind: RemoteKind): Promise<void> | undefined {
    const ms = this.latency[kind];
    if (!ms) return undefined;
    this.waited[kind]++;
    this.activity++;
    return new Promise<void>((release) => {
      this.sleepers.push({ wakeAt: this.clock.nowMs() + ms, release });
      this.poll();
    });
  }

  /** Wraps real I/O so the clock does not run ahead of an answer that takes real time. */
  async real<T>(io: () => Promise<T>): Promise<T> {
    this.realIo++;
    this.activity++;
    try {
      return await io();
    } finally {
      this.realIo--;
      this.activity++;
    }
  }

  private poll(): void {
    if (this.polling) return;
    this.polling = true;
    let seen = -1;
    let quietTurns = 0;
    const turn = () => {
      if (this.sleepers.length === 0) {
        this.polling = false;
        return;
      }
      if (this.activity !== seen || this.realIo > 0) {
        seen = this.activity;
        quietTurns = 0;
      } else if (++quietTurns >= 2) {
        this.releaseEarliest();
        seen = this.activity;
        quietTurns = 0;
      }
      setImmediate(turn);
    };
    setImmediate(turn);
  }

  private releaseEarliest(): void {
    let earliest = Infinity;
    for (const s of this.sleepers) earliest = Math.min(earliest, s.wakeAt);
    if (earliest > this.clock.nowMs()) this.clock.set(earliest);
    const now = this.clock.nowMs();
    const due = this.sleepers.filter((s) => s.wakeAt <= now);
    this.sleepers = this.sleepers.filter((s) => s.wakeAt > now);
    this.activity++;
    for (const s of due) s.release();
  }
}
