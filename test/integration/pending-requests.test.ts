/**
 * Pending requests are first-class, through the real resolvers on the sandbox: an admin cancels one
 * with a reason (admin page), the requester withdraws their own (issue panel), a later approval grants
 * nothing and says so once, a request ends after its group's approval window, and the dashboard lists
 * waiting requests with one bounded read.
 */
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import { PENDING_LIMIT } from '../../src/app/admin/dashboard';
import type { Grant } from '../../src/domain/grant';
import { openRequest } from '../../src/domain/grant-transitions';
import type { DashboardView } from '../../src/shared/admin-contract';
import type { PanelData } from '../../src/shared/panel-contract';
import { at, HOUR, MIN, useWorlds, world, type World } from './world';

useWorlds();

type Issue = { id: string; key: string };

const admin = (t: World, key: string, payload: unknown, accountId: string): Promise<any> =>
  t.sb.app.invoke(key, payload, { accountId, moduleKey: 'admin-page' });
const panel = (t: World, key: string, payload: unknown, accountId: string, issue: Issue): Promise<any> =>
  t.sb.app.invoke(key, payload, { accountId, extension: { issue, project: { key: 'ACC' } } });
async function load(t: World, accountId: string, issue: Issue): Promise<PanelData> {
  const r = await panel(t, 'panel/load', {}, accountId, issue);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data;
}

/** Neville's Linux request, waiting for approval (the group needs the issue moved to "Approved"). */
async function waiting(t: World, group = t.w.groups.linux) {
  await t.setGroup(group, { approvalMode: 'status' });
  const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: group });
  expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
  return { ...r, issue: { id: r.id, key: r.key } };
}

const grantsNothing = /This approval grants nothing/;

describe('an admin cancels a waiting request (admin/requests/cancel)', () => {
  it('ends it WITHDRAWN with the admin and the reason, says so once, and a later approval grants nothing, said once', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waiting(t);
    await sb.clock.advance(10 * MIN);

    const answer = await admin(
      t,
      'admin/requests/cancel',
      { grantId: r.grantId, reason: '  Raised for the wrong change.  ' },
      w.jira.ada,
    );
    expect(answer).toEqual({ ok: true, data: { grantId: r.grantId, status: 'WITHDRAWN' } });
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'WITHDRAWN',
      endedBy: w.jira.ada,
      endedAt: at('09:10:00'),
      reason: 'Raised for the wrong change.',
      reasonCode: 'REQUEST.CANCELLED',
    });
    expect(t.grant(r.grantId)!.supersededBy).toBeUndefined();
    expect(t.audit({ grantId: r.grantId, action: 'CANCELLED' })).toEqual([
      expect.objectContaining({ actor: w.jira.ada, detail: expect.stringContaining('Raised for the wrong change.') }),
    ]);
    const cancelled = t.comments(r.key).filter((c) => c.includes('was cancelled by'));
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]).toContain('Raised for the wrong change.');
    expect(t.notifications(r.key)).toEqual([
      expect.objectContaining({ subject: 'Request cancelled: PAM Linux Sysadmins' }),
    ]);

    // A second click (or a replay) changes nothing and is refused.
    expect(await admin(t, 'admin/requests/cancel', { grantId: r.grantId, reason: 'again' }, w.jira.ada)).toMatchObject({
      ok: false,
      error: { code: 'REQUEST.NOT_PENDING' },
    });

    // Approved afterwards: nothing granted, no new request recorded, said once whatever happens next.
    const before = t.grants().length;
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    await sb.clock.advance(20 * MIN); // sweeps
    await sb.jira.transition(r.key, 'To Do', w.jira.alice);
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    await sb.clock.advance(20 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN' });
    expect(t.grants()).toHaveLength(before);
    expect(t.oktaWrites()).toEqual([]);
    const told = t.comments(r.key).filter((c) => grantsNothing.test(c));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/was cancelled by @Ada .* Raised for the wrong change\./);
    expect(t.comments(r.key).filter((c) => c.includes('was cancelled by'))).toHaveLength(2);
    expect(await t.verifyAudit()).toMatchObject({ ok: true });
  });

  it('refuses a non-admin, a missing or over-long reason, and a request that no longer waits; none changes anything', async () => {
    const t = await world();
    const { w } = t;
    const r = await waiting(t);
    expect(await admin(t, 'admin/requests/cancel', { grantId: r.grantId, reason: 'No.' }, w.jira.alice)).toMatchObject({
      ok: false,
      error: { code: 'AUTH.NOT_ADMIN' },
    });
    expect(
      await admin(t, 'admin/requests/cancel', { grantId: r.grantId, reason: 'No.' }, w.jira.neville),
    ).toMatchObject({ ok: false, error: { code: 'AUTH.NOT_ADMIN' } });
    expect(await admin(t, 'admin/requests/cancel', { grantId: r.grantId }, w.jira.ada)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID', message: expect.stringContaining('Reason is required') },
    });
    expect(await admin(t, 'admin/requests/cancel', { grantId: r.grantId, reason: '   ' }, w.jira.ada)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    expect(
      await admin(t, 'admin/requests/cancel', { grantId: r.grantId, reason: 'x'.repeat(501) }, w.jira.ada),
    ).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID', message: expect.stringContaining('at most 500') },
    });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED', version: 1 });

    // Granted (no approval needed for Windows): not pending any more.
    const active = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
    expect(t.grant(active.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(
      await admin(t, 'admin/requests/cancel', { grantId: active.grantId, reason: 'Too late.' }, w.jira.ada),
    ).toMatchObject({
      ok: false,
      error: { code: 'REQUEST.NOT_PENDING', message: expect.stringContaining('End the access instead') },
    });
    expect(t.grant(active.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(
      await admin(t, 'admin/requests/cancel', { grantId: 'grant-999999', reason: 'Gone.' }, w.jira.ada),
    ).toMatchObject({ ok: false, error: { code: 'GRANT.NOT_FOUND' } });
  });
});

