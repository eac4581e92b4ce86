/**
 * The fault suite (issue 10 §4): one test per fault row. Each drives the app on the sandbox through
 * the fault and past it, lets the world drain, and then asserts the final grant states, Okta
 * membership, the comments (each owed notice exactly once), Okta request counts and that nothing was
 * lost (test/suites/outcomes.ts). Assertions are on outcomes, never on the app's internal steps.
 */
import { jose } from '../../sandbox/okta/jose';
import { at, MIN, useWorlds, world, type World } from '../integration/world';
import { expectClean, people } from './outcomes';

useWorlds();
jest.setTimeout(60_000);
// Triggers and workers that fail during an outage say so on console.warn: expected here.
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});

const MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const row = (t: World, name: string, o?: Parameters<typeof expectClean>[3]) => expectClean(t, 'faults', name, o);

/** `n` people each asking for `group` until `until`. */
async function crowd(t: World, n: number, until: string, groups = [t.w.groups.linux], prefix = 'person') {
  const ps = people(t, n, prefix);
  const raised = [];
  for (const [i, p] of ps.entries()) {
    const r = await t.newAccess(groups[i % groups.length], until, { reporter: p.jira });
    raised.push({ ...r, person: p, groupId: groups[i % groups.length] });
  }
  return raised;
}
/** Advances minute by minute to `iso`, collecting what triggers throw after their last retry. */
async function advanceThroughFailures(t: World, iso: string): Promise<unknown[]> {
  const thrown: unknown[] = [];
  while (Date.parse(t.sb.clock.now()) < Date.parse(iso))
    await t.sb.clock
      .advance(Math.min(MIN, Date.parse(iso) - Date.parse(t.sb.clock.now())))
      .catch((e: unknown) => thrown.push(e));
  return thrown;
}
const statuses = (t: World, rs: Array<{ grantId: string }>) => rs.map((r) => t.grant(r.grantId)?.status);

async function connectWithOAuth(t: World) {
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'jit-key-1', alg: 'RS256', use: 'sig' };
  const scopes = ['okta.users.read', 'okta.groups.read', 'okta.groups.manage', 'okta.roles.read'];
  t.sb.okta.registerOAuthClient({ clientId: '0oaJITACCESS00000001', publicJwk, scopes, requireDpop: true });
  await t.config(async (c) => {
    await c.saveConnection({
      domain: t.sb.okta.domain,
      auth: { method: 'oauth', clientId: '0oaJITACCESS00000001', keyId: 'jit-key-1' },
    });
    await c.saveSecrets({ privateKeyPem: await jose.exportPKCS8(privateKey) });
  });
}
const tokenCalls = (t: World) => t.sb.okta.requests.filter((q) => q.path === '/oauth2/v1/token');

