/**
 * Access bound to the change window and the ticket (issue 14 §1, ADR 0025): a request approved ahead
 * of its planned start is granted at the start and not before, ends at the earliest of its planned
 * end and the cap counted from the actual start, ends early when its issue is resolved, and bad
 * windows are refused with a comment and nothing else.
 */
import { FIELD_IDS } from '../../sandbox/jira/jira-emulator';
import type { PanelData } from '../../src/shared/panel-contract';
import { at, MIN, SEC, useWorlds, world, type World } from './world';

useWorlds();

/** The change window named by the policy: the emulator's Planned start / Planned end date-time fields. */
async function windowWorld(o: { approval?: 'status' | 'none'; closeOut?: string | null } = {}) {
  const t = await world({ closeOut: o.closeOut === undefined ? null : o.closeOut });
  await t.setPolicy({
    plannedStartFieldId: FIELD_IDS.plannedStart,
    plannedEndFieldId: FIELD_IDS.plannedEnd,
    accessEndingStatuses: ['Done'],
  });
  await t.setGroup(t.w.groups.linux, { approvalMode: o.approval ?? 'status' });
  return t;
}

const change = (t: World, plannedStart?: string, plannedEnd?: string) =>
  t.raise({
    changeType: 'Standard',
    accessType: 'New access',
    adminGroup: t.w.groups.linux,
    ...(plannedStart ? { plannedStart } : {}),
    ...(plannedEnd ? { plannedEnd } : {}),
  });

/** The issue panel as `accountId` loads it. */
async function panel(t: World, r: { id: string; key: string }, accountId: string): Promise<PanelData> {
  const res = (await t.sb.app.invoke(
    'panel/load',
    {},
    {
      accountId,
      extension: { issue: { id: r.id, key: r.key }, project: { key: 'ACC' } },
    },
  )) as { ok: boolean; data: PanelData };
  if (!res.ok) throw new Error(JSON.stringify(res));
  return res.data;
}

/** Drops the one queued event for `grantId` due at `dueAt` (a lost delayed event). */
function loseQueued(t: World, grantId: string, dueAt: string): void {
  const due = Date.parse(dueAt);
  const lost = t.sb.events.takeDue(
    due,
    (e) => !(e.dueAt === due && (e.body as { grantId?: string }).grantId === grantId && e.body.kind === 'grant'),
  );
  expect(lost).toBeDefined();
}

