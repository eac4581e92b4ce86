/**
 * When Okta, KVS or the network fail: transient errors keep the grant visibly in GRANTING/REVOKING
 * (attempts, last error) and the queue's retry finishes it; a crash between the Okta call and the
 * storage write ends in the same state; a permanent error ends FAILED, loudly; and drift between the
 * app and Okta is noticed by the reconcile.
 */
import { at, MIN, SEC, T0, useWorlds, world, type World } from './world';

useWorlds();

const MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** Neville asks for the Linux group until `until` (Standard change, clamped by the requested end). */
const linuxUntil = (t: World, until: string) => t.newAccess(t.w.groups.linux, until);

describe('Okta transient errors on the membership PUT', () => {
  it('429 with rate-limit headers: GRANTING with the attempt and the error, retried when the limit resets', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.fault({
      method: 'PUT',
      path: MEMBERSHIP,
      status: 429,
      headers: {
        'X-Rate-Limit-Limit': '600',
        'X-Rate-Limit-Remaining': '0',
        'X-Rate-Limit-Reset': String(epochSeconds(T0) + 40),
      },
    });
    const r = await linuxUntil(t, at('11:00:00'));
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'GRANTING',
      attempts: 1,
      lastError: expect.stringContaining("Okta's rate limit was reached"),
    });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    const retry = t.deliveries().at(-1)!;
    expect(retry).toMatchObject({ outcome: 'retry', body: { kind: 'grant', grantId: r.grantId } });
    // Not before the window resets (40 s); then spread over up to 30 s so a crowd does not return at once.
    expect(retry.retryAfterMs).toBeGreaterThanOrEqual(40 * SEC);
    expect(retry.retryAfterMs).toBeLessThanOrEqual(71 * SEC);
    const failedPut = t.oktaWrites()[0];
    expect(t.audit({ grantId: r.grantId, action: 'OKTA_RETRY' })).toEqual([
      expect.objectContaining({
        oktaRequestId: failedPut.requestId,
        detail: expect.stringContaining('attempt 1 failed'),
      }),
    ]);
    expect(t.comments(r.key)).toEqual([]);

    await sb.clock.advance(retry.retryAfterMs! - 1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING' });
    await sb.clock.advance(1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', attempts: 0, preexistingMembership: false });
    expect(t.grant(r.grantId)!.lastError).toBeUndefined();
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.oktaWrites().map((q) => q.status)).toEqual([429, 204]);
    expect(t.comments(r.key)).toEqual([expect.stringContaining('you are now a member of PAM Linux Sysadmins')]);
    expect(await t.health((h) => h.oktaErrorsSince(T0))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('rate limit') }),
    ]);
  });

  it('503 twice: attempts count up with jittered backoff under a doubling ceiling, then the grant completes', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.fault({ method: 'PUT', path: MEMBERSHIP, status: 503, times: 2 });
    const r = await linuxUntil(t, at('11:00:00'));
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'GRANTING',
      attempts: 1,
      lastError: expect.stringContaining('server error (HTTP 503)'),
    });
    // Full jitter: the first retry comes within 30 s, the second within 60 s of the first.
    const [first] = t.deliveries();
    expect(first).toMatchObject({ outcome: 'retry' });
    expect(first.retryAfterMs).toBeGreaterThanOrEqual(1 * SEC);
    expect(first.retryAfterMs).toBeLessThanOrEqual(30 * SEC);
    // The grant holds the chain's next attempt (Forge rounds the delay up to whole seconds).
    const next = Date.parse(t.grant(r.grantId)!.nextAttemptAt!) - Date.parse(at('09:00:00'));
    expect(next).toBeLessThanOrEqual(first.retryAfterMs!);
    expect(next).toBeGreaterThan(first.retryAfterMs! - 1000);
    await sb.clock.advance(first.retryAfterMs!);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', attempts: 2 });
    const second = t.deliveries()[1];
    expect(second.retryAfterMs).toBeLessThanOrEqual(60 * SEC);
    await sb.clock.advance(second.retryAfterMs! - 1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', attempts: 2 });
    await sb.clock.advance(1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', attempts: 0 });
    expect(t.grant(r.grantId)!.nextAttemptAt).toBeUndefined();
    expect(t.deliveries().map((d) => d.outcome)).toEqual(['retry', 'retry', 'ok']);
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    // One entry when the step started retrying and one when it got through, not one per attempt.
    expect(t.audit({ grantId: r.grantId, action: 'OKTA_RETRY' })).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'OKTA_RECOVERED' })).toEqual([
      expect.objectContaining({ detail: 'Okta answered after 2 failed attempt(s).' }),
    ]);
    expect(t.comments(r.key)).toHaveLength(1);
  });

  it('a timeout: the outcome is unknown, the PUT is retried (it is idempotent), one membership', async () => {
    const t = await world();
    const { w, sb } = t;
    // The emulator answers after 10.5 s (real time); the client gives up at 10 s.
    sb.okta.fault({ method: 'PUT', path: MEMBERSHIP, status: 204, delayMs: 10_500 });
    const r = await linuxUntil(t, at('11:00:00'));
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'GRANTING',
      attempts: 1,
      lastError: expect.stringContaining('did not answer PUT'),
    });
    expect(t.grant(r.grantId)!.lastError).toContain('the outcome is unknown');
    await sb.clock.advance(30 * SEC);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', preexistingMembership: false });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.comments(r.key)).toHaveLength(1);
  }, 30_000);
});

