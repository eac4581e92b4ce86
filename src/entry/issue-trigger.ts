/** Product trigger for issue created/updated: parse, guard, hand to the intake use case. */
import { intakeIssueEvent } from '../app/intake-issue-event';
import { compose } from './compose';
import { IssueEventSchema, isRelevantIssueEvent, statusChangedTo } from './issue-event';

export async function issueTrigger(event: unknown): Promise<void> {
  const parsed = IssueEventSchema.safeParse(event);
  if (!parsed.success) {
    // Not an event shape we know: nothing to do, and retrying would not change that.
    console.warn('issue-trigger: ignored an event of unknown shape', parsed.error.issues.slice(0, 3));
    return;
  }
  const e = parsed.data;
  if (!isRelevantIssueEvent(e)) return;
  const outcome = await intakeIssueEvent(compose(), {
    issueId: e.issue.id,
    issueKey: e.issue.key,
    kind: e.eventType === 'avi:jira:created:issue' ? 'created' : 'updated',
    statusTo: statusChangedTo(e),
  });
  console.info(`issue-trigger: ${e.issue.key} ${outcome}`);
}
