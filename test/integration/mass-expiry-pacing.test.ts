/**
 * A mass expiry against Okta's rate limit (issue 11, ADR 0021): 300 grants end at the same moment and
 * Okta allows 100 requests a minute. The client paces from `X-Rate-Limit-Remaining` and the queue
 * spreads what waits over the next window, so few requests are spent on 429s and the removals finish
 * close to the time the limit itself imposes. Counts and virtual time only.
 */
import { HOUR, MIN, T0, useWorlds, world } from './world';
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
    for (let i = 0; i < GRANTS; i++) await t.newAccess(groups[i % 3], end, { reporter: crowd[i].jira });
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
    // A perfect client starts with a full window and sends the last call the moment enough windows passed.
    const idealMs = (Math.ceil(served.length / LIMIT) - 1) * 60_000;
    const actualMs = Math.max(1, last - first);
    const efficiency = idealMs / actualMs;
    const audit = t.audit().filter((a) => a.action === 'OKTA_RETRY').length;
    console.log(
      `mass expiry: ${GRANTS} grants, ${served.length} Okta calls served, ${limited} 429s (${(limited / GRANTS).toFixed(2)} per grant), ideal ${idealMs / 1000} s, actual ${actualMs / 1000} s, efficiency ${efficiency.toFixed(2)}, OKTA_RETRY audit entries ${audit}`,
    );
    // The goal is ≤ 1.5 a grant; waiting for 429s gave 1.03 here (serial delivery, one client),
    // so the bound is set where only pacing from the headers passes (0 measured).
    expect(limited / GRANTS).toBeLessThanOrEqual(0.05);
    // The goal. Measured 0.94; 0.85 when everything held back came back at the reset + 30 s.
    expect(efficiency).toBeGreaterThanOrEqual(0.9);
  }, 600_000);
});
