/** Queue consumer: does the Okta work. Transient failures go back to the queue with a delay. */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { processWork } from '../app/process-work';
import { AUDIT_SEQUENCE_KIND } from '../adapters/queue/audit-sequencer-queue';
import { compose } from './compose';

const WorkItemSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('grant'), grantId: z.string().min(1) }),
  z.object({ kind: z.literal('revoke'), grantId: z.string().min(1) }),
  z.object({ kind: z.literal('expire'), grantId: z.string().min(1) }),
  // The sweep packs at most a push's worth of one lane's expiries (ADR 0031).
  z.object({ kind: z.literal('expire-many'), grantIds: z.array(z.string().min(1).max(200)).min(1).max(50) }),
  z.object({ kind: z.literal('notice'), key: z.string().min(1).max(1000) }),
  z.object({ kind: z.literal('remind'), grantId: z.string().min(1), endsAt: z.string().min(1).max(64) }),
  z.object({ kind: z.literal('sweep') }),
  z.object({ kind: z.literal('review'), grantId: z.string().min(1) }),
  z.object({ kind: z.literal('queue-probe'), runId: z.string().regex(/^[a-z0-9-]{1,64}$/) }),
]);

const RetryDataSchema = z.object({ resumeFrom: z.number().int().min(0).max(50).optional() });

export async function oktaWorker(event: {
  body?: unknown;
  jobId?: string;
  retryContext?: { retryCount: number; retryData?: unknown };
}) {
  // The audit sequencer shares the queue; its events carry their own concurrency key (limit 1).
  if ((event?.body as { kind?: unknown } | undefined)?.kind === AUDIT_SEQUENCE_KIND) {
    const run = await compose().audit.sequence();
    console.info('audit sequencer', JSON.stringify(run));
    return;
  }
  const item = WorkItemSchema.safeParse(event?.body);
  if (!item.success) {
    console.error('okta-worker: dropped a malformed work item', item.error.issues.slice(0, 3));
    return;
  }
  // A batch asked to go on where it stopped: its retry carries the place (ADR 0031).
  const progress = RetryDataSchema.safeParse(event?.retryContext?.retryData);
  const result = await processWork(compose(), item.data, progress.success ? progress.data : {});
  if (!result.done) {
    return new InvocationError({
      retryAfter: Math.min(900, Math.max(1, Math.ceil(result.retryAfterMs / 1000))),
      retryReason: InvocationErrorCode.FUNCTION_UPSTREAM_RATE_LIMITED,
      retryData: { note: result.note, ...(result.resumeFrom !== undefined ? { resumeFrom: result.resumeFrom } : {}) },
    });
  }
}
