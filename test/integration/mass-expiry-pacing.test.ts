/**
 * A mass expiry against Okta's rate limit (issue 11, ADR 0021): 300 grants end at the same moment and
 * Okta allows 100 requests a minute. The client paces from `X-Rate-Limit-Remaining` and the queue
 * spreads what waits over the next window, so few requests are spent on 429s and the removals finish
 * close to the time the limit itself imposes. Counts and virtual time only.
 */
import { HOUR, MIN, T0, useWorlds, world } from './world';

const epochSeconds = (ms: number) => String(Math.ceil(ms / 1000));
import { people } from '../suites/outcomes';

useWorlds();

const GRANTS = 300;
const LIMIT = 100;

describe('mass expiry at the Okta rate limit', () => {
  it(`removes ${GRANTS} memberships at ${LIMIT}/min without firing into 429s, near the time the limit imposes`, async () => {
    const t = await world();
    const { w, sb } = t;
    const crowd = people(t, GRANTS, 'mass');
    const groups = [w.groups.linux, w.groups.windows, w.groups.database];
    const end = new Date(Date.parse(T0) + HOUR).toISOString();
    // Granting is not what is measured: a generous limit while the grants are made.
    sb.okta.setRateLimit(100_000, 60);
    // Raised 100 a minute: Forge refuses queue pushes past 500 events a minute per installation (the
    // sandbox too, ADR 0023), and each request queues its grant work besides the audit sequencer's.
    for (let i = 0; i < GRANTS; i++) {
      await t.newAccess(groups[i % 3], end, { reporter: crowd[i].jira });
      if (i % 100 === 99) await sb.clock.advance(MIN);
    }
    expect(t.grants().filter((g) => g.status === 'ACTIVE')).toHaveLength(GRANTS);

    sb.okta.setRateLimit(LIMIT, 60);
    const mark = sb.okta.requests.length;
    for (let i = 0; i < 90 && t.grants().some((g) => g.status !== 'EXPIRED'); i++) await sb.clock.advance(MIN);
    expect(t.grants().filter((g) => g.status === 'EXPIRED')).toHaveLength(GRANTS);
    for (const g of groups) expect(sb.okta.members(g)).toEqual([]);

    const during = sb.okta.requests.slice(mark);
    const limited = during.filter((r) => r.status === 429).length;
    const served = during.filter((r) => r.status !== 429);
    const deletes = served.filter((r) => r.method === 'DELETE');
    expect(deletes).toHaveLength(GRANTS);
    const first = Math.min(...served.map((r) => r.at));
    const last = Math.max(...served.map((r) => r.at));
    // The ideal is the limit's rate: every call served at LIMIT a minute, back to back (ADR 0029). A
    // client that bursts a full window at each reset could finish up to one window sooner; that figure,
    // (windows - 1) minutes, is printed too, but it jumps by a whole minute with one call more or less.
    const idealMs = (served.length / LIMIT) * 60_000;
    const burstIdealMs = (Math.ceil(served.length / LIMIT) - 1) * 60_000;
    const actualMs = Math.max(1, last - first);
    const efficiency = idealMs / actualMs;
    const audit = t.audit().filter((a) => a.action === 'OKTA_RETRY').length;
    console.log(
      `mass expiry: ${GRANTS} grants, ${served.length} Okta calls served, ${limited} 429s (${(limited / GRANTS).toFixed(2)} per grant), ideal ${idealMs / 1000} s (bursting: ${burstIdealMs / 1000} s), actual ${actualMs / 1000} s, efficiency ${efficiency.toFixed(2)}, OKTA_RETRY audit entries ${audit}`,
    );
    // The goal is ≤ 1.5 a grant; waiting for 429s gave 1.03 here with serial delivery. With the
    // sandbox's 50 consumers in flight, calls already sent before the answers that lowered
    // X-Rate-Limit-Remaining arrive still meet the limit: 0.15 measured (0 with serial delivery). The
    // bound sits well below what waiting for 429s costs.
    expect(limited / GRANTS).toBeLessThanOrEqual(0.3);
    // The goal. Measured 0.96 (actual 188 s); with the bursting ideal 0.64.
    expect(efficiency).toBeGreaterThanOrEqual(0.9);
  }, 600_000);

  it('a request held back by the pacing is not failed for it, even past its attempt budget', async () => {
    const t = await world();
    const { w, sb } = t;
    const groupPath = `/api/v1/groups/${w.groups.linux}`;
    // Nine 503s use up nine of the request's ten attempts; the ninth also says the window is spent
    // until three hours from now, so the tenth attempt (and those after) are held back by the client.
    sb.okta.fault({ method: 'GET', path: groupPath, status: 503, times: 8 });
    sb.okta.fault({
      method: 'GET',
      path: groupPath,
      status: 503,
      headers: {
        'X-Rate-Limit-Limit': '600',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': epochSeconds(Date.parse(T0) + 3 * HOUR),
      },
    });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    for (let i = 0; i < 170 && t.grant(r.grantId)!.attempts < 10; i++) await sb.clock.advance(MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.grant(r.grantId)!.attempts).toBeGreaterThanOrEqual(10);
    const groupReads = () => sb.okta.requests.filter((q) => q.method === 'GET' && q.path === groupPath).length;
    const sent = groupReads();
    await sb.clock.advanceTo(new Date(Date.parse(T0) + 3 * HOUR - MIN).toISOString());
    // Held back until the reset: that endpoint not called again, the request still waiting.
    expect(groupReads()).toBe(sent);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    await sb.clock.advanceTo(new Date(Date.parse(T0) + 3 * HOUR + 20 * MIN).toISOString());
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    const errors = await t.health((h) => h.oktaErrorsSince(T0));
    expect(errors.filter((x) => x.message.includes('paused its calls'))).toEqual([]);
  }, 600_000);
});
