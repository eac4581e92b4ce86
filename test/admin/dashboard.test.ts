/**
 * The dashboard tab and the admin's revoke on the sandbox: `admin/dashboard/get` and
 * `admin/grants/revoke` through the admin page's resolver as Ada, over grants and health records
 * written by the app's own KVS adapters. A revoke runs the real revocation path (queue consumer,
 * Okta emulator).
 */
import { KvsHealthStore } from '../../src/adapters/kvs/health-store';
import { makeGrant, makeGroupPolicy } from '../factories/grant';
import { useWorlds } from '../integration/world';
import { adminSite } from './site';

useWorlds();

const NOW = '2026-11-22T12:00:00.000Z';

/** The unconfigured site at noon with the Linux and Windows groups allowlisted (no scheduled run yet). */
async function site(now = NOW) {
  const t = await adminSite({ now });
  const { linux, windows } = t.w.groups;
  await t.config((c) =>
    c.saveAllowlist([
      makeGroupPolicy({ groupId: linux }),
      makeGroupPolicy({ groupId: windows, displayName: 'PAM Windows Admins' }),
    ]),
  );
  const grant = (over: Parameters<typeof makeGrant>[0]) =>
    makeGrant({ groupId: linux, requesterAccountId: t.w.jira.neville, ...over });
  return { ...t, grant };
}

async function recordHealth(t: Awaited<ReturnType<typeof site>>) {
  await t.sb.app.run(async () => {
    const h = new KvsHealthStore();
    await h.recordSweep('2026-11-22T11:57:00.000Z', { expired: 1 });
    await h.recordOktaError('2026-11-21T11:00:00.000Z', 'too old to count');
    await h.recordOktaError('2026-11-22T10:00:00.000Z', 'HTTP 429');
    await h.recordOktaError('2026-11-22T11:00:00.000Z', 'HTTP 503');
    await h.recordUnmanagedMembers('2026-11-22T11:00:00.000Z', { [t.w.groups.linux]: ['00u1', '00u2'] });
  });
}

