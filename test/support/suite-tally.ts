/**
 * What the fault, attack and load suites actually did, counted where it happened and handed to the
 * summary reporter (test/support/summary-reporter.js). Jest runs tests in worker processes and the
 * reporter in the parent, so each record is appended as one JSON line to a file under the run's own
 * directory, which the reporter creates and names in JIT_SUITE_TALLY_DIR before any worker starts.
 * Outside such a run (no directory named) nothing is written.
 */
import { appendFileSync } from 'node:fs';
import path from 'node:path';

export const TALLY_ENV = 'JIT_SUITE_TALLY_DIR';

export interface TallyRecord {
  suite: 'faults' | 'attacks' | 'load';
  /** The row of issue 10 §4 (or the load run) this record is for. */
  row: string;
  /** Grants whose final state, membership and notices were checked. */
  grants: number;
  /** Requests or grants that ended nowhere (no record, or stuck mid-step after the world drained). */
  lost: number;
}

export function recordTally(r: TallyRecord): void {
  const dir = process.env[TALLY_ENV];
  if (!dir) return;
  appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${JSON.stringify(r)}\n`);
}
