/**
 * `npm run test:load` — 2,000 access requests from 500 requesters over a virtual day, Okta limited to
 * 600 requests a minute and failing 5% of its requests with transient errors. Prints lost, duplicate
 * memberships, duplicate notices, membership mismatches, whether the audit chain verifies, and the
 * revocation lag p50/p99/max; exits non-zero if any check fails. All counts come from the sandbox's
 * emulators and storage after the world drained; times are virtual.
 *
 *   npm run test:load                       the full run
 *   npm run test:load -- --requests 300     a smaller one (requesters scale with it)
 */
import { world } from '../test/integration/world';
import { formatLoad, loadFailures, runLoad } from '../test/suites/load-scenario';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};

async function main() {
  // The app logs every step; keep the output to the figures.
  console.info = () => {};
  console.warn = () => {};
  const requests = arg('requests', 2_000);
  const requesters = arg('requesters', Math.max(1, Math.round(requests / 4)));
  process.stderr.write(`load: ${requests} requests from ${requesters} requesters over a virtual day\n`);
  const t = await world();
  const r = await runLoad(
    {
      requests,
      requesters,
      faultRate: 0.05,
      oktaPerMinute: 600,
      progress: (s) => process.stderr.write(`load: ${s}\n`),
    },
    t,
  ).finally(() => t.sb.close()); // the Okta emulator's server would keep the process alive
  console.log(formatLoad(r).join('\n'));
  const failures = loadFailures(r);
  if (failures.length) {
    console.log(`\nFAILED:\n - ${failures.join('\n - ')}`);
    process.exitCode = 1;
  } else console.log('\nall load checks passed');
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
