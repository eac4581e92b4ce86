/**
 * The panel and field resolvers on the sandbox, called as the platform calls them (the viewer as
 * principal, the module's product context): what each viewer sees, what each may do and why not, and
 * that authorization comes from the invocation context only. (The rendered panel: panel-ui.test.tsx.)
 */
import { groupPolicy } from '../../sandbox/seed';
import type { PanelActionResult, PanelData } from '../../src/shared/panel-contract';
import { at, HOUR, useWorlds, world, type World } from '../integration/world';

useWorlds();

type Issue = { id: string; key: string };

/** Calls a panel/* or field/* key as `accountId`, on `issue` (and in `projectKey`) when given. */
function call<T = any>(
  t: World,
  key: string,
  payload: unknown,
  accountId: string,
  issue?: Issue,
  projectKey = 'ACC',
): Promise<any> {
  const extension = { ...(issue ? { issue } : {}), project: { key: projectKey } };
  return t.sb.app.invoke<T>(key, payload, { accountId, extension });
}
const load = async (t: World, accountId: string, issue?: Issue): Promise<PanelData> => {
  const r = await call(t, 'panel/load', {}, accountId, issue);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data;
};

/** Neville's Linux grant (Emergency: 09:00 → 13:00). */
async function activeGrant(t: World) {
  const r = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: t.w.groups.linux });
  return { ...r, ctx: { id: r.id, key: r.key } };
}

describe('panel/load', () => {
  it('shows the requester their active grant: times, approval, actions with the policy preview, history, other grants', async () => {
    const t = await world();
    const other = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.windows });
    const { ctx, grantId } = await activeGrant(t);
    const data = await load(t, t.w.jira.neville, ctx);
    expect(data).toMatchObject({
      now: at('09:00:00'),
      state: 'grant',
      viewer: { timeZone: 'Europe/London', isRequester: true, isAdmin: false },
      grant: {
        id: grantId,
        status: 'ACTIVE',
        groupName: 'PAM Linux Sysadmins',
        endsAt: at('13:00:00'),
        approval: { state: 'emergency' },
        requester: { displayName: 'Neville Newadmin' },
      },
    });
    // Right after the start an extension would not move the end (4 h from now = the current end).
    expect(data.actions).toEqual({
      extend: { enabled: false, reason: expect.stringContaining('would not move the end') },
      relinquish: { enabled: true },
    });
    expect(data.history!.map((h) => h.action)).toEqual(
      expect.arrayContaining(['REQUESTED', 'MEMBERSHIP_ADDED', 'ACTIVE']),
    );
    // The GRANT_STARTED detail names the Okta user by id and login: the panel says whose account it is.
    expect(data.history!.find((h) => h.action === 'GRANT_STARTED')!.detail).toBe(
      "the requester's Okta account; ends 22 Nov 13:00.".replace(/ (?=Nov|13)/g, '\u00a0'),
    );
    expect(data.otherGrants).toEqual([
      expect.objectContaining({ id: other.grantId, groupName: 'PAM Windows Admins', status: 'ACTIVE' }),
    ]);
    // No emails anywhere (the GRANT_STARTED audit detail names the Okta login).
    expect(JSON.stringify(data)).not.toMatch(/@atko\.email/);
  });

  it('offers Extend with the new end once it would move it, and explains the limit when it is reached', async () => {
    const t = await world();
    await t.setGroup(t.w.groups.linux, { maxExtensions: 1 });
    const { ctx, grantId } = await activeGrant(t);
    await t.sb.clock.advance(3 * HOUR);
    let data = await load(t, t.w.jira.neville, ctx);
    expect(data.actions!.extend).toEqual({ enabled: true, newEndsAt: at('16:00:00') });
    expect(await call(t, 'panel/extend', { grantId }, t.w.jira.neville, ctx)).toMatchObject({ ok: true });
    await t.sb.clock.advance(3 * HOUR);
    data = await load(t, t.w.jira.neville, ctx);
    expect(data.actions!.extend).toEqual({
      enabled: false,
      reason: expect.stringContaining('the most PAM Linux Sysadmins allows'),
    });
  });

  it("shows another Jira user the status but not the history or the requester's other grants", async () => {
    const t = await world();
    const { ctx } = await activeGrant(t);
    const data = await load(t, t.w.jira.alice, ctx);
    expect(data.grant!.status).toBe('ACTIVE');
    expect(data.viewer).toEqual({ timeZone: 'America/New_York', isRequester: false, isAdmin: false });
    expect(data.actions).toEqual({});
    expect(data.history).toBeUndefined();
    expect(data.otherGrants).toBeUndefined();
    expect(data.restrictedNote).toMatch(/requester and to Jira admins/);
  });

  it('offers an admin Revoke, not Extend or Relinquish, and the history', async () => {
    const t = await world();
    const { ctx } = await activeGrant(t);
    const data = await load(t, t.w.jira.ada, ctx);
    expect(data.actions).toEqual({ revoke: { enabled: true } });
    expect(data.history!.length).toBeGreaterThan(0);
  });

  it('says when an issue is not an access request, has no grant yet, or is an Extend/View request', async () => {
    const t = await world();
    const { sb, w } = t;
    const plain = await t.raise({});
    const view = await t.raise({ accessType: 'View access' });
    sb.holdEvents(); // the created event has not reached the app yet
    const waiting = await t.raise({ accessType: 'New access', adminGroup: w.groups.linux });
    expect((await load(t, w.jira.neville, plain)).state).toBe('not-a-request');
    expect((await load(t, w.jira.neville, waiting)).state).toBe('no-grant-yet');
    // A View access issue lists the requester's grants, paged (test/integration/bounded-reads.test.ts), not "other grants".
    const viewed = await load(t, w.jira.neville, view);
    expect(viewed).toMatchObject({ state: 'no-grant-expected', accessType: 'View access', grants: { rows: [] } });
    expect(viewed.otherGrants).toBeUndefined();
    expect(await load(t, w.jira.alice, view)).not.toHaveProperty('grants');
    await sb.releaseEvents();
  });

  it('gives the reason and what to do next for a DENIED grant, and approval state while waiting', async () => {
    const t = await world();
    const { w } = t;
    await t.setGroup(w.groups.linux, { allowedProjectKeys: ['OPS'] });
    await t.setGroup(w.groups.windows, { approvalMode: 'status' });
    const denied = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    const d = await load(t, w.jira.neville, denied);
    expect(d.grant).toMatchObject({
      status: 'DENIED',
      reason: expect.stringContaining('cannot be requested from project ACC'),
      nextStep: expect.stringContaining('raise a new'),
    });
    expect(d.actions).toEqual({});

    const waiting = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
    const a = await load(t, w.jira.alice, waiting);
    expect(a.grant).toMatchObject({ status: 'REQUESTED', approval: { state: 'awaiting', statusName: 'Approved' } });
  });
});

