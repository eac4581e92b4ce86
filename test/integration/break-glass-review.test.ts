/**
 * Break-glass review (issue 14 §4, ADR 0027): an emergency grant opens exactly one review issue, linked
 * to the request, due at the grant's end, assigned per policy, saying who had which group, when, why and
 * Okta's request ids; only someone other than the person who had access may resolve it.
 */
import type { HandleRequest, HandleResponse } from '../../sandbox/jira/jira-emulator';
import { REVIEW_PROJECT } from '../../sandbox/seed';
import type { Review } from '../../src/domain/break-glass-review';
import type { DashboardView } from '../../src/shared/admin-contract';
import { at, MIN, useWorlds, world, type World } from './world';

useWorlds();
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});

const reviews = (t: World): Review[] => t.sb.kvs.entity('break-glass-review').map((e) => e.value.doc as Review);
const reviewIssues = (t: World): string[] => t.sb.jira.issuesOf(REVIEW_PROJECT);
const emergency = (t: World, o: { summary?: string } = {}) =>
  t.raise(
    { changeType: 'Emergency', accessType: 'New access', adminGroup: t.w.groups.linux },
    { summary: o.summary ?? 'Prod DB host unreachable: urgent sudo' },
  );

/** Jira answers 503 to every issue create until `up()`; the rest of Jira works. */
function createsDown(t: World): { up: () => void; refused: () => number } {
  const emulator = t.sb.jira as unknown as { handle: (req: HandleRequest) => HandleResponse };
  const handle = emulator.handle.bind(emulator);
  let down = true;
  let refused = 0;
  emulator.handle = (req) => {
    if (down && req.method === 'POST' && req.path.split('?')[0] === '/rest/api/3/issue') {
      refused++;
      return { status: 503, body: { errorMessages: ['Service unavailable (test outage)'], errors: {} } };
    }
    return handle(req);
  };
  return { up: () => (down = false), refused: () => refused };
}