describe('fault suite: Okta', () => {
  it('429 with X-Rate-Limit-Reset: the add waits for the reset, then the grant runs and ends normally', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.fault({
      method: 'PUT',
      path: MEMBERSHIP,
      status: 429,
      headers: { 'X-Rate-Limit-Limit': '600', 'X-Rate-Limit-Reset': String(epochSeconds(at('09:00:40'))) },
    });
    const r = await t.newAccess(w.groups.linux, at('10:00:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', attempts: 1 });
    await sb.clock.advanceTo(at('09:00:39'));
    expect(t.oktaWrites()).toHaveLength(1); // never before the reset
    await sb.clock.advanceTo(at('10:01:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(t.oktaWrites().map((q) => [q.method, q.status])).toEqual([
      ['PUT', 429],
      ['PUT', 204],
      ['DELETE', 204],
    ]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    await row(t, '429 with X-Rate-Limit-Reset', { requested: [r] });
  });

  it('429 for 10 minutes during a mass expiry: 20 removals wait for the reset, then all end within a minute of it', async () => {
    const t = await world();
    const { sb } = t;
    const raised = await crowd(t, 20, at('10:00:00'), [t.w.groups.linux, t.w.groups.windows]);
    expect(new Set(statuses(t, raised))).toEqual(new Set(['ACTIVE']));
    await sb.clock.advanceTo(at('09:59:59'));
    const before = sb.okta.requests.length;
    sb.okta.fault({
      path: /^\/api\/v1\//,
      status: 429,
      times: 1_000_000,
      headers: { 'X-Rate-Limit-Limit': '600', 'X-Rate-Limit-Reset': String(epochSeconds(at('10:10:00'))) },
    });
    await sb.clock.advanceTo(at('10:09:59'));
    const during = sb.okta.requests.length - before;
    expect(new Set(statuses(t, raised))).toEqual(new Set(['REVOKING']));
    sb.okta.clearFaults();
    await sb.clock.advanceTo(at('10:30:00'));
    expect(new Set(statuses(t, raised))).toEqual(new Set(['EXPIRED']));
    // Each removal tried at most once (and was told the reset): no retry lands inside the window.
    // Besides them, only the hourly drift check's read of each allowlisted group (3) at 10:00. The
    // first 429's X-Rate-Limit-Remaining: 0 paces the rest (ADR 0021): they wait without a call.
    expect(during).toBeLessThanOrEqual(raised.length + 3);
    const limited = t.oktaWrites({ method: 'DELETE', status: 429 }).length;
    expect(limited).toBeGreaterThanOrEqual(1);
    expect(limited).toBeLessThanOrEqual(raised.length);
    const ended = raised.map((r) => Date.parse(t.grant(r.grantId)!.endedAt!));
    expect(Math.max(...ended)).toBeLessThanOrEqual(Date.parse(at('10:11:00')));
    expect(t.oktaWrites({ method: 'DELETE', status: 204 })).toHaveLength(20);
    await row(t, '429 for 10 minutes during a mass expiry', { requested: raised });
  });

  it('500, 502, 503 and an HTML error body: each add retries and lands once, each removal too', async () => {
    const t = await world();
    const { sb } = t;
    const kinds: Array<{ status: number; body?: unknown; headers?: Record<string, string> }> = [
      { status: 500 },
      { status: 502 },
      { status: 503 },
      {
        status: 503,
        body: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
        headers: { 'Content-Type': 'text/html' },
      },
    ];
    const ps = people(t, kinds.length);
    const raised = [];
    for (const [i, k] of kinds.entries()) {
      sb.okta.fault({ method: 'PUT', path: MEMBERSHIP, ...k });
      raised.push(await t.newAccess(t.w.groups.linux, at('10:00:00'), { reporter: ps[i].jira }));
      expect(t.grant(raised[i].grantId)).toMatchObject({ status: 'GRANTING', attempts: 1 });
    }
    await sb.clock.advanceTo(at('09:30:00'));
    expect(new Set(statuses(t, raised))).toEqual(new Set(['ACTIVE']));
    expect(sb.okta.members(t.w.groups.linux).sort()).toEqual(ps.map((p) => p.okta).sort());
    kinds.forEach((k) => sb.okta.fault({ method: 'DELETE', path: MEMBERSHIP, ...k }));
    await sb.clock.advanceTo(at('10:30:00'));
    expect(new Set(statuses(t, raised))).toEqual(new Set(['EXPIRED']));
    expect(t.oktaWrites({ status: 204 })).toHaveLength(8);
    expect(t.oktaWrites().length).toBe(16);
    await row(t, '500/502/503 and an HTML error body', { requested: raised });
  });

  it('a timeout after Okta applied the change (the add, then the removal): one membership, then none, told once each', async () => {
    const t = await world();
    const { w, sb } = t;
    const sandboxFetch = globalThis.fetch;
    const timedOutOn = new Set<string>();
    // Okta applies the write; the app's request times out before the answer arrives (once per method).
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await sandboxFetch(input, init);
      const method = init?.method ?? 'GET';
      if ((method === 'PUT' || method === 'DELETE') && !timedOutOn.has(method) && res.status === 204) {
        timedOutOn.add(method);
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      }
      return res;
    }) as typeof fetch;
    const r = await t.newAccess(w.groups.linux, at('10:00:00'));
    expect([...timedOutOn]).toEqual(['PUT']);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', attempts: 1 });
    await sb.clock.advanceTo(at('10:30:00'));
    expect([...timedOutOn]).toEqual(['PUT', 'DELETE']);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED', preexistingMembership: false });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    // Each write repeated once after its unknown outcome (both are idempotent), nothing more.
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(2);
    expect(t.oktaWrites({ method: 'DELETE' }).length).toBeLessThanOrEqual(2);
    await row(t, 'timeout after Okta applied the change', { requested: [r] });
  });

  it('401 for six hours: Okta requests bounded by one probe per 15 minutes plus the due work, all grants end after recovery', async () => {
    const t = await world();
    const { sb } = t;
    const n = 12;
    const raised = await crowd(t, n, at('10:00:00'), [t.w.groups.linux, t.w.groups.windows, t.w.groups.database]);
    await sb.clock.advanceTo(at('09:59:00'));
    const before = sb.okta.requests.length;
    sb.okta.fault({ path: /.*/, status: 401, times: 1_000_000 });
    await sb.clock.advanceTo(at('16:00:00'));
    const during = sb.okta.requests.length - before;
    expect(new Set(statuses(t, raised))).toEqual(new Set(['REVOKING']));
    sb.okta.clearFaults();
    const recovered = sb.okta.requests.length;
    await sb.clock.advanceTo(at('16:30:00'));
    const after = sb.okta.requests.length - recovered;
    expect(new Set(statuses(t, raised))).toEqual(new Set(['EXPIRED']));
    // The bound: the first wave (one call per due grant before the breaker opened) plus one probe per
    // 15-minute slot over six hours (24, one more at the edge); after recovery at most two calls per
    // removal (the DELETE, and a confirming read).
    const bound = { during: n + 6 * 4 + 1, after: 2 * n };
    expect(during).toBeLessThanOrEqual(bound.during);
    expect(after).toBeLessThanOrEqual(bound.after);
    process.stderr.write(
      `fault suite, 401 for six hours: ${during} Okta requests during (bound ${bound.during}), ${after} after recovery (bound ${bound.after}), ${n} removals\n`,
    );
    for (const r of raised)
      expect(t.comments(r.key).filter((c) => c.includes('waiting for the Okta connection'))).toHaveLength(1);
    await row(t, '401 for six hours', { requested: raised });
  });

  it('invalid_client at the token endpoint: the breaker opens, no Okta call but probes, the removal runs once it is fixed', async () => {
    const t = await world();
    const { w, sb } = t;
    await connectWithOAuth(t);
    const r = await t.newAccess(w.groups.linux, at('12:00:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });
    await sb.clock.advanceTo(at('11:59:00'));
    const before = sb.okta.requests.length;
    // The service app was deactivated (or its key rotated away): every token request is refused.
    sb.okta.fault({
      method: 'POST',
      path: '/oauth2/v1/token',
      status: 401,
      times: 1_000_000,
      body: { error: 'invalid_client', error_description: 'The client is not authorized.' },
    });
    await sb.clock.advanceTo(at('14:00:00'));
    const during = sb.okta.requests.slice(before);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REVOKING' });
    expect(during.every((q) => q.path === '/oauth2/v1/token')).toBe(true);
    expect(during.length).toBeLessThanOrEqual(1 + 2 * 4 + 1);
    expect((await t.health((h) => h.oktaBreaker()))?.message).toMatch(/Okta rejected the OAuth client credentials/);
    sb.okta.clearFaults();
    await sb.clock.advanceTo(at('14:30:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(await t.health((h) => h.oktaBreaker())).toBeUndefined();
    await row(t, 'invalid_client at the token endpoint', { requested: [r] });
  });

  it('DPoP nonce challenge: answered once per token, no API call refused, the grant runs its course', async () => {
    const t = await world();
    const { w, sb } = t;
    await connectWithOAuth(t);
    const r = await t.newAccess(w.groups.linux, at('12:00:00'));
    await sb.clock.advanceTo(at('12:30:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
    const tokens = tokenCalls(t);
    const ok = tokens.filter((q) => q.status === 200).length;
    // Each token request is first challenged (400 use_dpop_nonce) and then answered: no more.
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(tokens.filter((q) => q.status === 400).length).toBeLessThanOrEqual(ok);
    expect(tokens.filter((q) => q.status !== 200 && q.status !== 400)).toEqual([]);
    expect(sb.okta.requests.filter((q) => q.path.startsWith('/api/v1/') && q.status === 401)).toEqual([]);
    expect(t.oktaWrites().map((q) => q.status)).toEqual([204, 204]);
    await row(t, 'DPoP nonce challenge', { requested: [r] });
  });

  it('a user deactivated and a user deleted mid-grant: both grants end, no membership left, nothing retried forever', async () => {
    const t = await world();
    const { w, sb } = t;
    const [gone, deactivated] = await crowd(t, 2, at('11:00:00'));
    await sb.clock.advanceTo(at('10:00:00'));
    sb.okta.deactivateUser(deactivated.person.okta);
    sb.okta.deactivateUser(gone.person.okta);
    sb.okta.deleteUser(gone.person.okta);
    await sb.clock.advanceTo(at('12:00:00'));
    const end = (x: typeof gone) => t.grant(x.grantId)!;
    // Both end at their time: the removal finds the membership gone (deleted user) or removes it
    // (deactivated user, whose memberships Okta keeps).
    expect([end(deactivated), end(gone)]).toEqual([
      expect.objectContaining({ status: 'EXPIRED', endedAt: at('11:00:00') }),
      expect.objectContaining({ status: 'EXPIRED', endedAt: at('11:00:00') }),
    ]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    const requests = sb.okta.requests.length;
    await sb.clock.advanceTo(at('14:00:00'));
    // Settled: only the hourly drift check reads Okta now, no write.
    expect(t.oktaWrites().filter((q) => q.method === 'DELETE').length).toBeLessThanOrEqual(2);
    expect(sb.okta.requests.length - requests).toBeLessThanOrEqual(2 * 6);
    await row(t, 'user deactivated and user deleted mid-grant', { requested: [gone, deactivated] });
  });

  it('a group deleted in Okta: an alert naming it, drift in the other groups still found within the hour, its grant ends', async () => {
    const t = await world();
    const { w, sb } = t;
    const linux = await t.newAccess(w.groups.linux, at('13:00:00'));
    const windows = await t.newAccess(w.groups.windows, at('13:00:00'));
    await sb.clock.advanceTo(at('09:10:00'));
    sb.okta.deleteGroup(w.groups.linux);
    sb.okta.removeMember(w.groups.windows, w.okta.neville);
    sb.okta.addMember(w.groups.database, w.okta.alice);
    await sb.clock.advanceTo(at('10:10:00'));
    expect(t.grant(windows.grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY' });
    expect(t.audit({ action: 'UNMANAGED_MEMBER_FOUND' })).toEqual([
      expect.objectContaining({ groupId: w.groups.database }),
    ]);
    const alerts = await t.health((h) => h.oktaErrorsSince(at('09:00:00')));
    expect(alerts.map((a) => a.message).join('\n')).toMatch(/PAM Linux Sysadmins .*no longer exists in Okta/);
    await sb.clock.advanceTo(at('14:00:00'));
    // Its grant ends at its time: there is no membership left to remove.
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'EXPIRED' });
    await row(t, 'group deleted', { requested: [linux, windows] });
  });

  it('a member removed by hand: REMOVED_EXTERNALLY within the hour, no Okta write, told once', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.newAccess(w.groups.linux, at('15:00:00'));
    await sb.clock.advanceTo(at('09:20:00'));
    sb.okta.removeMember(w.groups.linux, w.okta.neville);
    await sb.clock.advanceTo(at('10:20:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY' });
    await sb.clock.advanceTo(at('15:10:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY' });
    expect(t.oktaWrites().map((q) => q.method)).toEqual(['PUT']);
    await row(t, 'member removed by hand', { requested: [r] });
  });
});

describe('fault suite: Jira and storage', () => {
  it('Jira rejecting comments for an hour: every start, end, View and Extend reply arrives once after it recovers', async () => {
    const t = await world();
    const { w, sb } = t;
    const ending = await t.newAccess(w.groups.windows, at('09:30:00'));
    const extended = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    sb.jira.failNext({ method: 'POST', pathIncludes: '/comment', status: 503, times: 1_000_000 });
    await sb.clock.advanceTo(at('09:10:00'));
    const view = await t.raise({ accessType: 'View access' }, { summary: 'My access' });
    const extend = await t.raise({ changeType: 'Standard', accessType: 'Extend access', adminGroup: w.groups.linux });
    const late = await t.newAccess(w.groups.database, at('12:00:00'));
    // Jira's refusals are the notice outbox's to retry (ADR 0020): no trigger, job or sweep fails for them.
    const thrown = await advanceThroughFailures(t, at('10:10:00'));
    expect(thrown).toEqual([]);
    expect(sb.jira.comments(view.key)).toEqual([]);
    expect(t.grant(ending.grantId)).toMatchObject({ status: 'EXPIRED' });
    sb.jira.clearFailures();
    await sb.clock.advanceTo(at('12:30:00'));
    expect(t.comments(view.key)).toHaveLength(1);
    expect(t.comments(view.key)[0]).toContain('PAM Linux Sysadmins');
    expect(t.comments(extend.key)).toHaveLength(1);
    expect(t.comments(extend.key)[0]).toContain('now runs until');
    expect(t.grant(extended.grantId)).toMatchObject({ status: 'ACTIVE', extensions: 1 });
    expect(t.grant(late.grantId)).toMatchObject({ status: 'EXPIRED' });
    await row(t, 'Jira rejecting comments for an hour', {
      requested: [ending, extended, late],
      otherIssues: [view.key, extend.key],
    });
  });

  it('storage writes failing 5% for an hour: every request raised meanwhile is granted and ended, once', async () => {
    const t = await world();
    const { sb } = t;
    let seed = 7;
    // Its own generator: the app's jitter draws from the sandbox's Math.random, which must not shift.
    const chance = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 100 < 5;
    let failed = 0;
    sb.kvs.writeFailures = () => chance() && ++failed > 0;
    const raised = [];
    const ps = people(t, 12);
    for (const [i, p] of ps.entries()) {
      raised.push(
        await t.newAccess(i % 2 ? t.w.groups.linux : t.w.groups.windows, at('10:30:00'), { reporter: p.jira }),
      );
      // A scheduled run whose write fails fails (Forge logs it; the next run is five minutes later).
      await advanceThroughFailures(t, new Date(Date.parse(sb.clock.now()) + 5 * MIN).toISOString());
    }
    await advanceThroughFailures(t, at('10:00:00'));
    sb.kvs.writeFailures = undefined;
    expect(failed).toBeGreaterThan(0);
    await sb.clock.advanceTo(at('12:00:00'));
    expect(new Set(statuses(t, raised))).toEqual(new Set(['EXPIRED']));
    expect(t.oktaWrites({ method: 'PUT', status: 204 }).length).toBeGreaterThanOrEqual(12);
    expect(t.oktaWrites({ method: 'DELETE', status: 204 }).length).toBeGreaterThanOrEqual(12);
    await row(t, 'storage writes failing 5% for an hour', { requested: raised });
  });
});

describe('fault suite: delivery and scheduling', () => {
  it('duplicate, late and out-of-order events: one grant, one add, one removal, each notice once', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    sb.holdEvents();
    const r = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
      requestedEnd: at('11:00:00'),
    });
    // The creation arrives two minutes late, and twice.
    await sb.clock.advance(2 * MIN);
    await sb.releaseEvents();
    await sb.jira.deliverAgain(r.eventId);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    sb.holdEvents();
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    const approval = sb.jira.events.at(-1)!;
    await sb.clock.advance(1 * MIN);
    // The approval arrives late, twice, and a stale creation event after it (out of order).
    await sb.releaseEvents();
    await sb.jira.deliverAgain(approval.eventId);
    await sb.jira.deliverAgain(r.eventId);
    // Every queued piece of work delivered twice as well.
    for (const e of [...sb.events.peek()]) sb.events.duplicate(e);
    await sb.clock.advanceTo(at('11:30:00'));
    for (const e of [...sb.events.peek()]) sb.events.duplicate(e);
    await sb.clock.advanceTo(at('12:00:00'));
    expect(t.grants()).toHaveLength(1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(1);
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    await row(t, 'duplicate, late and out-of-order events', { requested: [r] });
  });

  it('overlapping sweeps: three sweeps and a drift check at once end each due grant once', async () => {
    const t = await world();
    const { sb } = t;
    const raised = await crowd(t, 8, at('09:42:30'), [t.w.groups.linux, t.w.groups.windows]);
    await sb.clock.advanceTo(at('09:30:00'));
    // A grant that needs its reminder now, so the overlapping sweeps race on it too.
    await sb.clock.advanceTo(at('09:42:00'));
    sb.holdEvents();
    await sb.clock.advanceTo(at('09:43:00'));
    await Promise.all([
      sb.app.runScheduled('expiry-sweep'),
      sb.app.runScheduled('expiry-sweep'),
      sb.app.runScheduled('expiry-sweep'),
      sb.app.runScheduled('drift-reconcile'),
    ]);
    await sb.releaseEvents();
    await sb.clock.advanceTo(at('10:30:00'));
    expect(new Set(statuses(t, raised))).toEqual(new Set(['EXPIRED']));
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(8);
    for (const r of raised) expect(t.comments(r.key).filter((c) => c.includes('ends at'))).toHaveLength(1);
    await row(t, 'overlapping sweeps', { requested: raised });
  });

  it('the app down for an hour, then resuming: due removals run, requests raised meanwhile are recorded and granted', async () => {
    const t = await world();
    const { w, sb } = t;
    const due = await crowd(t, 4, at('09:30:00'), [w.groups.linux, w.groups.windows]);
    const later = await crowd(t, 2, at('12:00:00'), [w.groups.database], 'later');
    await sb.clock.advanceTo(at('09:20:00'));
    // Down: every invocation fails as a broken deployment would. Forge retries queue events (kept
    // 24 h), does not retry scheduled runs, and a product event whose trigger failed is lost.
    const fns = sb.app.loaded.functions;
    const saved = new Map(fns);
    let refused = 0;
    for (const key of saved.keys())
      fns.set(key, async () => {
        refused++;
        const scheduled = sb.app.loaded.schedules.some((s) => s.functionKey === key);
        const trigger = sb.app.loaded.triggers.some((tr) => tr.functionKey === key);
        if (scheduled || trigger) return scheduled ? { statusCode: 503 } : undefined;
        throw new Error('the app is down');
      });
    const meanwhile = await crowd(t, 3, at('12:00:00'), [w.groups.linux], 'meanwhile');
    await sb.clock.advanceTo(at('10:20:00'));
    expect(refused).toBeGreaterThan(0);
    expect(meanwhile.map((r) => t.grant(r.grantId))).toEqual([undefined, undefined, undefined]);
    for (const [key, h] of saved) fns.set(key, h);
    await sb.clock.advanceTo(at('12:30:00'));
    expect(new Set(statuses(t, [...due, ...later, ...meanwhile]))).toEqual(new Set(['EXPIRED']));
    // Due removals run within a sweep of resuming; the requests raised meanwhile (their events lost)
    // were recorded by the next hourly catch-up and kept their requested end.
    for (const r of due)
      expect(Date.parse(t.grant(r.grantId)!.endedAt!)).toBeLessThanOrEqual(Date.parse(at('10:26:00')));
    for (const r of meanwhile)
      expect(t.grant(r.grantId)).toMatchObject({ requestedAt: at('11:00:00'), endsAt: at('12:00:00') });
    await row(t, 'the app down for an hour then resuming', { requested: [...due, ...later, ...meanwhile] });
  });

  it('a crash after k of n revocations: the rest are finished by retries, none twice', async () => {
    const t = await world();
    const { sb } = t;
    const n = 6;
    const k = 3;
    const raised = await crowd(t, n, at('10:00:00'), [t.w.groups.linux, t.w.groups.windows, t.w.groups.database]);
    await sb.clock.advanceTo(at('09:59:00'));
    const handle = sb.kvs.handle.bind(sb.kvs);
    let crashed = 0;
    // After the k-th removal Okta confirmed, the invocations die before their storage writes land,
    // until the end of that instant.
    sb.kvs.handle = (p: string, body: unknown) => {
      if (
        t.oktaWrites({ method: 'DELETE', status: 204 }).length >= k &&
        /\/transaction$/.test(p) &&
        sb.clock.now() === at('10:00:00')
      ) {
        crashed++;
        return { status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'injected: the invocation died here' } };
      }
      return handle(p, body);
    };
    await sb.clock.advanceTo(at('10:00:00'));
    expect(crashed).toBeGreaterThan(0);
    expect(statuses(t, raised).filter((s) => s === 'EXPIRED').length).toBeLessThan(n);
    await sb.clock.advanceTo(at('10:30:00'));
    expect(new Set(statuses(t, raised))).toEqual(new Set(['EXPIRED']));
    for (const g of [t.w.groups.linux, t.w.groups.windows, t.w.groups.database]) expect(sb.okta.members(g)).toEqual([]);
    for (const r of raised) expect(t.audit({ grantId: r.grantId, action: 'ENDED' })).toHaveLength(1);
    await row(t, 'a crash after k of n revocations', { requested: raised });
  });
});
