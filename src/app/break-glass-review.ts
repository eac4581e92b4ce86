/**
 * The break-glass review (issue 14 §4, ADR 0027): an emergency grant that became ACTIVE owes one review
 * issue, recorded first (create-only under the grant id) and opened by queue work until Jira takes it,
 * like a notice (ADR 0020). Jira being down never blocks or fails the grant: the grant is ACTIVE before
 * the review is owed, and the review's own retries carry it.
 *
 * The review must be resolved by someone other than the person who had access: a review issue moved
 * into a done status by that person is re-opened with a comment; anyone else's resolution is audited.
 */
import {
  isReviewChainDead,
  issueCreated,
  judgeReviewChange,
  opened,
  oweReview as owe,
  refusalCounted,
  retryOpeningLater,
  reviewDueDate,
  reviewLabel,
  reviewSummary,
  startOpening,
  type Review,
  type ReviewIssueChange,
} from '../domain/break-glass-review';
import type { Grant } from '../domain/grant';
import { formatInZone } from './format';
import { MAX_QUEUE_DELAY_MS, retryDelayMs } from './backoff';
import type { AppDeps } from './deps';
import { tell } from './deliver-notice';
import { groupLabel } from './messages';
import { once } from './notices';
import { IssueTrackerError, StaleReviewError, type Message, type WorkItem } from './ports';
import type { WorkResult } from './work-result';

/** Reviews the sweep's backstop re-queues per run; the rest wait for the next. */
const BACKSTOP_LIMIT = 25;
/**
 * After a create whose outcome is unknown, the next attempt searches for the issue by label; Jira's
 * search index trails a create by seconds, so that search waits at least this long.
 */
const SEARCH_INDEX_LAG_MS = 60_000;
/** A review Jira refuses for good (a project or issue type deleted since it was chosen) is retried this often. */
const REFUSED_RETRY_MS = MAX_QUEUE_DELAY_MS;

/**
 * Owes the review of an emergency grant that is ACTIVE (once per grant, whatever redelivery), then
 * tries to open it at once. Only a failure to record it throws (the grant's job is then delivered
 * again, finds the grant ACTIVE and owes the review again); a failure to open it is the queue's to retry.
 */
export async function oweReview(deps: AppDeps, g: Grant): Promise<boolean> {
  if (!g.emergency || g.status !== 'ACTIVE' || !g.startedAt || !g.endsAt) return false;
  if (await deps.reviews.get(g.id)) return false;
  const [policy, allowlist, trail] = await Promise.all([
    deps.config.getPolicy(),
    deps.config.getAllowlist(),
    deps.audit.listByGrant(g.id),
  ]);
  const settings = policy.breakGlassReview;
  if (!settings) return false;
  const oktaRequestIds = [...new Set(trail.flatMap((e) => (e.oktaRequestId ? [e.oktaRequestId] : [])))];
  const review = owe(
    {
      grantId: g.id,
      requestIssueKey: g.issueKey,
      subjectAccountId: g.requesterAccountId,
      groupId: g.groupId,
      groupName: groupLabel(g.groupId, allowlist),
      startedAt: g.startedAt,
      endsAt: g.endsAt,
      oktaRequestIds,
    },
    settings,
    deps.clock.now(),
  );
  if ((await deps.reviews.create(review)) === 'exists') return false;
  try {
    const result = await openReview(deps, g.id);
    if (!result.done) await deps.queue.enqueue([{ kind: 'review', grantId: g.id }], result.retryAfterMs / 1000);
  } catch (e) {
    // Recorded, not opened, and no retry queued: the sweep's backstop finds it within minutes.
    console.warn(`review of ${g.id}: left for the sweep: ${e instanceof Error ? e.message : String(e)}`);
  }
  return true;
}

/**
 * Queue work `review`: one opening attempt (claim, find or create, link, record), or, once the review
 * is open, bring its due date to the grant's end after an extension.
 */
