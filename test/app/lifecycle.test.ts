import { requestRevocation } from '../../src/app/revoke-grant';
import { runSweep } from '../../src/app/run-sweep';
import { reconcile } from '../../src/app/reconcile';
import { DirectoryError } from '../../src/app/ports';
import { LINUX, makeGroupPolicy, WINDOWS } from '../factories/grant';
import { NEVILLE, OKTA_NEVILLE, world } from './harness';

const HOUR = 3_600_000;
const MIN = 60_000;

async function activeLinux(w: ReturnType<typeof world>, changeType = 'Emergency') {
  const r = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType });
  await w.drain();
  return r;
}

describe('Extend access', () => {
  it('moves the end out within policy and never shortens it', async () => {
    const w = world();
    const { grantId } = await activeLinux(w); // ends 13:00
    w.clock.advance(3 * HOUR); // 12:00
    const ext = await w.raise({ accessType: 'Extend access', adminGroup: LINUX, changeType: 'Emergency' });
    expect(ext.outcome).toBe('extended');
    expect(await w.grant(grantId)).toMatchObject({ endsAt: '2026-11-22T16:00:00.000Z', extensions: 1 });
    expect(w.jira.commentsOn(ext.issue.key).join()).toContain('now runs until');
    expect(w.directory.writes).toHaveLength(1); // no Okta call for an extension
    // Right away again: now + 4 h = 16:00 is not later than the current end, so it is refused.
    const again = await w.raise({ accessType: 'Extend access', adminGroup: LINUX, changeType: 'Emergency' });
    expect(again.outcome).toBe('extend-refused');
    expect(await w.grant(grantId)).toMatchObject({ endsAt: '2026-11-22T16:00:00.000Z', extensions: 1 });
  });

  it('is capped by the lifetime and the extension count', async () => {
    const w = world();
    w.config.allowlist = [makeGroupPolicy({ maxLifetimeHours: 6, maxExtensions: 1 })];
    const { grantId } = await activeLinux(w); // 09:00-13:00
    w.clock.advance(3 * HOUR);
    await w.raise({ accessType: 'Extend access', adminGroup: LINUX, changeType: 'Emergency' });
    expect(await w.grant(grantId)).toMatchObject({ endsAt: '2026-11-22T15:00:00.000Z', extensions: 1 }); // 09:00 + 6 h
    const over = await w.raise({ accessType: 'Extend access', adminGroup: LINUX, changeType: 'Emergency' });
    expect(over.outcome).toBe('extend-refused');
    expect(w.jira.commentsOn(over.issue.key).join()).toContain('the most PAM Linux Sysadmins allows');
  });

  it('extends once per Extend issue even when its comment failed and the event comes again', async () => {
    const w = world();
    const { grantId } = await activeLinux(w);
    w.clock.advance(3 * HOUR);
    w.jira.failComments = 1;
    await expect(w.raise({ accessType: 'Extend access', adminGroup: LINUX, changeType: 'Emergency' })).rejects.toThrow('Jira is unavailable');
    const ext = [...w.jira.issues.values()].at(-1)!;
    w.clock.advance(5 * MIN);
    const { intakeIssueEvent } = await import('../../src/app/intake-issue-event');
    expect(await intakeIssueEvent(w.app, { issueId: ext.id, issueKey: ext.key, kind: 'created' })).toBe('extended');
    expect(await w.grant(grantId)).toMatchObject({ endsAt: '2026-11-22T16:00:00.000Z', extensions: 1 });
    expect(w.jira.commentsOn(ext.key)).toHaveLength(1);
    expect(w.audit.actions(grantId).filter((a) => a === 'EXTENDED')).toHaveLength(1);
  });

  it('says clearly when there is nothing to extend, and a duplicate event does nothing more', async () => {
    const w = world();
    const { issue, outcome } = await w.raise({ accessType: 'Extend access', adminGroup: LINUX });
    expect(outcome).toBe('extend-refused');
    expect(w.jira.commentsOn(issue.key).join()).toContain('no active access');
    const { intakeIssueEvent } = await import('../../src/app/intake-issue-event');
    expect(await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind: 'created' })).toBe('duplicate');
    expect(w.jira.commentsOn(issue.key)).toHaveLength(1);
  });
});

