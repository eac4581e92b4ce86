/**
 * Delivery as Forge really does it: product events twice or late, queue events at least once,
 * scheduled runs overlapping. Each scenario must end the same way: one grant, one membership change,
 * one comment per step.
 */
import { at, MIN, SEC, T0, useWorlds, world, type World } from './world';

useWorlds();

/** The steps' comments on an issue, by kind, to show "one comment per step". */
function commentKinds(t: World, key: string): string[] {
  return t
    .comments(key)
    .map((c) =>
      c.includes('you are now a member')
        ? 'granted'
        : c.includes('waiting for approval')
          ? 'waiting'
          : c.includes('ends at')
            ? 'reminder'
            : c.includes('has ended')
              ? 'ended'
              : c.includes('now runs until')
                ? 'extended'
                : c.includes('your Okta access grants')
                  ? 'view'
                  : c,
    );
}

describe('product events delivered twice', () => {
  it('New access: a second created event changes nothing', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    const grant = t.grant(r.grantId);
    const audit = t.audit().length;
    await sb.jira.deliverAgain(r.eventId);
    await sb.jira.deliverAgain(r.eventId);
    expect(t.grants()).toHaveLength(1);
    expect(t.grant(r.grantId)).toEqual(grant);
    expect(t.oktaWrites()).toHaveLength(1);
    expect(commentKinds(t, r.key)).toEqual(['granted']);
    expect(t.notifications(r.key)).toHaveLength(1);
    expect(t.audit()).toHaveLength(audit);
    expect(sb.productEvents.filter((e) => e.event.eventId === r.eventId && e.delivered)).toHaveLength(3);
  });

  it('Extend and View: a second event extends nothing more and lists nothing more', async () => {
    const t = await world();
    const { w, sb } = t;
    const linux = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.clock.advanceTo(at('12:00:00'));
    const ext = await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux });
    const view = await t.raise({ accessType: 'View access' });
    await sb.clock.advance(2 * MIN);
    await sb.jira.deliverAgain(ext.eventId);
    await sb.jira.deliverAgain(view.eventId);
    expect(t.grant(linux.grantId)).toMatchObject({ endsAt: at('16:00:00'), extensions: 1 });
    expect(commentKinds(t, ext.key)).toEqual(['extended']);
    expect(commentKinds(t, view.key)).toEqual(['view']);
    expect(t.audit({ action: 'EXTENDED' })).toHaveLength(1);
    expect(t.audit({ action: 'VIEWED' })).toHaveLength(1);
  });

  it('approval: the Approved transition event twice grants once', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    const approved = await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    await sb.clock.advance(1 * MIN);
    await sb.jira.deliverAgain(approved!.eventId);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice, startedAt: T0 });
    expect(t.oktaWrites()).toHaveLength(1);
    expect(commentKinds(t, r.key)).toEqual(['waiting', 'granted']);
    expect(t.audit({ grantId: r.grantId, action: 'APPROVED' })).toHaveLength(1);
  });
});

describe('product events delivered late', () => {
  it('a created event held for ten minutes is recorded and granted when it arrives, once', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.holdEvents();
    const r = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.clock.advance(10 * MIN);
    expect(t.grants()).toEqual([]);
    await sb.releaseEvents();
    const arrived = at('09:10:00');
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'ACTIVE',
      requestedAt: arrived,
      startedAt: arrived,
      endsAt: at('13:10:00'),
    });
    expect(t.oktaWrites()).toHaveLength(1);
    expect(commentKinds(t, r.key)).toEqual(['granted']);
    // And once more, even later.
    await sb.clock.advance(30 * MIN);
    await sb.jira.deliverAgain(r.eventId);
    expect(t.grants()).toHaveLength(1);
    expect(t.oktaWrites()).toHaveLength(1);
    expect(commentKinds(t, r.key)).toEqual(['granted']);
  });

  it('an approval whose event is late is picked up by the sweep backstop; the late event then does nothing', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    sb.holdEvents();
    await sb.clock.advance(1 * MIN);
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    await sb.clock.advanceTo(at('09:14:59'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    await sb.clock.advanceTo(at('09:15:00')); // the request made no progress for 15 minutes: the sweep re-queues it
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice, startedAt: at('09:15:00') });
    await sb.clock.advanceTo(at('09:25:00'));
    await sb.releaseEvents();
    expect(t.oktaWrites()).toHaveLength(1);
    expect(commentKinds(t, r.key)).toEqual(['waiting', 'granted']);
    expect(t.audit({ grantId: r.grantId, action: 'APPROVED' })).toHaveLength(1);
  });

  it('a created event arriving after an edit records the request as it then reads, once, without an edit comment', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.holdEvents();
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.clock.advance(1 * MIN);
    await sb.jira.updateFields(r.key, { adminGroup: w.groups.windows }, w.jira.neville);
    await sb.releaseEvents();
    expect(t.grants()).toEqual([
      expect.objectContaining({ id: r.grantId, status: 'ACTIVE', groupId: w.groups.windows }),
    ]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(sb.okta.members(w.groups.windows)).toEqual([w.okta.neville]);
    expect(commentKinds(t, r.key)).toEqual(['granted']);
    expect(t.audit({ action: 'EDIT_IGNORED' })).toEqual([]);
  });
});

