/**
 * Pushes one audit sequencer run (ADR 0019) onto the work queue. The concurrency key with limit 1 is
 * what makes the sequencer single: Forge starts at most one event of a key at a time.
 */
import { Queue } from '@forge/events';
import { WORK_QUEUE_KEY } from './forge-work-queue';

export const AUDIT_SEQUENCE_KIND = 'audit-sequence';
export const AUDIT_SEQUENCER_CONCURRENCY_KEY = 'audit-sequencer';

export function auditSequencerTrigger(
  queue = new Queue({ key: WORK_QUEUE_KEY }),
): (delaySeconds: number) => Promise<void> {
  return async (delaySeconds) => {
    await queue.push([
      {
        body: { kind: AUDIT_SEQUENCE_KIND },
        delayInSeconds: delaySeconds,
        concurrency: { key: AUDIT_SEQUENCER_CONCURRENCY_KEY, limit: 1 },
      },
    ]);
  };
}
