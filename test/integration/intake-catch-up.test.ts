/**
 * The hourly intake catch-up (issue 10 §2, ADR 0013): a request the trigger never recorded (Jira down
 * for longer than its four retries, or the product event lost) is found by the next hourly run, a
 * Jira search on the app's Access type field over the last 25 hours, and handed to the same intake:
 * granted as normal, answered once, nothing twice on a second run or a late event; a recorded issue
 * left alone; a failed search recorded in health without stopping the drift check.
 */
import type { HandleRequest, HandleResponse } from '../../sandbox/jira/jira-emulator';
import { FIELD_IDS } from '../../sandbox/jira/jira-emulator';
import { JiraIssueTracker } from '../../src/adapters/jira/jira-issue-tracker';
import { catchUpIntake } from '../../src/app/catch-up-intake';
import type { CatchUpRun } from '../../src/app/ports';
import { compose } from '../../src/entry/compose';
import { at, MIN, useWorlds, world, type World } from './world';

useWorlds();
// Triggers that fail here say so on console.warn: expected, and not worth reading.
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});

const SEARCH = '/rest/api/3/search/jql';
const lastRun = (t: World) => t.health((h) => h.lastCatchUp());

/** Jira answers every call of the app with 503 until the returned `up()` (people still use Jira). */
function jiraDown(t: World): { up: () => void } {
  const emulator = t.sb.jira as unknown as { handle: (req: HandleRequest) => HandleResponse };
  const handle = emulator.handle.bind(emulator);
  let down = true;
  emulator.handle = (req) =>
    down ? { status: 503, body: { errorMessages: ['Service unavailable (test outage)'], errors: {} } } : handle(req);
  return { up: () => (down = false) };
}

/** Advances minute by minute, collecting what triggers throw after their last retry (Forge logs it). */
async function advanceThroughFailures(t: World, minutes: number): Promise<unknown[]> {
  const thrown: unknown[] = [];
  for (let i = 0; i < minutes; i++) await t.sb.clock.advance(MIN).catch((e: unknown) => thrown.push(e));
  return thrown;
}

/** Neville's Linux grant, Emergency (no approval): 09:00 → 13:00 when raised at the start. */
const linuxGrant = (t: World) =>
  t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: t.w.groups.linux });

