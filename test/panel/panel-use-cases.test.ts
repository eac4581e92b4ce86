/**
 * The panel and field use cases over in-memory ports, and the UI resolver called exactly as the
 * platform calls it (`handler({ call, context }, { principal })`): what each viewer sees, what each
 * may do and why not, and that authorization comes from the invocation context only.
 */
import { loadPanel } from '../../src/app/panel/load-panel';
import { groupName, listGroupOptions } from '../../src/app/panel/field-groups';
import { buildUiResolver } from '../../src/entry/ui-resolver';
import type { PanelActionResult, PanelData } from '../../src/shared/panel-contract';
import type { Envelope } from '../../src/shared/envelope';
import { LINUX, makeGroupPolicy, WINDOWS } from '../factories/grant';
import { APPROVER, NEVILLE, world } from '../app/harness';

const HOUR = 3_600_000;
const ADMIN = 'acc-ada';
const STRANGER = 'acc-stan';

function panelWorld() {
  const w = world();
  w.jira.users.set(ADMIN, { accountId: ADMIN, displayName: 'Ada Admin', email: 'ada@atko.email', timeZone: 'UTC', admin: true });
  w.jira.users.set(STRANGER, { accountId: STRANGER, displayName: 'Stan Stranger', email: 'stan@atko.email', timeZone: 'Asia/Tokyo' });
  const handler = buildUiResolver(() => w.app);
  const invoke = async <T>(key: string, payload: unknown, accountId: string, issue?: { id: string; key: string }) =>
    (await handler(
      { call: { functionKey: key, payload }, context: { cloudId: 'c1', moduleKey: 'access-panel', extension: { type: 'jira:issuePanel', ...(issue ? { issue } : {}), project: { key: 'ACC' } } } as any },
      { principal: { accountId }, installContext: 'ari:cloud:jira::site/c1' },
    )) as Envelope<T>;
  return { ...w, invoke };
}

async function activeGrant(w: ReturnType<typeof panelWorld>, changeType = 'Emergency') {
  const r = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType });
  await w.drain();
  return { ...r, ctx: { id: r.issue.id, key: r.issue.key } };
}

