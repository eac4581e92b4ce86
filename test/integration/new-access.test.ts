/**
 * New access through the sandbox: the issue trigger records the request, the queue consumer does the
 * Okta work, and the result shows up in Jira (comment, notification), in Okta (membership) and in the
 * app's storage (grant state, hash-chained audit trail with Okta request ids).
 */
import { HOUR, T0, useWorlds, world } from './world';

useWorlds();

const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

describe('New access', () => {
  it('grants the group: comment, notification, Okta membership, audit trail with request ids, ACTIVE', async () => {
    const t = await world();
    const { w } = t;
    const { key, grantId } = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
    });

    expect(t.grant(grantId)).toMatchObject({
      status: 'ACTIVE',
      issueKey: key,
      groupId: w.groups.linux,
      requesterAccountId: w.jira.neville,
      oktaUserId: w.okta.neville,
      startedAt: T0,
      firstStartedAt: T0,
      endsAt: plus(T0, 12 * HOUR),
      preexistingMembership: false,
      emergency: false,
      attempts: 0,
      extensions: 0,
      changeType: 'Standard',
    });
    expect(t.grant(grantId)!.lastError).toBeUndefined();
    expect(t.sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);

    const puts = t.oktaWrites();
    expect(puts).toEqual([
      expect.objectContaining({
        method: 'PUT',
        path: `/api/v1/groups/${w.groups.linux}/users/${w.okta.neville}`,
        status: 204,
      }),
    ]);

    const comments = t.comments(key);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toContain(
      '@Neville Newadmin you are now a member of PAM Linux Sysadmins until 22 Nov 2026, 21:00 GMT (12 h 0 min)',
    );
    expect(comments[0]).not.toContain('emergency');
    expect(t.sb.jira.comments(key)[0].author).toBe(t.sb.jira.appUser.accountId);
    expect(t.notifications(key)).toEqual([
      expect.objectContaining({ subject: 'Access granted: PAM Linux Sysadmins', to: [w.jira.neville] }),
    ]);

    expect(t.actions(grantId)).toEqual(['REQUESTED', 'GRANT_STARTED', 'MEMBERSHIP_ADDED', 'ACTIVE']);
    const added = t.audit({ grantId, action: 'MEMBERSHIP_ADDED' })[0];
    expect(added.oktaRequestId).toBe(puts[0].requestId);
    expect(t.audit({ grantId, action: 'REQUESTED' })[0]).toMatchObject({
      actor: w.jira.neville,
      issueKey: key,
      groupId: w.groups.linux,
    });
    expect(await t.verifyAudit()).toEqual({ ok: true, count: 4 });
    // The trigger called no Okta: everything Okta saw came from the queue consumer.
    expect(t.deliveries().map((d) => [d.body, d.outcome])).toEqual([[{ kind: 'grant', grantId }, 'ok']]);
  });

  it('clamps the end by a requested end date and by the group maximum', async () => {
    const t = await world();
    const { w } = t;
    const early = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
      requestedEnd: plus(T0, 2 * HOUR),
    });
    expect(t.grant(early.grantId)).toMatchObject({ status: 'ACTIVE', endsAt: plus(T0, 2 * HOUR) });
    // PAM Database Admins allows 8 h at most, whatever the change type says.
    const capped = await t.raise({ changeType: 'Normal', accessType: 'New access', adminGroup: w.groups.database });
    expect(t.grant(capped.grantId)).toMatchObject({ status: 'ACTIVE', endsAt: plus(T0, 8 * HOUR) });
  });

  it('takes the emergency path without approval, capped at 4 h and flagged for review', async () => {
    const t = await world();
    const { w } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const { key, grantId } = await t.raise({
      changeType: 'Emergency',
      accessType: 'New access',
      adminGroup: w.groups.linux,
    });

    expect(t.grant(grantId)).toMatchObject({ status: 'ACTIVE', emergency: true, endsAt: plus(T0, 4 * HOUR) });
    expect(t.grant(grantId)!.approvedBy).toBeUndefined();
    expect(t.sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.actions(grantId)).toEqual(['REQUESTED', 'EMERGENCY_USED', 'GRANT_STARTED', 'MEMBERSHIP_ADDED', 'ACTIVE']);
    expect(t.audit({ grantId, action: 'EMERGENCY_USED' })[0].detail).toContain('Flagged for review');
    expect(t.comments(key)).toEqual([
      expect.stringContaining('Granted through the emergency path without prior approval; this is flagged for review'),
    ]);
  });
});

