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
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux, requestedEnd: at('09:20:00') });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', attempts: 1, endsAt: at('09:20:00') });
    // The first PUT did reach Okta; only its answer was lost.
    sb.okta.addMember(w.groups.linux, w.okta.neville);

    await sb.clock.advanceTo(at('09:45:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'FAILED', reason: expect.stringContaining("Okta could not be reached before this grant's end time") });
    expect(t.grant(r.grantId)!.endReason).toBeUndefined();
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    const removal = t.oktaWrites({ method: 'DELETE' });
    expect(removal).toHaveLength(1);
    const actions = t.actions(r.grantId);
    expect(actions.slice(-2)).toEqual(['MEMBERSHIP_REMOVED', 'FAILED']);
    expect(t.audit({ grantId: r.grantId, action: 'MEMBERSHIP_REMOVED' })).toEqual([expect.objectContaining({ oktaRequestId: removal[0].requestId })]);
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
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux, requestedEnd: at('15:00:00') });
    await sb.clock.advanceTo(at('09:30:00'));
    sb.okta.removeMember(w.groups.linux, w.okta.neville);
    await sb.app.runScheduled('drift-reconcile');
    expect(t.actions(r.grantId).slice(-2)).toEqual(['REMOVED_EXTERNALLY', 'ENDED']);
    expect(t.audit({ grantId: r.grantId, action: 'ENDED' })).toEqual([expect.objectContaining({ actor: 'app', detail: 'Grant ended (REMOVED_EXTERNALLY).' })]);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY', endReason: 'REMOVED_EXTERNALLY', attempts: 0 });
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([]);
  });
});