describe('a crash between the Okta call and the storage write', () => {
  /** Fails the first KVS write (matching `path`) made after Okta answered a membership write with 204. */
  function crashAfterOktaWrite(t: World, method: 'PUT' | 'DELETE', path: RegExp) {
    const kvs = t.sb.kvs;
    const handle = kvs.handle.bind(kvs);
    let crashed: string | undefined;
    kvs.handle = (p: string, body: unknown) => {
      if (!crashed && t.oktaWrites({ method, status: 204 }).length > 0 && path.test(p)) {
        crashed = p;
        return { status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'injected: the invocation died here' } };
      }
      return handle(p, body);
    };
    return () => crashed;
  }

  // The ACTIVE write carries the membership's audit entry in the same transaction, so there is one
  // write to lose after the PUT, not two.
  it.each([['the grant becoming ACTIVE (with its audit entries)', /\/transaction$/]])(
    'after the PUT, before %s: the retry ends ACTIVE with one membership, never "pre-existing"',
    async (_name, path) => {
      const t = await world();
      const { w, sb } = t;
      const crashedAt = crashAfterOktaWrite(t, 'PUT', path);
      const r = await linuxUntil(t, at('09:40:00'));
      expect(crashedAt()).toMatch(path);
      expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
      expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', preexistingMembership: false });
      expect(t.deliveries().at(-1)).toMatchObject({ outcome: 'error', error: expect.stringContaining('injected') });
      expect(t.comments(r.key)).toEqual([]);

      await sb.clock.advance(1 * MIN); // the platform retries a failed invocation
      expect(t.grant(r.grantId)).toMatchObject({
        status: 'ACTIVE',
        preexistingMembership: false,
        startedAt: at('09:01:00'),
      });
      expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
      expect(t.comments(r.key)).toEqual([expect.stringContaining('you are now a member of PAM Linux Sysadmins')]);
      expect(t.notifications(r.key)).toHaveLength(1);
      const putIds = t.oktaWrites({ method: 'PUT', status: 204 }).map((q) => q.requestId);
      expect(putIds).toHaveLength(2); // PUT is idempotent: the retry repeats it
      const added = t.audit({ grantId: r.grantId, action: 'MEMBERSHIP_ADDED' });
      expect(added).toHaveLength(1); // recorded exactly once, with the PUT that the retry made
      expect(putIds).toContain(added[0].oktaRequestId);
      expect(t.audit({ grantId: r.grantId, action: 'ACTIVE' })).toHaveLength(1);

      // Because the membership is the app's, it is removed at the end.
      await sb.clock.advanceTo(at('09:41:00'));
      expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
      expect(sb.okta.members(w.groups.linux)).toEqual([]);
      expect(await t.verifyAudit()).toMatchObject({ ok: true });
    },
  );

  it('the PUT applied in Okta but its answer lost: the retry ends ACTIVE, never "pre-existing"', async () => {
    const t = await world();
    const { w, sb } = t;
    const sandboxFetch = globalThis.fetch;
    let lost = 0;
    // Okta applies the PUT; the connection drops before the answer reaches the app.
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await sandboxFetch(input, init);
      if (init?.method === 'PUT' && lost === 0) {
        lost++;
        await res.arrayBuffer();
        throw new TypeError('fetch failed', {
          cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
        });
      }
      return res;
    }) as typeof fetch;
    const r = await linuxUntil(t, at('09:40:00'));
    expect(lost).toBe(1);
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'GRANTING',
      attempts: 1,
      lastError: expect.stringContaining('Could not reach Okta for PUT'),
    });
    await sb.clock.advance(30 * SEC);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', preexistingMembership: false });
    expect(t.comments(r.key)).toHaveLength(1);
    await sb.clock.advanceTo(at('09:41:00'));
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });

  it('after the DELETE, before the grant is marked EXPIRED: the retry ends EXPIRED, one end comment', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await linuxUntil(t, at('09:42:30')); // off the sweep grid: only the exact-time event ends it
    const crashedAt = crashAfterOktaWrite(t, 'DELETE', /\/transaction$/);
    await sb.clock.advanceTo(at('09:42:30'));
    expect(crashedAt()).toBeDefined();
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REVOKING' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.comments(r.key).filter((c) => c.includes('has ended'))).toEqual([]);
    await sb.clock.advanceTo(at('09:43:30')); // the platform retries a failed invocation after a minute
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED', endedAt: at('09:43:30') });
    expect(t.comments(r.key).filter((c) => c.includes('has ended'))).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'ENDED' })).toHaveLength(1);
    expect(sb.jira.issue(r.key).status).toBe('Done');
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });
});

