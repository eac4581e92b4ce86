/** When queue work tries again: one backoff rule for Okta work and notice delivery alike. */

/** Retry backoff: full jitter under a ceiling doubling from 30 s to the queue's 15-minute maximum. */
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_MAX_MS = 900_000;
/** After Okta's rate-limit window resets, retries spread over this much rather than arriving together. */
const RESET_SPREAD_MS = 30_000;

/**
 * When to try again: never before Okta's own reset (Retry-After, X-Rate-Limit-Reset), and with full
 * jitter, so hundreds of retries started by one outage or one rate-limit window spread out instead of
 * returning in lockstep (Forge rounds delays up to whole seconds: the spread is what matters).
 */
export function retryDelayMs(
  attempts: number,
  oktaRetryAfterMs: number | undefined,
  random: () => number,
  /** A narrower spread when the hint is already a slot of its own (the Okta client's pacing, ADR 0021). */
  spreadMs: number = RESET_SPREAD_MS,
): number {
  if (oktaRetryAfterMs !== undefined)
    return oktaRetryAfterMs + Math.floor(random() * Math.min(spreadMs, RESET_SPREAD_MS));
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.max(1_000, Math.floor(random() * ceiling));
}

/** Forge delivers a retried or delayed event at most 900 s later: a chain's next attempt is never further. */
export const MAX_QUEUE_DELAY_MS = 900_000;