export async function openReview(deps: AppDeps, grantId: string): Promise<WorkResult> {
  const stored = await deps.reviews.get(grantId);
  if (!stored) return { done: true, note: 'no such review' };
  if (stored.status !== 'OPENING') return followGrantEnd(deps, stored);
  const now = deps.clock.now();
  const attempt = startOpening(stored, now);
  if (!attempt) return { done: true, note: 'another attempt holds it' };
  let r = attempt.review;
  try {
    await deps.reviews.update(r);
  } catch (e) {
    if (e instanceof StaleReviewError) return { done: true, note: 'another attempt took it' };
    throw e;
  }
  try {
    let key = r.reviewIssueKey;
    // The earlier attempt crashed or lost Jira's answer after asking: its issue may be there.
    if (!key && attempt.mayExist) key = await deps.reviewIssues.findByLabel(reviewLabel(r.grantId));
    if (!key) key = await deps.reviewIssues.createIssue(await issueInput(deps, r));
    if (r.reviewIssueKey !== key) r = await save(deps, issueCreated(r, key));
    try {
      await deps.reviewIssues.link(key, r.requestIssueKey);
    } catch (e) {
      // The request issue was deleted: the review stands without its link (its description names the request).
      if (!(e instanceof IssueTrackerError) || e.kind !== 'not-found') throw e;
    }
    r = await save(deps, opened(r, deps.clock.now()));
    await once(deps.ledger, `review:${r.grantId}:opened`, async () => {
      await deps.audit.append({
        at: deps.clock.now(),
        action: 'REVIEW_OPENED',
        actor: 'app',
        grantId: r.grantId,
        issueKey: r.requestIssueKey,
        requesterAccountId: r.subjectAccountId,
        groupId: r.groupId,
        detail: `Break-glass review ${key} opened, due ${r.endsAt}.`,
      });
    });
    return followGrantEnd(deps, r);
  } catch (e) {
    if (!(e instanceof IssueTrackerError)) throw e;
    const backoff =
      e.kind === 'transient'
        ? Math.min(MAX_QUEUE_DELAY_MS, retryDelayMs(r.attempts, e.details.retryAfterMs, deps.random))
        : REFUSED_RETRY_MS;
    const delay = r.reviewIssueKey === undefined ? Math.max(SEARCH_INDEX_LAG_MS, backoff) : backoff;
    const retryAt = new Date(Date.parse(deps.clock.now()) + delay).toISOString();
    await save(deps, retryOpeningLater(r, retryAt, e.message));
    return { done: false, retryAfterMs: delay, note: `review not opened: jira ${e.kind}` };
  }
}

/** Extensions move the review's due date with the grant's end (ADR 0027): it is due when access ends. */
async function followGrantEnd(deps: AppDeps, r: Review): Promise<WorkResult> {
  const g = await deps.grants.get(r.grantId);
  if (!g?.endsAt || g.endsAt === r.endsAt || !r.reviewIssueKey || r.status === 'OPENING')
    return { done: true, note: 'review up to date' };
  try {
    await deps.reviewIssues.setDueDate(r.reviewIssueKey, reviewDueDate(g.endsAt));
  } catch (e) {
    if (!(e instanceof IssueTrackerError) || e.kind !== 'transient') throw e;
    return { done: false, retryAfterMs: retryDelayMs(1, e.details.retryAfterMs, deps.random), note: 'jira transient' };
  }
  try {
    await save(deps, {
      ...r,
      endsAt: g.endsAt,
      ...(r.status === 'OPEN' ? { dueAt: g.endsAt } : {}),
      version: r.version + 1,
    });
  } catch (e) {
    if (!(e instanceof StaleReviewError)) throw e;
  }
  return { done: true, note: 'review due date moved' };
}

/** After an extension: the review's due date follows the new end (queue work, retried like the opening). */
export async function reviewFollowsExtension(deps: AppDeps, g: Grant): Promise<void> {
  if (!g.emergency) return;
  const r = await deps.reviews.get(g.id);
  if (r && r.endsAt !== g.endsAt) await deps.queue.enqueue([{ kind: 'review', grantId: g.id }]);
}

async function issueInput(deps: AppDeps, r: Review) {
  const [requestSummary, subject] = await Promise.all([
    deps.reviewIssues.summaryOf(r.requestIssueKey),
    deps.issues.getUser(r.subjectAccountId),
  ]);
  const name = subject?.displayName ?? r.subjectAccountId;
  return {
    projectKey: r.settings.projectKey,
    issueTypeId: r.settings.issueTypeId,
    summary: reviewSummary(r, name),
    description: reviewDescription(r, requestSummary),
    dueDate: reviewDueDate(r.endsAt),
    ...(r.settings.assignee.kind === 'user' ? { assigneeAccountId: r.settings.assignee.accountId } : {}),
    label: reviewLabel(r.grantId),
  };
}

