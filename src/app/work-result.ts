/**
 * How a queue job ended, and the steps that end one without success. `retryAfterMs` asks the queue to
 * deliver the job again later (Okta was busy or down); the grant keeps its GRANTING/REVOKING state with
 * the attempt count and the last error, so people can see what is happening.
 */
import type { Grant } from '../domain/grant';
import {
  ATTEMPT_BUDGET,
  awaitConnection,
  deny as denied,
  fail as failed,
  membershipRecord,
  retryLater,
  type GrantRecord,
} from '../domain/grant-transitions';
import type { AppDeps } from './deps';
import { commit, takeBackMembership } from './grant-lifecycle';
import { tellUnlessOwed } from './deliver-notice';
import * as say from './messages';
import { once } from './notices';
import { MAX_QUEUE_DELAY_MS, retryDelayMs } from './backoff';
import { openOktaBreaker, PROBE_INTERVAL_MS, type OktaWaiting } from './okta-gate';
import type { DirectoryError } from './ports';

export type WorkResult =
  | { done: true; note: string }
  /** `resumeFrom`: a batch's delivery again starts at this item (the ones before it are done). */
  | { done: false; retryAfterMs: number; note: string; resumeFrom?: number };

const at = (now: string, ms: number) => new Date(Date.parse(now) + Math.min(ms, MAX_QUEUE_DELAY_MS)).toISOString();

const connectionMessage = (message: string) =>
  `The Okta connection is not working: ${message} A Jira admin must fix it in the Okta JIT Access admin page (Okta connection), then the request can be raised again.`;

export async function handleOktaFailure(
  deps: AppDeps,
  g: Grant,
  e: DirectoryError,
  step: 'grant' | 'revoke',
): Promise<WorkResult> {
  const now = deps.clock.now();
  if (e.kind === 'transient') {
    const attempts = g.attempts + 1;
    // Checks that keep failing end the request. A membership add (GRANTING) is not given up this way:
    // it may have landed, so it keeps trying until its end time, where the one removal step takes back
    // whatever it may have added (abandonAtEnd).
    // A call held back by the client's pacing (nothing sent) is Okta's limit doing its job, not Okta
    // failing: it never ends a request nor raises the overdue alert; the reset always comes.
    const paced = !!e.details.paced;
    if (g.status === 'REQUESTED' && attempts >= ATTEMPT_BUDGET && !paced) {
      return fail(
        deps,
        g,
        `Okta kept failing (${attempts} attempts): ${e.message} Nothing was granted. Raise a new request when Okta is available again.`,
      );
    }
    const delay = Math.min(
      MAX_QUEUE_DELAY_MS,
      retryDelayMs(attempts, e.details.retryAfterMs, deps.random, e.details.paced?.spreadMs),
    );
    await commit(
      deps.grants,
      retryLater(
        g,
        { kind: 'transient', step, message: e.message, oktaRequestId: e.details.requestId },
        at(now, delay),
        now,
      ),
    );
    // Held back by the client's own pacing is not an Okta error: the dashboard is not told.
    if (attempts === 1 && !paced) await deps.health.recordOktaError(now, `${g.issueKey}: ${e.message}`);
    // A removal is never dropped: past the budget it is alerted, once, and keeps trying.
    if (step === 'revoke' && attempts >= ATTEMPT_BUDGET && !paced) {
      await once(deps.ledger, `revoke-overdue:${g.id}`, () =>
        deps.health.recordOktaError(
          now,
          `${g.issueKey}: removal still failing after ${attempts} attempts (${e.message}); the app keeps trying every 15 minutes. Check Okta's status.`,
        ),
      );
    }
    return { done: false, retryAfterMs: delay, note: 'okta transient' };
  }
  if (e.kind === 'configuration') {
    // Okta itself refused the credentials (not merely "not set up"): stop calling it until a probe gets through.
    if (e.details.status !== undefined) await openOktaBreaker(deps, now, e.message, e.details.requestId);
    if (step === 'grant') return fail(deps, g, connectionMessage(e.message));
    // Broken credentials must not turn every expiry into standing access: keep the revocation pending,
    // alert, and carry on by itself once the credentials work again (the breaker's probe finds out).
    const until = at(now, PROBE_INTERVAL_MS + Math.floor(deps.random() * 60_000));
    await commit(
      deps.grants,
      retryLater(g, { kind: 'connection', message: e.message, oktaRequestId: e.details.requestId }, until, now),
    );
    await tellRevocationBlocked(deps, g, e.message);
    return { done: false, retryAfterMs: Date.parse(until) - Date.parse(now), note: 'okta connection broken' };
  }
  // permanent, not-found: retrying will not help; an admin must act.
  return fail(
    deps,
    g,
    `Okta refused the change: ${e.message} This is shown on the admin dashboard for an administrator to resolve.`,
  );
}

