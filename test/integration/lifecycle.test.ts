/**
 * The life of a grant after it starts, through the sandbox's virtual clock, five-minute sweeps and
 * delayed queue events: Extend, View, the reminder, expiry within a minute of the end, close-out,
 * two grants sharing one membership, and membership the app did not create.
 */
import { at, MIN, SEC, T0, useWorlds, world, type World } from './world';

useWorlds();

/** Neville's Linux grant; Emergency lasts 4 h (09:00 → 13:00 when raised at the start). */
async function linuxGrant(t: World, changeType = 'Emergency') {
  return t.raise({ changeType, accessType: 'New access', adminGroup: t.w.groups.linux }, { summary: 'Linux work' });
}

describe('Extend access', () => {
  it('moves the end out, never shortens it, and calls no Okta', async () => {
    const t = await world();
    const { w, sb } = t;
    const linux = await linuxGrant(t); // 09:00 → 13:00
    await sb.clock.advanceTo(at('12:00:00'));
    const okta = sb.okta.requests.length;

    const ext = await t.raise(
      { changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux },
      { summary: 'More time' },
    );
    expect(t.grant(linux.grantId)).toMatchObject({
      status: 'ACTIVE',
      endsAt: at('16:00:00'),
      extensions: 1,
      firstStartedAt: T0,
    });
    expect(t.comments(ext.key)).toEqual([
      expect.stringContaining(
        `your membership of PAM Linux Sysadmins now runs until 22 Nov 2026, 16:00 GMT (extension 1 of 2, on ${linux.key})`,
      ),
    ]);
    expect(t.audit({ grantId: linux.grantId, action: 'EXTENDED' })).toEqual([
      expect.objectContaining({ actor: w.jira.neville, detail: expect.stringContaining(`via ${ext.key}`) }),
    ]);
    // The Extend issue is not a grant of its own.
    expect(t.grant(ext.grantId)).toBeUndefined();

    // Again at once: a new 4 h period ends no later than the current end, so nothing moves.
    const again = await t.raise(
      { changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux },
      { summary: 'Again' },
    );
    expect(t.comments(again.key)).toEqual([expect.stringContaining('Access not extended.')]);
    expect(t.comments(again.key)[0]).toContain('would not move the end of this grant');
    expect(t.grant(linux.grantId)).toMatchObject({ endsAt: at('16:00:00'), extensions: 1 });

    // A Standard (12 h, to midnight) grant "extended" with Emergency (4 h from now) would end earlier: refused, end unchanged.
    const windows = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
    await sb.clock.advance(1 * MIN);
    const shorter = await t.raise({
      changeType: 'Emergency',
      accessType: 'Extend access',
      adminGroup: w.groups.windows,
    });
    expect(t.comments(shorter.key)).toEqual([expect.stringContaining('would not move the end of this grant')]);
    expect(t.grant(windows.grantId)).toMatchObject({ endsAt: '2026-11-23T00:00:00.000Z', extensions: 0 });

    // Extensions touch no membership: the only Okta writes are the two grants' own PUTs.
    expect(
      sb.okta.requests
        .slice(okta)
        .filter((r) => r.method !== 'GET')
        .map((r) => r.path),
    ).toEqual([`/api/v1/groups/${w.groups.windows}/users/${w.okta.neville}`]);
    expect(t.oktaWrites().map((r) => r.method)).toEqual(['PUT', 'PUT']);
  });

  it('is capped by the group lifetime and its extension count', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { maxLifetimeHours: 6, maxExtensions: 1 });
    const linux = await linuxGrant(t); // 09:00 → 13:00, lifetime to 15:00
    await sb.clock.advanceTo(at('12:30:00'));
    await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux });
    expect(t.grant(linux.grantId)).toMatchObject({ endsAt: at('15:00:00'), extensions: 1 });

    await sb.clock.advanceTo(at('14:30:00'));
    const over = await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux });
    expect(t.comments(over.key)).toEqual([
      expect.stringContaining('extended 1 time(s), the most PAM Linux Sysadmins allows'),
    ]);
    expect(t.grant(linux.grantId)).toMatchObject({ endsAt: at('15:00:00'), extensions: 1 });

    // It still ends at the capped end.
    await sb.clock.advanceTo(at('15:01:00'));
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'EXPIRED', endedAt: at('15:00:00') });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });

  it('an exact-time expiry already scheduled for the old end leaves the extended grant alone', async () => {
    const t = await world();
    const { w, sb } = t;
    const linux = await linuxGrant(t); // 09:00 → 13:00
    await sb.clock.advanceTo(at('12:50:00')); // the 12:50 sweep schedules the 13:00 expiry event
    expect(sb.events.peek()).toEqual([
      expect.objectContaining({ body: { kind: 'expire', grantId: linux.grantId }, dueAt: Date.parse(at('13:00:00')) }),
    ]);
    await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux });
    expect(t.grant(linux.grantId)).toMatchObject({ endsAt: at('16:50:00') });

    await sb.clock.advanceTo(at('13:10:00'));
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'ACTIVE', endsAt: at('16:50:00') });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([]);
  });
});