/** Who had which group, when, why, and Okta's request ids: what a reviewer needs, in ADF through Message. */
export function reviewDescription(r: Review, requestSummary: string | undefined): Message {
  const when = (iso: string) => formatInZone(iso, 'UTC');
  return {
    blocks: [
      {
        paragraph: [
          { mention: r.subjectAccountId },
          { text: ' had ' },
          { text: r.groupName, strong: true },
          { text: ' through the emergency path, without approval.' },
        ],
      },
      {
        table: {
          head: ['What', 'Value'],
          rows: [
            [[{ text: 'Who' }], [{ mention: r.subjectAccountId }]],
            [[{ text: 'Okta group' }], [{ text: `${r.groupName} (${r.groupId})` }]],
            [[{ text: 'From' }], [{ text: when(r.startedAt) }]],
            [[{ text: 'Until' }], [{ text: when(r.endsAt) }]],
            [
              [{ text: 'Why (request)' }],
              [{ link: `/browse/${r.requestIssueKey}`, text: r.requestIssueKey }, { text: ` ${requestSummary ?? ''}` }],
            ],
            [[{ text: 'Okta request ids' }], [{ text: r.oktaRequestIds.join(', ') || 'none recorded' }]],
          ],
        },
      },
      {
        paragraph: [
          {
            text: 'Review what was done with this access and resolve this issue. It must be resolved by someone other than the person who had access.',
          },
        ],
      },
    ],
  };
}

async function save(deps: AppDeps, next: Review): Promise<Review> {
  await deps.reviews.update(next);
  return next;
}

/**
 * A review issue changed (product event): the subject resolving their own review is refused with a
 * comment and the issue re-opened; anyone else's resolution is recorded with who and when.
 */
export async function reviewIssueChanged(
  deps: AppDeps,
  input: ReviewIssueChange & { issueKey: string; changeId: string },
): Promise<'not-a-review' | 'ignored' | 'refused' | 'resolved' | 'reopened'> {
  const found = await deps.reviews.findByIssue(input.issueKey);
  // The index is eventually consistent: act on the strongly consistent record.
  const r = found && (await deps.reviews.get(found.grantId));
  if (!r || r.reviewIssueKey !== input.issueKey) return 'not-a-review';
  const now = deps.clock.now();
  const verdict = judgeReviewChange(r, input, now);
  const base = {
    grantId: r.grantId,
    issueKey: r.requestIssueKey,
    requesterAccountId: r.subjectAccountId,
    groupId: r.groupId,
  };
  switch (verdict.kind) {
    case 'ignore':
      return 'ignored';
    case 'refuse-self-resolution': {
      const key = `review-self-resolution:${r.grantId}:${input.changeId}`;
      await tell(deps, key, {
        issueKey: input.issueKey,
        comment: {
          blocks: [
            {
              paragraph: [
                { mention: r.subjectAccountId },
                {
                  text: ' you had this access, so you may not close its review. It has been re-opened: someone else must review and resolve it.',
                },
              ],
            },
          ],
        },
      });
      await deps.reviewIssues.reopen(input.issueKey);
      await once(deps.ledger, `${key}:audit`, async () => {
        await deps.audit.append({
          at: now,
          action: 'REVIEW_SELF_CLOSE_REFUSED',
          actor: input.actor,
          ...base,
          detail: `The person who had access tried to close the review ${input.issueKey}; it was re-opened.`,
        });
        await deps.reviews.update(refusalCounted(r)).catch((e: unknown) => {
          if (!(e instanceof StaleReviewError)) throw e;
        });
      });
      return 'refused';
    }
    case 'resolved':
    case 'reopened': {
      try {
        await deps.reviews.update(verdict.review);
      } catch (e) {
        // A redelivered event whose change was recorded already.
        if (e instanceof StaleReviewError) return 'ignored';
        throw e;
      }
      await deps.audit.append({
        at: now,
        action: verdict.kind === 'resolved' ? 'REVIEW_RESOLVED' : 'REVIEW_REOPENED',
        actor: input.actor,
        ...base,
        detail:
          verdict.kind === 'resolved'
            ? `Break-glass review ${input.issueKey} resolved.`
            : `Break-glass review ${input.issueKey} re-opened.`,
      });
      return verdict.kind;
    }
  }
}

/** The sweep's backstop: reviews whose opening chain died, as work to queue again. */
export async function stalledReviewWork(deps: Pick<AppDeps, 'reviews'>, now: string): Promise<WorkItem[]> {
  const dueBy = new Date(Date.parse(now) - 5 * 60_000).toISOString();
  const stalled = (await deps.reviews.listOpeningDue(dueBy, BACKSTOP_LIMIT)).filter((r) => isReviewChainDead(r, now));
  return stalled.map((r) => ({ kind: 'review' as const, grantId: r.grantId }));
}
