/**
 * Prints plain closing lines after Jest's own summary, so a CI that reads closing lines sees them
 * whatever the runner:
 * - "faults N tried, attacks N tried, grants N checked, lost N" when the fault, attack or load suites
 *   ran: counted by the tests themselves (test/support/suite-tally.ts), never constants;
 * - "N passed, N failed[, N skipped]".
 * The tally directory is made here, in the parent, before workers start (they inherit the variable).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const TALLY_ENV = 'JIT_SUITE_TALLY_DIR';

class SummaryReporter {
  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jit-suite-tally-'));
    process.env[TALLY_ENV] = this.dir;
  }

  readTallies() {
    const records = [];
    for (const f of fs.readdirSync(this.dir)) {
      for (const line of fs.readFileSync(path.join(this.dir, f), 'utf8').split('\n')) {
        if (line.trim()) records.push(JSON.parse(line));
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
    return records;
  }

  onRunComplete(_contexts, results) {
    const records = this.readTallies();
    if (records.length > 0) {
      const rows = (suite) => new Set(records.filter((r) => r.suite === suite).map((r) => r.row)).size;
      const sum = (k) => records.reduce((n, r) => n + r[k], 0);
      const n = (x) => x.toLocaleString('en-US');
      process.stdout.write(
        `\nfaults ${n(rows('faults'))} tried, attacks ${n(rows('attacks'))} tried, grants ${n(sum('grants'))} checked, lost ${n(sum('lost'))}\n`,
      );
    }
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `${results.numPassedTests} passed, ${results.numFailedTests + results.numRuntimeErrorTestSuites} failed${skipped ? `, ${skipped} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