describe('dashboard', () => {
  test('lists requests waiting for approval, oldest first, each with what it waits for or what blocks it', async () => {
    const t = await site();
    const { linux, windows } = t.w.groups;
    await t.config((c) =>
      c.saveAllowlist([
        makeGroupPolicy({ groupId: linux, approvalMode: 'status', approvalWindowDays: 1 }),
        makeGroupPolicy({ groupId: windows, displayName: 'PAM Windows Admins', approvalMode: 'none' }),
      ]),
    );
    const requested = (id: string, requestedAt: string, over: Parameters<typeof makeGrant>[0] = {}) =>
      t.grant({
        id,
        status: 'REQUESTED',
        requestedAt,
        endsAt: undefined,
        startedAt: undefined,
        firstStartedAt: undefined,
        oktaUserId: undefined,
        ...over,
      });
    await t.putGrants(
      requested('waiting', '2026-11-22T11:00:00.000Z', { issueKey: 'OPS-1' }),
      requested('too-old', '2026-11-21T10:00:00.000Z', { issueKey: 'OPS-2' }),
      requested('no-approval', '2026-11-22T11:59:00.000Z', {
        groupId: windows,
        lastError: 'HTTP 503',
        issueKey: 'OPS-3',
      }),
      requested('emergency', '2026-11-22T11:30:00.000Z', { emergency: true, issueKey: 'OPS-4' }),
      requested('gone', '2026-11-22T11:45:00.000Z', { groupId: '00gNotAllowlisted0001', issueKey: 'OPS-5' }),
      t.grant({ id: 'active', status: 'ACTIVE', endsAt: '2026-11-22T15:00:00.000Z' }),
    );
    const r = await t.admin('admin/dashboard/get');
    expect(r.data.pending.more).toBe(false);
    const rows = r.data.pending.requests as Array<Record<string, unknown>>;
    expect(rows.map((p) => p.id)).toEqual(['too-old', 'waiting', 'emergency', 'gone', 'no-approval']);
    const row = (id: string) => rows.find((p) => p.id === id)!;
    expect(row('waiting')).toMatchObject({
      requesterName: 'Neville Newadmin',
      groupName: 'PAM Linux Sysadmins',
      approvals: { given: 0, needed: 1 },
      waitingFor: expect.stringContaining('move the issue to "Approved"'),
      approvers: '1 approval by anyone who can transition the issue, except the requester',
      closesAt: '2026-11-23T11:00:00.000Z',
    });
    expect(row('too-old')).toMatchObject({ waitingFor: expect.stringContaining('Approval window passed') });
    expect(row('no-approval')).toMatchObject({
      approvals: { given: 0, needed: 0 },
      approvers: 'No approval needed',
      // Okta's status is not said on the page (issue 13 §2): the words only.
      waitingFor: 'Being granted; the last Okta check failed: Okta answered with an error.',
    });
    expect(row('no-approval').closesAt).toBeUndefined();
    expect(row('emergency')).toMatchObject({
      emergency: true,
      approvals: { needed: 0 },
      waitingFor: 'Being granted (no approval needed).',
    });
    expect(row('gone')).toMatchObject({ waitingFor: expect.stringContaining('no longer on the allowlist') });
    // Not a grant that needs watching: the pending list is where they are.
    expect(r.data.grants.map((g: { id: string }) => g.id)).toEqual(['active']);
  });

  test('lists active, granting, revoking and failed grants with names; failed and overdue first', async () => {
    const t = await site();
    await t.putGrants(
      t.grant({ id: 'active', status: 'ACTIVE', endsAt: '2026-11-22T15:00:00.000Z', issueKey: 'OPS-1' }),
      t.grant({
        id: 'late',
        status: 'ACTIVE',
        endsAt: '2026-11-22T11:50:00.000Z',
        issueKey: 'OPS-2',
        groupId: t.w.groups.windows,
      }),
      t.grant({
        id: 'failed',
        status: 'FAILED',
        reason: 'Okta refused: the group is an APP_GROUP.',
        issueKey: 'OPS-3',
      }),
      t.grant({
        id: 'revoking',
        status: 'REVOKING',
        endsAt: '2026-11-22T11:58:00.000Z',
        attempts: 2,
        lastError: 'HTTP 503',
      }),
      t.grant({ id: 'granting', status: 'GRANTING', requesterAccountId: 'acc-gone' }),
      t.grant({ id: 'done', status: 'EXPIRED' }),
      t.grant({ id: 'denied', status: 'DENIED' }),
    );
    const r = await t.admin('admin/dashboard/get');
    expect(r.ok).toBe(true);
    const byId = (id: string) => r.data.grants.find((g: { id: string }) => g.id === id);
    expect(r.data.grants.map((g: { id: string }) => g.id)).toEqual([
      'failed',
      'revoking',
      'granting',
      'late',
      'active',
    ]);
    expect(byId('late')).toEqual(
      expect.objectContaining({
        issueKey: 'OPS-2',
        requesterName: 'Neville Newadmin',
        groupName: 'PAM Windows Admins',
        overdue: true,
        revocable: true,
      }),
    );
    // FAILED while starting: nothing of the app's to remove, so no Retry removal.
    expect(byId('failed')).toMatchObject({
      problem: 'Okta refused: the group is an APP_GROUP.',
      revocable: false,
      overdue: false,
    });
    // In words, with Okta's status behind the row's Details (issue 13 §2).
    expect(byId('revoking')).toMatchObject({
      attempts: 2,
      problem: 'Okta answered with an error.',
      problemDetails: 'HTTP 503',
      overdue: false,
    });
    // An account Jira does not name: said so, by the end of its id, never the raw id (issue 13 §2).
    expect(byId('granting')).toMatchObject({ requesterName: 'A Jira user (id ending gone)' });
    expect(r.data.health.overdueRevocations).toBe(1);
  });

  /** Until the install self-check has run (ADR 0014; test/integration/self-check.test.ts for the rest). */
  const neverRun = {
    state: 'never',
    grantsPaused: false,
    summary: 'The self-check has not run yet: run it from Diagnostics.',
    failed: [],
  };

  test('health: last and next sweep, Okta errors of the last 24 h, drift', async () => {
    const t = await site();
    let r = await t.admin('admin/dashboard/get');
    expect(r.ok && r.data.health).toEqual({
      lastSweepAt: undefined,
      nextSweepAt: undefined,
      sweepLate: false,
      overdueRevocations: 0,
      oktaErrors24h: 0,
      recentOktaErrors: [],
      unmanagedMembers: undefined,
      selfCheck: neverRun,
      acks: { oktaErrors: {}, drift: {} },
    });

    await recordHealth(t);
    r = await t.admin('admin/dashboard/get');
    expect(r.ok && r.data.health).toEqual({
      lastSweepAt: '2026-11-22T11:57:00.000Z',
      nextSweepAt: '2026-11-22T12:02:00.000Z',
      sweepLate: false,
      overdueRevocations: 0,
      oktaErrors24h: 2,
      recentOktaErrors: [
        { at: '2026-11-22T11:00:00.000Z', message: 'Okta answered with an error.', details: 'HTTP 503' },
        { at: '2026-11-22T10:00:00.000Z', message: 'Okta answered with an error.', details: 'HTTP 429' },
      ],
      unmanagedMembers: { at: '2026-11-22T11:00:00.000Z', count: 2 },
      selfCheck: neverRun,
      acks: { oktaErrors: {}, drift: {} },
    });
  });

  test('health: the last hourly intake catch-up, what it found and recorded, and its problem', async () => {
    const t = await site();
    const run = { at: '2026-11-22T11:00:00.000Z', examined: 40, found: 3, recorded: 2, failed: 1, more: true };
    await t.sb.app.run(() => new KvsHealthStore().recordCatchUp({ ...run, problem: 'ACC-7: Jira is unavailable' }));
    const r = await t.admin('admin/dashboard/get');
    expect(r.ok && r.data.health.intakeCatchUp).toEqual({
      at: '2026-11-22T11:00:00.000Z',
      examined: 40,
      found: 3,
      recorded: 2,
      failed: 1,
      more: true,
      problem: 'ACC-7: Jira is unavailable',
    });
  });

  test('health: a sweep that did not run for more than an interval after it was due is late', async () => {
    // The same records read at 12:08 (a site deployed at 12:08, so no scheduled sweep has run since).
    const t = await site('2026-11-22T12:08:00.000Z');
    await recordHealth(t);
    const r = await t.admin('admin/dashboard/get');
    expect(r.ok && r.data.health.sweepLate).toBe(true);
  });

  test('chart: requests per UTC day and group over the last 14 days, denied ones left out', async () => {
    const t = await site();
    await t.putGrants(
      t.grant({ id: 'a', requestedAt: '2026-11-22T08:00:00.000Z' }),
      t.grant({ id: 'b', requestedAt: '2026-11-22T09:00:00.000Z' }),
      t.grant({ id: 'c', requestedAt: '2026-11-09T00:00:00.000Z', groupId: t.w.groups.windows }),
      t.grant({ id: 'd', requestedAt: '2026-11-08T23:59:59.000Z' }),
      t.grant({ id: 'e', requestedAt: '2026-11-20T10:00:00.000Z', status: 'DENIED' }),
    );
    const r = await t.admin('admin/dashboard/get');
    expect(r.ok).toBe(true);
    expect(r.data.chart.days).toHaveLength(14);
    expect(r.data.chart.days[0]).toBe('2026-11-09');
    expect(r.data.chart.days[13]).toBe('2026-11-22');
    expect(r.data.chart.series).toEqual([
      {
        groupId: t.w.groups.linux,
        groupName: 'PAM Linux Sysadmins',
        counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
      },
      {
        groupId: t.w.groups.windows,
        groupName: 'PAM Windows Admins',
        counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      },
    ]);
  });
});

