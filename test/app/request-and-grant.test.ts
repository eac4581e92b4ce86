import { LINUX, makeGroupPolicy } from '../factories/grant';
import { DirectoryError } from '../../src/app/ports';
import { APPROVER, NEVILLE, OKTA_NEVILLE, world } from './harness';

describe('New access', () => {
  it('records the request, grants through the worker and comments once', async () => {
    const w = world();
    const { issue, outcome, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Emergency' });
    expect(outcome).toBe('recorded');
    expect((await w.grant(grantId))?.status).toBe('REQUESTED');
    await w.drain();
    const g = await w.grant(grantId);
    expect(g).toMatchObject({ status: 'ACTIVE', oktaUserId: OKTA_NEVILLE, endsAt: '2026-11-22T13:00:00.000Z', emergency: true, preexistingMembership: false });
    expect(w.directory.writes).toEqual([{ op: 'add', userId: OKTA_NEVILLE, groupId: LINUX, requestId: 'req-1' }]);
    expect(w.jira.commentsOn(issue.key)).toHaveLength(1);
    expect(w.jira.commentsOn(issue.key)[0]).toContain('PAM Linux Sysadmins');
    expect(w.audit.entries.find((e) => e.action === 'MEMBERSHIP_ADDED')?.oktaRequestId).toBe('req-1');
    expect(w.audit.actions(grantId)).toEqual(['REQUESTED', 'EMERGENCY_USED', 'GRANT_STARTED', 'MEMBERSHIP_ADDED', 'ACTIVE']);
  });

  it('treats a duplicate created event and a duplicate queue item as no-ops', async () => {
    const w = world();
    const first = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    const { intakeIssueEvent } = await import('../../src/app/intake-issue-event');
    expect(await intakeIssueEvent(w.app, { issueId: first.issue.id, issueKey: first.issue.key, kind: 'created' })).toBe('duplicate');
    await w.app.queue.enqueue([{ kind: 'grant', grantId: first.grantId }]);
    await w.drain();
    expect(w.directory.writes).toHaveLength(1);
    expect(w.jira.commentsOn(first.issue.key)).toHaveLength(1);
  });

  it('records pre-existing membership and never removes it', async () => {
    const w = world();
    w.directory.memberships.add(`${OKTA_NEVILLE}|${LINUX}`);
    const { grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', preexistingMembership: true });
    expect(w.directory.writes).toEqual([]);
  });

  it('resumes a grant that crashed after the Okta call without calling it pre-existing', async () => {
    const w = world();
    const { grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    // The worker wrote GRANTING, added the member, then died before writing ACTIVE.
    w.directory.failNext.addMember = [];
    const realAdd = w.directory.addMember.bind(w.directory);
    w.directory.addMember = async (u, g) => { await realAdd(u, g); throw new Error('process killed'); };
    await expect(w.drain()).rejects.toThrow('process killed');
    expect((await w.grant(grantId))?.status).toBe('GRANTING');
    w.directory.addMember = realAdd;
    await w.app.queue.enqueue([{ kind: 'grant', grantId }]);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', preexistingMembership: false });
  });

  it.each([
    [{ accessType: 'Gimme access', adminGroup: LINUX }, 'is not an Access type'],
    [{ accessType: 'New access' }, 'Choose the Admin group'],
    [{ accessType: 'New access', adminGroup: 'wheel' }, 'is not an Okta group'],
  ])('refuses bad fields %j with a clear comment and no grant', async (fields, text) => {
    const w = world();
    const { issue, outcome, grantId } = await w.raise(fields);
    expect(outcome).toBe('invalid-fields');
    expect(await w.grant(grantId)).toBeUndefined();
    expect(w.jira.commentsOn(issue.key).join()).toContain(text);
    await w.raise(fields); // another issue: its own comment
    expect(w.directory.writes).toEqual([]);
  });

  it('stays silent on issues that are not access requests', async () => {
    const w = world();
    const { issue, outcome } = await w.raise({});
    expect(outcome).toBe('ignored');
    expect(w.jira.commentsOn(issue.key)).toEqual([]);
  });

  it('denies a group that is not allowlisted, before any Okta call', async () => {
    const w = world();
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: '00gNOTALLOWED0000001' });
    expect(await w.grant(grantId)).toMatchObject({ status: 'DENIED' });
    expect(w.jira.commentsOn(issue.key)[0]).toContain('not on the list');
    expect(w.queue.items).toEqual([]);
  });

  it.each([
    ['APP_GROUP', { type: 'APP_GROUP' }, 'Not an Okta group'],
    ['rule-targeted', { ruleTargeted: true }, 'group rule'],
    ['admin role', { adminRole: true }, 'admin role'],
  ])('denies an allowlisted group that became %s', async (_label, change, text) => {
    const w = world();
    Object.assign(w.directory.groups.get(LINUX)!, change);
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'DENIED' });
    expect(w.jira.commentsOn(issue.key).join()).toContain(text);
    expect(w.directory.writes).toEqual([]);
  });

  it('denies when the group was removed from the allowlist after the request', async () => {
    const w = world();
    const { grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    w.config.allowlist = w.config.allowlist.filter((g) => g.groupId !== LINUX);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'DENIED' });
    expect(w.directory.writes).toEqual([]);
  });

  it.each([
    ['hidden email and no mapping', (w: ReturnType<typeof world>) => { w.jira.users.get(NEVILLE)!.email = undefined; }, 'requester mapping'],
    ['no Okta user', (w: ReturnType<typeof world>) => { w.directory.users = []; }, 'No Okta user'],
    ['two Okta users', (w: ReturnType<typeof world>) => { w.directory.users.push({ ...w.directory.users[0], id: '00uTWIN' }); }, 'More than one'],
    ['a deactivated Okta user', (w: ReturnType<typeof world>) => { w.directory.users[0].status = 'DEPROVISIONED'; }, 'not active'],
  ])('denies with an explanation: %s', async (_l, arrange, text) => {
    const w = world();
    arrange(w);
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'DENIED' });
    expect(w.jira.commentsOn(issue.key).join()).toContain(text);
  });

  it('uses the admin mapping when Jira hides the email', async () => {
    const w = world();
    w.jira.users.get(NEVILLE)!.email = undefined;
    w.config.policy.requesterMapping = { [NEVILLE]: 'neville.newadmin@atko.email' };
    const { grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE' });
  });

  it('fails visibly when Okta is not configured', async () => {
    const w = world();
    w.config.connection = undefined;
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'FAILED' });
    expect(w.jira.commentsOn(issue.key).join()).toContain('admin page');
  });

  it('keeps GRANTING with attempts and the last error while Okta is down, then completes', async () => {
    const w = world();
    const { grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    w.directory.failNext.addMember = [
      new DirectoryError('transient', 'Okta answered 503.', { status: 503 }),
      new DirectoryError('transient', 'Okta rate limit reached.', { status: 429, retryAfterMs: 42_000 }),
    ];
    const [r1] = await w.drain(1);
    expect(r1).toMatchObject({ done: false, retryAfterMs: 30_000 });
    expect(await w.grant(grantId)).toMatchObject({ status: 'GRANTING', attempts: 1, lastError: 'Okta answered 503.' });
    await w.app.queue.enqueue([{ kind: 'grant', grantId }]);
    const [r2] = await w.drain(1);
    expect(r2).toMatchObject({ done: false, retryAfterMs: 42_000 });
    expect(await w.grant(grantId)).toMatchObject({ status: 'GRANTING', attempts: 2 });
    await w.app.queue.enqueue([{ kind: 'grant', grantId }]);
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', attempts: 0 });
  });

  it('fails with a human message on a permanent Okta error', async () => {
    const w = world();
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    w.directory.failNext.addMember = [new DirectoryError('permanent', 'Okta denied the change (E0000006): the API token lacks permission to manage this group.', { status: 403 })];
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'FAILED' });
    expect(w.jira.commentsOn(issue.key).join()).toContain('lacks permission');
    expect(w.health.errors).toHaveLength(1);
  });
});