describe('the requester withdraws their own waiting request (panel/withdraw)', () => {
  it('ends it WITHDRAWN; the panel answers with it ended; a later approval grants nothing, said once', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waiting(t);
    const before = await load(t, w.jira.neville, r.issue);
    expect(before.actions!.withdraw).toEqual({ enabled: true });

    const answer = await panel(t, 'panel/withdraw', { grantId: r.grantId }, w.jira.neville, r.issue);
    expect(answer).toMatchObject({
      ok: true,
      data: { notice: expect.stringContaining('Withdrawn'), panel: { grant: { status: 'WITHDRAWN' } } },
    });
    expect(answer.data.panel.actions).toEqual({});
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'WITHDRAWN',
      endedBy: w.jira.neville,
      reasonCode: 'REQUEST.WITHDRAWN',
    });
    expect(t.audit({ grantId: r.grantId, action: 'WITHDRAWN' })).toEqual([
      expect.objectContaining({ actor: w.jira.neville }),
    ]);
    expect(t.comments(r.key).filter((c) => c.includes('was withdrawn by'))).toHaveLength(1);

    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    await sb.clock.advance(20 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN' });
    expect(t.oktaWrites()).toEqual([]);
    expect(t.comments(r.key).filter((c) => grantsNothing.test(c))).toHaveLength(1);
  });

  it("refuses anyone but the requester, and a payload naming another issue's grant; nothing changes", async () => {
    const t = await world();
    const { w } = t;
    const r = await waiting(t);
    const other = await t.raise(
      { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux },
      { reporter: w.jira.alice },
    );
    expect(await panel(t, 'panel/withdraw', { grantId: r.grantId }, w.jira.alice, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'AUTH.NOT_REQUESTER' },
    });
    // An admin is not the requester either: admins cancel from the admin page, with a reason.
    expect(await panel(t, 'panel/withdraw', { grantId: r.grantId }, w.jira.ada, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'AUTH.NOT_REQUESTER' },
    });
    // Alice, on her own issue, names Neville's grant: refused before any read.
    expect(
      await panel(t, 'panel/withdraw', { grantId: r.grantId }, w.jira.alice, { id: other.id, key: other.key }),
    ).toMatchObject({ ok: false, error: { code: 'PANEL.WRONG_GRANT' } });
    expect(await panel(t, 'panel/withdraw', { grantId: `${r.grantId}-r2x` }, w.jira.neville, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'PANEL.WRONG_GRANT' },
    });
    expect(await panel(t, 'panel/withdraw', {}, w.jira.neville, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED', version: 1 });
    expect(t.grant(other.grantId)).toMatchObject({ status: 'REQUESTED', version: 1 });
  });

  it('an edit after the withdrawal records no new request and is told once', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waiting(t);
    expect(await panel(t, 'panel/withdraw', { grantId: r.grantId }, w.jira.neville, r.issue)).toMatchObject({
      ok: true,
    });
    await sb.clock.advance(1 * MIN);
    await sb.jira.updateFields(r.key, { adminGroup: w.groups.windows }, w.jira.neville);
    await sb.jira.updateFields(r.key, { changeType: 'Emergency' }, w.jira.neville);
    await sb.clock.advance(20 * MIN);
    expect(t.grant(`${r.grantId}-r2`)).toBeUndefined();
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN' });
    const told = t.comments(r.key).filter((c) => c.includes('Changes to this request are not applied'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('was withdrawn by @Neville Newadmin (the requester)');
    expect(t.oktaWrites()).toEqual([]);
  });

  it("withdraws the issue's current request after an edit recorded a new one", async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waiting(t);
    await t.setGroup(w.groups.windows, { approvalMode: 'status' });
    await sb.jira.updateFields(r.key, { adminGroup: w.groups.windows }, w.jira.neville);
    const next = `${r.grantId}-r2`;
    expect(t.grant(next)).toMatchObject({ status: 'REQUESTED', groupId: w.groups.windows });
    const data = await load(t, w.jira.neville, r.issue);
    expect(data.grant!.id).toBe(next);
    expect(await panel(t, 'panel/withdraw', { grantId: next }, w.jira.neville, r.issue)).toMatchObject({ ok: true });
    expect(t.grant(next)).toMatchObject({ status: 'WITHDRAWN', reasonCode: 'REQUEST.WITHDRAWN' });
  });

  it('shows an approver that they may approve and how; the requester that they cannot', async () => {
    const t = await world();
    const { w } = t;
    const r = await waiting(t);
    const alice = await load(t, w.jira.alice, r.issue);
    expect(alice.approver).toEqual({
      mayApprove: true,
      message: expect.stringContaining('move the issue to "Approved"'),
    });
    expect(alice.actions!.withdraw).toBeUndefined();
    const neville = await load(t, w.jira.neville, r.issue);
    expect(neville.approver).toEqual({
      mayApprove: false,
      message: expect.stringContaining('You cannot approve your own request'),
    });
    // Nothing to approve once it is active.
    const active = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
    expect((await load(t, w.jira.alice, { id: active.id, key: active.key })).approver).toBeUndefined();
  });
});

