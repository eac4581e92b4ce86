/** Health of the scheduled work for the admin page, on plain keys. */
import { kvs } from '@forge/kvs';
import type { z } from 'zod';
import type {
  AlertAck,
  AlertAcks,
  CatchUpRun,
  ConnectionCheck,
  DashboardSummary,
  HealthStore,
  OktaBreaker,
} from '../../app/ports';
import type { SelfCheckRun } from '../../domain/self-check';
import {
  AlertAcksSchema,
  CatchUpRunSchema,
  ConnectionCheckSchema,
  DashboardSummarySchema,
  KEY,
  OKTA_ERRORS_KEPT,
  OktaBreakerSchema,
  OktaErrorsSchema,
  queueArrivalKey,
  QueueArrivalSchema,
  SelfCheckRunSchema,
  SweepRecordSchema,
  UnmanagedSchema,
} from './keys';
import { createOnly } from './paging';

/** A run's arrival matters only while that run is the last one shown. */
const ARRIVAL_TTL = { value: 30, unit: 'DAYS' } as const;

/** A stored health record, or none when it is missing or unreadable (an older shape counts as none). */
async function readRecord<T>(key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const parsed = schema.safeParse(await kvs.get(key));
  return parsed.success ? parsed.data : undefined;
}

export class KvsHealthStore implements HealthStore {
  async recordSweep(at: string, summary: Record<string, number>): Promise<void> {
    await kvs.set(KEY.lastSweep, { at, summary });
  }

  async lastSweep(): Promise<{ at: string; summary: Record<string, number> } | undefined> {
    return readRecord(KEY.lastSweep, SweepRecordSchema);
  }

  /**
   * Keeps the newest 50. Read-modify-write without a condition: two errors recorded at the same instant
   * may lose one, which is acceptable for a health hint (the audit trail holds the record of truth).
   */
  async recordOktaError(at: string, message: string): Promise<void> {
    const list = await this.errors();
    list.push({ at, message: message.slice(0, 1000) });
    list.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    await kvs.set(KEY.oktaErrors, list.slice(-OKTA_ERRORS_KEPT));
  }

  async oktaErrorsSince(sinceIso: string): Promise<Array<{ at: string; message: string }>> {
    const since = Date.parse(sinceIso);
    return (await this.errors()).filter((e) => Date.parse(e.at) >= since);
  }

  async recordUnmanagedMembers(at: string, byGroup: Record<string, string[]>): Promise<void> {
    await kvs.set(KEY.unmanagedMembers, { at, byGroup });
  }

  async unmanagedMembers(): Promise<{ at: string; byGroup: Record<string, string[]> } | undefined> {
    return readRecord(KEY.unmanagedMembers, UnmanagedSchema);
  }

  async recordCatchUp(run: CatchUpRun): Promise<void> {
    await kvs.set(
      KEY.lastCatchUp,
      CatchUpRunSchema.parse({ ...run, ...(run.problem ? { problem: run.problem.slice(0, 1000) } : {}) }),
    );
  }

  async lastCatchUp(): Promise<CatchUpRun | undefined> {
    return readRecord(KEY.lastCatchUp, CatchUpRunSchema);
  }

  async recordDashboardSummary(summary: DashboardSummary): Promise<void> {
    await kvs.set(
      KEY.dashboardSummary,
      DashboardSummarySchema.parse({
        ...summary,
        denied: summary.denied.map((d) => ({ ...d, ...(d.reason ? { reason: d.reason.slice(0, 1000) } : {}) })),
      }),
    );
  }

  /** An unreadable record (an older shape) counts as none: the dashboard says so until the next run. */
  async dashboardSummary(): Promise<DashboardSummary | undefined> {
    return readRecord(KEY.dashboardSummary, DashboardSummarySchema);
  }

  async oktaBreaker(): Promise<OktaBreaker | undefined> {
    return readRecord(KEY.oktaBreaker, OktaBreakerSchema);
  }

  async openOktaBreaker(breaker: OktaBreaker): Promise<boolean> {
    // Decided by reading the key back, not by the refusal's code string (ADR 0011).
    const outcome = await createOnly(
      () => kvs.set(KEY.oktaBreaker, OktaBreakerSchema.parse(breaker), { keyPolicy: 'FAIL_IF_EXISTS' }),
      async () => (await kvs.get(KEY.oktaBreaker)) !== undefined,
    );
    return outcome === 'created';
  }

  async closeOktaBreaker(): Promise<boolean> {
    if ((await kvs.get(KEY.oktaBreaker)) === undefined) return false;
    await kvs.delete(KEY.oktaBreaker);
    return true;
  }

  async recordConnectionCheck(check: ConnectionCheck): Promise<void> {
    await kvs.set(
      KEY.connectionCheck,
      ConnectionCheckSchema.parse({
        ...check,
        ...(check.problem ? { problem: check.problem.slice(0, 1000) } : {}),
        ...(check.problemDetails ? { problemDetails: check.problemDetails.slice(0, 1000) } : {}),
        ...(check.orgName ? { orgName: check.orgName.slice(0, 300) } : {}),
      }),
    );
  }

  async lastConnectionCheck(): Promise<ConnectionCheck | undefined> {
    return readRecord(KEY.connectionCheck, ConnectionCheckSchema);
  }

  async recordSelfCheck(run: SelfCheckRun): Promise<void> {
    await kvs.set(
      KEY.selfCheck,
      SelfCheckRunSchema.parse({
        ...run,
        checks: run.checks.map((c) => ({
          ...c,
          saw: c.saw.slice(0, 2000),
          ...(c.details ? { details: c.details.slice(0, 50).map((d) => d.slice(0, 1000)) } : {}),
        })),
      }),
    );
  }

  async lastSelfCheck(): Promise<SelfCheckRun | undefined> {
    return readRecord(KEY.selfCheck, SelfCheckRunSchema);
  }

  async recordQueueArrival(runId: string, at: string): Promise<void> {
    // A plain set, not create-only: this must land even when the create-only semantic is what failed.
    // A redelivery arrives later, so keeping the first means not overwriting an earlier time.
    if ((await this.queueArrival(runId)) !== undefined) return;
    await kvs.set(queueArrivalKey(runId), { at }, { ttl: ARRIVAL_TTL });
  }

  async queueArrival(runId: string): Promise<string | undefined> {
    const parsed = QueueArrivalSchema.safeParse(await kvs.get(queueArrivalKey(runId)));
    return parsed.success ? parsed.data.at : undefined;
  }

  /**
   * One key for every card's acknowledgement; a later one of the same card replaces it. Read-modify-write
   * without a condition: two admins acknowledging different cards at the same instant may lose one,
   * which only shows that card's count again (the audit trail keeps both).
   */
  async recordAlertAck(ack: AlertAck): Promise<void> {
    const acks = await this.alertAcks();
    await kvs.set(KEY.alertAcks, AlertAcksSchema.parse({ ...acks, [ack.alert]: ack }));
  }

  async alertAcks(): Promise<AlertAcks> {
    const parsed = AlertAcksSchema.safeParse(await kvs.get(KEY.alertAcks));
    return parsed.success ? parsed.data : {};
  }

  private async errors(): Promise<Array<{ at: string; message: string }>> {
    const parsed = OktaErrorsSchema.safeParse(await kvs.get(KEY.oktaErrors));
    return parsed.success ? parsed.data : [];
  }
}