describe('the hourly catch-up records a request the trigger could not', () => {
  it('New access raised while Jira was down longer than the trigger retries: recorded by the next hourly run and granted as normal, once', async () => {
    const t = await world();
    const { sb, w } = t;
    const jira = jiraDown(t);
    const r = await linuxGrant(t);
    // The created event and Forge's four retries (1, 2, 4 and 8 minutes later) all fail; the last throws.
    const thrown = await advanceThroughFailures(t, 20);
    expect(thrown).toHaveLength(1);
    expect(sb.productEvents.filter((e) => e.reason === 'retry')).toHaveLength(4);
    expect(t.grant(r.grantId)).toBeUndefined();

    jira.up();
    await sb.clock.advanceTo(at('10:00:00')); // the first hourly run
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', requestedAt: at('10:00:00') });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.comments(r.key)).toEqual([expect.stringContaining('you are now a member of')]);
    expect(t.actions(r.grantId)).toEqual([
      'REQUESTED',
      'EMERGENCY_USED',
      'GRANT_STARTED',
      'MEMBERSHIP_ADDED',
      'ACTIVE',
    ]);
    expect(await lastRun(t)).toEqual<CatchUpRun>({
      at: at('10:00:00'),
      examined: 1,
      found: 1,
      recorded: 1,
      failed: 0,
      more: false,
    });

    // A second run (and a late redelivery of the created event) records nothing twice.
    await sb.jira.deliverAgain(r.eventId);
    await sb.clock.advanceTo(at('11:00:00'));
    expect(await lastRun(t)).toMatchObject({ at: at('11:00:00'), examined: 1, found: 0, recorded: 0 });
    expect(t.comments(r.key)).toHaveLength(1);
    expect(t.actions(r.grantId)).toEqual([
      'REQUESTED',
      'EMERGENCY_USED',
      'GRANT_STARTED',
      'MEMBERSHIP_ADDED',
      'ACTIVE',
    ]);
    expect(t.oktaWrites()).toHaveLength(1);
    expect(await t.verifyAudit()).toMatchObject({ ok: true });
  });

  it('View access and Extend access whose events were lost get their reply exactly once, late events included', async () => {
    const t = await world();
    const { sb, w } = t;
    const linux = await linuxGrant(t);
    sb.holdEvents(); // the product events of what follows never arrive (until released below)
    const view = await t.raise({ accessType: 'View access' });
    const ext = await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux });
    await sb.clock.advanceTo(at('09:59:00'));
    expect([t.comments(view.key), t.comments(ext.key)]).toEqual([[], []]);

    await sb.clock.advanceTo(at('10:00:00'));
    const replies = () => [t.comments(view.key), t.comments(ext.key)];
    expect(replies()).toEqual([
      [expect.stringContaining('your Okta access grants')],
      [expect.stringContaining('now runs until')],
    ]);
    expect(t.grant(linux.grantId)).toMatchObject({ extensions: 1, extendedVia: [ext.key] });
    expect(await lastRun(t)).toMatchObject({ examined: 3, found: 2, recorded: 2, failed: 0 });

    await sb.releaseEvents(); // the lost events turn up after all
    await sb.clock.advanceTo(at('11:00:00'));
    expect(replies()).toEqual([
      [expect.stringContaining('your Okta access grants')],
      [expect.stringContaining('now runs until')],
    ]);
    expect(t.grant(linux.grantId)).toMatchObject({ extensions: 1, extendedVia: [ext.key] });
    expect(t.audit({ grantId: linux.grantId, action: 'EXTENDED' })).toHaveLength(1);
    expect(t.audit({ issueKey: view.key, action: 'VIEWED' })).toHaveLength(1);
    expect(await lastRun(t)).toMatchObject({ at: at('11:00:00'), examined: 3, found: 0, recorded: 0 });
  });

  it('leaves an issue the trigger recorded alone: no Jira read of it, no comment, nothing found', async () => {
    const t = await world();
    const { sb } = t;
    const granted = await linuxGrant(t);
    const view = await t.raise({ accessType: 'View access' });
    const invalid = await t.raise({ accessType: 'New access' }); // no Admin group: refused
    const comments = () => [granted, view, invalid].map((i) => t.comments(i.key));
    const before = comments();
    expect(before.map((c) => c.length)).toEqual([1, 1, 1]);
    await sb.clock.advanceTo(at('09:59:30'));
    const seen = sb.jira.requests.length;
    await sb.clock.advanceTo(at('10:00:00'));
    const during = sb.jira.requests.slice(seen).map((q) => `${q.method} ${q.path.split('?')[0]}`);
    expect(during.filter((q) => q.includes('/issue/'))).toEqual([]);
    expect(during).toContain(`POST ${SEARCH}`);
    expect(comments()).toEqual(before);
    expect(await lastRun(t)).toMatchObject({ examined: 3, found: 0, recorded: 0, failed: 0, more: false });
  });
});

describe('a failing catch-up', () => {
  it('a failed Jira search is recorded in health, the drift check still runs, and the next hour records the request', async () => {
    const t = await world();
    const { sb, w } = t;
    const linux = await linuxGrant(t);
    sb.okta.removeMember(w.groups.linux, w.okta.neville); // removed by hand in Okta: drift must find it
    sb.holdEvents();
    const view = await t.raise({ accessType: 'View access' });
    sb.jira.failNext({ method: 'POST', pathIncludes: SEARCH, status: 500 });
    await sb.clock.advanceTo(at('10:00:00'));
    expect(await lastRun(t)).toEqual<CatchUpRun>({
      at: at('10:00:00'),
      examined: 0,
      found: 0,
      recorded: 0,
      failed: 0,
      more: false,
      problem: expect.stringContaining(
        'The hourly search for access requests the app missed failed: Jira is temporarily unavailable (HTTP 500 for searching for access requests)',
      ),
    });
    expect(t.grant(linux.grantId)).toMatchObject({ status: 'REMOVED_EXTERNALLY' });
    expect(t.comments(view.key)).toEqual([]);

    await sb.clock.advanceTo(at('11:00:00'));
    expect(t.comments(view.key)).toEqual([expect.stringContaining('your Okta access grants')]);
    const run = await lastRun(t);
    expect(run).toMatchObject({ found: 1, recorded: 1 });
    expect(run).not.toHaveProperty('problem');
  });

  it('an issue intake cannot record now is counted and named, the others are recorded, and the next run finishes it', async () => {
    const t = await world();
    const { sb } = t;
    sb.holdEvents();
    const first = await t.raise({ accessType: 'View access' });
    const second = await t.raise({ accessType: 'View access' });
    await sb.clock.advanceTo(at('09:59:00'));
    // The first issue's reply cannot be prepared (Jira refuses the requester's time zone): nothing is
    // recorded for it. (A refused comment would be recorded, and delivered by the notice outbox.)
    sb.jira.failNext({ method: 'GET', pathIncludes: '/rest/api/3/user', status: 503 });
    await sb.clock.advanceTo(at('10:00:00'));
    expect(await lastRun(t)).toMatchObject({
      found: 2,
      recorded: 1,
      failed: 1,
      problem: expect.stringContaining(`1 missed request(s) could not be recorded (${first.key}: Jira is temporarily`),
    });
    expect([t.comments(first.key), t.comments(second.key)]).toEqual([[], [expect.any(String)]]);
    await sb.clock.advanceTo(at('11:00:00'));
    expect([t.comments(first.key), t.comments(second.key)]).toEqual([[expect.any(String)], [expect.any(String)]]);
    expect(await lastRun(t)).toMatchObject({ found: 1, recorded: 1, failed: 0 });
  });
});