describe('approval mode status', () => {
  it('waits for the approval status set by someone else, and refuses self-approval', async () => {
    const w = world();
    w.config.allowlist = [makeGroupPolicy({ approvalMode: 'status' })];
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Standard' });
    expect(w.jira.commentsOn(issue.key)[0]).toContain('waiting for approval');
    expect(w.queue.items).toEqual([]);

    const { intakeIssueEvent } = await import('../../src/app/intake-issue-event');
    w.jira.moveTo(issue.key, 'Approved', NEVILLE, '2026-11-22T09:10:00.000Z');
    expect(await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind: 'updated', statusTo: 'Approved' })).toBe('approval-noted');
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(w.jira.commentsOn(issue.key).join()).toContain('cannot approve their own');

    w.jira.moveTo(issue.key, 'Approved', APPROVER, '2026-11-22T09:20:00.000Z');
    await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind: 'updated', statusTo: 'Approved' });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: APPROVER });
  });

  it('does not count an approval from before the request, or one the issue has since left', async () => {
    const w = world('2026-11-22T09:00:00.000Z');
    w.config.allowlist = [makeGroupPolicy({ approvalMode: 'status' })];
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Standard' });
    const { processWork } = await import('../../src/app/process-work');
    // Approved for something else yesterday, still in Approved: not an approval of this request.
    w.jira.moveTo(issue.key, 'Approved', APPROVER, '2026-11-21T09:00:00.000Z');
    await processWork(w.app, { kind: 'grant', grantId });
    expect(await w.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    // Approved after the request, then rejected: the approval no longer stands.
    w.jira.moveTo(issue.key, 'Approved', APPROVER, '2026-11-22T09:30:00.000Z');
    w.jira.moveTo(issue.key, 'Rejected', APPROVER, '2026-11-22T09:31:00.000Z');
    await processWork(w.app, { kind: 'grant', grantId });
    expect(await w.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(w.directory.writes).toEqual([]);
    w.jira.moveTo(issue.key, 'Approved', APPROVER, '2026-11-22T09:40:00.000Z');
    await processWork(w.app, { kind: 'grant', grantId });
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: APPROVER });
  });

  it('counts an approval made before a late creation event was processed, from the issue creation time', async () => {
    const w = world('2026-11-22T09:05:00.000Z');
    w.config.allowlist = [makeGroupPolicy({ approvalMode: 'status' })];
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Standard', createdAt: '2026-11-22T09:00:00.000Z' });
    w.jira.moveTo(issue.key, 'Approved', APPROVER, '2026-11-22T09:01:00.000Z');
    const { processWork } = await import('../../src/app/process-work');
    await processWork(w.app, { kind: 'grant', grantId });
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: APPROVER });
  });

  it('says so when the issue moved on from the approval status before access was granted', async () => {
    const w = world();
    w.config.allowlist = [makeGroupPolicy({ approvalMode: 'status' })];
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Standard', createdAt: '2026-11-22T09:00:00.000Z' });
    w.jira.moveTo(issue.key, 'Approved', APPROVER, '2026-11-22T09:01:00.000Z');
    w.jira.moveTo(issue.key, 'In Progress', APPROVER, '2026-11-22T09:02:00.000Z');
    const { processWork } = await import('../../src/app/process-work');
    await processWork(w.app, { kind: 'grant', grantId });
    await processWork(w.app, { kind: 'grant', grantId });
    expect(await w.grant(grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(w.jira.commentsOn(issue.key).filter((c) => c.includes('move the issue back to "Approved"'))).toHaveLength(1);
  });

  it('closes a request nobody approved within 7 days', async () => {
    const w = world();
    w.config.allowlist = [makeGroupPolicy({ approvalMode: 'status' })];
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Standard' });
    w.clock.advance(8 * 24 * 3_600_000);
    const { processWork } = await import('../../src/app/process-work');
    await processWork(w.app, { kind: 'grant', grantId });
    expect(await w.grant(grantId)).toMatchObject({ status: 'DENIED' });
    expect(w.jira.commentsOn(issue.key).join()).toContain('not approved within 7 days');
  });

  it('lets the emergency value skip approval and flags it', async () => {
    const w = world();
    w.config.allowlist = [makeGroupPolicy({ approvalMode: 'status' })];
    const { grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Emergency' });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', emergency: true });
    expect(w.audit.actions(grantId)).toContain('EMERGENCY_USED');
  });

  it('ignores an edit of the group after the request, saying so once', async () => {
    const w = world();
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    w.jira.issues.get(issue.key)!.adminGroup = '00gWINDOWSADMIN00002';
    const { intakeIssueEvent } = await import('../../src/app/intake-issue-event');
    expect(await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind: 'updated' })).toBe('edit-ignored');
    expect(await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind: 'updated' })).toBe('edit-ignored');
    expect(w.jira.commentsOn(issue.key).filter((c) => c.includes('not applied'))).toHaveLength(1);
    expect(await w.grant(grantId)).toMatchObject({ groupId: LINUX, status: 'ACTIVE' });
  });
});

