/**
 * Paths of the one grant lifecycle that no other suite reaches: a start that Okta holds up until past
 * the grant's end goes through the same removal step as every end, so an add that landed without its
 * answer is taken back; and drift ends through REVOKING like every other end.
 */
import { at, MIN, useWorlds, world } from './world';

useWorlds();

const MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;

describe('a start abandoned at its end time', () => {
  it('takes back an add that landed although Okta answered 503, then ends FAILED and says so', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.fault({ method: 'PUT', path: MEMBERSHIP, status: 503, times: 50 });
    const r = await t.newAccess(w.groups.linux, at('09:20:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', attempts: 1, endsAt: at('09:20:00') });
    // The first PUT did reach Okta; only its answer was lost.
    sb.okta.addMember(w.groups.linux, w.okta.neville);

    await sb.clock.advanceTo(at('09:45:00'));
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'FAILED',
      reason: expect.stringContaining("Okta could not be reached before this grant's end time"),
    });
    expect(t.grant(r.grantId)!.endReason).toBeUndefined();
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    const removal = t.oktaWrites({ method: 'DELETE' });
    expect(removal).toHaveLength(1);
    const actions = t.actions(r.grantId);
    expect(actions.slice(-2)).toEqual(['MEMBERSHIP_REMOVED', 'FAILED']);
    expect(t.audit({ grantId: r.grantId, action: 'MEMBERSHIP_REMOVED' })).toEqual([
      expect.objectContaining({ oktaRequestId: removal[0].requestId }),
    ]);
    expect(actions).not.toContain('ACTIVE');
    expect(t.comments(r.key)).toEqual([expect.stringContaining('could not be granted')]);

    // Nothing more happens to it.
    await sb.clock.advance(60 * MIN);
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    expect(t.comments(r.key)).toHaveLength(1);
  });
});

describe('drift ends through REVOKING', () => {
  it('a member removed by hand: REVOKING with the drift record, then REMOVED_EXTERNALLY with ENDED, one write each', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.newAccess(w.groups.linux, at('15:00:00'));
    await sb.clock.advanceTo(at('09:30:00'));
    sb.okta.removeMember(w.groups.linux, w.okta.neville);
    await sb.app.runScheduled('drift-reconcile');
    expect(t.actions(r.grantId).slice(-2)).toEqual(['REMOVED_EXTERNALLY', 'ENDED']);
    expect(t.audit({ grantId: r.grantId, action: 'ENDED' })).toEqual([
      expect.objectContaining({ actor: 'app', detail: 'Grant ended (REMOVED_EXTERNALLY).' }),
    ]);
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'REMOVED_EXTERNALLY',
      endReason: 'REMOVED_EXTERNALLY',
      attempts: 0,
    });
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([]);
  });
});

describe('fault isolation in the scheduled work', () => {
  const health = (t: Awaited<ReturnType<typeof world>>) => t.health((h) => h.lastSweep());

  /** Neville's and Alice's Linux grants, both ending at 13:00 (reminders due at 12:00), at 11:59. */
  async function twoRemindersDueAtNoon() {
    const t = await world();
    const { w, sb } = t;
    const fields = {
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
      requestedEnd: at('13:00:00'),
    };
    const neville = await t.raise(fields);
    const alice = await t.raise(fields, { reporter: w.jira.alice });
    await sb.clock.advanceTo(at('11:59:00'));
    const reminders = (key: string) => t.comments(key).filter((c) => c.includes('ends at'));
    return { t, sb, neville, alice, reminders };
  }

  it('a reminder that cannot be prepared (Jira refuses the user lookup) does not stop the sweep: both are queued, the other grant is reminded, the refused one is retried by the queue and sent once minutes later (ADR 0023)', async () => {
    const { t, sb, neville, alice, reminders } = await twoRemindersDueAtNoon();

    sb.jira.failNext({ method: 'GET', pathIncludes: '/rest/api/3/user', status: 503 });
    await sb.clock.advanceTo(at('12:00:00'));
    expect([reminders(neville.key).length, reminders(alice.key).length].sort()).toEqual([0, 1]);
    // The sweep only queues reminders: the refused lookup is the worker's, retried by the queue.
    expect(await health(t)).toEqual({
      at: at('12:00:00'),
      summary: expect.objectContaining({ reminded: 2, failed: 0 }),
    });
    expect(sb.events.deliveries.filter((d) => (d.body as { kind?: string }).kind === 'remind')).toEqual(
      expect.arrayContaining([expect.objectContaining({ outcome: 'retry' })]),
    );

    await sb.clock.advanceTo(at('12:05:00'));
    expect(reminders(neville.key)).toHaveLength(1);
    expect(reminders(alice.key)).toHaveLength(1);
    // Already reminded: the next sweep queues nothing again.
    expect(await health(t)).toEqual({
      at: at('12:05:00'),
      summary: expect.objectContaining({ reminded: 0, failed: 0 }),
    });
  });

  it('a reminder comment Jira refuses is recorded and counted by the sweep, and the notice outbox posts it once minutes later', async () => {
    const { t, sb, neville, alice, reminders } = await twoRemindersDueAtNoon();

    sb.jira.failNext({ method: 'POST', pathIncludes: '/comment', status: 503 });
    await sb.clock.advanceTo(at('12:00:00'));
    expect([reminders(neville.key).length, reminders(alice.key).length].sort()).toEqual([0, 1]);
    expect(await health(t)).toEqual({
      at: at('12:00:00'),
      summary: expect.objectContaining({ reminded: 2, failed: 0 }),
    });

    await sb.clock.advanceTo(at('12:10:00'));
    expect(reminders(neville.key)).toHaveLength(1);
    expect(reminders(alice.key)).toHaveLength(1);
  });

  it('a group Okta no longer has is an alert naming it; drift in the other groups is still found', async () => {
    const t = await world();
    const { w, sb } = t;
    const linux = await t.newAccess(w.groups.linux, at('15:00:00'));
    const windows = await t.newAccess(w.groups.windows, at('15:00:00'));
    expect(t.grant(windows.grantId)).toMatchObject({ status: 'ACTIVE' });
    await sb.clock.advanceTo(at('09:30:00'));
    // Linux is checked first; its member list now answers 404 as for a deleted group, every hour.
    sb.okta.fault({
      method: 'GET',
      path: new RegExp(`^/api/v1/groups/${w.groups.linux}/users$`),
      status: 404,
      times: 100,
    });
    sb.okta.removeMember(w.groups.windows, w.okta.neville);
    sb.okta.addMember(w.groups.database, w.okta.alice);
    await sb.app.runScheduled('drift-reconcile');

    expect(t.grant(windows.grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY' });
    expect(t.audit({ action: 'UNMANAGED_MEMBER_FOUND' })).toEqual([
      expect.objectContaining({ groupId: w.groups.database }),
    ]);
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'ACTIVE' });
    const alerts = await t.health((h) => h.oktaErrorsSince(at('09:00:00')));
    expect(alerts).toEqual([
      expect.objectContaining({
        message: expect.stringMatching(
          /^Drift check of PAM Linux Sysadmins \(.+\) failed: .+ The group no longer exists in Okta: remove it from the allowlist/,
        ),
      }),
    ]);
  });
});
