/** Scheduled triggers. They are not retried by Forge: the next run is the retry, so work is idempotent. */
import { reconcile } from '../app/reconcile';
import { runSweep } from '../app/run-sweep';
import { DirectoryError } from '../app/ports';
import { compose } from './compose';

export async function sweeper() {
  const summary = await runSweep(compose());
  console.info('sweep', JSON.stringify(summary));
  return { statusCode: 204 };
}

export async function reconciler() {
  const deps = compose();
  try {
    const summary = await reconcile(deps);
    console.info('reconcile', JSON.stringify(summary));
  } catch (e) {
    // Okta down or not configured: record it for the admin page; the next hour tries again.
    if (!(e instanceof DirectoryError)) throw e;
    await deps.health.recordOktaError(deps.clock.now(), `Drift check skipped: ${e.message}`);
  }
  return { statusCode: 204 };
}