describe('View access', () => {
  it('comments a table of the requester grants, running first, in their time zone, with issue links', async () => {
    const t = await world({ now: '2026-11-21T20:00:00.000Z' });
    const { w, sb } = t;
    const old = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.database }); // 20:00 → 00:00
    await sb.clock.advanceTo(at('08:00:00'));
    const windows = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
    await sb.clock.advanceTo(at('09:00:00'));
    const linux = await linuxGrant(t);
    // Alice's grant must not show up in Neville's list.
    await t.raise(
      { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows },
      { reporter: w.jira.alice },
    );

    const view = await t.raise({ accessType: 'View access' }, { summary: 'What do I have?' });
    const [comment] = t.comments(view.key);
    expect(t.comments(view.key)).toHaveLength(1);
    const lines = comment.split('\n');
    expect(lines[0]).toBe('@Neville Newadmin your Okta access grants (times in Europe/London):');
    expect(lines[1]).toBe('Group | Start | End | Status | Issue');
    expect(lines.slice(2)).toEqual([
      `PAM Linux Sysadmins | 22 Nov 2026, 09:00 GMT | 22 Nov 2026, 13:00 GMT | Active | ${linux.key}`,
      `PAM Windows Admins | 22 Nov 2026, 08:00 GMT | 22 Nov 2026, 20:00 GMT | Active | ${windows.key}`,
      `PAM Database Admins | 21 Nov 2026, 20:00 GMT | 22 Nov 2026, 00:00 GMT | Expired | ${old.key}`,
    ]);
    const adf = JSON.stringify(sb.jira.comments(view.key)[0].body);
    expect(adf).toContain(`/browse/${linux.key}`);
    expect(t.audit({ issueKey: view.key })).toEqual([
      expect.objectContaining({ action: 'VIEWED', actor: w.jira.neville, detail: 'Listed 3 grant(s).' }),
    ]);
    expect(t.grant(view.grantId)).toBeUndefined();
  });

  it('says so when there are no grants', async () => {
    const t = await world();
    const view = await t.raise({ accessType: 'View access' });
    expect(t.comments(view.key)).toEqual([
      '@Neville Newadmin you have no Okta access grants from the last 90 days. Raise a New access request to get one.',
    ]);
    expect(t.grants()).toEqual([]);
    expect(t.sb.okta.requests).toEqual([]);
  });
});

describe('reminder', () => {
  it('goes out exactly once, when the end is within the lead time', async () => {
    const t = await world();
    const { sb } = t;
    const linux = await linuxGrant(t); // ends 13:00, lead 60 min
    await sb.clock.advanceTo(at('11:59:00'));
    expect(t.comments(linux.key)).toHaveLength(1);

    await sb.clock.advanceTo(at('12:00:00')); // sweep: 60 min left
    const reminders = () => t.comments(linux.key).filter((c) => c.includes('ends at'));
    expect(reminders()).toEqual([
      '@Neville Newadmin your membership of PAM Linux Sysadmins ends at 22 Nov 2026, 13:00 GMT (in 1 h 0 min).\nTo keep it, use Extend in the Okta access panel on this issue or raise an Extend access request.',
    ]);
    expect(t.grant(linux.grantId)).toMatchObject({ reminderSentAt: at('12:00:00') });

    // Eleven more sweeps inside the lead time, and two more run by hand at once.
    await sb.clock.advanceTo(at('12:57:00'));
    await Promise.all([sb.app.runScheduled('expiry-sweep'), sb.app.runScheduled('expiry-sweep')]);
    expect(reminders()).toHaveLength(1);
    expect(
      t.notifications(linux.key).filter((n) => n.subject === 'Access to PAM Linux Sysadmins ends soon'),
    ).toHaveLength(1);
    expect(t.audit({ grantId: linux.grantId, action: 'REMINDED' })).toHaveLength(1);
  });
});