describe('panel/load', () => {
  it('shows the requester their active grant: times, approval, actions with the policy preview, history, other grants', async () => {
    const w = panelWorld();
    const other = await w.raise({ accessType: 'New access', adminGroup: WINDOWS, changeType: 'Standard' });
    await w.drain();
    const { ctx, grantId } = await activeGrant(w);
    const r = await w.invoke<PanelData>('panel/load', {}, NEVILLE, ctx);
    expect(r.ok).toBe(true);
    const data = (r as { ok: true; data: PanelData }).data;
    expect(data).toMatchObject({
      now: '2026-11-22T09:00:00.000Z', state: 'grant', viewer: { timeZone: 'Europe/London', isRequester: true, isAdmin: false },
      grant: { id: grantId, status: 'ACTIVE', groupName: 'PAM Linux Sysadmins', endsAt: '2026-11-22T13:00:00.000Z', approval: { state: 'emergency' }, requester: { displayName: 'Neville Newadmin' } },
    });
    // Right after the start an extension would not move the end (4 h from now = the current end).
    expect(data.actions).toEqual({
      extend: { enabled: false, reason: expect.stringContaining('would not move the end') },
      relinquish: { enabled: true },
    });
    expect(data.history!.map((h) => h.action)).toEqual(expect.arrayContaining(['REQUESTED', 'MEMBERSHIP_ADDED', 'ACTIVE']));
    expect(data.history!.find((h) => h.action === 'GRANT_STARTED')!.detail).toContain('[email hidden]');
    expect(data.otherGrants).toEqual([expect.objectContaining({ id: other.grantId, groupName: 'PAM Windows Admins', status: 'ACTIVE' })]);
    // No emails anywhere (the GRANT_STARTED audit detail names the Okta login).
    expect(JSON.stringify(data)).not.toMatch(/@atko\.email/);
  });

  it('offers Extend with the new end once it would move it, and explains the limit when it is reached', async () => {
    const w = panelWorld();
    w.config.allowlist = [makeGroupPolicy({ maxExtensions: 1 })];
    const { ctx } = await activeGrant(w);
    w.clock.advance(3 * HOUR);
    let data = ((await w.invoke<PanelData>('panel/load', {}, NEVILLE, ctx)) as any).data as PanelData;
    expect(data.actions!.extend).toEqual({ enabled: true, newEndsAt: '2026-11-22T16:00:00.000Z' });
    await w.invoke('panel/extend', { grantId: `grant-${ctx.id}` }, NEVILLE, ctx);
    w.clock.advance(3 * HOUR);
    data = ((await w.invoke<PanelData>('panel/load', {}, NEVILLE, ctx)) as any).data as PanelData;
    expect(data.actions!.extend).toEqual({ enabled: false, reason: expect.stringContaining('the most PAM Linux Sysadmins allows') });
  });

  it('shows another Jira user the status but not the history or the requester\'s other grants', async () => {
    const w = panelWorld();
    const { ctx } = await activeGrant(w);
    const data = ((await w.invoke<PanelData>('panel/load', {}, STRANGER, ctx)) as any).data as PanelData;
    expect(data.grant!.status).toBe('ACTIVE');
    expect(data.viewer).toEqual({ timeZone: 'Asia/Tokyo', isRequester: false, isAdmin: false });
    expect(data.actions).toEqual({});
    expect(data.history).toBeUndefined();
    expect(data.otherGrants).toBeUndefined();
    expect(data.restrictedNote).toMatch(/requester and to Jira admins/);
  });

  it('offers an admin Revoke, not Extend or Relinquish', async () => {
    const w = panelWorld();
    const { ctx } = await activeGrant(w);
    const data = ((await w.invoke<PanelData>('panel/load', {}, ADMIN, ctx)) as any).data as PanelData;
    expect(data.actions).toEqual({ revoke: { enabled: true } });
    expect(data.history!.length).toBeGreaterThan(0);
  });

  it('says when an issue is not an access request, has no grant yet, or is an Extend/View request', async () => {
    const w = panelWorld();
    w.jira.issues.set('ACC-1', { id: '1', key: 'ACC-1', projectKey: 'ACC', reporterAccountId: NEVILLE, statusName: 'To Do' });
    w.jira.issues.set('ACC-2', { id: '2', key: 'ACC-2', projectKey: 'ACC', reporterAccountId: NEVILLE, statusName: 'To Do', accessType: 'New access', adminGroup: LINUX });
    w.jira.issues.set('ACC-3', { id: '3', key: 'ACC-3', projectKey: 'ACC', reporterAccountId: NEVILLE, statusName: 'To Do', accessType: 'View access' });
    const load = async (id: string, who = NEVILLE) => (await loadPanel(w.app, { accountId: who, issue: { id, key: `ACC-${id}` } }));
    expect((await load('1')).state).toBe('not-a-request');
    expect((await load('2')).state).toBe('no-grant-yet');
    expect(await load('3')).toMatchObject({ state: 'no-grant-expected', accessType: 'View access', otherGrants: [] });
    expect((await load('3', STRANGER)).otherGrants).toBeUndefined();
  });

  it('gives the reason and what to do next for a DENIED grant, and approval state while waiting', async () => {
    const w = panelWorld();
    w.config.allowlist = [makeGroupPolicy({ allowedProjectKeys: ['OPS'] }), makeGroupPolicy({ groupId: WINDOWS, displayName: 'PAM Windows Admins', approvalMode: 'status' })];
    const denied = await w.raise({ accessType: 'New access', adminGroup: LINUX, changeType: 'Standard' });
    const d = await loadPanel(w.app, { accountId: NEVILLE, issue: { id: denied.issue.id, key: denied.issue.key } });
    expect(d.grant).toMatchObject({ status: 'DENIED', reason: expect.stringContaining('cannot be requested from project ACC'), nextStep: expect.stringContaining('raise a new') });
    expect(d.actions).toEqual({});

    const waiting = await w.raise({ accessType: 'New access', adminGroup: WINDOWS, changeType: 'Standard' });
    const a = await loadPanel(w.app, { accountId: APPROVER, issue: { id: waiting.issue.id, key: waiting.issue.key } });
    expect(a.grant).toMatchObject({ status: 'REQUESTED', approval: { state: 'awaiting', statusName: 'Approved' } });
  });
});