describe('admin revoke', () => {
  test('answers REVOKING at once; the one revocation path then ends the grant with the admin as actor', async () => {
    const t = await adminSite({ seed: 'demo' });
    const { w, sb } = t;
    const r0 = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    const r = await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' });
    // Read back inside the call: the queue work has not run yet, so the answer says it is queued.
    expect(r).toEqual({ ok: true, data: { grantId: r0.grantId, status: 'REVOKING', outcome: 'queued' } });
    expect(t.grant(r0.grantId)).toMatchObject({
      status: 'REVOKED',
      endReason: 'REVOKED_BY_ADMIN',
      endedBy: w.jira.ada,
    });
    // The admin's reason is in the audit entry, after what happened.
    expect(t.audit({ grantId: r0.grantId, action: 'REVOKE_STARTED' })).toEqual([
      expect.objectContaining({ actor: w.jira.ada, detail: 'Revoked by an administrator: Work finished.' }),
    ]);
    expect(t.deliveries()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ body: { kind: 'revoke', grantId: r0.grantId }, outcome: 'ok' }),
      ]),
    );
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });

  test("refuses an ended or unknown grant with the lifecycle's reason", async () => {
    const t = await site();
    await t.putGrants(t.grant({ id: 'old', status: 'EXPIRED' }));
    expect(await t.admin('admin/grants/revoke', { grantId: 'old', reason: 'Work finished.' })).toMatchObject({
      ok: false,
      error: { code: 'REVOKE.NOT_ACTIVE' },
    });
    expect(await t.admin('admin/grants/revoke', { grantId: 'nope', reason: 'Work finished.' })).toMatchObject({
      ok: false,
      error: { code: 'GRANT.NOT_FOUND' },
    });
    expect(await t.admin('admin/grants/revoke', { grantId: 'old' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID', message: 'Reason is required.' },
    });
    expect(await t.admin('admin/grants/revoke', { grantId: 'old', reason: 'x'.repeat(501) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID', message: 'Reason must be at most 500 characters.' },
    });
  });
});