describe('the approval window of each group', () => {
  it("closes a request after its own group's window, with one comment; another group keeps the default 7 days", async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalWindowDays: 2 });
    const short = await waiting(t, w.groups.linux);
    const long = await waiting(t, w.groups.windows);
    await sb.clock.advance(2 * 24 * HOUR - 10 * MIN);
    expect(t.grant(short.grantId)).toMatchObject({ status: 'REQUESTED' });
    // The sweep looks at a waiting request once an hour.
    await sb.clock.advance(70 * MIN);
    expect(t.grant(short.grantId)).toMatchObject({ status: 'DENIED', reasonCode: 'APPROVAL.TIMED_OUT' });
    expect(t.comments(short.key).filter((c) => c.includes('not approved within 2 days'))).toHaveLength(1);
    expect(t.grant(long.grantId)).toMatchObject({ status: 'REQUESTED' });
    await sb.clock.advance(5 * 24 * HOUR + 70 * MIN);
    expect(t.grant(long.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(long.key).filter((c) => c.includes('not approved within 7 days'))).toHaveLength(1);
    expect(t.comments(short.key).filter((c) => c.includes('not approved within 2 days'))).toHaveLength(1);
    expect(t.oktaWrites()).toEqual([]);
  });

  it('is set on the allowlist through the admin page (default 7, bounded)', async () => {
    const t = await world();
    const { w } = t;
    const entry = {
      groupId: w.groups.linux,
      maxDurationHours: 12,
      maxLifetimeHours: 24,
      maxExtensions: 2,
      reminderLeadMinutes: 60,
      approvalMode: 'status',
      allowedProjectKeys: [],
    };
    let r = await admin(t, 'admin/allowlist/update', { ...entry, approvalWindowDays: 3 }, w.jira.ada);
    expect(r.ok).toBe(true);
    expect(r.data.find((e: { groupId: string }) => e.groupId === w.groups.linux)).toMatchObject({
      approvalWindowDays: 3,
    });
    r = await admin(t, 'admin/allowlist/update', entry, w.jira.ada);
    expect(r.data.find((e: { groupId: string }) => e.groupId === w.groups.linux)).toMatchObject({
      approvalWindowDays: 7,
    });
    expect(await admin(t, 'admin/allowlist/update', { ...entry, approvalWindowDays: 0 }, w.jira.ada)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    expect(await admin(t, 'admin/allowlist/update', { ...entry, approvalWindowDays: 91 }, w.jira.ada)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
  });
});