describe('panel actions: authorization from the invocation context', () => {
  it('lets the requester extend and relinquish, answering with the refreshed panel', async () => {
    const w = panelWorld();
    const { ctx, grantId } = await activeGrant(w);
    w.clock.advance(3 * HOUR);
    const ext = await w.invoke<PanelActionResult>('panel/extend', { grantId }, NEVILLE, ctx);
    expect(ext).toMatchObject({ ok: true, data: { notice: expect.stringContaining('Extended'), panel: { grant: { endsAt: '2026-11-22T16:00:00.000Z', extensions: 1 } } } });
    const rel = await w.invoke<PanelActionResult>('panel/relinquish', { grantId }, NEVILLE, ctx);
    expect(rel).toMatchObject({ ok: true, data: { panel: { grant: { status: 'REVOKING' } } } });
    await w.drain();
    expect((await w.grant(grantId))).toMatchObject({ status: 'REVOKED', endReason: 'RELINQUISHED', endedBy: NEVILLE });
  });

  it('refuses Extend and Relinquish to anyone but the requester, and Revoke to non-admins', async () => {
    const w = panelWorld();
    const { ctx, grantId } = await activeGrant(w);
    w.clock.advance(3 * HOUR);
    for (const [key, who, payload] of [
      ['panel/extend', STRANGER, { grantId }], ['panel/relinquish', STRANGER, { grantId }],
      ['panel/extend', ADMIN, { grantId }], ['panel/relinquish', ADMIN, { grantId }],
    ] as const) {
      expect(await w.invoke(key, payload, who, ctx)).toEqual({ ok: false, error: { code: 'AUTH.NOT_REQUESTER', message: expect.any(String) } });
    }
    for (const who of [STRANGER, NEVILLE]) {
      expect(await w.invoke('panel/revoke', { grantId, confirm: true }, who, ctx)).toEqual({ ok: false, error: { code: 'AUTH.NOT_ADMIN', message: expect.any(String) } });
    }
    expect(await w.grant(grantId)).toMatchObject({ status: 'ACTIVE', extensions: 0 });
  });

  it('refuses a payload naming another issue\'s grant, even the caller\'s own', async () => {
    const w = panelWorld();
    const a = await activeGrant(w);
    const b = await w.raise({ accessType: 'New access', adminGroup: WINDOWS, changeType: 'Standard' });
    await w.drain();
    // Neville owns both grants, but the panel of issue A cannot act on B's grant.
    expect(await w.invoke('panel/relinquish', { grantId: b.grantId }, NEVILLE, a.ctx)).toEqual({ ok: false, error: { code: 'PANEL.WRONG_GRANT', message: expect.any(String) } });
    expect(await w.invoke('panel/revoke', { grantId: b.grantId, confirm: true }, ADMIN, a.ctx)).toMatchObject({ ok: false, error: { code: 'PANEL.WRONG_GRANT' } });
    expect(await w.grant(b.grantId)).toMatchObject({ status: 'ACTIVE' });
  });

  it('lets an admin revoke after confirming; an unconfirmed or malformed payload is rejected', async () => {
    const w = panelWorld();
    const { ctx, grantId } = await activeGrant(w);
    expect(await w.invoke('panel/revoke', { grantId }, ADMIN, ctx)).toMatchObject({ ok: false, error: { code: 'VALIDATION.INVALID' } });
    expect(await w.invoke('panel/revoke', { grantId, confirm: true, issueKey: 'ACC-9' }, ADMIN, ctx)).toMatchObject({ ok: false, error: { code: 'VALIDATION.INVALID' } });
    expect(await w.invoke('panel/extend', { grantId: 'x'.repeat(500) }, NEVILLE, ctx)).toMatchObject({ ok: false, error: { code: 'VALIDATION.INVALID' } });
    const r = await w.invoke<PanelActionResult>('panel/revoke', { grantId, confirm: true }, ADMIN, ctx);
    expect(r).toMatchObject({ ok: true, data: { notice: expect.stringContaining('Revoked') } });
    await w.drain();
    expect(await w.grant(grantId)).toMatchObject({ status: 'REVOKED', endReason: 'REVOKED_BY_ADMIN', endedBy: ADMIN });
  });

  it('needs an issue in the context and a signed-in caller', async () => {
    const w = panelWorld();
    const { grantId } = await activeGrant(w);
    expect(await w.invoke('panel/load', {}, NEVILLE)).toMatchObject({ ok: false, error: { code: 'PANEL.NO_ISSUE' } });
    expect(await w.invoke('panel/extend', { grantId }, '' as string)).toMatchObject({ ok: false, error: { code: 'AUTH.NO_USER' } });
  });

  it('rethrows unknown errors so Forge records the failure', async () => {
    const w = panelWorld();
    const { ctx } = await activeGrant(w);
    w.grants.get = async () => { throw new Error('KVS is down'); };
    await expect(w.invoke('panel/load', {}, NEVILLE, ctx)).rejects.toThrow('KVS is down');
  });
});

describe('field resolvers', () => {
  it('lists the allowlisted groups the project may request, by display name, and names a group id', async () => {
    const w = panelWorld();
    w.config.allowlist = [makeGroupPolicy({ groupId: WINDOWS, displayName: 'PAM Windows Admins' }), makeGroupPolicy({ allowedProjectKeys: ['OPS'] })];
    expect(await listGroupOptions(w.app, 'OPS')).toEqual([
      { groupId: LINUX, displayName: 'PAM Linux Sysadmins' }, { groupId: WINDOWS, displayName: 'PAM Windows Admins' },
    ]);
    expect(await w.invoke('field/groups', {}, NEVILLE)).toEqual({ ok: true, data: [{ groupId: WINDOWS, displayName: 'PAM Windows Admins' }] });
    expect(await w.invoke('field/group-name', { groupId: LINUX }, NEVILLE)).toEqual({ ok: true, data: { groupId: LINUX, displayName: 'PAM Linux Sysadmins', allowlisted: true } });
    expect(await groupName(w.app, '00gGONE0000000000000')).toEqual({ groupId: '00gGONE0000000000000', displayName: '00gGONE0000000000000', allowlisted: false });
  });
});