/** The demo site at 09:50 with Neville's Linux grant (ended 09:40) FAILED: Okta refused its removal (403). */
async function failedRemovalAt0950() {
  const t = await adminSite({ seed: 'demo' });
  const { w, sb } = t;
  const r0 = await t.raise({
    changeType: 'Standard',
    accessType: 'New access',
    adminGroup: w.groups.linux,
    requestedEnd: '2026-11-22T09:40:00.000Z',
  });
  sb.okta.fault({ method: 'DELETE', path: /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/, status: 403 });
  await sb.clock.advanceTo('2026-11-22T09:50:00.000Z');
  return { t, w, sb, r0 };
}

describe('retry of a failed removal', () => {
  test('is offered for a FAILED removal and goes through the one revocation path', async () => {
    // A removal Okta refused at the end: FAILED, the membership still there.
    const { t, w, sb, r0 } = await failedRemovalAt0950();
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'FAILED', endReason: 'EXPIRED' });

    const d = await t.admin('admin/dashboard/get');
    expect(d.data.grants.find((g: { id: string }) => g.id === r0.grantId)).toMatchObject({
      revocable: true,
      overdue: true,
    });
    expect(d.data.health.overdueRevocations).toBe(1); // a failed removal is access still in Okta
    expect(await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' })).toMatchObject({
      ok: true,
      data: { status: 'REVOKING' },
    });
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'EXPIRED', endReason: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });
});

