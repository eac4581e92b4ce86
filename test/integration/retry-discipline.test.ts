/**
 * How the app behaves while Okta stays broken: one live retry chain per grant step, a credential
 * breaker that stops calling Okta while it rejects the credentials, and everything done once it is back.
 */
import { at, MIN, useWorlds, world, type World } from './world';

useWorlds();

/** `n` more people, each with a Jira account and an active Okta user. */
function people(t: World, n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const email = `person${i}@atko.email`;
    t.sb.okta.addUser({ login: email, email, firstName: 'Person', lastName: String(i) });
    return t.sb.jira.addUser({ displayName: `Person ${i}`, email, timeZone: 'UTC' }).accountId;
  });
}

describe('Okta rejecting the credentials for six hours', () => {
  it('16 pending removals: Okta is called by one probe per 15 minutes, not per grant; all end together at the first probe that gets through', async () => {
    const t = await world();
    const { w, sb } = t;
    const groups = [w.groups.linux, w.groups.windows, w.groups.database];
    const requesters = people(t, 16);
    const raised = [];
    for (const [i, reporter] of requesters.entries()) {
      raised.push(
        await t.raise(
          { changeType: 'Standard', accessType: 'New access', adminGroup: groups[i % 3], requestedEnd: at('10:00:00') },
          { reporter },
        ),
      );
    }
    expect(raised.map((r) => t.grant(r.grantId)!.status)).toEqual(Array(16).fill('ACTIVE'));

    await sb.clock.advanceTo(at('09:59:00'));
    const before = sb.okta.requests.length;
    sb.okta.fault({ path: /.*/, status: 401, times: 1_000_000 });
    await sb.clock.advanceTo(at('16:00:00'));
    const duringOutage = sb.okta.requests.length - before;
    expect(raised.map((r) => t.grant(r.grantId)!.status)).toEqual(Array(16).fill('REVOKING'));
    // Every issue was told once; the dashboard has the breaker's alert.
    for (const r of raised)
      expect(t.comments(r.key).filter((c) => c.includes('waiting for the Okta connection'))).toHaveLength(1);
    expect((await t.health((h) => h.oktaBreaker()))?.message).toContain('Okta rejected the credentials');
    // The bound: the first wave (at most one call per grant before the breaker opened) plus one probe
    // per 15-minute slot over six hours (24, one more at the edge). Without the breaker: ~1,900.
    expect(duringOutage).toBeLessThanOrEqual(16 + 25);
    // One audit entry per grant for the whole outage ("started retrying"), not one per attempt.
    for (const r of raised) expect(t.audit({ grantId: r.grantId, action: 'OKTA_RETRY' })).toHaveLength(1);

    sb.okta.clearFaults();
    const recoveredAt = sb.okta.requests.length;
    // The next probe (within one interval and its spread) gets through; everything that waited runs at once.
    await sb.clock.advanceTo(at('16:17:00'));
    expect(raised.map((r) => t.grant(r.grantId)!.status)).toEqual(Array(16).fill('EXPIRED'));
    const ends = raised.map((r) => Date.parse(t.grant(r.grantId)!.endedAt!));
    expect(Math.max(...ends) - Math.min(...ends)).toBeLessThan(1 * MIN);
    for (const g of groups) expect(sb.okta.members(g)).toEqual([]);
    expect(await t.health((h) => h.oktaBreaker())).toBeUndefined();
    // After recovery: the removals, at most two calls each (the DELETE, and a read when it was gone).
    expect(sb.okta.requests.length - recoveredAt).toBeLessThanOrEqual(16 * 2);
    process.stderr.write(
      `okta requests: ${duringOutage} during the six-hour outage, ${sb.okta.requests.length - recoveredAt} after recovery\n`,
    );
  });
});

describe('the breaker closing', () => {
  it('resumes the removals that waited within the push budget: Forge never refuses its pushes, and every one ends', async () => {
    const t = await world();
    const { w, sb } = t;
    // More than the 200 the probe resumes at once (the push budget), so the rest must wait their turn.
    const N = 300;
    const requesters = people(t, N);
    const raised = [];
    // Raised 100 a minute: the queue is as strict as Forge (500 events a minute per installation).
    for (const [i, reporter] of requesters.entries()) {
      raised.push(await t.newAccess(w.groups.linux, at('10:00:00'), { reporter }));
      if (i % 100 === 99) await sb.clock.advance(MIN);
    }
    await sb.clock.advanceTo(at('09:59:00'));
    sb.okta.fault({ path: /.*/, status: 401, times: 1_000_000 });
    await sb.clock.advanceTo(at('11:00:00'));
    expect(new Set(raised.map((r) => t.grant(r.grantId)!.status))).toEqual(new Set(['REVOKING']));

    const refusedBefore = sb.events.rateLimited.length;
    sb.okta.clearFaults();
    // 200 resume at the probe that gets through; the rest on their own chains, within one more interval.
    await sb.clock.advanceTo(at('12:10:00'));
    expect(new Set(raised.map((r) => t.grant(r.grantId)!.status))).toEqual(new Set(['EXPIRED']));
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    // What waited is resumed within the installation's push budget: no push of it is refused.
    expect(sb.events.rateLimited.slice(refusedBefore)).toEqual([]);
  }, 120_000);
});

describe('one live retry chain per step', () => {
  it("the exact-time expiry, the sweep and an admin's push for one removal make one chain while Okta is down", async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.newAccess(w.groups.linux, at('10:00:00'));
    await sb.clock.advanceTo(at('09:59:00'));
    sb.okta.fault({ method: 'DELETE', path: /\/users\//, status: 503, times: 1_000 });
    await sb.clock.advanceTo(at('11:00:00'));
    const deletes = t.oktaWrites({ method: 'DELETE' }).length;
    // One chain: every Okta call is one counted attempt of it, and each retry of it waited within its
    // backoff ceiling (30 s doubling to 15 min). Work pushed again meanwhile stood down, calling nothing.
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REVOKING', attempts: deletes });
    const retries = t
      .deliveries()
      .filter((d) => (d.body as { grantId?: string }).grantId === r.grantId && d.outcome === 'retry');
    expect(retries).toHaveLength(deletes);
    retries.forEach((d, i) => expect(d.retryAfterMs).toBeLessThanOrEqual(Math.min(900_000, 30_000 * 2 ** i)));
    expect(deletes).toBeGreaterThan(3);
    sb.okta.clearFaults();
    await sb.clock.advance(16 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(t.audit({ grantId: r.grantId, action: 'OKTA_RETRY' })).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'OKTA_RECOVERED' })).toHaveLength(1);
  });
});