describe('expiry', () => {
  it('removes the membership within 60 s of the end through the delayed queue event, comments, notifies and closes out', async () => {
    const t = await world();
    const { w, sb } = t;
    // Raised off the five-minute grid: ends 13:02:30, between the 13:00 and 13:05 sweeps.
    await sb.clock.advance(150 * SEC);
    const linux = await linuxGrant(t);
    expect(t.grant(linux.grantId)).toMatchObject({ endsAt: at('13:02:30') });

    await sb.clock.advanceTo(at('13:02:29'));
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);

    await sb.clock.advanceTo(at('13:04:59')); // before the next sweep: only the delayed event can have done it
    const g = t.grant(linux.grantId)!;
    expect(g).toMatchObject({ status: 'EXPIRED', endReason: 'EXPIRED', endedBy: 'app' });
    expect(Date.parse(g.endedAt!) - Date.parse(g.endsAt!)).toBeLessThan(60 * SEC);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);

    const deletes = t.oktaWrites({ method: 'DELETE' });
    expect(deletes).toEqual([
      expect.objectContaining({ status: 204, path: `/api/v1/groups/${w.groups.linux}/users/${w.okta.neville}` }),
    ]);
    expect(t.audit({ grantId: linux.grantId, action: 'MEMBERSHIP_REMOVED' })).toEqual([
      expect.objectContaining({ oktaRequestId: deletes[0].requestId }),
    ]);
    expect(t.actions(linux.grantId).slice(-4)).toEqual(['REMINDED', 'REVOKE_STARTED', 'MEMBERSHIP_REMOVED', 'ENDED']);

    const ended = t.comments(linux.key).filter((c) => c.includes('has ended'));
    expect(ended).toEqual([
      '@Neville Newadmin your access to PAM Linux Sysadmins has ended: its time ran out at 22 Nov 2026, 13:02 GMT.\nYou have been removed from the Okta group.',
    ]);
    expect(t.notifications(linux.key).map((n) => n.subject)).toEqual([
      'Access granted: PAM Linux Sysadmins',
      'Access to PAM Linux Sysadmins ends soon',
      'Access ended: PAM Linux Sysadmins',
    ]);
    expect(sb.jira.issue(linux.key).status).toBe('Done');
    expect(sb.jira.issue(linux.key).changelog.at(-1)).toMatchObject({ author: sb.jira.appUser.accountId });

    // Later sweeps and reconciles change nothing more.
    await sb.clock.advanceTo(at('14:05:00'));
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    expect(t.comments(linux.key).filter((c) => c.includes('has ended'))).toHaveLength(1);
    expect(t.grant(linux.grantId)!.version).toBe(g.version);
    expect(await t.verifyAudit()).toMatchObject({ ok: true });
  });

  it('leaves the issue where it is when no close-out is configured, and audits an unavailable one', async () => {
    const t = await world({ closeOut: null });
    const { w, sb } = t;
    const a = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
      requestedEnd: at('09:30:00'),
    });
    await sb.clock.advanceTo(at('09:31:00'));
    expect(t.grant(a.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(sb.jira.issue(a.key).status).toBe('To Do');

    // "Start" is not offered from In Progress: the grant still ends, the issue stays, the trail says why.
    await t.setPolicy({ closeOutTransitionName: 'Start' });
    const b = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.windows,
      requestedEnd: at('10:00:00'),
    });
    await sb.jira.transition(b.key, 'In Progress', w.jira.neville);
    await sb.clock.advanceTo(at('10:01:00'));
    expect(t.grant(b.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(sb.jira.issue(b.key).status).toBe('In Progress');
    expect(t.audit({ grantId: b.grantId }).at(-1)).toMatchObject({
      action: 'CLOSE_OUT_SKIPPED',
      detail: expect.stringContaining('Close-out transition "Start" is not available'),
    });
    expect(t.audit({ grantId: b.grantId, action: 'ENDED' })).toHaveLength(1);
  });
});