describe('overdue counts from when removal became due', () => {
  const at = (hhmmss: string) => `2026-11-22T${hhmmss}.000Z`;

  test('the later of the end time and the end request, plus the grace; the same for a failed removal', async () => {
    const t = await site();
    await t.putGrants(
      // Past its end by more than the grace and never started ending: overdue.
      t.grant({ id: 'active-late', status: 'ACTIVE', endsAt: at('11:50:00') }),
      // An expiry being carried out within the grace: not yet.
      t.grant({ id: 'active-ending', status: 'ACTIVE', endsAt: at('11:56:00') }),
      t.grant({
        id: 'expiring',
        status: 'REVOKING',
        endReason: 'EXPIRED',
        endsAt: at('11:56:00'),
        endRequestedAt: at('11:56:01'),
      }),
      // Ended long ago, revoked by an admin seconds ago: due now, not at its old end time.
      t.grant({
        id: 'revoked-now',
        status: 'REVOKING',
        endReason: 'REVOKED_BY_ADMIN',
        endsAt: at('11:00:00'),
        endRequestedAt: at('11:59:50'),
      }),
      // Revoked before its end: due when asked, overdue once the grace has passed since.
      t.grant({
        id: 'revoked-stuck',
        status: 'REVOKING',
        endReason: 'REVOKED_BY_ADMIN',
        endsAt: at('15:00:00'),
        endRequestedAt: at('11:50:00'),
      }),
      // A removal that failed just now (a retry asked seconds ago) and one that failed long ago.
      t.grant({
        id: 'failed-now',
        status: 'FAILED',
        endReason: 'REVOKED_BY_ADMIN',
        endsAt: at('10:00:00'),
        endRequestedAt: at('11:59:30'),
      }),
      t.grant({
        id: 'failed-long',
        status: 'FAILED',
        endReason: 'EXPIRED',
        endsAt: at('11:00:00'),
        endRequestedAt: at('11:00:00'),
      }),
      // Written before endRequestedAt existed: its end time is all there is.
      t.grant({ id: 'legacy', status: 'REVOKING', endReason: 'EXPIRED', endsAt: at('11:40:00') }),
    );
    const r = await t.admin('admin/dashboard/get');
    const overdue = Object.fromEntries(r.data.grants.map((g: { id: string; overdue: boolean }) => [g.id, g.overdue]));
    expect(overdue).toEqual({
      'active-late': true,
      'active-ending': false,
      expiring: false,
      'revoked-now': false,
      'revoked-stuck': true,
      'failed-now': false,
      'failed-long': true,
      legacy: true,
    });
    expect(r.data.health.overdueRevocations).toBe(4);
  });

  test('a grant the admin revokes after its end time is not overdue until the grace has passed since the revoke', async () => {
    // Okta refuses the removal at the end: FAILED and overdue once the grace has passed.
    const { t, sb, r0 } = await failedRemovalAt0950();
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'FAILED' });
    const overdueOf = async () =>
      (await t.admin('admin/dashboard/get')).data.grants.find((g: { id: string }) => g.id === r0.grantId);
    expect(await overdueOf()).toMatchObject({ overdue: true });

    // The admin retries now; Okta is busy, so the removal is still under way: not overdue (was: at once).
    sb.okta.fault({ method: 'DELETE', path: /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/, status: 503, times: 50 });
    expect(await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' })).toMatchObject({
      ok: true,
    });
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'REVOKING', endRequestedAt: '2026-11-22T09:50:00.000Z' });
    expect(await overdueOf()).toMatchObject({ status: 'REVOKING', overdue: false });
    expect((await t.admin('admin/dashboard/get')).data.health.overdueRevocations).toBe(0);
  });
});

describe('acknowledging alerts', () => {
  test('Okta errors: acknowledged once the saved connection passes a check; new errors count again', async () => {
    const t = await site();
    await recordHealth(t);
    // Not connected: nothing shows the cause is resolved, so it stays.
    expect(await t.admin('admin/alerts/acknowledge', { alert: 'okta-errors' })).toMatchObject({
      ok: false,
      error: { code: 'ALERT.NOT_RESOLVED' },
    });
    expect((await t.admin('admin/dashboard/get')).data.health.oktaErrors24h).toBe(2);

    await t.connect();
    const r = await t.admin('admin/alerts/acknowledge', { alert: 'okta-errors' });
    expect(r.ok).toBe(true);
    expect(r.data.health).toMatchObject({
      oktaErrors24h: 0,
      recentOktaErrors: [],
      acks: {
        oktaErrors: { acknowledged: { byName: 'Ada Admin', at: NOW, upTo: NOW, count: 2 } },
        drift: {},
      },
    });
    // Nothing more to acknowledge.
    expect(await t.admin('admin/alerts/acknowledge', { alert: 'okta-errors' })).toMatchObject({
      ok: false,
      error: { code: 'ALERT.NOTHING_TO_ACKNOWLEDGE' },
    });
    const audit = await t.admin('admin/audit/query', {});
    expect(audit.data.rows[0]).toMatchObject({
      action: 'CONFIG_CHANGED',
      actor: t.w.jira.ada,
      detail: expect.stringContaining('Dashboard alert acknowledged: 2 Okta errors'),
    });

    await t.sb.clock.advance(60_000);
    await t.sb.app.run(() => new KvsHealthStore().recordOktaError(t.sb.clock.now(), 'HTTP 500'));
    const again = await t.admin('admin/dashboard/get');
    expect(again.data.health).toMatchObject({
      oktaErrors24h: 1,
      recentOktaErrors: [{ message: 'Okta answered with an error.', details: 'HTTP 500' }],
    });
  });

  test('members without a grant: the ones seen are acknowledged; a new one counts again', async () => {
    const t = await site();
    await recordHealth(t);
    const r = await t.admin('admin/alerts/acknowledge', { alert: 'drift' });
    expect(r.data.health.unmanagedMembers).toEqual({ at: '2026-11-22T11:00:00.000Z', count: 0 });
    expect(r.data.health.acks.drift.acknowledged).toMatchObject({ byName: 'Ada Admin', count: 2 });
    // The Okta errors are another card: untouched.
    expect(r.data.health.oktaErrors24h).toBe(2);

    await t.sb.app.run(() =>
      new KvsHealthStore().recordUnmanagedMembers('2026-11-22T12:00:00.000Z', {
        [t.w.groups.linux]: ['00u1', '00u2', '00u3'],
      }),
    );
    const d = await t.admin('admin/dashboard/get');
    expect(d.data.health.unmanagedMembers).toEqual({ at: '2026-11-22T12:00:00.000Z', count: 1 });
  });

  test('cards that cannot be acknowledged are refused by the contract', async () => {
    const t = await site();
    for (const alert of ['overdue', 'self-check', 'catch-up', 'sweep'])
      expect(await t.admin('admin/alerts/acknowledge', { alert })).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION.INVALID' },
      });
  });
});

