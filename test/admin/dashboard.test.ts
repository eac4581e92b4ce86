import { getDashboard } from '../../src/app/admin/dashboard';
import { revokeGrant } from '../../src/app/admin/revoke';
import { makeGrant, makeGroupPolicy } from '../factories/grant';
import { ADMIN, adminWorld, G, USER } from './fakes';

const NOW = '2026-11-22T12:00:00.000Z';

function world() {
  const w = adminWorld(NOW);
  w.config.allowlist = [makeGroupPolicy({ groupId: G.linux }), makeGroupPolicy({ groupId: G.windows, displayName: 'PAM Windows Admins' })];
  return w;
}

describe('dashboard', () => {
  test('lists active, granting, revoking and failed grants with names; failed and overdue first', async () => {
    const w = world();
    await w.grants.create(makeGrant({ id: 'active', status: 'ACTIVE', endsAt: '2026-11-22T15:00:00.000Z', issueKey: 'OPS-1' }));
    await w.grants.create(makeGrant({ id: 'late', status: 'ACTIVE', endsAt: '2026-11-22T11:50:00.000Z', issueKey: 'OPS-2', groupId: G.windows }));
    await w.grants.create(makeGrant({ id: 'failed', status: 'FAILED', reason: 'Okta refused: the group is an APP_GROUP.', issueKey: 'OPS-3' }));
    await w.grants.create(makeGrant({ id: 'revoking', status: 'REVOKING', endsAt: '2026-11-22T11:58:00.000Z', attempts: 2, lastError: 'HTTP 503' }));
    await w.grants.create(makeGrant({ id: 'granting', status: 'GRANTING', requesterAccountId: 'acc-gone' }));
    await w.grants.create(makeGrant({ id: 'done', status: 'EXPIRED' }));
    await w.grants.create(makeGrant({ id: 'denied', status: 'DENIED' }));
    const r = await getDashboard(w.app);
    if (!r.ok) throw new Error(r.message);
    expect(r.data.grants.map((g) => g.id)).toEqual(['failed', 'revoking', 'granting', 'late', 'active']);
    expect(r.data.grants.find((g) => g.id === 'late')).toEqual(expect.objectContaining({
      issueKey: 'OPS-2', requesterName: 'Neville Newadmin', groupName: 'PAM Windows Admins', overdue: true, revocable: true,
    }));
    // FAILED while starting: nothing of the app's to remove, so no Retry removal.
    expect(r.data.grants.find((g) => g.id === 'failed')).toMatchObject({ problem: 'Okta refused: the group is an APP_GROUP.', revocable: false, overdue: false });
    expect(r.data.grants.find((g) => g.id === 'revoking')).toMatchObject({ attempts: 2, problem: 'HTTP 503', overdue: false });
    expect(r.data.grants.find((g) => g.id === 'granting')).toMatchObject({ requesterName: 'acc-gone' });
    expect(r.data.health.overdueRevocations).toBe(1);
  });

  test('health: last and next sweep, a late sweep, Okta errors of the last 24 h, drift', async () => {
    const w = world();
    let r = await getDashboard(w.app);
    expect(r.ok && r.data.health).toEqual({ lastSweepAt: undefined, nextSweepAt: undefined, sweepLate: false, overdueRevocations: 0, oktaErrors24h: 0, recentOktaErrors: [], unmanagedMembers: undefined });

    await w.health.recordSweep('2026-11-22T11:57:00.000Z', { expired: 1 });
    await w.health.recordOktaError('2026-11-21T11:00:00.000Z', 'too old to count');
    await w.health.recordOktaError('2026-11-22T10:00:00.000Z', 'HTTP 429');
    await w.health.recordOktaError('2026-11-22T11:00:00.000Z', 'HTTP 503');
    await w.health.recordUnmanagedMembers('2026-11-22T11:00:00.000Z', { [G.linux]: ['00u1', '00u2'] });
    r = await getDashboard(w.app);
    expect(r.ok && r.data.health).toEqual({
      lastSweepAt: '2026-11-22T11:57:00.000Z', nextSweepAt: '2026-11-22T12:02:00.000Z', sweepLate: false, overdueRevocations: 0,
      oktaErrors24h: 2, recentOktaErrors: [{ at: '2026-11-22T11:00:00.000Z', message: 'HTTP 503' }, { at: '2026-11-22T10:00:00.000Z', message: 'HTTP 429' }],
      unmanagedMembers: { at: '2026-11-22T11:00:00.000Z', count: 2 },
    });
    w.clock.set('2026-11-22T12:08:00.000Z');
    r = await getDashboard(w.app);
    expect(r.ok && r.data.health.sweepLate).toBe(true);
  });

  test('chart: requests per UTC day and group over the last 14 days, denied ones left out', async () => {
    const w = world();
    await w.grants.create(makeGrant({ id: 'a', requestedAt: '2026-11-22T08:00:00.000Z' }));
    await w.grants.create(makeGrant({ id: 'b', requestedAt: '2026-11-22T09:00:00.000Z' }));
    await w.grants.create(makeGrant({ id: 'c', requestedAt: '2026-11-09T00:00:00.000Z', groupId: G.windows }));
    await w.grants.create(makeGrant({ id: 'd', requestedAt: '2026-11-08T23:59:59.000Z' }));
    await w.grants.create(makeGrant({ id: 'e', requestedAt: '2026-11-20T10:00:00.000Z', status: 'DENIED' }));
    const r = await getDashboard(w.app);
    if (!r.ok) throw new Error(r.message);
    expect(r.data.chart.days).toHaveLength(14);
    expect(r.data.chart.days[0]).toBe('2026-11-09');
    expect(r.data.chart.days[13]).toBe('2026-11-22');
    expect(r.data.chart.series).toEqual([
      { groupId: G.linux, groupName: 'PAM Linux Sysadmins', counts: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2] },
      { groupId: G.windows, groupName: 'PAM Windows Admins', counts: [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
    ]);
  });
});

describe('admin revoke', () => {
  test('goes through the lifecycle revocation path with the admin as actor', async () => {
    const w = world();
    await w.grants.create(makeGrant({ id: 'g1', status: 'ACTIVE', requesterAccountId: USER }));
    const r = await revokeGrant(w.app, ADMIN, { grantId: 'g1' });
    expect(r).toEqual({ ok: true, data: { grantId: 'g1', status: 'REVOKING' } });
    expect(await w.grants.get('g1')).toMatchObject({ status: 'REVOKING', endReason: 'REVOKED_BY_ADMIN', endedBy: ADMIN });
    expect(w.queue.items).toEqual([{ item: { kind: 'revoke', grantId: 'g1' }, delaySeconds: 0 }]);
    expect(w.audit.entries).toEqual([expect.objectContaining({ action: 'REVOKE_STARTED', actor: ADMIN, grantId: 'g1' })]);
  });

  test('refuses an ended or unknown grant with the lifecycle\'s reason', async () => {
    const w = world();
    await w.grants.create(makeGrant({ id: 'old', status: 'EXPIRED' }));
    expect(await revokeGrant(w.app, ADMIN, { grantId: 'old' })).toMatchObject({ ok: false, code: 'REVOKE.NOT_ACTIVE' });
    expect(await revokeGrant(w.app, ADMIN, { grantId: 'nope' })).toMatchObject({ ok: false, code: 'GRANT.NOT_FOUND' });
  });
});

describe('retry of a failed removal', () => {
  test('is offered for a FAILED removal and goes through the one revocation path', async () => {
    const w = world();
    await w.grants.create(makeGrant({ id: 'stuck', status: 'FAILED', endReason: 'EXPIRED', endedBy: 'app', reason: 'Okta refused the change: E0000006', issueKey: 'OPS-9' }));
    const r = await getDashboard(w.app);
    if (!r.ok) throw new Error(r.message);
    expect(r.data.grants.find((g) => g.id === 'stuck')).toMatchObject({ revocable: true, overdue: true });
    expect(r.data.health.overdueRevocations).toBe(1); // a failed removal is access still in Okta
    expect(await revokeGrant(w.app, ADMIN, { grantId: 'stuck' })).toMatchObject({ ok: true, data: { status: 'REVOKING' } });
    expect(await w.grants.get('stuck')).toMatchObject({ status: 'REVOKING', endReason: 'EXPIRED' });
  });
});