describe('an emergency grant opens its review', () => {
  it('exactly one review issue, linked, due at the end, assigned per policy, with who, which group, when, why and the Okta request ids', async () => {
    const t = await world({ breakGlassReview: true });
    const req = await emergency(t);
    const g = t.grant(req.grantId)!;
    expect(g).toMatchObject({ status: 'ACTIVE', emergency: true });

    expect(reviewIssues(t)).toHaveLength(1);
    const key = reviewIssues(t)[0];
    const issue = t.sb.jira.issue(key);
    const extras = t.sb.jira.issueExtras(key);
    expect(issue.summary).toBe(`Break-glass review: PAM Linux Sysadmins for Neville Newadmin (${req.key})`);
    expect(issue.assignee).toBe(t.w.jira.ada);
    expect(issue.issueType).toBe('Task');
    expect(extras.dueDate).toBe(g.endsAt!.slice(0, 10));
    expect(extras.links).toEqual([{ type: 'Relates', inward: key, outward: req.key }]);
    const added = t.audit({ grantId: req.grantId, action: 'MEMBERSHIP_ADDED' });
    expect(added).toHaveLength(1);
    expect(added[0].oktaRequestId).toBeTruthy();
    expect(extras.description).toContain('@Neville Newadmin had PAM Linux Sysadmins through the emergency path');
    expect(extras.description).toContain(t.w.groups.linux);
    expect(extras.description).toContain('Prod DB host unreachable: urgent sudo');
    expect(extras.description).toContain(req.key);
    expect(extras.description).toContain(added[0].oktaRequestId!);
    expect(extras.description).toContain('22 Nov 2026, 09:00 UTC');
    expect(extras.description).toContain('22 Nov 2026, 13:00 UTC');
    expect(reviews(t)).toEqual([
      expect.objectContaining({ grantId: req.grantId, status: 'OPEN', reviewIssueKey: key, attempts: 1 }),
    ]);
    expect(t.audit({ grantId: req.grantId, action: 'REVIEW_OPENED' })).toHaveLength(1);

    // Redelivery of everything: the created event, and the grant's queue work, again and again.
    await t.sb.jira.deliverAgain(req.eventId);
    await t.sb.jira.deliverAgain(req.eventId);
    await t.sb.app.run(async () => {
      const { processWork } = await import('../../src/app/process-work');
      const { compose } = await import('../../src/entry/compose');
      for (let i = 0; i < 3; i++) await processWork(compose(), { kind: 'grant', grantId: req.grantId });
      for (let i = 0; i < 3; i++) await processWork(compose(), { kind: 'review', grantId: req.grantId });
    });
    await t.sb.clock.advance(10 * MIN);
    expect(reviewIssues(t)).toEqual([key]);
    expect(t.audit({ grantId: req.grantId, action: 'REVIEW_OPENED' })).toHaveLength(1);
  });

  it('no review for a grant that did not use the emergency path, and none while the review is not configured', async () => {
    const t = await world({ breakGlassReview: true });
    await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.windows });
    expect(reviewIssues(t)).toEqual([]);
    await t.setPolicy({ breakGlassReview: undefined });
    const req = await emergency(t);
    expect(t.grant(req.grantId)).toMatchObject({ status: 'ACTIVE', emergency: true });
    expect(reviewIssues(t)).toEqual([]);
    expect(reviews(t)).toEqual([]);
  });

  it('Jira refusing creates for an hour: the grant is not held up, and one review is opened after Jira recovers', async () => {
    const t = await world({ breakGlassReview: true });
    const outage = createsDown(t);
    const req = await emergency(t);
    expect(t.grant(req.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(t.comments(req.key)).toEqual([expect.stringContaining('you are now a member of PAM Linux Sysadmins')]);
    for (let i = 0; i < 60; i++) await t.sb.clock.advance(MIN);
    expect(reviewIssues(t)).toEqual([]);
    expect(reviews(t)).toEqual([
      expect.objectContaining({ status: 'OPENING', lastError: expect.stringContaining('503') }),
    ]);
    // Backoff, not a storm: about a dozen attempts in the hour.
    expect(outage.refused()).toBeGreaterThan(3);
    expect(outage.refused()).toBeLessThanOrEqual(20);

    outage.up();
    await t.sb.clock.advance(20 * MIN);
    expect(reviewIssues(t)).toHaveLength(1);
    expect(reviews(t)).toEqual([expect.objectContaining({ status: 'OPEN' })]);
    expect(t.grant(req.grantId)).toMatchObject({ status: 'ACTIVE' });
  });

  it('a create whose answer was lost (Jira made the issue, then 504): the retry finds it by its label and creates no second one', async () => {
    const t = await world({ breakGlassReview: true });
    const emulator = t.sb.jira as unknown as { handle: (req: HandleRequest) => HandleResponse };
    const handle = emulator.handle.bind(emulator);
    let lost = 0;
    emulator.handle = (req) => {
      const res = handle(req);
      if (lost === 0 && req.method === 'POST' && req.path.split('?')[0] === '/rest/api/3/issue') {
        lost++;
        return { status: 504, body: { errorMessages: ['Gateway timeout (test: the answer was lost)'], errors: {} } };
      }
      return res;
    };
    const req = await emergency(t);
    expect(reviewIssues(t)).toHaveLength(1);
    await t.sb.clock.advance(20 * MIN);
    expect(lost).toBe(1);
    expect(reviewIssues(t)).toHaveLength(1);
    expect(t.sb.jira.issueExtras(reviewIssues(t)[0]).links).toEqual([
      { type: 'Relates', inward: reviewIssues(t)[0], outward: req.key },
    ]);
    expect(reviews(t)).toEqual([expect.objectContaining({ status: 'OPEN', reviewIssueKey: reviewIssues(t)[0] })]);
  });

  it('an extension moves the review due date to the new end (past midnight: the next day)', async () => {
    const t = await world({ breakGlassReview: true, now: at('18:00:00') });
    const req = await emergency(t);
    const key = reviewIssues(t)[0];
    expect(t.sb.jira.issueExtras(key).dueDate).toBe('2026-11-22');
    await t.sb.clock.advanceTo(at('21:30:00'));
    await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: t.w.groups.linux });
    await t.sb.clock.advance(MIN);
    const g = t.grant(req.grantId)!;
    expect(g.extensions).toBe(1);
    expect(g.endsAt).toBe('2026-11-23T01:30:00.000Z');
    expect(t.sb.jira.issueExtras(key).dueDate).toBe('2026-11-23');
    expect(reviews(t)[0]).toMatchObject({ endsAt: g.endsAt, dueAt: g.endsAt });
  });
});

describe('who may resolve the review', () => {
  it('the person who had access closing it is refused with a comment and it is re-opened; another person closes it, it stays closed and is audited', async () => {
    const t = await world({ breakGlassReview: true });
    const req = await emergency(t);
    const key = reviewIssues(t)[0];

    await t.sb.jira.transition(key, 'Done', t.w.jira.neville);
    expect(t.sb.jira.issue(key).status).toBe('To Do');
    expect(t.sb.jira.issueExtras(key).resolution).toBeNull();
    expect(t.comments(key)).toEqual([
      expect.stringContaining('@Neville Newadmin you had this access, so you may not close its review'),
    ]);
    expect(t.audit({ grantId: req.grantId, action: 'REVIEW_SELF_CLOSE_REFUSED' })).toEqual([
      expect.objectContaining({ actor: t.w.jira.neville }),
    ]);
    expect(reviews(t)[0]).toMatchObject({ status: 'OPEN', refusals: 1 });

    // The same event delivered again: one comment, one audit entry.
    const selfClose = t.sb.jira.events.filter((e) => e.issue.key === key && e.atlassianId === t.w.jira.neville).at(-1)!;
    await t.sb.jira.deliverAgain(selfClose.eventId);
    expect(t.comments(key)).toHaveLength(1);
    expect(t.audit({ grantId: req.grantId, action: 'REVIEW_SELF_CLOSE_REFUSED' })).toHaveLength(1);

    await t.sb.clock.advance(30 * MIN);
    await t.sb.jira.transition(key, 'Done', t.w.jira.alice);
    expect(t.sb.jira.issue(key).status).toBe('Done');
    expect(t.sb.jira.issueExtras(key).resolution).toBe('Done');
    expect(t.comments(key)).toHaveLength(1);
    expect(t.audit({ grantId: req.grantId, action: 'REVIEW_RESOLVED' })).toEqual([
      expect.objectContaining({ actor: t.w.jira.alice, at: t.sb.clock.now() }),
    ]);
    expect(reviews(t)[0]).toMatchObject({ status: 'RESOLVED', resolvedBy: t.w.jira.alice });
    await t.sb.clock.advance(30 * MIN);
    expect(t.sb.jira.issue(key).status).toBe('Done');
  });
});