describe('Jira failing after the grant is ACTIVE', () => {
  it.each([
    ['the comment', '/comment'],
    ['the notification', '/notify'],
  ])(
    '%s fails once: the grant is done, and the outbox sends the notice late but exactly once',
    async (_name, pathIncludes) => {
      const t = await world();
      const { w, sb } = t;
      sb.jira.failNext({ method: 'POST', pathIncludes, status: 503 });
      const r = await linuxUntil(t, at('11:00:00'));
      expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });
      // Jira's refusal is the notice's to retry (ADR 0020): the grant's own work ended, once.
      expect(t.deliveries().filter((d) => d.outcome !== 'ok')).toEqual([]);
      expect(t.deliveries().filter((d) => (d.body as { kind?: string }).kind === 'notice')).toEqual([]);
      await sb.clock.advance(1 * MIN);
      expect(t.deliveries().filter((d) => (d.body as { kind?: string }).kind === 'notice')).toEqual([
        expect.objectContaining({ outcome: 'ok' }),
      ]);
      expect(t.comments(r.key)).toEqual([expect.stringContaining('you are now a member of PAM Linux Sysadmins')]);
      expect(t.notifications(r.key)).toEqual([
        expect.objectContaining({ subject: 'Access granted: PAM Linux Sysadmins' }),
      ]);
      expect(t.oktaWrites()).toHaveLength(1);
      expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    },
  );

  it.each([
    ['the end notification', 'POST', '/notify'],
    ['the close-out transition', 'POST', '/transitions'],
  ])(
    '%s fails once at expiry: the retry finishes the notice without repeating the comment',
    async (_name, method, pathIncludes) => {
      const t = await world();
      const { w, sb } = t;
      const r = await linuxUntil(t, at('09:42:30'));
      await sb.clock.advanceTo(at('09:42:00'));
      sb.jira.failNext({ method, pathIncludes, status: 503 });
      await sb.clock.advanceTo(at('09:42:30'));
      expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED' });
      await sb.clock.advanceTo(at('09:44:00'));
      expect(t.comments(r.key).filter((c) => c.includes('has ended'))).toHaveLength(1);
      expect(t.notifications(r.key).filter((n) => n.subject === 'Access ended: PAM Linux Sysadmins')).toHaveLength(1);
      expect(sb.jira.issue(r.key).status).toBe('Done');
      expect(sb.okta.members(w.groups.linux)).toEqual([]);
    },
  );

  it('the end comment fails once for a pre-existing membership: the retry still says it was left in place', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.addMember(w.groups.linux, w.okta.neville);
    const r = await linuxUntil(t, at('09:42:30'));
    await sb.clock.advanceTo(at('09:42:00'));
    sb.jira.failNext({ method: 'POST', pathIncludes: '/comment', status: 503 });
    await sb.clock.advanceTo(at('09:44:00'));
    const ended = t.comments(r.key).filter((c) => c.includes('has ended'));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toContain('You were a member before this grant, so your membership was left in place.');
    expect(ended[0]).not.toContain('You have been removed');
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
  });

  it('the refusal comment fails once: it is still posted on the retry', async () => {
    const t = await world();
    const { sb } = t;
    await t.allowlistDirectly(t.w.groups.appGroup, 'Salesforce Users');
    sb.jira.failNext({ method: 'POST', pathIncludes: '/comment', status: 503 });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.appGroup });
    await sb.clock.advance(2 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key)).toEqual([expect.stringContaining('is of type APP_GROUP')]);
  });
});