describe('panel actions: authorization from the invocation context', () => {
  it('lets the requester extend and relinquish, answering with the refreshed panel', async () => {
    const t = await world();
    const { w } = t;
    const { ctx, grantId } = await activeGrant(t);
    await t.sb.clock.advance(3 * HOUR);
    const ext = await call<PanelActionResult>(t, 'panel/extend', { grantId }, w.jira.neville, ctx);
    expect(ext).toMatchObject({
      ok: true,
      data: {
        notice: expect.stringContaining('Extended'),
        panel: { grant: { endsAt: at('16:00:00'), extensions: 1 } },
      },
    });
    const rel = await call<PanelActionResult>(t, 'panel/relinquish', { grantId }, w.jira.neville, ctx);
    expect(rel).toMatchObject({ ok: true, data: { panel: { grant: { status: 'REVOKING' } } } });
    expect(t.grant(grantId)).toMatchObject({ status: 'REVOKED', endReason: 'RELINQUISHED', endedBy: w.jira.neville });
  });

  it('refuses Extend and Relinquish to anyone but the requester (admins included), and Revoke to non-admins', async () => {
    const t = await world();
    const { w } = t;
    const { ctx, grantId } = await activeGrant(t);
    await t.sb.clock.advance(3 * HOUR);
    for (const [key, who] of [
      ['panel/extend', w.jira.alice],
      ['panel/relinquish', w.jira.alice],
      ['panel/extend', w.jira.ada],
      ['panel/relinquish', w.jira.ada],
    ] as const) {
      expect(await call(t, key, { grantId }, who, ctx)).toEqual({
        ok: false,
        error: { code: 'AUTH.NOT_REQUESTER', message: expect.any(String) },
      });
    }
    for (const who of [w.jira.alice, w.jira.neville]) {
      expect(await call(t, 'panel/revoke', { grantId, confirm: true }, who, ctx)).toEqual({
        ok: false,
        error: { code: 'AUTH.NOT_ADMIN', message: expect.any(String) },
      });
    }
    expect(t.grant(grantId)).toMatchObject({ status: 'ACTIVE', extensions: 0 });
    expect(t.oktaWrites({ method: 'DELETE' })).toEqual([]);
  });

  it('lets an admin revoke after confirming; an unconfirmed or malformed payload is rejected', async () => {
    const t = await world();
    const { w } = t;
    const { ctx, grantId } = await activeGrant(t);
    expect(await call(t, 'panel/revoke', { grantId }, w.jira.ada, ctx)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    expect(await call(t, 'panel/revoke', { grantId, confirm: true, issueKey: 'ACC-9' }, w.jira.ada, ctx)).toMatchObject(
      { ok: false, error: { code: 'VALIDATION.INVALID' } },
    );
    expect(await call(t, 'panel/extend', { grantId: 'x'.repeat(500) }, w.jira.neville, ctx)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    expect(t.grant(grantId)).toMatchObject({ status: 'ACTIVE' });
    const r = await call<PanelActionResult>(t, 'panel/revoke', { grantId, confirm: true }, w.jira.ada, ctx);
    expect(r).toMatchObject({ ok: true, data: { notice: expect.stringContaining('Revoked') } });
    expect(t.grant(grantId)).toMatchObject({ status: 'REVOKED', endReason: 'REVOKED_BY_ADMIN', endedBy: w.jira.ada });
  });

  it('needs an issue in the context and a signed-in caller', async () => {
    const t = await world();
    const { grantId } = await activeGrant(t);
    expect(await call(t, 'panel/load', {}, t.w.jira.neville)).toMatchObject({
      ok: false,
      error: { code: 'PANEL.NO_ISSUE' },
    });
    expect(await call(t, 'panel/extend', { grantId }, '')).toMatchObject({
      ok: false,
      error: { code: 'AUTH.NO_USER' },
    });
  });

  it('rethrows unknown errors so Forge records the failure', async () => {
    const t = await world();
    const { ctx } = await activeGrant(t);
    const kvs = t.sb.kvs;
    const handle = kvs.handle.bind(kvs);
    kvs.handle = (p: string, body: unknown) =>
      p.includes('/entity/')
        ? { status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'KVS is down' } }
        : handle(p, body);
    await expect(call(t, 'panel/load', {}, t.w.jira.neville, ctx)).rejects.toThrow();
    kvs.handle = handle;
  });
});

describe('field resolvers', () => {
  it('lists the allowlisted groups the project may request, by display name, and names a group id', async () => {
    const t = await world();
    const { w } = t;
    await t.config((c) =>
      c.saveAllowlist([
        groupPolicy(w.groups.windows, 'PAM Windows Admins'),
        groupPolicy(w.groups.linux, 'PAM Linux Sysadmins', { allowedProjectKeys: ['OPS'] }),
      ]),
    );
    expect(await call(t, 'field/groups', {}, w.jira.neville, undefined, 'OPS')).toEqual({
      ok: true,
      data: [
        { groupId: w.groups.linux, displayName: 'PAM Linux Sysadmins' },
        { groupId: w.groups.windows, displayName: 'PAM Windows Admins' },
      ],
    });
    expect(await call(t, 'field/groups', {}, w.jira.neville)).toEqual({
      ok: true,
      data: [{ groupId: w.groups.windows, displayName: 'PAM Windows Admins' }],
    });
    expect(await call(t, 'field/group-name', { groupId: w.groups.linux }, w.jira.neville)).toEqual({
      ok: true,
      data: { groupId: w.groups.linux, displayName: 'PAM Linux Sysadmins', allowlisted: true },
    });
    expect(await call(t, 'field/group-name', { groupId: '00gGONE0000000000000' }, w.jira.neville)).toEqual({
      ok: true,
      data: { groupId: '00gGONE0000000000000', displayName: '00gGONE0000000000000', allowlisted: false },
    });
  });
});
