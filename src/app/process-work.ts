/** The queue consumer's dispatcher: one work item, one use case. */
import type { AppDeps } from './deps';
import { deliverNotice } from './deliver-notice';
import { openReview } from './break-glass-review';
import { grantAccess } from './grant-access';
import type { WorkItem } from './ports';
import { expireMany, performRevocation } from './revoke-grant';
import { recordQueueArrival } from './self-check';
import { runSweep } from './run-sweep';
import { sendReminder } from './send-reminder';
import type { WorkResult } from './work-result';

/** `resumeFrom`: where this delivery of a batch starts, from the queue's retry of an earlier one. */
export function processWork(
  deps: AppDeps,
  item: WorkItem,
  progress: { resumeFrom?: number } = {},
): Promise<WorkResult> {
  switch (item.kind) {
    case 'grant':
      return grantAccess(deps, item.grantId);
    case 'revoke':
      return performRevocation(deps, item.grantId, { expireIfDue: false });
    case 'expire':
      return performRevocation(deps, item.grantId, { expireIfDue: true });
    case 'expire-many':
      return expireMany(deps, item.grantIds, progress.resumeFrom);
    case 'notice':
      return deliverNotice(deps, item.key);
    case 'remind':
      return sendReminder(deps, item.grantId, item.endsAt);
    case 'sweep':
      return runSweep(deps, { continuation: true }).then((s) => ({
        done: true as const,
        note: `sweep continued: ${s.due + s.scheduled + s.reminded + s.requeued} queued, ${s.deferred} left`,
      }));
    case 'queue-probe':
      return recordQueueArrival(deps, item.runId);
    case 'review':
      return openReview(deps, item.grantId);
  }
}