describe('approval mode "status"', () => {
  it('waits, refuses self-approval (once, however long it waits), then grants when someone else approves', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const { key, grantId } = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
    });

    expect(t.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.comments(key)).toEqual([
      expect.stringContaining(
        '@Neville Newadmin your request for PAM Linux Sysadmins is waiting for approval: 1 approval by anyone who can transition the issue, except the requester.',
      ),
    ]);
    expect(t.actions(grantId)).toEqual(['REQUESTED', 'AWAITING_APPROVAL']);
    expect(sb.okta.requests).toHaveLength(0);

    // Neville approves his own request: refused, the request stays open.
    await sb.jira.transition(key, 'Approved', w.jira.neville);
    expect(t.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.comments(key)).toHaveLength(2);
    expect(t.comments(key)[1]).toContain('Approval not accepted.');
    expect(t.comments(key)[1]).toContain(
      'The requester cannot approve their own access. It may be approved by anyone who can transition the issue, except the requester.',
    );
    // Recorded as a refused approval, not as a denied request: the request is still open.
    expect(t.audit({ grantId, action: 'APPROVAL_REFUSED' })).toEqual([
      expect.objectContaining({ actor: w.jira.neville }),
    ]);
    expect(t.audit({ grantId, action: 'DENIED' })).toEqual([]);
    expect(t.oktaWrites()).toEqual([]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);

    // The approver is busy for an hour: the sweeps' backstop looks at the request again and again,
    // but the refusal is said once.
    await sb.clock.advance(1 * HOUR);
    expect(t.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.comments(key)).toHaveLength(2);
    expect(t.audit({ grantId, action: 'APPROVAL_REFUSED' })).toHaveLength(1);

    // Alice moves it back and approves it properly.
    await sb.jira.transition(key, 'To Do', w.jira.alice);
    await sb.jira.transition(key, 'Approved', w.jira.alice);
    const now = sb.clock.now();
    expect(t.grant(grantId)).toMatchObject({
      status: 'ACTIVE',
      approvedBy: w.jira.alice,
      startedAt: now,
      endsAt: plus(now, 12 * HOUR),
      emergency: false,
    });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.oktaWrites()).toHaveLength(1);
    expect(t.audit({ grantId, action: 'APPROVED' })).toEqual([expect.objectContaining({ actor: w.jira.alice })]);
    expect(t.comments(key)).toHaveLength(3);
    expect(t.comments(key)[2]).toContain('you are now a member of PAM Linux Sysadmins');
  });

  it('grants on approval by another user straight away', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.windows, { approvalMode: 'status' });
    const { key, grantId } = await t.raise({
      changeType: 'Normal',
      accessType: 'New access',
      adminGroup: w.groups.windows,
    });
    await sb.clock.advance(20 * 60_000);
    expect(t.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    await sb.jira.transition(key, 'Approved', w.jira.alice);
    expect(t.grant(grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice });
    expect(t.actions(grantId)).toEqual([
      'REQUESTED',
      'AWAITING_APPROVAL',
      'APPROVED',
      'GRANT_STARTED',
      'MEMBERSHIP_ADDED',
      'ACTIVE',
    ]);
    expect(sb.okta.members(w.groups.windows)).toEqual([w.okta.neville]);
    expect(t.comments(key)).toHaveLength(2);
  });
});

describe('identity', () => {
  it('uses the admin mapping for a requester whose email Jira hides', async () => {
    const t = await world();
    const { w, sb } = t;
    const oHenry = sb.okta.addUser({ login: 'henry.h@atko.email', email: 'h.hidden@atko.email' }).id;
    await t.setPolicy({ requesterMapping: { [w.jira.henry]: 'henry.h@atko.email' } });
    const { grantId } = await t.raise(
      { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux },
      { reporter: w.jira.henry },
    );
    expect(t.grant(grantId)).toMatchObject({ status: 'ACTIVE', oktaUserId: oHenry });
    expect(sb.okta.members(w.groups.linux)).toEqual([oHenry]);
  });
});
