/**
 * Issue 11: revoking due grants (300 here; 1,000 in `npm run bench`) with 1, 10 and 50 queue consumers in flight. Counts only: no
 * invocation gives up, the audit chain verifies with every entry linked exactly once, and storage
 * requests per revocation at 50 in flight stay within 1.2x of 1 in flight (the global chain head
 * made them fight: ADR 0019).
 */
import { revokeDueAt, type ConcurrencyRow } from '../../scripts/bench/audit-concurrency';

jest.setTimeout(900_000);

const GRANTS = Number(process.env.AUDIT_CONCURRENCY_GRANTS ?? 300);
const rows: ConcurrencyRow[] = [];

describe(`revoking ${GRANTS} due grants with N queue consumers in flight`, () => {
  for (const n of [1, 10, 50]) {
    it(`${n} in flight: every grant ends, nothing gives up, the chain verifies with each entry once`, async () => {
      const r = await revokeDueAt(n, GRANTS);
      rows.push(r);
      console.log(JSON.stringify(r));
      expect(r.expired).toBe(GRANTS);
      expect(r.gaveUp).toBe(0);
      expect(r.chain).toMatchObject({ ok: true, pendingLeft: 0, duplicates: 0 });
      expect(r.peakInFlight).toBeGreaterThanOrEqual(Math.min(n, 2));
      expect(r.peakInFlight).toBeLessThanOrEqual(n);
    });
  }

  it('storage requests per revocation at 50 in flight are within 1.2x of 1 in flight', () => {
    const one = rows.find((r) => r.inFlight === 1)!;
    const fifty = rows.find((r) => r.inFlight === 50)!;
    console.log(
      rows
        .map(
          (r) =>
            `${r.inFlight} in flight: ${r.requestsPerRevocation.toFixed(2)} requests/revocation, ${r.kvs.failedWrites} failed writes, ${r.sequencerRuns} sequencer runs`,
        )
        .join('\n'),
    );
    expect(fifty.requestsPerRevocation).toBeLessThanOrEqual(1.2 * one.requestsPerRevocation);
  });
});
