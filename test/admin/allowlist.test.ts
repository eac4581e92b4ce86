import { addToAllowlist, listAllowlist, removeFromAllowlist, searchGroups, updateAllowlistEntry } from '../../src/app/admin/allowlist';
import { DirectoryError } from '../../src/app/ports';
import { fieldErrors, GroupPolicyInput, LIMITS } from '../../src/shared/admin-contract';
import { makeGrant } from '../factories/grant';
import { ADMIN, adminWorld, G } from './fakes';

const policy = (over: Record<string, unknown> = {}) => GroupPolicyInput.parse({
  groupId: G.linux, maxDurationHours: 12, maxLifetimeHours: 24, maxExtensions: 2, reminderLeadMinutes: 60,
  approvalMode: 'none', allowedProjectKeys: [], ...over,
});

describe('allowlist', () => {
  test('adds an eligible group with the name Okta gives it, and audits who did it', async () => {
    const w = adminWorld();
    w.connect();
    const r = await addToAllowlist(w.app, ADMIN, policy({ allowedProjectKeys: ['ops', 'SEC'] }));
    expect(r).toEqual({ ok: true, data: [expect.objectContaining({ groupId: G.linux, displayName: 'PAM Linux Sysadmins', allowedProjectKeys: ['OPS', 'SEC'], activeGrants: 0 })] });
    expect(w.config.allowlist).toEqual([{ groupId: G.linux, displayName: 'PAM Linux Sysadmins', maxDurationHours: 12, maxLifetimeHours: 24, maxExtensions: 2, reminderLeadMinutes: 60, approvalMode: 'none', allowedProjectKeys: ['OPS', 'SEC'] }]);
    expect(w.audit.entries).toEqual([expect.objectContaining({ action: 'CONFIG_CHANGED', actor: ADMIN, groupId: G.linux, detail: expect.stringContaining('Allowlisted Okta group PAM Linux Sysadmins') })]);
  });

  test.each([
    [G.superAdmins, 'GROUP.HAS_ADMIN_ROLE', /admin role/],
    [G.appGroup, 'GROUP.NOT_OKTA_GROUP', /Not an Okta group/],
    [G.ruled, 'GROUP.RULE_TARGETED', /group rule/],
    ['00gDOESNOTEXIST00000', 'GROUP.NOT_FOUND', /no longer exists/],
  ])('refuses %s (%s) with the reason and stores nothing', async (groupId, code, message) => {
    const w = adminWorld();
    w.connect();
    const r = await addToAllowlist(w.app, ADMIN, policy({ groupId }));
    expect(r).toEqual({ ok: false, code, message: expect.stringMatching(message) });
    expect(w.config.allowlist).toEqual([]);
    expect(w.audit.entries).toEqual([]);
  });

  test('refuses a duplicate before asking Okta', async () => {
    const w = adminWorld();
    w.connect();
    await addToAllowlist(w.app, ADMIN, policy());
    w.directory.failNext.checkGroupEligible = [new DirectoryError('transient', 'should not be called')];
    const r = await addToAllowlist(w.app, ADMIN, policy({ maxDurationHours: 4 }));
    expect(r).toEqual({ ok: false, code: 'ALLOWLIST.DUPLICATE', message: expect.stringContaining('already on the allowlist') });
    expect(w.config.allowlist).toHaveLength(1);
    expect(w.config.allowlist[0].maxDurationHours).toBe(12);
  });

  test('Okta down or not connected: a clear refusal, nothing stored', async () => {
    const w = adminWorld();
    expect(await addToAllowlist(w.app, ADMIN, policy())).toMatchObject({ ok: false, code: 'OKTA.NOT_CONNECTED', message: expect.stringContaining('Okta connection tab') });
    w.connect();
    w.directory.failNext.checkGroupEligible = [new DirectoryError('transient', 'HTTP 503')];
    expect(await addToAllowlist(w.app, ADMIN, policy())).toMatchObject({ ok: false, code: 'OKTA.UNAVAILABLE', message: expect.stringMatching(/not answering.*Nothing was changed/) });
    expect(w.config.allowlist).toEqual([]);
  });

  test('refuses a new group when the allowlist is full', async () => {
    const w = adminWorld();
    w.connect();
    w.config.allowlist = Array.from({ length: LIMITS.maxAllowlist }, (_, i) => ({ ...policy({ groupId: `00g${String(i).padStart(17, '0')}` }), displayName: `G${i}` }));
    expect(await addToAllowlist(w.app, ADMIN, policy())).toMatchObject({ ok: false, code: 'ALLOWLIST.FULL' });
  });

  test.each([
    [{ maxDurationHours: 0 }, 'maxDurationHours', /at least 1/],
    [{ maxDurationHours: 1.5 }, 'maxDurationHours', /whole number/],
    [{ maxDurationHours: 1000 }, 'maxDurationHours', /at most 168/],
    [{ maxLifetimeHours: 6 }, 'maxLifetimeHours', /at least the max duration/],
    [{ maxExtensions: -1 }, 'maxExtensions', /at least 0/],
    [{ reminderLeadMinutes: 720 }, 'reminderLeadMinutes', /shorter than the max duration/],
    [{ approvalMode: 'manager' }, 'approvalMode', /approval mode/],
    [{ allowedProjectKeys: ['OPS', 'ops'] }, 'allowedProjectKeys', /listed twice/],
    [{ allowedProjectKeys: ['1BAD'] }, 'allowedProjectKeys.0', /Project keys/],
    [{ groupId: 'PAM Linux' }, 'groupId', /not an Okta group id/],
    [{ maxDurationHours: '12' }, 'maxDurationHours', /must be a number/],
  ])('limits: %j is refused on %s', (over, field, message) => {
    const r = GroupPolicyInput.safeParse({ groupId: G.linux, maxDurationHours: 12, maxLifetimeHours: 24, maxExtensions: 2, reminderLeadMinutes: 60, approvalMode: 'none', allowedProjectKeys: [], ...over });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!)[field]).toMatch(message);
  });

  test('edits limits without touching the name, and removes an entry', async () => {
    const w = adminWorld();
    w.connect();
    await addToAllowlist(w.app, ADMIN, policy());
    await addToAllowlist(w.app, ADMIN, policy({ groupId: G.windows }));
    const r = await updateAllowlistEntry(w.app, ADMIN, policy({ maxDurationHours: 4, approvalMode: 'status' }));
    expect(r.ok && r.data.find((e) => e.groupId === G.linux)).toMatchObject({ displayName: 'PAM Linux Sysadmins', maxDurationHours: 4, approvalMode: 'status' });
    const removed = await removeFromAllowlist(w.app, ADMIN, { groupId: G.windows });
    expect(removed.ok && removed.data.map((e) => e.groupId)).toEqual([G.linux]);
    expect(await removeFromAllowlist(w.app, ADMIN, { groupId: G.windows })).toMatchObject({ ok: false, code: 'ALLOWLIST.NOT_FOUND' });
    expect(await updateAllowlistEntry(w.app, ADMIN, policy({ groupId: G.windows }))).toMatchObject({ ok: false, code: 'ALLOWLIST.NOT_FOUND' });
    expect(w.audit.entries.map((e) => e.detail)).toEqual([
      expect.stringContaining('Allowlisted'), expect.stringContaining('Allowlisted'),
      expect.stringContaining('Changed the policy of PAM Linux Sysadmins'), expect.stringContaining('Removed Okta group PAM Windows Admins'),
    ]);
  });

  test('counts grants that hold each group, so removing one is an informed choice', async () => {
    const w = adminWorld();
    w.connect();
    await addToAllowlist(w.app, ADMIN, policy());
    await w.grants.create(makeGrant({ id: 'g1', status: 'ACTIVE' }));
    await w.grants.create(makeGrant({ id: 'g2', status: 'REVOKING' }));
    await w.grants.create(makeGrant({ id: 'g3', status: 'EXPIRED' }));
    expect(await listAllowlist(w.app)).toEqual({ ok: true, data: [expect.objectContaining({ groupId: G.linux, activeGrants: 2 })] });
  });

  test('group search marks groups already allowlisted', async () => {
    const w = adminWorld();
    w.connect();
    await addToAllowlist(w.app, ADMIN, policy());
    const r = await searchGroups(w.app, { query: 'pam l' });
    expect(r).toEqual({ ok: true, data: [{ id: G.linux, name: 'PAM Linux Sysadmins', type: 'OKTA_GROUP', allowlisted: true }] });
  });
});
