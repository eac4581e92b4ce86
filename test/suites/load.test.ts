/**
 * A small `npm run test:load` (test/suites/load-scenario.ts) kept in `npm test`: 100 requests from 25
 * requesters over a virtual day, Okta limited to 600 requests a minute with 5% transient faults; the
 * same checks as the full run.
 */
import { useWorlds, world } from '../integration/world';
import { recordTally } from '../support/suite-tally';
import { formatLoad, loadFailures, runLoad } from './load-scenario';

useWorlds();
jest.setTimeout(60_000);
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});

it('100 requests over a virtual day with 5% Okta faults: nothing lost, no duplicate, membership exact, audit verifies', async () => {
  const r = await runLoad({ requests: 100, requesters: 25, faultRate: 0.05, oktaPerMinute: 600 }, await world());
  recordTally({ suite: 'load', row: 'load (small)', grants: r.grants, lost: r.lost.length });
  process.stderr.write(`load (small):\n  ${formatLoad(r).join('\n  ')}\n`);
  expect(loadFailures(r)).toEqual([]);
  // The run did what it says: faults were injected, and grants ran their course through them.
  expect(r.okta.injectedFaults).toBeGreaterThan(0);
  expect(r.revocationLagMs.expired).toBeGreaterThan(50);
});