describe('the dashboard lists waiting requests', () => {
  it('with requester, group, approvals, who may approve and when it closes; gone once cancelled', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waiting(t);
    await sb.clock.advance(3 * HOUR);
    const dash = await admin(t, 'admin/dashboard/get', {}, w.jira.ada);
    const view = dash.data as DashboardView;
    expect(view.pending).toEqual({
      more: false,
      limit: PENDING_LIMIT,
      requests: [
        {
          id: r.grantId,
          issueKey: r.key,
          requesterAccountId: w.jira.neville,
          requesterName: 'Neville Newadmin',
          groupId: w.groups.linux,
          groupName: 'PAM Linux Sysadmins',
          requestedAt: at('09:00:00'),
          approvals: { given: 0, needed: 1 },
          waitingFor: expect.stringContaining('move the issue to "Approved"'),
          approvers: '1 approval by anyone who can transition the issue, except the requester',
          closesAt: '2026-11-29T09:00:00.000Z',
          emergency: false,
        },
      ],
    });
    await admin(t, 'admin/requests/cancel', { grantId: r.grantId, reason: 'Not needed.' }, w.jira.ada);
    expect(((await admin(t, 'admin/dashboard/get', {}, w.jira.ada)).data as DashboardView).pending.requests).toEqual(
      [],
    );
  });

  it('reads at most its limit of them, oldest first, and says there are more', async () => {
    const t = await world();
    const { sb, w } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    // Raised 20 days ago (outside the dashboard's 14-day chart, which reads its own window).
    const start = Date.parse(at('09:00:00')) - 20 * 24 * HOUR;
    const many: Grant[] = Array.from({ length: PENDING_LIMIT + 15 }, (_, i) =>
      openRequest(
        {
          issueId: String(50_000 + i),
          issueKey: `ACC-${5_000 + i}`,
          projectKey: 'ACC',
          requesterAccountId: w.jira.neville,
          groupId: w.groups.linux,
          emergency: false,
          requestNumber: 1,
        },
        new Date(start - (i + 1) * MIN).toISOString(),
      ),
    );
    await sb.app.run(async () => {
      const store = new KvsGrantStore(new KvsAuditLog());
      for (const g of many) await store.create(g);
    });
    // Grant items the dashboard's KVS queries carried: the pending list's one page, nothing more.
    let grantItemsRead = 0;
    const handle = sb.kvs.handle.bind(sb.kvs);
    sb.kvs.handle = (path: string, body: unknown) => {
      const r = handle(path, body);
      if (r.status === 200 && path.endsWith('/query') && (body as { entityName?: string }).entityName === 'grant') {
        grantItemsRead += (r.body as { data?: unknown[] }).data?.length ?? 0;
      }
      return r;
    };
    const view = (await admin(t, 'admin/dashboard/get', {}, w.jira.ada)).data as DashboardView;
    expect(grantItemsRead).toBe(PENDING_LIMIT);
    expect(view.pending.more).toBe(true);
    expect(view.pending.requests).toHaveLength(PENDING_LIMIT);
    // Oldest first: the last ones created are the oldest.
    expect(view.pending.requests[0].id).toBe(`grant-${50_000 + PENDING_LIMIT + 14}`);
    const requestedAt = view.pending.requests.map((p) => p.requestedAt);
    expect([...requestedAt].sort()).toEqual(requestedAt);
  });
});
