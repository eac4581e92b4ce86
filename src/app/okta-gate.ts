/**
 * The credential breaker. When Okta rejects the app's credentials (401, invalid_client, invalid_grant),
 * every grant's retry against it only adds load and noise: the first rejection opens the breaker for
 * the whole installation, and while it is open Okta is called by one probe per interval only (claimed
 * once per interval across all workers); the rest waits. A probe that gets through closes it, and the
 * work that waited runs at once.
 */
import { MINUTE_MS } from '../domain/policy';
import type { Grant } from '../domain/grant';
import { resumeAfterConnection } from '../domain/grant-transitions';
import type { AppDeps } from './deps';
import { commit } from './grant-lifecycle';
import { StaleGrantError, type Directory, type OktaBreaker, type WorkItem } from './ports';

export const PROBE_INTERVAL_MS = 15 * MINUTE_MS;
/** Waiters wake spread over this much after the next probe, so they do not all arrive at once. */
const WAKE_SPREAD_MS = 60_000;

/** Thrown instead of calling Okta while the breaker is open and this run is not the probe. */
export class OktaWaiting extends Error {
  constructor(
    readonly until: string,
    readonly breaker: OktaBreaker,
  ) {
    super(breaker.message);
    this.name = 'OktaWaiting';
  }
}

/**
 * The directory for one run, behind the breaker. `answered()` after Okta accepted a call: if this run
 * was the probe, the credentials work again and the breaker closes.
 */
export function gatedDirectory(deps: AppDeps, now: string) {
  let probe = false;
  let directory: Directory | undefined;
  return {
    async get(): Promise<Directory> {
      if (!directory) {
        const breaker = await deps.health.oktaBreaker();
        if (breaker) {
          const slot = Math.floor(Date.parse(now) / PROBE_INTERVAL_MS);
          probe = await deps.ledger.claim(`okta-probe:${slot}`);
          if (!probe)
            throw new OktaWaiting(
              new Date((slot + 1) * PROBE_INTERVAL_MS + Math.floor(deps.random() * WAKE_SPREAD_MS)).toISOString(),
              breaker,
            );
        }
        directory = await deps.directory();
      }
      return directory;
    },
    async answered(): Promise<void> {
      if (probe) await closeOktaBreaker(deps);
    },
  };
}

/** Okta rejected the credentials: open the breaker (alerting once, when it opens). */
export async function openOktaBreaker(
  deps: AppDeps,
  now: string,
  message: string,
  /** Okta's id of the rejected request, kept for the admin's Details (what Okta support asks for). */
  requestId?: string,
): Promise<void> {
  if (await deps.health.openOktaBreaker({ openedAt: now, message, ...(requestId ? { requestId } : {}) })) {
    await deps.health.recordOktaError(
      now,
      `Okta rejects the app's credentials: ${message} Okta is now called once every ${PROBE_INTERVAL_MS / MINUTE_MS} minutes until a call gets through; fix the Okta connection on the admin page and pending removals resume by themselves.`,
    );
  }
}

/** How many waiting steps the breaker's closing resumes at once; the rest resume on their own chains. */
const RESUME_AT_ONCE = 200;

/**
 * The credentials work again: close the breaker and run at once what waited for it, removals first,
 * as many as the installation's push budget allows this minute (Forge refuses more than 500 events a
 * minute). A waiting step not pushed now still has its own retry chain, due within the probe interval.
 */
export async function closeOktaBreaker(deps: AppDeps): Promise<void> {
  if (!(await deps.health.closeOktaBreaker())) return;
  const now = deps.clock.now();
  await deps.health.recordOktaError(
    now,
    "Okta accepts the app's credentials again; the removals and grants that waited are running now.",
  );
  const waiting: Array<{ g: Grant; kind: 'revoke' | 'grant' }> = [];
  for (const [status, kind] of [
    ['REVOKING', 'revoke'],
    ['GRANTING', 'grant'],
  ] as const) {
    const page = await deps.grants.pageByStatus(status, RESUME_AT_ONCE);
    waiting.push(...page.grants.filter((g) => g.nextAttemptAt).map((g) => ({ g, kind })));
  }
  const room = waiting.length ? await deps.pushBudget.take(Math.min(waiting.length, RESUME_AT_ONCE)) : 0;
  const resumed: WorkItem[] = [];
  for (const { g, kind } of waiting.slice(0, room)) {
    try {
      // Clears the wait so the work pushed now is not taken for a duplicate of the waiting chain.
      await commit(deps.grants, resumeAfterConnection(g, now));
    } catch (e) {
      if (!(e instanceof StaleGrantError)) throw e;
    }
    resumed.push({ kind, grantId: g.id });
  }
  await deps.queue.enqueue(resumed);
}
