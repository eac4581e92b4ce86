/** WorkQueue over a Forge async-events queue (at-least-once; the worker is idempotent). */
import { createHash } from 'node:crypto';
import { Queue } from '@forge/events';
import { oktaLaneOf } from '../../app/okta-lanes';
import type { WorkItem, WorkQueue } from '../../app/ports';

export const WORK_QUEUE_KEY = 'okta-work';
/** Forge accepts at most 50 events per push and delays of 0-900 s. */
const MAX_EVENTS_PER_PUSH = 50;
const MAX_DELAY_SECONDS = 900;

/**
 * One job per grant (or notice) at a time, so two deliveries of the same work never race. Okta work is
 * keyed by the grant's lane (src/app/okta-lanes.ts): the same grant always lands in the same lane (still
 * one at a time), and the lanes are the installation's cap on Okta calls in flight.
 */
function concurrencyKey(item: WorkItem): string {
  switch (item.kind) {
    case 'grant':
    case 'revoke':
    case 'expire':
      return `okta-slot:${oktaLaneOf(item.grantId)}`;
    case 'expire-many':
      // The sweep packs only grants of one lane together (ADR 0031).
      return `okta-slot:${oktaLaneOf(item.grantIds[0]!)}`;
    case 'queue-probe':
      return `queue-probe:${item.runId}`;
    case 'sweep':
      // One continuation of the sweep at a time.
      return 'sweep';
    case 'notice':
      // Notice keys may carry user-entered text: a digest keeps the concurrency key short and plain.
      return `notice:${createHash('sha256').update(item.key).digest('hex').slice(0, 40)}`;
    default:
      return item.grantId;
  }
}

export class ForgeWorkQueue implements WorkQueue {
  constructor(private readonly queue = new Queue({ key: WORK_QUEUE_KEY })) {}

  async enqueue(items: WorkItem[], delaySeconds = 0): Promise<void> {
    await this.enqueueEach(items.map((item) => ({ item, delaySeconds })));
  }

  async enqueueEach(entries: ReadonlyArray<{ item: WorkItem; delaySeconds?: number }>): Promise<void> {
    for (let i = 0; i < entries.length; i += MAX_EVENTS_PER_PUSH) {
      await this.queue.push(
        entries.slice(i, i + MAX_EVENTS_PER_PUSH).map(({ item, delaySeconds = 0 }) => ({
          body: { ...item },
          delayInSeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
          concurrency: { key: concurrencyKey(item), limit: 1 },
        })),
      );
    }
  }
}
