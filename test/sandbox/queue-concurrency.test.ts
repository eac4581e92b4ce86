/**
 * The sandbox delivers queue events with N consumers in flight (issue 11), as Forge runs consumers
 * concurrently, and still never more than a concurrency key's limit of one key. Pushed through the
 * real @forge/events client to the app's real consumer (queue-probe work: one storage write each).
 */
import { Queue } from '@forge/events';
import { createSandbox, QUEUE_CONSUMERS_DEFAULT, type Sandbox } from '../../sandbox';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function push(s: Sandbox, events: Array<{ runId: string; key: string; limit: number }>) {
  await s.app.run(async () => {
    await new Queue({ key: 'okta-work' }).push(
      events.map((e) => ({
        body: { kind: 'queue-probe', runId: e.runId },
        concurrency: { key: e.key, limit: e.limit },
      })),
    );
  });
}

describe('queue delivery with N consumers in flight', () => {
  it(`runs up to ${QUEUE_CONSUMERS_DEFAULT} at once by default, overlapping at their await points`, async () => {
    sb = await createSandbox({ now: '2026-11-22T09:00:00Z' });
    await push(
      sb,
      Array.from({ length: 40 }, (_, i) => ({ runId: `r${i}`, key: `k${i}`, limit: 1 })),
    );
    await sb.clock.settle();
    expect(sb.events.deliveries.filter((d) => d.outcome === 'ok')).toHaveLength(40);
    expect(sb.queue.peak).toBe(40);
  });

  it('the cap is configurable; 1 delivers one at a time', async () => {
    sb = await createSandbox({ now: '2026-11-22T09:00:00Z', queueConcurrency: 3 });
    const events = Array.from({ length: 10 }, (_, i) => ({ runId: `r${i}`, key: `k${i}`, limit: 1 }));
    await push(sb, events);
    await sb.clock.settle();
    expect(sb.queue.peak).toBe(3);
    sb.queue.concurrency = 1;
    sb.queue.resetPeak();
    await push(sb, events);
    await sb.clock.settle();
    expect(sb.queue.peak).toBe(1);
    expect(sb.events.deliveries).toHaveLength(20);
  });

  it("honours a concurrency key's limit among many consumers in flight", async () => {
    sb = await createSandbox({ now: '2026-11-22T09:00:00Z', queueConcurrency: 50 });
    await push(sb, [
      ...Array.from({ length: 6 }, (_, i) => ({ runId: `one${i}`, key: 'single', limit: 1 })),
      ...Array.from({ length: 6 }, (_, i) => ({ runId: `two${i}`, key: 'pair', limit: 2 })),
      ...Array.from({ length: 6 }, (_, i) => ({ runId: `free${i}`, key: `own${i}`, limit: 1 })),
    ]);
    await sb.clock.settle();
    expect(sb.events.deliveries).toHaveLength(18);
    expect(sb.queue.peakOfKey('single')).toBe(1);
    expect(sb.queue.peakOfKey('pair')).toBe(2);
    expect(sb.queue.peak).toBeGreaterThanOrEqual(8); // 1 + 2 + the 6 unconstrained ones, and no more
    expect(sb.queue.peak).toBeLessThanOrEqual(9);
  });
});