describe('queue events delivered twice', () => {
  it('the exact-time expiry event twice: one removal, one comment, one close-out', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux }); // ends 13:00
    await sb.clock.advanceTo(at('12:50:00'));
    const [expiry] = sb.events.peek();
    expect(expiry).toMatchObject({ body: { kind: 'expire', grantId: r.grantId } });
    sb.events.duplicate(expiry);
    await sb.clock.advanceTo(at('13:00:00'));
    expect(sb.events.deliveries.filter((d) => d.eventId === expiry.eventId).map((d) => d.outcome)).toEqual([
      'ok',
      'ok',
    ]);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED', endedAt: at('13:00:00') });
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    expect(commentKinds(t, r.key)).toEqual(['granted', 'reminder', 'ended']);
    expect(t.notifications(r.key).filter((n) => n.subject?.startsWith('Access ended'))).toHaveLength(1);
    expect(sb.jira.issue(r.key).changelog.filter((c) => c.author === sb.jira.appUser.accountId)).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'ENDED' })).toHaveLength(1);
  });

  it('a grant retry event twice (after Okta was down): one membership, one comment', async () => {
    const t = await world();
    const { w, sb } = t;
    sb.okta.fault({ method: 'PUT', path: /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/, status: 503 });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'GRANTING', attempts: 1 });
    // The audit sequencer's coalesced run (ADR 0029) waits in the queue too: the grant's retry is the other event.
    const retry = sb.events.peek().find((e) => (e.body as { kind?: string }).kind === 'grant')!;
    expect(retry).toMatchObject({ body: { kind: 'grant', grantId: r.grantId }, retryCount: 1 });
    sb.events.duplicate(retry);
    await sb.clock.advance(60 * SEC);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', attempts: 0 });
    expect(t.oktaWrites().map((q) => q.status)).toEqual([503, 204]);
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(commentKinds(t, r.key)).toEqual(['granted']);
    expect(t.audit({ grantId: r.grantId, action: 'MEMBERSHIP_ADDED' })).toHaveLength(1);
  });
});

describe('overlapping sweeps', () => {
  it('two sweeps at once, with the exact-time event lost: one removal, one comment, one close-out', async () => {
    const t = await world();
    const { w, sb } = t;
    await sb.clock.advance(150 * SEC);
    const r = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux }); // ends 13:02:30
    await sb.clock.advanceTo(at('12:50:00'));
    // The delayed expiry event is lost (taken off the queue and never delivered).
    expect(sb.events.peek()).toHaveLength(1);
    const lost = sb.events.takeDue(Number.MAX_SAFE_INTEGER);
    expect(lost).toMatchObject({ body: { kind: 'expire', grantId: r.grantId } });
    await sb.clock.advanceTo(at('13:03:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });

    await Promise.all([sb.app.runScheduled('expiry-sweep'), sb.app.runScheduled('expiry-sweep')]);
    await sb.clock.settle();
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED', endedAt: at('13:03:00') });
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(commentKinds(t, r.key)).toEqual(['granted', 'reminder', 'ended']);
    expect(sb.jira.issue(r.key).changelog.filter((c) => c.author === sb.jira.appUser.accountId)).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'REVOKE_STARTED' })).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'ENDED' })).toHaveLength(1);

    // The regular 13:05 sweep finds nothing left to do.
    await sb.clock.advanceTo(at('13:10:00'));
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    expect(t.comments(r.key)).toHaveLength(3);
    expect(await t.verifyAudit()).toMatchObject({ ok: true });
  });

  it('three sweeps at once over three due grants of two people: one removal and one end comment each', async () => {
    const t = await world();
    const { w, sb } = t;
    await sb.clock.advance(150 * SEC);
    const ends = at('10:01:00');
    const grants = [
      await t.raise({
        changeType: 'Standard',
        accessType: 'New access',
        adminGroup: w.groups.linux,
        requestedEnd: ends,
      }),
      await t.raise({
        changeType: 'Standard',
        accessType: 'New access',
        adminGroup: w.groups.windows,
        requestedEnd: ends,
      }),
      await t.raise(
        { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.database, requestedEnd: ends },
        { reporter: w.jira.alice },
      ),
    ];
    await sb.clock.advanceTo(at('09:50:00'));
    // The 09:50 sweep scheduled three exact-time events: all lost.
    expect(sb.events.peek()).toHaveLength(3);
    while (sb.events.peek().length > 0) sb.events.takeDue(Number.MAX_SAFE_INTEGER);
    await sb.clock.advanceTo(at('10:02:00')); // the 10:00 sweep found nothing due yet

    await Promise.all([1, 2, 3].map(() => sb.app.runScheduled('expiry-sweep')));
    await sb.clock.settle();
    expect(grants.map((g) => t.grant(g.grantId)!.status)).toEqual(['EXPIRED', 'EXPIRED', 'EXPIRED']);
    expect(t.oktaWrites({ method: 'DELETE' }).map((d) => d.status)).toEqual([204, 204, 204]);
    expect(Object.values(t.memberships()).flat()).toEqual([]);
    expect(grants.map((g) => commentKinds(t, g.key))).toEqual([
      ['granted', 'reminder', 'ended'],
      ['granted', 'reminder', 'ended'],
      ['granted', 'reminder', 'ended'],
    ]);
    expect(t.audit({ action: 'ENDED' })).toHaveLength(3);
    expect(await t.verifyAudit()).toMatchObject({ ok: true });
  });
});
