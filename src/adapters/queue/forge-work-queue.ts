/** WorkQueue over a Forge async-events queue (at-least-once; the worker is idempotent). */
import { Queue } from '@forge/events';
import type { WorkItem, WorkQueue } from '../../app/ports';

export const WORK_QUEUE_KEY = 'okta-work';
/** Forge accepts at most 50 events per push and delays of 0-900 s. */
const MAX_EVENTS_PER_PUSH = 50;
const MAX_DELAY_SECONDS = 900;

export class ForgeWorkQueue implements WorkQueue {
  constructor(private readonly queue = new Queue({ key: WORK_QUEUE_KEY })) {}

  async enqueue(items: WorkItem[], delaySeconds = 0): Promise<void> {
    const delayInSeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds)));
    for (let i = 0; i < items.length; i += MAX_EVENTS_PER_PUSH) {
      await this.queue.push(
        items.slice(i, i + MAX_EVENTS_PER_PUSH).map((item) => ({
          body: { ...item },
          delayInSeconds,
          // One job per grant at a time, so two deliveries of the same grant's work never race.
          concurrency: { key: item.kind === 'queue-probe' ? `queue-probe:${item.runId}` : item.grantId, limit: 1 },
        })),
      );
    }
  }
}