describe('the catch-up is bounded per run', () => {
  it('stops at its bound, says more are left, and the next run (the window overlaps) finds the rest, oldest first', async () => {
    const t = await world();
    const { sb } = t;
    sb.holdEvents();
    const issues = [];
    for (let i = 0; i < 3; i++) {
      issues.push(await t.raise({ accessType: 'View access' }));
      await sb.clock.advance(MIN);
    }
    const run = (opts: Parameters<typeof catchUpIntake>[1]) => sb.app.run(() => catchUpIntake(compose(), opts));
    expect(await run({ maxAnswered: 2, pageSize: 2 })).toMatchObject({
      examined: 2,
      found: 2,
      recorded: 2,
      more: true,
    });
    expect(issues.map((i) => t.comments(i.key).length)).toEqual([1, 1, 0]);
    expect(await run({ maxAnswered: 2, pageSize: 2 })).toMatchObject({
      examined: 3,
      found: 1,
      recorded: 1,
      more: false,
    });
    expect(await run({ maxExamined: 2, pageSize: 2 })).toMatchObject({ examined: 2, found: 0, more: true });
    expect(issues.map((i) => t.comments(i.key).length)).toEqual([1, 1, 1]);
    const searches = sb.jira.requests.filter((q) => q.path === SEARCH);
    expect(searches.map((q) => (q.body as { nextPageToken?: string }).nextPageToken !== undefined)).toEqual([
      false,
      true,
      false,
      true,
      false,
      true,
    ]);
  });
});

describe('the search the catch-up sends', () => {
  it("asks Jira's enhanced search for issues with the app's Access type field set, by field id, over 25 hours, with only the fields intake reads", async () => {
    const t = await world();
    const { sb, w } = t;
    sb.holdEvents();
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    const page = await sb.app.run(() =>
      new JiraIssueTracker(compose().clock).searchRequestIssues({
        withinHours: 25,
        durationFieldName: 'Change type',
        limit: 100,
      }),
    );
    expect(page).toEqual({
      issues: [
        {
          id: r.id,
          key: r.key,
          projectKey: 'ACC',
          reporterAccountId: w.jira.neville,
          statusName: 'To Do',
          createdAt: at('09:00:00'),
          accessType: 'New access',
          adminGroup: w.groups.linux,
          changeType: 'Standard',
          requestedEnd: undefined,
        },
      ],
    });
    const sent = sb.jira.requests.find((q) => q.path === SEARCH);
    expect(sent).toMatchObject({
      method: 'POST',
      body: {
        jql: `cf[${FIELD_IDS.accessType.slice('customfield_'.length)}] is not EMPTY AND updated >= "-25h" ORDER BY created ASC`,
        fields: [
          'summary',
          'status',
          'reporter',
          'project',
          'created',
          FIELD_IDS.accessType,
          FIELD_IDS.adminGroup,
          FIELD_IDS.changeType,
          FIELD_IDS.requestedEnd,
        ],
        maxResults: 100,
      },
    });
  });
});
