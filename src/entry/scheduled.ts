/** Scheduled triggers. They are not retried by Forge: the next run is the retry, so work is idempotent. */
import { refreshDashboardSummary } from '../app/admin/dashboard';
import { catchUpIntake } from '../app/catch-up-intake';
import { reconcile } from '../app/reconcile';
import { runSweep } from '../app/run-sweep';
import { stalledReviewWork } from '../app/break-glass-review';
import { DirectoryError } from '../app/ports';
import type { AppDeps } from '../app/deps';
import { compose } from './compose';

export async function sweeper() {
  const deps = compose();
  const summary = await runSweep(deps);
  console.info('sweep', JSON.stringify(summary));
  // Backstop for a sequencer push that was lost (ADR 0019): at most five minutes pending.
  await deps.audit.requestSequencing({ force: true });
  return { statusCode: 204 };
}

/**
 * The hourly work: the intake catch-up (requests whose product event never got through), the drift
 * check, then the dashboard's counts (ADR 0022), after the others so they include what those changed.
 * Each runs whatever happened to the others; an unexpected failure of either is thrown
 * once both have run, so Forge still logs the invocation as failed.
 */
export async function reconciler() {
  const deps = compose();
  const failures: unknown[] = [];
  try {
    const run = await catchUpIntake(deps);
    console.info('intake catch-up', JSON.stringify(run));
  } catch (e) {
    failures.push(e);
  }
  try {
    await driftCheck(deps);
  } catch (e) {
    failures.push(e);
  }
  try {
    // Break-glass reviews whose opening chain died (ADR 0027): rare, so hourly is soon enough.
    const stalled = await stalledReviewWork(deps, deps.clock.now());
    if (stalled.length > 0) await deps.queue.enqueue(stalled);
  } catch (e) {
    failures.push(e);
  }
  try {
    const counts = await refreshDashboardSummary(deps);
    console.info('dashboard summary', JSON.stringify({ asOf: counts.asOf, byStatus: counts.byStatus }));
  } catch (e) {
    failures.push(e);
  }
  if (failures.length > 0) throw failures[0];
  return { statusCode: 204 };
}

async function driftCheck(deps: AppDeps): Promise<void> {
  try {
    const summary = await reconcile(deps);
    console.info('reconcile', JSON.stringify(summary));
  } catch (e) {
    // Okta down or not configured: record it for the admin page; the next hour tries again.
    if (!(e instanceof DirectoryError)) throw e;
    await deps.health.recordOktaError(deps.clock.now(), `Drift check skipped: ${e.message}`);
  }
}