describe('a request approved ahead of its planned start', () => {
  it('is granted at the start (lag under a minute) and not before, and ends at the planned end', async () => {
    const t = await windowWorld();
    const { w, sb } = t;
    const r = await change(t, at('11:00:00'), at('13:00:00'));
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'REQUESTED',
      plannedStart: at('11:00:00'),
      plannedEnd: at('13:00:00'),
    });
    await sb.clock.advanceTo(at('09:10:00'));
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED', scheduledStartAt: at('11:00:00') });
    expect(t.comments(r.key).at(-1)).toMatch(/starts at .*not before/);
    expect(t.actions(r.grantId)).toEqual(['REQUESTED', 'AWAITING_APPROVAL', 'APPROVED', 'START_SCHEDULED']);
    // The panel and the View access reply show the wait.
    expect((await panel(t, r, w.jira.neville)).grant).toMatchObject({
      status: 'REQUESTED',
      startsAt: at('11:00:00'),
      plannedEnd: at('13:00:00'),
    });
    const view = await t.raise({ accessType: 'View access' });
    expect(t.comments(view.key).at(-1)).toMatch(/starts at 22 Nov 2026, 11:00/);

    await sb.clock.advanceTo(at('10:59:59'));
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.grant(r.grantId)?.status).toBe('REQUESTED');
    expect(t.oktaWrites()).toEqual([]);

    await sb.clock.advanceTo(at('11:01:00'));
    const g = t.grant(r.grantId)!;
    expect(g).toMatchObject({ status: 'ACTIVE', endsAt: at('13:00:00'), approvedBy: w.jira.ada });
    expect(g.scheduledStartAt).toBeUndefined();
    const lag = Date.parse(g.startedAt!) - Date.parse(at('11:00:00'));
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(60 * SEC);
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    // The approval is recorded once, when it was given (not again at the start).
    expect(t.audit({ grantId: r.grantId, action: 'APPROVED' })).toHaveLength(1);

    await sb.clock.advanceTo(at('13:01:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'EXPIRED', endReason: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });

  it('the cap counts from the actual start: a window without an end runs the policy duration from the start', async () => {
    const t = await windowWorld({ approval: 'none' });
    const r = await change(t, at('12:00:00'));
    await t.sb.clock.advanceTo(at('12:01:00'));
    const g = t.grant(r.grantId)!;
    expect(g.status).toBe('ACTIVE');
    // Standard = 12 h, counted from the start, not from the 09:00 request.
    expect(Date.parse(g.endsAt!) - Date.parse(g.startedAt!)).toBe(12 * 60 * MIN);
    // No reminder before the start: the first one comes near the end.
    expect(t.audit({ grantId: r.grantId, action: 'REMINDED' })).toEqual([]);
  });

  it('with its delayed start event lost, the sweep’s own exact-time event still starts it within a minute', async () => {
    const t = await windowWorld();
    const { w, sb } = t;
    const r = await change(t, at('11:00:00'), at('12:00:00'));
    await sb.clock.advanceTo(at('10:50:00'));
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    // Within the queue's longest delay: the worker queued the start itself. That event is lost.
    loseQueued(t, r.grantId, at('11:00:00'));
    await sb.clock.advanceTo(at('11:01:00'));
    const g = t.grant(r.grantId)!;
    expect(g.status).toBe('ACTIVE');
    expect(Date.parse(g.startedAt!) - Date.parse(at('11:00:00'))).toBeLessThan(60 * SEC);
  });

  it('with every delayed event lost, the sweep’s due pass starts it at its next run (under five minutes late)', async () => {
    const t = await windowWorld();
    const { w, sb } = t;
    const r = await change(t, at('11:00:00'), at('12:00:00'));
    // Approved after the last sweep before the start: only the worker's event exists, and it is lost.
    await sb.clock.advanceTo(at('10:56:00'));
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    loseQueued(t, r.grantId, at('11:00:00'));
    await sb.clock.advanceTo(at('10:59:59'));
    expect(t.grant(r.grantId)?.status).toBe('REQUESTED');
    await sb.clock.advanceTo(at('11:06:00'));
    const g = t.grant(r.grantId)!;
    expect(g.status).toBe('ACTIVE');
    expect(Date.parse(g.startedAt!) - Date.parse(at('11:00:00'))).toBeLessThanOrEqual(5 * MIN);
  });
});

describe('access ends with its ticket', () => {
  it('resolving the issue ends an active grant through the revocation path (ISSUE_RESOLVED); reopening does not re-grant', async () => {
    const t = await windowWorld({ approval: 'none' });
    const { w, sb } = t;
    const r = await change(t, at('09:30:00'), at('12:00:00'));
    await sb.clock.advanceTo(at('09:31:00'));
    expect(t.grant(r.grantId)?.status).toBe('ACTIVE');
    await sb.clock.advanceTo(at('10:00:00'));
    await sb.jira.transition(r.key, 'Done', w.jira.neville);
    await sb.clock.advance(MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REVOKED', endReason: 'ISSUE_RESOLVED', endedBy: 'app' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.audit({ grantId: r.grantId, action: 'REVOKE_STARTED' })).toEqual([
      expect.objectContaining({ detail: expect.stringContaining('resolved or cancelled') }),
    ]);
    expect(t.comments(r.key).at(-1)).toContain('this issue was resolved or cancelled');
    const puts = t.oktaWrites({ method: 'PUT' }).length;
    await sb.jira.transition(r.key, 'To Do', w.jira.neville);
    await sb.clock.advance(30 * MIN);
    expect(t.grant(r.grantId)?.status).toBe('REVOKED');
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(puts);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });

  it('resolved while the grant is starting (Okta busy): it ends as soon as it is active', async () => {
    const t = await windowWorld({ approval: 'none' });
    const { w, sb } = t;
    // The add fails twice (503): the grant waits GRANTING, retrying, when the issue is resolved.
    sb.okta.fault({ method: 'PUT', path: /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/, status: 503, times: 2 });
    const r = await change(t, at('09:30:00'), at('12:00:00'));
    await sb.clock.advanceTo(at('09:30:10'));
    expect(t.grant(r.grantId)?.status).toBe('GRANTING');
    await sb.jira.transition(r.key, 'Done', w.jira.neville);
    await sb.clock.advanceTo(at('10:00:00'));
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REVOKED', endReason: 'ISSUE_RESOLVED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });

  it('a scheduled request whose issue is resolved before its start ends without granting', async () => {
    const t = await windowWorld();
    const { w, sb } = t;
    const r = await change(t, at('11:00:00'), at('12:00:00'));
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(r.grantId)?.scheduledStartAt).toBe(at('11:00:00'));
    await sb.clock.advanceTo(at('10:00:00'));
    await sb.jira.transition(r.key, 'Done', w.jira.neville);
    await sb.clock.advance(MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED', reasonCode: 'REQUEST.ISSUE_RESOLVED' });
    await sb.clock.advanceTo(at('11:30:00'));
    expect(t.grant(r.grantId)?.status).toBe('DENIED');
    expect(t.oktaWrites()).toEqual([]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });
});

describe('bad windows: a clear comment, and nothing else changes', () => {
  const cases: Array<[string, string | undefined, string | undefined, string, RegExp]> = [
    ['a planned start in the past', at('08:00:00'), at('10:00:00'), 'WINDOW.START_PASSED', /planned start .* passed/],
    [
      'an end before the start',
      at('11:00:00'),
      at('10:00:00'),
      'WINDOW.END_BEFORE_START',
      /not after the planned start/,
    ],
    ['a window longer than the cap', at('10:00:00'), at('23:00:00'), 'WINDOW.LONGER_THAN_CAP', /longer than the 12 h/],
  ];
  it.each(cases)('%s', async (_name, start, end, code, words) => {
    const t = await windowWorld({ approval: 'none' });
    const before = t.memberships();
    const r = await change(t, start, end);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED', reasonCode: code });
    expect(t.comments(r.key)).toHaveLength(1);
    expect(t.comments(r.key)[0]).toMatch(words);
    await t.sb.clock.advanceTo(at('12:00:00'));
    expect(t.memberships()).toEqual(before);
    expect(t.oktaWrites()).toEqual([]);
  });

  it('the requester editing the window after approval voids it: the request is recorded again and needs its own approval', async () => {
    const t = await windowWorld();
    const { w, sb } = t;
    const r = await change(t, at('11:00:00'), at('12:00:00'));
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(r.grantId)?.scheduledStartAt).toBe(at('11:00:00'));
    await sb.clock.advanceTo(at('09:20:00'));
    await sb.jira.updateFields(r.key, { plannedStart: at('10:30:00') }, w.jira.neville);
    await sb.clock.advance(SEC);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN' });
    expect(t.grant(`${r.grantId}-r2`)).toMatchObject({ status: 'REQUESTED', plannedStart: at('10:30:00') });
    expect(t.grant(`${r.grantId}-r2`)?.scheduledStartAt).toBeUndefined();
    await sb.clock.advanceTo(at('11:30:00'));
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.oktaWrites()).toEqual([]);
  });

  it('someone else editing the window after approval voids the approval: nothing starts at the planned start', async () => {
    const t = await windowWorld();
    const { w, sb } = t;
    const r = await change(t, at('11:00:00'), at('12:00:00'));
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    await sb.clock.advanceTo(at('09:20:00'));
    await sb.jira.updateFields(r.key, { plannedEnd: at('13:00:00') }, w.jira.ada);
    await sb.clock.advance(SEC);
    expect(t.comments(r.key).join('\n')).toMatch(/planned end/);
    await sb.clock.advanceTo(at('11:30:00'));
    expect(t.grant(r.grantId)?.status).toBe('REQUESTED');
    expect(t.grant(r.grantId)?.scheduledStartAt).toBeUndefined();
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });
});