describe('Okta errors on the membership DELETE', () => {
  it('503: the revocation stays REVOKING with attempts and completes on retry, never dropped', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await linuxUntil(t, at('09:42:30'));
    sb.okta.fault({ method: 'DELETE', path: MEMBERSHIP, status: 503, headers: { 'Retry-After': '20' } });
    await sb.clock.advanceTo(at('09:42:30'));
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'REVOKING',
      attempts: 1,
      lastError: expect.stringContaining('HTTP 503'),
    });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    // Okta said "retry after 20 s": not before, then spread over up to 30 s.
    const retry = t.deliveries().at(-1)!;
    expect(retry).toMatchObject({ outcome: 'retry' });
    expect(retry.retryAfterMs).toBeGreaterThanOrEqual(20 * SEC);
    expect(retry.retryAfterMs).toBeLessThanOrEqual(51 * SEC);
    await sb.clock.advance(retry.retryAfterMs! - 1);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REVOKING' });
    await sb.clock.advance(1);
    const endedAt = new Date(Date.parse(at('09:42:30')) + retry.retryAfterMs!).toISOString();
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED', attempts: 0, endedAt });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.comments(r.key).filter((c) => c.includes('has ended'))).toHaveLength(1);
  });

  it('403: FAILED, a comment saying an administrator must act, a health record and the dashboard shows it', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await linuxUntil(t, at('09:40:00'));
    sb.okta.fault({ method: 'DELETE', path: MEMBERSHIP, status: 403 });
    await sb.clock.advanceTo(at('09:40:00'));
    const g = t.grant(r.grantId)!;
    expect(g).toMatchObject({ status: 'FAILED', reason: expect.stringContaining('Okta refused the change') });
    // The membership is still there, and the issue says so and who must act.
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    const last = t.comments(r.key).at(-1)!;
    expect(last).toContain('Removing access failed and needs an administrator.');
    expect(last).toContain('An Okta administrator must remove the membership by hand');
    expect(last).toContain('The grant is marked FAILED on the admin dashboard.');
    expect(t.comments(r.key).some((c) => c.includes('has ended'))).toBe(false);
    expect(sb.jira.issue(r.key).status).toBe('To Do');
    expect(t.audit({ grantId: r.grantId, action: 'FAILED' })).toHaveLength(1);
    expect(await t.health((h) => h.oktaErrorsSince(T0))).toEqual([
      expect.objectContaining({
        at: at('09:40:00'),
        message: expect.stringContaining(`${r.key}: Okta refused the change`),
      }),
    ]);

    const dashboard = await sb.app.invoke<any>('admin/dashboard/get', {}, { accountId: w.jira.ada });
    expect(dashboard.ok).toBe(true);
    expect(dashboard.data.grants[0]).toMatchObject({
      id: r.grantId,
      status: 'FAILED',
      issueKey: r.key,
      problem: expect.stringContaining('Okta refused the change'),
    });

    // Later sweeps neither drop it nor spam the issue.
    await sb.clock.advance(30 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'FAILED', version: g.version });
    expect(t.comments(r.key).filter((c) => c.includes('Removing access failed'))).toHaveLength(1);
  });
});