describe('View access', () => {
  it('lists active grants first, in the requester time zone, and says so when there are none', async () => {
    const w = world();
    const none = await w.raise({ accessType: 'View access' });
    expect(w.jira.commentsOn(none.issue.key).join()).toContain('no Okta access grants');
    await activeLinux(w);
    await w.raise({ accessType: 'New access', adminGroup: WINDOWS, changeType: 'Standard' });
    await w.drain();
    const view = await w.raise({ accessType: 'View access' });
    const text = w.jira.commentsOn(view.issue.key).join();
    expect(text).toContain('PAM Windows Admins');
    expect(text).toContain('PAM Linux Sysadmins');
    expect(text).toContain('GMT'); // Europe/London in November
    expect(text.indexOf('Active')).toBeGreaterThan(-1);
  });
});

describe('reminders and expiry', () => {
  it('reminds once inside the lead time, then expires, removes and closes out', async () => {
    const w = world();
    w.config.policy.closeOutTransitionName = 'Done';
    const { issue, grantId } = await activeLinux(w);
    w.clock.set('2026-11-22T11:50:00.000Z');
    expect((await runSweep(w.app)).reminded).toBe(0);
    w.clock.set('2026-11-22T12:05:00.000Z');
    expect((await runSweep(w.app)).reminded).toBe(1);
    expect((await runSweep(w.app)).reminded).toBe(0); // never twice
    expect(w.jira.commentsOn(issue.key).filter((c) => c.includes('ends at'))).toHaveLength(1);

    w.clock.set('2026-11-22T13:00:00.000Z');
    await runSweep(w.app);
    await runSweep(w.app); // overlapping/repeated sweeps
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'EXPIRED', endReason: 'EXPIRED' });
    expect(w.directory.writes.filter((x) => x.op === 'remove')).toHaveLength(1);
    expect(w.directory.memberships.size).toBe(0);
    expect(w.jira.transitions).toEqual([{ issueKey: issue.key, name: 'Done' }]);
    expect(w.jira.commentsOn(issue.key).filter((c) => c.includes('time ran out'))).toHaveLength(1);
  });

  it('schedules exact-time expiry for grants ending within 15 minutes, once per end time', async () => {
    const w = world();
    const { grantId } = await activeLinux(w);
    w.queue.take();
    w.clock.set('2026-11-22T12:50:00.000Z');
    await runSweep(w.app);
    await runSweep(w.app);
    const expiries = w.queue.take().filter((x) => x.item.kind === 'expire');
    expect(expiries).toEqual([{ item: { kind: 'expire', grantId }, delaySeconds: 600 }]);
  });

  it('an expire event for a grant extended meanwhile leaves it running', async () => {
    const w = world();
    const { grantId } = await activeLinux(w);
    w.clock.set('2026-11-22T12:50:00.000Z');
    await w.raise({ accessType: 'Extend access', adminGroup: LINUX, changeType: 'Emergency' });
    w.clock.set('2026-11-22T13:00:00.000Z');
    await w.app.queue.enqueue([{ kind: 'expire', grantId }]);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', endsAt: '2026-11-22T16:50:00.000Z' });
  });

  it('keeps the membership while another grant for the same group runs', async () => {
    const w = world();
    const a = await activeLinux(w); // 09-13
    w.clock.advance(2 * HOUR);
    const b = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Standard' }); // 11-21 (12 h cap)
    await w.drain();
    expect(await w.grant(b.grantId)).toMatchObject({ status: 'ACTIVE', preexistingMembership: false });
    w.clock.set('2026-11-22T13:00:00.000Z');
    await runSweep(w.app); await w.drain();
    expect(await w.grant(a.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(w.directory.memberships.has(`${OKTA_NEVILLE}|${LINUX}`)).toBe(true);
    w.clock.set('2026-11-22T23:00:00.000Z');
    await runSweep(w.app); await w.drain();
    expect(await w.grant(b.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(w.directory.memberships.has(`${OKTA_NEVILLE}|${LINUX}`)).toBe(false);
  });

  it('never drops a revocation: transient errors retry, permanent ones alert', async () => {
    const w = world();
    const { issue, grantId } = await activeLinux(w);
    w.clock.set('2026-11-22T13:00:00.000Z');
    w.directory.failNext.removeMember = [new DirectoryError('transient', 'Okta timed out.')];
    await runSweep(w.app);
    const [r] = await w.drain(1);
    expect(r).toMatchObject({ done: false });
    expect(await w.grant(grantId)).toMatchObject({ status: 'REVOKING', attempts: 1, lastError: 'Okta timed out.' });
    // The queue lost the retry; 15 minutes later the sweep picks the stalled revocation up again.
    w.queue.take();
    w.clock.set('2026-11-22T13:20:00.000Z');
    w.directory.failNext.removeMember = [new DirectoryError('permanent', 'Okta denied the change (E0000006).', { status: 403 })];
    await runSweep(w.app);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'FAILED' });
    expect(w.jira.commentsOn(issue.key).join()).toContain('Removing access failed');
    expect(w.health.errors.length).toBeGreaterThan(0);
  });
});