describe('a trigger that died half way through recording a request', () => {
  it('is finished by the worker the sweep re-queues: audit entries (emergency flag included) and the grant', async () => {
    const w = world();
    const realAppend = w.audit.append.bind(w.audit);
    let failed = false;
    w.audit.append = async (e) => { if (!failed) { failed = true; throw new Error('process killed'); } return realAppend(e); };
    await expect(w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Emergency' })).rejects.toThrow('process killed');
    expect(w.audit.entries).toEqual([]);
    w.queue.take(); // nothing was queued anyway: the crash came first
    w.clock.advance(20 * 60_000);
    const { runSweep } = await import('../../src/app/run-sweep');
    expect((await runSweep(w.app)).requeued).toBe(1);
    await w.drain();
    const grantId = [...w.grants.rows.keys()][0];
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(w.audit.actions(grantId)).toEqual(['REQUESTED', 'EMERGENCY_USED', 'GRANT_STARTED', 'MEMBERSHIP_ADDED', 'ACTIVE']);
  });
});

describe('edits after the request', () => {
  it('an Access type edit is said to be ignored too, once, and changes nothing', async () => {
    const w = world();
    const { issue, grantId } = await w.raise({ accessType: 'New access', adminGroup: LINUX });
    await w.drain();
    w.jira.issues.get(issue.key)!.accessType = 'Extend access';
    const { intakeIssueEvent } = await import('../../src/app/intake-issue-event');
    expect(await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind: 'updated' })).toBe('edit-ignored');
    expect(await intakeIssueEvent(w.app, { issueId: issue.id, issueKey: issue.key, kind: 'updated' })).toBe('edit-ignored');
    expect(w.jira.commentsOn(issue.key).filter((c) => c.includes('not applied'))).toHaveLength(1);
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', extensions: 0 });
  });
});
