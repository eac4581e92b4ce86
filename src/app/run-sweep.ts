/**
 * The five-minute sweep: the backstop that makes sure nothing is lost.
 * - ends due grants (and schedules exact-time expiry for those ending within 15 minutes, so the
 *   revocation lag stays under a minute between sweeps);
 * - sends reminders, once per grant end time;
 * - re-queues work whose queue event was lost or exhausted (GRANTING/REVOKING/REQUESTED left behind).
 * Every action is idempotent, so overlapping or repeated sweeps do no harm.
 */
import { WORKER_STATUSES, type Grant } from '../domain/grant';
import { isRetryChainDead, markReminded } from '../domain/grant-transitions';
import { isReminderDue, MINUTE_MS, type GroupPolicy } from '../domain/policy';
import type { AppDeps } from './deps';
import { EXACT_EXPIRY_WINDOW_MS } from './grant-access';
import { commit } from './grant-lifecycle';
import { tell, requeueStalledNotices } from './deliver-notice';
import { auditGrant, noticeStep } from './notices';
import * as say from './messages';
import { StaleGrantError, type WorkItem } from './ports';

/** Work this long past its next attempt (or without progress, if it has none) is re-queued by the sweep. */
const STALLED_AFTER_MS = 15 * MINUTE_MS;

/** What one piece of the sweep could not do; the run carries on and the next sweep tries again. */
export interface SweepFailure {
  what: 'expire' | 'schedule-expiry' | 'remind' | 'requeue' | 'requeue-notices' | 'read';
  issueKey?: string;
  message: string;
}

export interface SweepSummary {
  due: number;
  scheduled: number;
  reminded: number;
  requeued: number;
  failed: number;
  failures: SweepFailure[];
}

/**
 * Each grant is handled on its own: a reminder Jira refuses, or a storage error on one grant, is
 * counted and the run goes on (the backstop below must still run), and the run's health record always
 * lands with its failure count.
 */
export async function runSweep(deps: AppDeps): Promise<SweepSummary> {
  const now = deps.clock.now();
  const nowMs = Date.parse(now);
  const failures: SweepFailure[] = [];
  const isolated = async (
    what: SweepFailure['what'],
    issueKey: string | undefined,
    run: () => Promise<void>,
  ): Promise<void> => {
    try {
      await run();
    } catch (e) {
      failures.push({ what, issueKey, message: e instanceof Error ? e.message : String(e) });
    }
  };
  let due: Grant[] = [];
  let scheduled = 0;
  let reminded = 0;
  const stalled: WorkItem[] = [];
  let allowlist: GroupPolicy[] = [];
  await isolated('read', undefined, async () => {
    allowlist = await deps.config.getAllowlist();
  });

  await isolated('read', undefined, async () => {
    const maxLeadMs = Math.max(60, ...allowlist.map((g) => g.reminderLeadMinutes)) * MINUTE_MS;
    const horizon = new Date(nowMs + Math.max(maxLeadMs, EXACT_EXPIRY_WINDOW_MS)).toISOString();
    const ending = await deps.grants.listByStatus('ACTIVE', horizon);

    due = ending.filter((g) => Date.parse(g.endsAt!) <= nowMs);
    await isolated('expire', undefined, () =>
      deps.queue.enqueue(due.map((g): WorkItem => ({ kind: 'expire', grantId: g.id }))),
    );

    for (const g of ending) {
      const left = Date.parse(g.endsAt!) - nowMs;
      if (left <= 0 || left > EXACT_EXPIRY_WINDOW_MS) continue;
      await isolated('schedule-expiry', g.issueKey, async () => {
        // One delayed event per grant end time, however many sweeps see it.
        if (await deps.ledger.claim(`expiry-scheduled:${g.id}:${g.endsAt}`)) {
          await deps.queue.enqueue([{ kind: 'expire', grantId: g.id }], Math.ceil(left / 1000));
          scheduled++;
        }
      });
    }

    const { notifyByEmail } = await deps.config.getPolicy();
    for (const g of ending) {
      const group = allowlist.find((x) => x.groupId === g.groupId);
      if (!group || !isReminderDue(g, group, now)) continue;
      await isolated('remind', g.issueKey, async () => {
        if (await sendReminder(deps, g, say.groupLabel(g.groupId, allowlist), now, notifyByEmail)) reminded++;
      });
    }
  });

  // The backstop runs whatever happened above.
  for (const status of WORKER_STATUSES) {
    await isolated('requeue', undefined, async () => {
      for (const g of await deps.grants.listByStatus(status)) {
        // Only a dead chain is re-queued: a step whose next retry is still due (or was due only just
        // now) has a live chain, and a second one would double every Okta call from then on.
        if (!isRetryChainDead(g, now, STALLED_AFTER_MS)) continue;
        if (status === 'REQUESTED' && awaitsApproval(g, allowlist)) {
          // The approval transition queues the grant itself; this only recovers a lost event, hourly.
          if (!(await deps.ledger.claim(`approval-check:${g.id}:${now.slice(0, 13)}`))) continue;
        }
        stalled.push(status === 'REVOKING' ? { kind: 'revoke', grantId: g.id } : { kind: 'grant', grantId: g.id });
      }
    });
  }
  let requeued = 0;
  await isolated('requeue', undefined, async () => {
    await deps.queue.enqueue(stalled);
    requeued = stalled.length;
  });
  // Notices whose delivery chain died are owed still: queued again, a bounded number per run.
  await isolated('requeue-notices', undefined, async () => {
    requeued += await requeueStalledNotices(deps, now);
  });

  const summary = { due: due.length, scheduled, reminded, requeued, failed: failures.length };
  await deps.health.recordSweep(now, { ...summary });
  return { ...summary, failures };
}

const awaitsApproval = (g: Grant, allowlist: readonly GroupPolicy[]) =>
  !g.emergency && allowlist.find((x) => x.groupId === g.groupId)?.approvalMode === 'status';

async function sendReminder(
  deps: AppDeps,
  listed: Grant,
  groupName: string,
  now: string,
  notifyByEmail: boolean,
): Promise<boolean> {
  // The list came from an eventually consistent query: a grant revoked or extended since must not be
  // told it ends at the old time. `get` is strongly consistent.
  const g = await deps.grants.get(listed.id);
  if (!g || g.status !== 'ACTIVE' || g.endsAt !== listed.endsAt) return false;
  const key = `reminder:${g.id}:${g.endsAt}`;
  const user = await deps.issues.getUser(g.requesterAccountId);
  const msg = say.reminder(g, groupName, user?.timeZone ?? 'UTC', now);
  const sent = await tell(deps, key, {
    issueKey: g.issueKey,
    comment: msg,
    ...(notifyByEmail ? { email: { to: [g.requesterAccountId], subject: `Access to ${groupName} ends soon` } } : {}),
  });
  await noticeStep(deps.ledger, key, 'audit', () =>
    auditGrant(deps.audit, g, now, 'REMINDED', 'app', `Reminder sent; ends ${g.endsAt}.`),
  );
  try {
    // Marked on the grant for the panel; the ledger is what guarantees "never twice".
    await commit(deps.grants, markReminded(g, now));
  } catch (e) {
    if (!(e instanceof StaleGrantError)) throw e;
  }
  return sent;
}
