/** WorkQueue over a Forge async-events queue (at-least-once; the worker is idempotent). */
import { createHash } from 'node:crypto';
import { Queue } from '@forge/events';
import type { WorkItem, WorkQueue } from '../../app/ports';

export const WORK_QUEUE_KEY = 'okta-work';
/** Forge accepts at most 50 events per push and delays of 0-900 s. */
const MAX_EVENTS_PER_PUSH = 50;
const MAX_DELAY_SECONDS = 900;

/**
 * Okta work (grant, revoke, expire) runs in at most this many slots at once per installation. Okta
 * limits simultaneous requests per org (75 for Workforce and Customer Identity orgs, 35 on the free
 * plan: developer.okta.com/docs/reference/rl2-concurrency), shared with every other client of the
 * org, and each piece of our work has at most one Okta call in flight; 30 keeps us well under it while
 * still outrunning the org's per-minute limit at 100 ms a remote call (ADR 0029).
 */
export const OKTA_SLOTS = 30;

const slotOf = (grantId: string) => createHash('sha256').update(grantId).digest().readUInt32BE(0) % OKTA_SLOTS;

/**
 * One job per grant (or notice) at a time, so two deliveries of the same work never race. Okta work is
 * keyed by the grant's slot: the same grant always lands in the same slot (still one at a time), and
 * the slots are the installation's cap on Okta calls in flight.
 */
function concurrencyKey(item: WorkItem): string {
  switch (item.kind) {
    case 'grant':
    case 'revoke':
    case 'expire':
      return `okta-slot:${slotOf(item.grantId)}`;
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