describe('the dashboard', () => {
  it('lists open reviews (and those Jira has not taken yet) from one bounded read each, and drops a resolved one', async () => {
    const t = await world({ breakGlassReview: true });
    const dashboard = async () => {
      const r = await t.sb.app.invoke<{ ok: boolean; data: DashboardView }>(
        'admin/dashboard/get',
        {},
        { accountId: t.w.jira.ada, moduleKey: 'admin-page' },
      );
      expect(r.ok).toBe(true);
      return r.data;
    };
    expect((await dashboard()).reviews).toEqual({ opening: [], open: [], more: false, limit: 25 });

    const outage = createsDown(t);
    const first = await emergency(t);
    expect((await dashboard()).reviews).toMatchObject({
      opening: [{ grantId: first.grantId, subjectName: 'Neville Newadmin', problem: expect.stringContaining('503') }],
      open: [],
    });
    outage.up();
    await t.sb.clock.advance(20 * MIN);
    const key = reviewIssues(t)[0];
    const g = t.grant(first.grantId)!;

    const view = await dashboard();
    expect(view.reviews).toEqual({
      opening: [],
      open: [
        {
          grantId: first.grantId,
          requestIssueKey: first.key,
          reviewIssueKey: key,
          subjectAccountId: t.w.jira.neville,
          subjectName: 'Neville Newadmin',
          groupName: 'PAM Linux Sysadmins',
          endsAt: g.endsAt,
          refusals: 0,
        },
      ],
      more: false,
      limit: 25,
    });

    await t.sb.jira.transition(key, 'Done', t.w.jira.alice);
    expect((await dashboard()).reviews?.open).toEqual([]);
  });
});

describe('the admin settings', () => {
  const admin = (t: World, key: string, payload: unknown = {}) =>
    t.sb.app.invoke<{
      ok: boolean;
      data?: any;
      error?: { code: string; message: string; fields?: Record<string, string> };
    }>(key, payload, { accountId: t.w.jira.ada, moduleKey: 'admin-page' });

  it("picks the issue type from the project's own, checks every choice at save, and is off unless configured", async () => {
    const t = await world({ breakGlassReview: true });
    await t.setPolicy({ breakGlassReview: undefined });
    const types = await admin(t, 'admin/jira/issue-types', { projectKey: REVIEW_PROJECT });
    expect(types).toEqual({
      ok: true,
      data: [
        { id: '10002', name: 'Service Request' },
        { id: '10001', name: 'Task' },
      ],
    });
    expect(await admin(t, 'admin/jira/issue-types', { projectKey: 'NOPE' })).toMatchObject({ ok: false });

    const current = (await admin(t, 'admin/policy/get')).data;
    expect(current.breakGlassReview).toBeUndefined();
    const review = {
      projectKey: REVIEW_PROJECT,
      issueTypeId: '10001',
      issueTypeName: 'Task',
      assignee: { kind: 'project-default' },
    };
    const bad = await admin(t, 'admin/policy/save', { ...current, breakGlassReview: { ...review, issueTypeId: '99' } });
    expect(bad).toMatchObject({ ok: false, error: { fields: { 'breakGlassReview.issueTypeId': expect.any(String) } } });
    const saved = await admin(t, 'admin/policy/save', { ...current, breakGlassReview: review });
    expect(saved).toMatchObject({ ok: true, data: { breakGlassReview: review } });
    expect(t.audit({ action: 'CONFIG_CHANGED' }).at(-1)?.detail).toContain(
      "break-glass reviews filed in SECREV as Task, assigned to the project's default assignee",
    );

    // The project's default assignee gets it.
    t.sb.jira.setDefaultAssignee(REVIEW_PROJECT, t.w.jira.alice);
    await emergency(t);
    expect(reviewIssues(t).map((k) => t.sb.jira.issue(k).assignee)).toEqual([t.w.jira.alice]);
  });
});