/** The breaker is open and this run is not its probe: no Okta call; the work waits for the probe. */
export async function handleOktaWaiting(
  deps: AppDeps,
  g: Grant,
  w: OktaWaiting,
  step: 'grant' | 'revoke',
): Promise<WorkResult> {
  if (step === 'grant') return fail(deps, g, connectionMessage(w.breaker.message));
  const now = deps.clock.now();
  const until = at(now, Math.max(1_000, Date.parse(w.until) - Date.parse(now)));
  await commit(deps.grants, awaitConnection(g, w.breaker.message, until, now));
  await tellRevocationBlocked(deps, g, w.breaker.message);
  return { done: false, retryAfterMs: Date.parse(until) - Date.parse(now), note: 'waiting for the Okta connection' };
}

async function tellRevocationBlocked(deps: AppDeps, g: Grant, message: string): Promise<boolean> {
  return tellUnlessOwed(deps, `revoke-blocked:${g.id}`, async () => ({
    issueKey: g.issueKey,
    comment: say.revocationBlocked(say.groupLabel(g.groupId, await deps.config.getAllowlist()), message),
  }));
}

/** Ends a grant or revocation as FAILED: visible on the issue and the admin dashboard, never silent. */
export async function fail(deps: AppDeps, g: Grant, message: string, before: GrantRecord[] = []): Promise<WorkResult> {
  const now = deps.clock.now();
  const stored = await commit(deps.grants, failed(g, message, now, before));
  await deps.health.recordOktaError(now, `${g.issueKey}: ${message}`);
  await announceFailure(deps, stored);
  return { done: true, note: 'failed' };
}

/** Policy says no in the worker (group gone, not eligible, user unknown, approval timed out). */
export async function deny(deps: AppDeps, g: Grant, code: string, message: string): Promise<WorkResult> {
  const stored = await commit(deps.grants, denied(g, { code, message }, deps.clock.now()));
  await announceFailure(deps, stored);
  return { done: true, note: `denied ${code}` };
}

/**
 * A start that Okta held up until past the grant's end: it is not started. An earlier add may still
 * have landed, so the membership goes back through the one removal step first; no standing access is
 * left behind.
 */
export async function abandonAtEnd(deps: AppDeps, g: Grant, now: string): Promise<WorkResult> {
  const outcome = await takeBackMembership(deps, g, now);
  const record = membershipRecord(g, outcome);
  return fail(
    deps,
    g,
    "Okta could not be reached before this grant's end time, so it was not started. Raise a new request if you still need access.",
    record ? [record] : [],
  );
}

/**
 * The comment on a grant that ended DENIED or FAILED (its `reason` says why), once per stored grant
 * version. The worker calls it again when it meets such a grant, so a crash between the end and the
 * notice's recording still tells it; the outbox delivers it whatever Jira does meanwhile.
 */
export async function announceFailure(deps: AppDeps, g: Grant): Promise<void> {
  await tellUnlessOwed(deps, `announce:${g.id}:${g.status}:${g.version}`, async () => {
    const name = say.groupLabel(g.groupId, await deps.config.getAllowlist());
    const why = g.reason ?? g.lastError ?? '';
    // A revocation (it has an end reason) that failed leaves membership behind: say so.
    return {
      issueKey: g.issueKey,
      comment:
        g.status === 'FAILED' && g.endReason ? say.revocationFailed(g, name, why) : say.grantFailed(g, name, why),
    };
  });
}