describe('denied requests that need an admin', () => {
  // Read live before the first hourly summary; from the summary after it (ADR 0022), fixes still seen at once.
  test.each(['read live', 'from the hourly summary'])(
    'listed newest first with the action and where, without those fixed since, replaced, or for others to fix (%s)',
    async (how) => {
      const t = await site();
      const { w } = t;
      const denied = (id: string, reasonCode: string, over: Parameters<typeof makeGrant>[0] = {}) =>
        t.grant({
          id,
          status: 'DENIED',
          reasonCode,
          reason: `Refused (${reasonCode}).`,
          requestedAt: '2026-11-22T10:00:00.000Z',
          endedAt: '2026-11-22T10:00:05.000Z',
          startedAt: undefined,
          endsAt: undefined,
          oktaUserId: undefined,
          ...over,
        });
      await t.putGrants(
        denied('no-mapping', 'IDENTITY.EMAIL_HIDDEN', { requesterAccountId: w.jira.henry, issueKey: 'OPS-1' }),
        denied('not-allowlisted', 'GRANT.NOT_ALLOWLISTED', {
          groupId: w.groups.superAdmins,
          requestedAt: '2026-11-22T11:00:00.000Z',
          endedAt: '2026-11-22T11:00:01.000Z',
          issueKey: 'OPS-2',
        }),
        // Fixed since: Alice has a mapping now.
        denied('mapped-since', 'IDENTITY.EMAIL_HIDDEN', { requesterAccountId: w.jira.alice, issueKey: 'OPS-3' }),
        // For the approver, not the admin.
        denied('approver-no', 'APPROVAL.DENIED', { groupId: w.groups.windows, issueKey: 'OPS-4' }),
        // Replaced: Neville asked again for Linux and has it.
        denied('replaced', 'USER.NOT_FOUND', { requestedAt: '2026-11-22T08:00:00.000Z', issueKey: 'OPS-5' }),
        t.grant({ id: 'later', status: 'ACTIVE', requestedAt: '2026-11-22T09:00:00.000Z', issueKey: 'OPS-6' }),
        // Out of the window (14 days).
        denied('too-old', 'USER.AMBIGUOUS', {
          requesterAccountId: w.jira.ada,
          requestedAt: '2026-11-01T10:00:00.000Z',
          issueKey: 'OPS-7',
        }),
      );
      if (how === 'from the hourly summary') await hourly(t);
      await t.config(async (c) =>
        c.savePolicy({ ...(await c.getPolicy()), requesterMapping: { [w.jira.alice]: 'alice@example.com' } }),
      );
      const r = await t.admin('admin/dashboard/get');
      expect(r.data.chart.asOf).toBe(how === 'read live' ? undefined : NOW);
      expect(r.data.denied).toMatchObject({ more: false, limit: 20, days: 14 });
      expect(r.data.denied.requests).toEqual([
        expect.objectContaining({
          id: 'not-allowlisted',
          issueKey: 'OPS-2',
          groupId: w.groups.superAdmins,
          reasonCode: 'GRANT.NOT_ALLOWLISTED',
          link: 'allowlist',
          deniedAt: '2026-11-22T11:00:01.000Z',
          action: expect.stringContaining('not on the allowlist: add it on the Allowlist tab'),
        }),
        expect.objectContaining({
          id: 'no-mapping',
          requesterName: 'Hidden Henry',
          link: 'policy',
          reason: 'Refused (IDENTITY.EMAIL_HIDDEN).',
          action: expect.stringContaining('Add Hidden Henry to the requester mapping on the Policy tab'),
        }),
      ]);
    },
  );
});

