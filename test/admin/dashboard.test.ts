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
      waitingFor: expect.stringContaining('HTTP 503'),
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
    expect(byId('revoking')).toMatchObject({ attempts: 2, problem: 'HTTP 503', overdue: false });
    expect(byId('granting')).toMatchObject({ requesterName: 'acc-gone' });
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
        { at: '2026-11-22T11:00:00.000Z', message: 'HTTP 503' },
        { at: '2026-11-22T10:00:00.000Z', message: 'HTTP 429' },
      ],
      unmanagedMembers: { at: '2026-11-22T11:00:00.000Z', count: 2 },
      selfCheck: neverRun,
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
    const r = await t.admin('admin/grants/revoke', { grantId: r0.grantId });
    // Read back inside the call: the queue work has not run yet, so the answer says it is queued.
    expect(r).toEqual({ ok: true, data: { grantId: r0.grantId, status: 'REVOKING', outcome: 'queued' } });
    expect(t.grant(r0.grantId)).toMatchObject({
      status: 'REVOKED',
      endReason: 'REVOKED_BY_ADMIN',
      endedBy: w.jira.ada,
    });
    expect(t.audit({ grantId: r0.grantId, action: 'REVOKE_STARTED' })).toEqual([
      expect.objectContaining({ actor: w.jira.ada }),
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
    expect(await t.admin('admin/grants/revoke', { grantId: 'old' })).toMatchObject({
      ok: false,
      error: { code: 'REVOKE.NOT_ACTIVE' },
    });
    expect(await t.admin('admin/grants/revoke', { grantId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'GRANT.NOT_FOUND' },
    });
  });
});

describe('retry of a failed removal', () => {
  test('is offered for a FAILED removal and goes through the one revocation path', async () => {
    const t = await adminSite({ seed: 'demo' });
    const { w, sb } = t;
    // A removal Okta refused at the end: FAILED, the membership still there.
    const r0 = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
      requestedEnd: '2026-11-22T09:40:00.000Z',
    });
    sb.okta.fault({ method: 'DELETE', path: /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/, status: 403 });
    await sb.clock.advanceTo('2026-11-22T09:50:00.000Z');
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'FAILED', endReason: 'EXPIRED' });

    const d = await t.admin('admin/dashboard/get');
    expect(d.data.grants.find((g: { id: string }) => g.id === r0.grantId)).toMatchObject({
      revocable: true,
      overdue: true,
    });
    expect(d.data.health.overdueRevocations).toBe(1); // a failed removal is access still in Okta
    expect(await t.admin('admin/grants/revoke', { grantId: r0.grantId })).toMatchObject({
      ok: true,
      data: { status: 'REVOKING' },
    });
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'EXPIRED', endReason: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });
});
