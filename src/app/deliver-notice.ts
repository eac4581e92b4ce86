/**
 * The notice outbox's two halves (ADR 0020): `tell` records what the app owes someone on an issue and
 * makes a first attempt at once; `deliverNotice` (queue work) makes each attempt and schedules the next
 * until Jira takes the notice or refuses it for good. A Jira outage therefore never fails the grant,
 * revocation or intake that owed the notice, and never loses the notice either.
 */
import {
  commentDelivered,
  commentPosted,
  delivered,
  emailDone,
  isNoticeChainDead,
  NOTICE_STALLED_AFTER_MS,
  owe,
  retryLater,
  startAttempt,
  undeliverable,
  type NoticeDraft,
} from '../domain/notice';
import { MAX_QUEUE_DELAY_MS, retryDelayMs } from './backoff';
import type { AppDeps } from './deps';
import { IssueTrackerError, StaleNoticeError, type Message, type OwedNotice, type WorkItem } from './ports';
import type { WorkResult } from './work-result';

type NoticeDeps = Pick<AppDeps, 'clock' | 'random' | 'notices' | 'issues' | 'notifier' | 'queue'>;

/** How many of the issue's newest comments are searched for one an interrupted attempt may have posted. */
const RECENT_COMMENTS = 50;
const ISSUE_GONE = 'The issue was deleted or the app can no longer see it.';
/** Notices the sweep's backstop re-queues per run; the rest wait for the next run. */
const BACKSTOP_LIMIT = 50;

/**
 * Owes a notice, once per `key`: recorded before anything is sent, then tried at once. False when a
 * notice with this key was owed before (whatever became of it: it is not owed twice). Only a failure to
 * record it throws; a failure to deliver it now is the outbox's to retry.
 */
export async function tell(deps: NoticeDeps, key: string, draft: NoticeDraft<Message>): Promise<boolean> {
  const now = deps.clock.now();
  if ((await deps.notices.create(owe(key, draft, now))) === 'exists') return false;
  try {
    const result = await deliverNotice(deps, key);
    if (!result.done) await deps.queue.enqueue([{ kind: 'notice', key }], result.retryAfterMs / 1000);
  } catch (e) {
    // Recorded, not delivered, and no retry queued: the sweep's backstop finds it within minutes.
    console.warn(`notice ${key}: left for the sweep: ${e instanceof Error ? e.message : String(e)}`);
  }
  return true;
}

/**
 * `tell`, building the notice only if it is not owed yet: for notices whose words cost reads (group
 * names, approvers) and that redeliveries meet again and again.
 */
export async function tellUnlessOwed(
  deps: NoticeDeps,
  key: string,
  build: () => Promise<NoticeDraft<Message>>,
): Promise<boolean> {
  if (await deps.notices.get(key)) return false;
  return tell(deps, key, await build());
}

/** One delivery attempt: claim, post what is not posted yet, record the outcome. */
export async function deliverNotice(deps: NoticeDeps, key: string): Promise<WorkResult> {
  const stored = await deps.notices.get(key);
  if (!stored) return { done: true, note: 'no such notice' };
  const now = deps.clock.now();
  const attempt = startAttempt(stored, now);
  if (!attempt) return { done: true, note: stored.status === 'PENDING' ? 'another attempt holds it' : 'settled' };
  let n = attempt.notice;
  try {
    await deps.notices.update(n);
  } catch (e) {
    if (e instanceof StaleNoticeError) return { done: true, note: 'another attempt took it' };
    throw e;
  }
  try {
    if (!n.commentPostedAt) {
      const landed =
        attempt.resumesCrashed && (await deps.issues.hasRecentComment(n.issueKey, n.comment, RECENT_COMMENTS));
      if (!landed && (await deps.issues.comment(n.issueKey, n.comment)) === 'issue-gone')
        return settle(deps, undeliverable(n, deps.clock.now(), ISSUE_GONE));
      // With no email to follow, the comment's record is the delivery's: one write, not two.
      if (!n.email || n.emailDoneAt) {
        await save(deps, commentDelivered(n, deps.clock.now()));
        return { done: true, note: 'notice delivered' };
      }
      n = await save(deps, commentPosted(n, deps.clock.now()));
    }
    if (n.email && !n.emailDoneAt) {
      await deps.notifier.notify(n.issueKey, n.email.to, n.email.subject, n.comment);
      n = await save(deps, emailDone(n, deps.clock.now()));
    }
    await save(deps, delivered(n, deps.clock.now()));
    return { done: true, note: 'notice delivered' };
  } catch (e) {
    if (!(e instanceof IssueTrackerError)) throw e;
    const at = deps.clock.now();
    if (e.kind !== 'transient') {
      const why = e.kind === 'not-found' ? ISSUE_GONE : `Jira refused it: ${e.message}`;
      return settle(deps, undeliverable(n, at, why));
    }
    const delay = Math.min(MAX_QUEUE_DELAY_MS, retryDelayMs(n.attempts, e.details.retryAfterMs, deps.random));
    await save(deps, retryLater(n, at, new Date(Date.parse(at) + delay).toISOString(), e.message));
    return { done: false, retryAfterMs: delay, note: 'jira transient' };
  }
}

async function save(deps: NoticeDeps, next: OwedNotice): Promise<OwedNotice> {
  await deps.notices.update(next);
  return next;
}

/** Jira will never take it: recorded as UNDELIVERABLE, which the admin dashboard lists. */
async function settle(deps: NoticeDeps, n: OwedNotice): Promise<WorkResult> {
  await save(deps, n);
  return { done: true, note: 'notice undeliverable' };
}

/**
 * The sweep's backstop: notices whose retry chain died (a push that failed, a chain past Forge's
 * retries, an attempt that crashed), as work to queue again. One bounded read per run; the rest wait
 * for the next. The sweep pushes them within its push budget (ADR 0023).
 */
export async function stalledNoticeWork(deps: Pick<NoticeDeps, 'notices'>, now: string): Promise<WorkItem[]> {
  const dueBy = new Date(Date.parse(now) - NOTICE_STALLED_AFTER_MS).toISOString();
  const stalled = (await deps.notices.listDue(dueBy, BACKSTOP_LIMIT)).filter((n) => isNoticeChainDead(n, now));
  return stalled.map((n) => ({ kind: 'notice' as const, key: n.key }));
}