describe('two grants for the same group', () => {
  it('keeps the membership until the last one ends, then removes it once', async () => {
    const t = await world();
    const { w, sb } = t;
    const first = await linuxGrant(t); // 09:00 → 13:00
    await sb.clock.advanceTo(at('10:00:00'));
    const second = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
      requestedEnd: at('14:00:00'),
    });
    expect(t.grant(second.grantId)).toMatchObject({
      status: 'ACTIVE',
      endsAt: at('14:00:00'),
      preexistingMembership: false,
    });

    await sb.clock.advanceTo(at('13:01:00'));
    expect(t.grant(first.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([]);
    expect(t.audit({ grantId: first.grantId, action: 'MEMBERSHIP_KEPT' })).toHaveLength(1);
    expect(t.comments(first.key).at(-1)).toContain(
      'Another of your grants for this group is still running, so the membership stays until that one ends.',
    );

    await sb.clock.advanceTo(at('14:01:00'));
    expect(t.grant(second.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([
      expect.objectContaining({ status: 204, at: Date.parse(at('14:00:00')) }),
    ]);
    expect(t.comments(second.key).at(-1)).toContain('You have been removed from the Okta group.');
  });
});

describe('membership that existed before the grant', () => {
  it('is recorded, never written and never removed', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.addMember(w.groups.linux, w.okta.neville); // by other means
    const linux = await linuxGrant(t);
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'ACTIVE', preexistingMembership: true });
    expect(t.oktaWrites()).toEqual([]);
    expect(t.actions(linux.grantId)).toEqual([
      'REQUESTED',
      'EMERGENCY_USED',
      'GRANT_STARTED',
      'MEMBERSHIP_ALREADY_PRESENT',
      'ACTIVE',
    ]);
    expect(t.comments(linux.key)[0]).toContain(
      'You were already a member of this group before this request, so the app will not remove that membership',
    );

    await sb.clock.advanceTo(at('13:01:00'));
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.oktaWrites()).toEqual([]);
    expect(t.audit({ grantId: linux.grantId, action: 'MEMBERSHIP_KEPT' })[0].detail).toContain('pre-existed');
    expect(t.comments(linux.key).at(-1)).toContain(
      'You were a member before this grant, so your membership was left in place.',
    );
  });

  it('a second grant over a pre-existing membership is pre-existing too, and nothing is ever removed', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.addMember(w.groups.linux, w.okta.neville);
    const first = await linuxGrant(t); // pre-existing
    await sb.clock.advanceTo(at('10:00:00'));
    const second = await linuxGrant(t);
    // The membership Okta shows is the one from before the app: still pre-existing, still kept.
    expect(t.grant(second.grantId)).toMatchObject({ preexistingMembership: true });
    await sb.clock.advanceTo(at('14:01:00'));
    expect([t.grant(first.grantId)!.status, t.grant(second.grantId)!.status]).toEqual(['EXPIRED', 'EXPIRED']);
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.oktaWrites()).toEqual([]);
  });
});

describe('ending early: relinquish and admin revoke', () => {
  it('take the same path as expiry, with the actor and the reason recorded', async () => {
    const t = await world();
    const { w, sb } = t;
    const linux = await linuxGrant(t);
    const windows = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
    await sb.clock.advanceTo(at('10:00:00'));
    const panel = (key: string, payload: object, accountId: string, issue: { id: string; key: string }) =>
      sb.app.invoke<any>(key, payload, { accountId, extension: { issue } });

    // Someone else cannot give up Neville's access.
    const refused = await panel('panel/relinquish', { grantId: linux.grantId }, w.jira.alice, {
      id: linux.id,
      key: linux.key,
    });
    expect(refused).toMatchObject({ ok: false });
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'ACTIVE' });

    const given = await panel('panel/relinquish', { grantId: linux.grantId }, w.jira.neville, {
      id: linux.id,
      key: linux.key,
    });
    expect(given).toMatchObject({ ok: true });
    expect(t.grant(linux.grantId)).toMatchObject({
      status: 'REVOKED',
      endReason: 'RELINQUISHED',
      endedBy: w.jira.neville,
      endedAt: at('10:00:00'),
    });
    expect(t.comments(linux.key).at(-1)).toContain(
      'your access to PAM Linux Sysadmins has ended: you gave it up at 22 Nov 2026, 10:00 GMT.',
    );
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(sb.jira.issue(linux.key).status).toBe('Done');

    const revoked = await sb.app.invoke<any>(
      'admin/grants/revoke',
      { grantId: windows.grantId, reason: 'Work finished early.' },
      { accountId: w.jira.ada, moduleKey: 'admin-page' },
    );
    expect(revoked).toMatchObject({ ok: true });
    expect(t.grant(windows.grantId)).toMatchObject({
      status: 'REVOKED',
      endReason: 'REVOKED_BY_ADMIN',
      endedBy: w.jira.ada,
    });
    expect(t.audit({ grantId: windows.grantId, action: 'REVOKE_STARTED' })).toEqual([
      expect.objectContaining({ actor: w.jira.ada, detail: 'Revoked by an administrator: Work finished early.' }),
    ]);
    expect(t.comments(windows.key).at(-1)).toContain(
      'your access to PAM Windows Admins was revoked by an administrator',
    );
    expect(sb.okta.members(w.groups.windows)).toEqual([]);
    expect(t.oktaWrites({ method: 'DELETE', status: 204 })).toHaveLength(2);

    // The expiry that would have come later finds nothing to do.
    await sb.clock.advanceTo(at('13:10:00'));
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(2);
    expect(t.comments(linux.key).filter((c) => c.includes('has ended'))).toHaveLength(1);
  });
});
