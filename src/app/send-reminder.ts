/**
 * Queue work `remind` (ADR 0023): the sweep only finds the reminder due and queues it; this sends it.
 * The grant is re-read (the sweep read an eventually consistent index, and the event may arrive late
 * or twice): a grant extended, ended or already reminded since is left alone. The notice outbox's key
 * `reminder:<grant>:<endsAt>` keeps the reminder to one, however many times this runs.
 */
import { markReminded } from '../domain/grant-transitions';
import { isReminderDue } from '../domain/policy';
import type { AppDeps } from './deps';
import { retryDelayMs } from './backoff';
import { tell } from './deliver-notice';
import { commit } from './grant-lifecycle';
import * as say from './messages';
import { auditGrant, noticeStep } from './notices';
import { IssueTrackerError, StaleGrantError, type JiraUser } from './ports';
import type { WorkResult } from './work-result';

export async function sendReminder(deps: AppDeps, grantId: string, endsAt: string): Promise<WorkResult> {
  const g = await deps.grants.get(grantId);
  if (!g || g.status !== 'ACTIVE' || g.endsAt !== endsAt) return { done: true, note: 'grant changed since' };
  if (g.reminderSentAt) return { done: true, note: 'already reminded' };
  const now = deps.clock.now();
  const allowlist = await deps.config.getAllowlist();
  const group = allowlist.find((x) => x.groupId === g.groupId);
  if (!group || !isReminderDue(g, group, now)) return { done: true, note: 'reminder not due' };

  let user: JiraUser | undefined;
  try {
    user = await deps.issues.getUser(g.requesterAccountId);
  } catch (e) {
    if (!(e instanceof IssueTrackerError)) throw e;
    // Jira busy: the queue brings the reminder back (the time zone is worth a short wait).
    if (e.kind === 'transient')
      return {
        done: false,
        retryAfterMs: retryDelayMs(1, e.details.retryAfterMs, deps.random),
        note: 'jira transient',
      };
    // The person is gone or hidden from the app: remind in UTC rather than not at all.
  }
  const { notifyByEmail } = await deps.config.getPolicy();
  const groupName = say.groupLabel(g.groupId, allowlist);
  const key = `reminder:${g.id}:${g.endsAt}`;
  await tell(deps, key, {
    issueKey: g.issueKey,
    comment: say.reminder(g, groupName, user?.timeZone ?? 'UTC', now),
    ...(notifyByEmail ? { email: { to: [g.requesterAccountId], subject: `Access to ${groupName} ends soon` } } : {}),
  });
  await noticeStep(deps.ledger, key, 'audit', () =>
    auditGrant(deps.audit, g, now, 'REMINDED', 'app', `Reminder sent; ends ${g.endsAt}.`),
  );
  try {
    // Marked on the grant for the panel and so later sweeps skip it; the outbox is what guarantees "never twice".
    await commit(deps.grants, markReminded(g, now));
  } catch (e) {
    if (!(e instanceof StaleGrantError)) throw e;
  }
  return { done: true, note: 'reminded' };
}
