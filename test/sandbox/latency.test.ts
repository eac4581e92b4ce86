/**
 * The sandbox's latency model (sandbox/latency.ts, issue 11): remote calls take virtual time, calls
 * started together share a round trip, overlapping invocations wait side by side, and each invocation's
 * virtual duration is on record. Driven through the real @forge/kvs client and the app's real Okta
 * adapter path (the egress proxy to the Okta emulator).
 */
import { kvs } from '@forge/kvs';
import { createSandbox, type Sandbox } from '../../sandbox';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const T0 = Date.parse('2026-11-22T09:00:00.000Z');
const elapsed = (s: Sandbox) => Date.parse(s.clock.now()) - T0;
const durationOf = (s: Sandbox, functionKey: string) =>
  s.invocations.filter((i) => i.functionKey === functionKey).map((i) => i.endMs! - i.startMs);

describe('the latency model', () => {
  it('charges nothing by default: remote calls leave the virtual clock where it was', async () => {
    sb = await createSandbox({ now: '2026-11-22T09:00:00Z' });
    await sb.app.run(async () => {
      for (let i = 0; i < 5; i++) await kvs.set(`k${i}`, i);
    });
    expect(elapsed(sb)).toBe(0);
  });

  it('takes one latency per call made one after another, one for calls started together', async () => {
    sb = await createSandbox({ now: '2026-11-22T09:00:00Z', latency: { storage: 100 } });
    await sb.app.run(
      async () => {
        for (let i = 0; i < 5; i++) await kvs.set(`seq${i}`, i);
      },
      { functionKey: 'sequential' },
    );
    await sb.app.run(() => Promise.all(Array.from({ length: 20 }, (_, i) => kvs.set(`par${i}`, i))), {
      functionKey: 'parallel',
    });
    expect(durationOf(sb, 'sequential')).toEqual([500]);
    expect(durationOf(sb, 'parallel')).toEqual([100]);
    expect(sb.invocations.find((i) => i.functionKey === 'parallel')!.calls.storage).toBe(20);
    expect(elapsed(sb)).toBe(600);
  });

  it('lets overlapping invocations wait side by side, not one after the other', async () => {
    sb = await createSandbox({ now: '2026-11-22T09:00:00Z', latency: { storage: 100 } });
    await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        sb!.app.run(
          async () => {
            for (let i = 0; i < 3; i++) await kvs.set(`w${n}-${i}`, i);
          },
          { functionKey: 'worker' },
        ),
      ),
    );
    expect(durationOf(sb, 'worker')).toEqual(Array(10).fill(300));
    expect(elapsed(sb)).toBe(300);
  });

  it('charges Okta calls too, and waits for the real HTTP answer before moving on', async () => {
    sb = await createSandbox({ now: '2026-11-22T09:00:00Z', latency: { okta: 250 } });
    const status = await sb.app.run(
      async () => {
        const r1 = await fetch(`https://${sb!.okta.domain}/api/v1/groups?limit=1`, {
          headers: { authorization: `SSWS ${sb!.okta.apiToken}` },
        });
        const r2 = await fetch(`https://${sb!.okta.domain}/api/v1/users?limit=1`, {
          headers: { authorization: `SSWS ${sb!.okta.apiToken}` },
        });
        return [r1.status, r2.status];
      },
      { functionKey: 'okta-caller' },
    );
    expect(status).toEqual([200, 200]);
    expect(durationOf(sb, 'okta-caller')).toEqual([500]);
    expect(sb.invocations.find((i) => i.functionKey === 'okta-caller')!.calls.okta).toBe(2);
  });
});
