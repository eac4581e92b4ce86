/**
 * Issue 11, first row: 1,000 due grants revoked by queue work with N consumers in flight (the sandbox's
 * `queue.concurrency`), the audit trail written pending and linked by the sequencer (ADR 0019).
 * Returns counts only: storage requests per revocation, invocations that gave up, failed conditional
 * writes, and whether the chain verifies with every entry linked exactly once.
 */
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { AUDIT_SEQUENCE_KIND } from '../../src/adapters/queue/audit-sequencer-queue';
import { since, tallyKvs, type KvsTally } from './instrument';
import { withSandbox } from './scenarios';
import { addPerson, allowlistedGroups, MIN, seedActiveGrants } from './seed';

export interface ConcurrencyRow {
  inFlight: number;
  grants: number;
  /** Most queue events the sandbox had running at once. */
  peakInFlight: number;
  expired: number;
  /** Every KVS request from the sweep until all work settled (the sweep, revocations, sequencer). */
  kvs: KvsTally;
  requestsPerRevocation: number;
  /** Queue deliveries that threw (Forge would retry them with backoff): the "gave up" invocations. */
  gaveUp: number;
  sequencerRuns: number;
  chain: { ok: boolean; count: number; verifyCalls: number; pendingLeft: number; duplicates: number };
}

const isSequencer = (body: unknown) => (body as { kind?: unknown } | undefined)?.kind === AUDIT_SEQUENCE_KIND;

export async function revokeDueAt(inFlight: number, grants = 1_000): Promise<ConcurrencyRow> {
  const T0 = Date.parse('2026-11-22T09:00:00.000Z');
  return withSandbox(new Date(T0).toISOString(), async ({ sb, w, probe }) => {
    const groups = allowlistedGroups(w);
    const people = Array.from({ length: grants }, (_, i) => addPerson(sb, `due${i}`));
    await seedActiveGrants(
      sb,
      w,
      people.map((person, i) => ({
        person,
        groupId: groups[i % groups.length],
        startedAtMs: T0 - 2 * 60 * MIN,
        endsAtMs: T0 - MIN - (i % 60) * 1000,
      })),
    );
    await sb.releaseEvents();
    sb.queue.concurrency = inFlight;
    sb.queue.resetPeak();
    const m = probe.mark();
    await sb.app.runScheduled('expiry-sweep');
    // Anything a first sweep left (paging, retries) is taken by the next ones.
    for (let i = 0; i < 12; i++) {
      const left = sb.kvs.entity('grant').filter((g) => (g.value as { status: string }).status !== 'EXPIRED').length;
      if (left === 0) break;
      await sb.clock.advance(5 * MIN);
    }
    // The audit sequencer runs a few seconds after the last write (coalesced, ADR 0029): let it.
    await sb.clock.advance(MIN);
    const d = since(sb, probe, m);
    const kvs = tallyKvs(d.kvs);
    const expired = sb.kvs.entity('grant').filter((g) => (g.value as { status: string }).status === 'EXPIRED').length;

    const audit = sb.kvs.entity('audit');
    const pendingLeft = audit.filter((e) => (e.value as { chain: string }).chain === 'pending').length;
    const orders = audit.map((e) => (e.value as { order: string }).order);
    const duplicates = orders.length - new Set(orders).size;
    let verifyCalls = 0;
    let verified: Awaited<ReturnType<KvsAuditLog['verify']>>;
    do {
      verified = await sb.app.run(() => new KvsAuditLog().verify());
      verifyCalls++;
    } while (verified.ok && verified.more && verifyCalls < 100);
    const sequencerLogs = d.deliveries.filter((x) => isSequencer(x.body));

    return {
      inFlight,
      grants,
      peakInFlight: sb.queue.peak,
      expired,
      kvs,
      requestsPerRevocation: kvs.requests / grants,
      gaveUp: d.deliveries.filter((x) => x.outcome === 'error').length,
      sequencerRuns: sequencerLogs.length,
      chain: {
        ok: verified.ok,
        count: verified.ok ? verified.count : -1,
        verifyCalls,
        pendingLeft,
        duplicates,
      },
    };
  });
}
