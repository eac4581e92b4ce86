/**
 * Approval in mode "status" at its edges, through the sandbox: which transition into "Approved"
 * counts (since the issue was created, still standing when the worker looks), a late creation event,
 * an approval that nobody gives, and edits of the request fields after it was raised.
 */
import { at, HOUR, MIN, useWorlds, world, type World } from './world';

useWorlds();

async function awaitingApproval(t: World) {
  await t.setGroup(t.w.groups.linux, { approvalMode: 'status' });
  return t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux });
}

describe('which approval counts', () => {
  it('an approval the issue has since left does not count; approving again does', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await awaitingApproval(t);
    // Approved, then reopened before the approval event reached the app.
    sb.holdEvents();
    await sb.clock.advance(1 * MIN);
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    await sb.jira.transition(r.key, 'To Do', w.jira.alice);
    await sb.releaseEvents();
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.oktaWrites()).toEqual([]);
    await sb.clock.advance(20 * MIN); // the sweep's backstop looks again: still not approved
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.oktaWrites()).toEqual([]);

    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice });
  });

  it('says so, once, when the issue moved on from the approval status before access was granted', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await awaitingApproval(t);
    sb.holdEvents();
    await sb.clock.advance(1 * MIN);
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    await sb.clock.advance(1 * MIN);
    await sb.jira.transition(r.key, 'To Do', w.jira.alice);
    await sb.releaseEvents();
    await sb.clock.advance(40 * MIN); // sweeps look at it again and again
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.comments(r.key).filter((c) => c.includes('move the issue back to "Approved"'))).toHaveLength(1);
  });

  it('does not count an approval made before a late creation event was processed: approval is asked again, once', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    sb.holdEvents();
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.clock.advance(1 * MIN);
    await sb.jira.transition(r.key, 'Approved', w.jira.alice); // 09:01, before the app heard of the request
    await sb.clock.advance(4 * MIN);
    await sb.releaseEvents(); // 09:05: the request is recorded now, after the approval
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED', requestedAt: at('09:05:00') });
    expect(t.grant(r.grantId)!.approvedBy).toBeUndefined();
    const asked = () =>
      t.comments(r.key).filter((c) => c.includes('moved to "Approved" before this app recorded the request'));
    expect(asked()).toHaveLength(1);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    await sb.clock.advance(2 * HOUR); // hourly re-checks say it once
    expect(asked()).toHaveLength(1);

    // An approval after the recording counts.
    await sb.jira.transition(r.key, 'To Do', w.jira.alice);
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice });
  });

  it('closes a request nobody approved within 7 days', async () => {
    const t = await world();
    const r = await awaitingApproval(t);
    await t.sb.clock.advance(8 * 24 * HOUR);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key).join()).toContain('not approved within 7 days');
    expect(t.oktaWrites()).toEqual([]);
    // Eight virtual days are 2,304 sweeps and 192 hourly runs: real time, not a wait.
  }, 120_000);
});

describe('edits after the request', () => {
  it('an Access type edit is said to be ignored too, once, and changes nothing', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    const edit = await sb.jira.updateFields(r.key, { accessType: 'Extend access' }, w.jira.neville);
    await sb.jira.deliverAgain(edit!.eventId);
    expect(t.comments(r.key).filter((c) => c.includes('not applied'))).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'EDIT_IGNORED' })).toEqual([
      expect.objectContaining({
        actor: w.jira.neville,
        detail: expect.stringContaining(`Access type changed after access was granted (by ${w.jira.neville})`),
      }),
    ]);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', extensions: 0 });
    expect(t.audit({ action: 'EXTENDED' })).toEqual([]);
  });
});
