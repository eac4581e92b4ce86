/** Product trigger for issue created/updated: parse, guard, hand to the intake use case. */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { intakeIssueEvent } from '../app/intake-issue-event';
import { IssueTrackerError } from '../app/ports';
import { compose } from './compose';
import { reviewIssueChanged } from '../app/break-glass-review';
import {
  doneChangeOf,
  IssueEventSchema,
  isRelevantIssueEvent,
  mayEditRequestField,
  statusChangedTo,
} from './issue-event';

/**
 * Forge re-delivers a product event at most four times when asked: use all four, waiting 1, 2, 4 and 8
 * minutes (a quarter of an hour of Jira or storage trouble is ridden out); after that, fail loudly.
 */
const MAX_RETRIES = 4;

export async function issueTrigger(event: unknown): Promise<InvocationError | void> {
  const parsed = IssueEventSchema.safeParse(event);
  if (!parsed.success) {
    // Not an event shape we know: nothing to do, and retrying would not change that.
    console.warn('issue-trigger: ignored an event of unknown shape', parsed.error.issues.slice(0, 3));
    return;
  }
  const e = parsed.data;
  const relevant = isRelevantIssueEvent(e);
  if (!relevant && !mayEditRequestField(e)) return;
  try {
    const deps = compose();
    // A break-glass review resolved or re-opened (ADR 0027): an index read says whether it is one.
    const done = doneChangeOf(e);
    if (done) {
      const changeId = e.changelog?.id ?? String((e as { timestamp?: unknown }).timestamp ?? '');
      const review = await reviewIssueChanged(deps, { ...done, issueKey: e.issue.key, changeId });
      if (review !== 'not-a-review') return void console.info(`issue-trigger: review ${e.issue.key} ${review}`);
    }
    if (!relevant) {
      // Nothing in the changelog says "custom field": it may still be one of the app's fields, whose
      // changelog shape Jira does not document. Its site id decides (field list cached per instance).
      const policy = await deps.config.getPolicy();
      const ids = await deps.issues.requestFieldIds(policy);
      if (!isRelevantIssueEvent(e, new Set(ids))) return;
    }
    const outcome = await intakeIssueEvent(deps, {
      issueId: e.issue.id,
      issueKey: e.issue.key,
      kind: e.eventType === 'avi:jira:created:issue' ? 'created' : 'updated',
      statusTo: statusChangedTo(e),
    });
    console.info(`issue-trigger: ${e.issue.key} ${outcome}`);
  } catch (err) {
    // Intake is idempotent step by step, so the whole event can be delivered again: Jira or storage
    // failing for a moment must not lose a request. After the last retry, fail loudly.
    const retryCount = (e as { retryContext?: { retryCount?: number } }).retryContext?.retryCount ?? 0;
    if (retryCount >= MAX_RETRIES) throw err;
    // JiraError is the port's IssueTrackerError: Jira's Retry-After, when it gave one, wins.
    const waitMs =
      err instanceof IssueTrackerError && err.details.retryAfterMs
        ? err.details.retryAfterMs
        : 60_000 * 2 ** retryCount;
    console.warn(`issue-trigger: ${e.issue.key} failed (${(err as Error).message}); asking Forge to deliver it again`);
    return new InvocationError({
      retryAfter: Math.min(900, Math.ceil(waitMs / 1000)),
      retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
      retryData: { issueKey: e.issue.key },
    });
  }
}