describe('drift between the app and Okta', () => {
  it('a member removed by hand: the grant ends REMOVED_EXTERNALLY at the next reconcile, with no Okta write', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await linuxUntil(t, at('15:00:00'));
    await sb.clock.advanceTo(at('09:30:00'));
    sb.okta.removeMember(w.groups.linux, w.okta.neville);
    await sb.app.runScheduled('drift-reconcile');
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'REMOVED_EXTERNALLY',
      endReason: 'REMOVED_EXTERNALLY',
      endedAt: at('09:30:00'),
      endedBy: 'app',
    });
    expect(t.audit({ grantId: r.grantId, action: 'REMOVED_EXTERNALLY' })).toHaveLength(1);
    expect(t.comments(r.key).at(-1)).toBe(
      '@Neville Newadmin your access to PAM Linux Sysadmins has ended: the membership was removed in Okta outside this app at 22 Nov 2026, 09:30 GMT.',
    );
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([]);
    expect(sb.jira.issue(r.key).status).toBe('Done');

    // Nothing more happens to it: not at its end, not at the next reconcile.
    await sb.clock.advanceTo(at('15:10:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY' });
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([]);
    expect(t.comments(r.key)).toHaveLength(2);
  });

  it('a member added by hand: reported in the audit trail once, never turned into a grant, never removed', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await linuxUntil(t, at('15:00:00'));
    sb.okta.addMember(w.groups.linux, w.okta.alice);
    await sb.clock.advanceTo(at('09:30:00'));
    await sb.app.runScheduled('drift-reconcile');
    const found = t.audit({ action: 'UNMANAGED_MEMBER_FOUND' });
    expect(found).toEqual([
      expect.objectContaining({
        groupId: w.groups.linux,
        actor: 'app',
        detail: expect.stringContaining(`Okta user ${w.okta.alice} is a member of PAM Linux Sysadmins without a grant`),
      }),
    ]);
    expect(await t.health((h) => h.unmanagedMembers())).toEqual({
      at: at('09:30:00'),
      byGroup: { [w.groups.linux]: [w.okta.alice], [w.groups.windows]: [], [w.groups.database]: [] },
    });
    expect(t.grants().map((g) => g.id)).toEqual([r.grantId]);

    // Reported once, however often the reconcile runs (hourly), and left alone.
    await sb.clock.advanceTo(at('12:00:00'));
    await sb.app.runScheduled('drift-reconcile');
    expect(t.audit({ action: 'UNMANAGED_MEMBER_FOUND' })).toHaveLength(1);
    expect(sb.okta.members(w.groups.linux).sort()).toEqual([w.okta.neville, w.okta.alice].sort());
    expect(t.oktaWrites()).toHaveLength(1); // Neville's own PUT only
    expect(t.grants()).toHaveLength(1);
  });
});

describe('Jira failing while the trigger records a request', () => {
  it('the request is recorded at once, and the comment Jira refused arrives once from the notice outbox', async () => {
    const t = await world();
    await t.setGroup(t.w.groups.linux, { approvalMode: 'status' });
    // The waiting-for-approval comment fails: Jira answers 503 once.
    t.sb.jira.failNext({ method: 'POST', pathIncludes: '/comment', status: 503 });
    const r = await t.raise({ accessType: 'New access', adminGroup: t.w.groups.linux, changeType: 'Standard' });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.comments(r.key)).toEqual([]);
    await t.sb.clock.advance(2 * MIN);
    expect(t.comments(r.key).filter((c) => c.includes('waiting for approval'))).toHaveLength(1);
    expect(t.actions(r.grantId).filter((a) => a === 'REQUESTED')).toHaveLength(1);
    // The trigger did not fail for it: the notice, not the intake, is what is retried.
    expect(t.sb.productEvents.filter((p) => p.reason === 'retry')).toHaveLength(0);
  });
});