/** The hourly scheduled work (drift check, intake catch-up, the dashboard's summary), as Forge runs it. */
async function hourly(t: Awaited<ReturnType<typeof site>>) {
  await t.sb.app.runScheduled('drift-reconcile');
}

describe('counts from the hourly summary (ADR 0022)', () => {
  const at = (hhmm: string) => `2026-11-22T${hhmm}:00.000Z`;

  test('totals per status and overdue as of the hourly run; the chart is its counts plus the requests since', async () => {
    const t = await site();
    let r = await t.admin('admin/dashboard/get');
    // Before the first run: no totals to show, every row and count read live.
    expect(r.data.counts).toBeUndefined();
    expect(r.data.listed).toEqual({ perStatus: 100, more: [] });

    await t.putGrants(
      t.grant({ id: 'a', status: 'ACTIVE', requestedAt: at('08:00'), endsAt: at('18:00'), issueKey: 'OPS-1' }),
      t.grant({ id: 'late', status: 'ACTIVE', requestedAt: at('07:00'), endsAt: at('11:00'), issueKey: 'OPS-2' }),
      t.grant({ id: 'failed', status: 'FAILED', requestedAt: at('09:00'), reason: 'Okta refused.', issueKey: 'OPS-3' }),
    );
    await hourly(t);
    // After the run: one requested since (counted live), and one written with an earlier request time
    // (counted by neither until the next run: the staleness the dashboard labels with the summary's time).
    await t.sb.clock.advanceTo(at('12:01'));
    await t.putGrants(
      t.grant({ id: 'since', status: 'ACTIVE', requestedAt: at('12:01'), endsAt: at('18:00'), issueKey: 'OPS-4' }),
      t.grant({ id: 'backdated', status: 'ACTIVE', requestedAt: at('10:00'), endsAt: at('18:00'), issueKey: 'OPS-5' }),
    );
    r = await t.admin('admin/dashboard/get');
    expect(r.data.counts).toEqual({
      asOf: NOW,
      byStatus: { GRANTING: 0, ACTIVE: 2, REVOKING: 0, FAILED: 1, REQUESTED: 0 },
      overdueRevocations: 1,
    });
    // The rows and the overdue card are fresh: every grant shown, whatever the summary counted.
    expect(r.data.grants.map((g: { id: string }) => g.id).sort()).toEqual([
      'a',
      'backdated',
      'failed',
      'late',
      'since',
    ]);
    expect(r.data.health.overdueRevocations).toBe(1);
    expect(r.data.health.overdueRevocationsMore).toBeUndefined();
    expect(r.data.chart).toMatchObject({ asOf: NOW, complete: true });
    const linux = r.data.chart.series.find((s: { groupId: string }) => s.groupId === t.w.groups.linux);
    expect(linux.counts[13]).toBe(4); // a, late, failed from the summary; since read live; not backdated

    await t.sb.clock.advanceTo(at('13:00'));
    await hourly(t);
    r = await t.admin('admin/dashboard/get');
    // The sweeps of the hour ended the overdue one; the next count sees that and the backdated one.
    expect(r.data.counts).toEqual({
      asOf: at('13:00'),
      byStatus: { GRANTING: 0, ACTIVE: 3, REVOKING: 0, FAILED: 1, REQUESTED: 0 },
      overdueRevocations: 0,
    });
    expect(r.data.chart.series.find((s: { groupId: string }) => s.groupId === t.w.groups.linux).counts[13]).toBe(5);
  });
});