describe('relinquish and revoke', () => {
  it('goes through the same path with actor and reason', async () => {
    const w = world();
    const { issue, grantId } = await activeLinux(w);
    expect(await requestRevocation(w.app, { grantId, actor: NEVILLE, reason: 'RELINQUISHED' })).toEqual({ ok: true });
    expect(await requestRevocation(w.app, { grantId, actor: NEVILLE, reason: 'RELINQUISHED' })).toEqual({ ok: true });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'REVOKED', endReason: 'RELINQUISHED', endedBy: NEVILLE });
    expect(w.directory.writes.filter((x) => x.op === 'remove')).toHaveLength(1);
    expect(w.jira.commentsOn(issue.key).filter((c) => c.includes('you gave it up'))).toHaveLength(1);
    expect(await requestRevocation(w.app, { grantId, actor: NEVILLE, reason: 'RELINQUISHED' })).toMatchObject({ ok: false, code: 'REVOKE.NOT_ACTIVE' });
  });
});

describe('drift', () => {
  it('ends grants removed by hand and reports hand-added members once', async () => {
    const w = world();
    const { issue, grantId } = await activeLinux(w);
    w.directory.memberships.delete(`${OKTA_NEVILLE}|${LINUX}`);
    w.directory.memberships.add(`00uSOMEONEELSE000001|${LINUX}`);
    w.clock.advance(MIN);
    expect(await reconcile(w.app)).toEqual({ groups: 2, removedExternally: 1, unmanaged: 1, groupsNotChecked: 0 });
    expect(await w.grant(grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY' });
    expect(w.jira.commentsOn(issue.key).join()).toContain('outside this app');
    await reconcile(w.app);
    expect(w.audit.entries.filter((e) => e.action === 'UNMANAGED_MEMBER_FOUND')).toHaveLength(1);
    expect(w.directory.writes.filter((x) => x.op === 'remove')).toHaveLength(0);
  });
});

describe('failures an admin resolves', () => {
  it('keeps a revocation blocked by broken credentials pending, says so once, and finishes once fixed', async () => {
    const w = world();
    const { issue, grantId } = await activeLinux(w);
    w.clock.set('2026-11-22T13:00:00.000Z');
    w.directory.failNext.removeMember = [
      new DirectoryError('configuration', 'Okta rejected the API token (E0000011).', { status: 401 }),
      new DirectoryError('configuration', 'Okta rejected the API token (E0000011).', { status: 401 }),
    ];
    await runSweep(w.app);
    const [first] = await w.drain(1);
    expect(first).toMatchObject({ done: false, retryAfterMs: 900_000 });
    await w.app.queue.enqueue([{ kind: 'revoke', grantId }]);
    await w.drain(1);
    expect(await w.grant(grantId)).toMatchObject({ status: 'REVOKING', attempts: 2 });
    expect(w.jira.commentsOn(issue.key).filter((c) => c.includes('waiting for the Okta connection'))).toHaveLength(1);
    await w.app.queue.enqueue([{ kind: 'revoke', grantId }]);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(w.directory.memberships.size).toBe(0);
  });

  it('lets an admin retry a FAILED removal, which then completes', async () => {
    const w = world();
    const { grantId } = await activeLinux(w);
    w.clock.set('2026-11-22T13:00:00.000Z');
    w.directory.failNext.removeMember = [new DirectoryError('permanent', 'Okta denied the change (E0000006).', { status: 403 })];
    await runSweep(w.app);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'FAILED' });
    expect(await requestRevocation(w.app, { grantId, actor: NEVILLE, reason: 'RELINQUISHED' })).toMatchObject({ ok: false });
    expect(await requestRevocation(w.app, { grantId, actor: 'acc-ada', reason: 'REVOKED_BY_ADMIN' })).toEqual({ ok: true });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'EXPIRED', endReason: 'EXPIRED' });
    expect(w.directory.memberships.size).toBe(0);
    expect(w.audit.actions(grantId)).toContain('REVOKE_STARTED');
  });

  it('takes back a membership that may have landed when Okta recovers only after the end', async () => {
    const w = world();
    const { grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Emergency' });
    // The PUT lands in Okta but its answer is lost; Okta then stays down past the end time.
    const realAdd = w.directory.addMember.bind(w.directory);
    w.directory.addMember = async (u, g) => { await realAdd(u, g); throw new DirectoryError('transient', 'Okta timed out.'); };
    await w.drain(1);
    expect(await w.grant(grantId)).toMatchObject({ status: 'GRANTING' });
    expect(w.directory.memberships.size).toBe(1);
    w.clock.set('2026-11-22T13:30:00.000Z');
    await w.app.queue.enqueue([{ kind: 'grant', grantId }]);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'FAILED' });
    expect(w.directory.memberships.size).toBe(0);
  });

  it('sends no email when the admin turned notifications off, and still comments', async () => {
    const w = world();
    w.config.policy.notifyByEmail = false;
    const { issue } = await activeLinux(w);
    expect(w.jira.commentsOn(issue.key)).toHaveLength(1);
    expect(w.jira.notifications).toEqual([]);
  });
});

describe('ownership of a membership a failed removal left behind', () => {
  it('a later grant does not take it for pre-existing, so its own end removes it', async () => {
    const w = world();
    const a = await activeLinux(w);
    w.clock.set('2026-11-22T13:00:00.000Z');
    w.directory.failNext.removeMember = [new DirectoryError('permanent', 'Okta denied the change (E0000006).', { status: 403 })];
    await runSweep(w.app);
    await w.drain();
    expect(await w.grant(a.grantId)).toMatchObject({ status: 'FAILED' });
    expect(w.directory.memberships.has(`${OKTA_NEVILLE}|${LINUX}`)).toBe(true);

    const b = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Emergency' });
    await w.drain();
    expect(await w.grant(b.grantId)).toMatchObject({ status: 'ACTIVE', preexistingMembership: false });
    w.clock.set('2026-11-22T17:05:00.000Z');
    await runSweep(w.app);
    await w.drain();
    expect(await w.grant(b.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(w.directory.memberships.has(`${OKTA_NEVILLE}|${LINUX}`)).toBe(false);
  });
});
