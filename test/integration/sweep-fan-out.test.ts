/**
 * Issue 11, "one sweep with 1,000 reminders due" and "queue pushes from one sweep with 5,000 due"
 * (ADR 0023): the sweep invocation itself only reads what is due, claims and pushes; each reminder
 * and expiry is its own queue work; pushes stay under Forge's 500 events per minute (the sandbox
 * refuses beyond it); nothing is dropped and every grant is reminded once and ends.
 *
 * Counted on the emulators (storage requests billed, Jira requests, events pushed) and in round trips:
 * remote calls started together (Promise.all) share one round trip, calls made one after another take
 * one each. At Forge's 100 ms per remote call the sweep's time is round trips x 100 ms.
 */
import type { Sandbox } from '../../sandbox';
import { MAX_EVENTS_PER_MINUTE } from '../../sandbox/async-events';
import { totalRequests } from '../../sandbox/kvs/kvs-emulator';
import { toGrantEntity } from '../../src/adapters/kvs/keys';
import { KvsSweepState } from '../../src/adapters/kvs/sweep-state';
import { runSweep, type SweepSummary } from '../../src/app/run-sweep';
import type { Grant } from '../../src/domain/grant';
import { compose } from '../../src/entry/compose';
import { makeGrant } from '../factories/grant';
import { MIN, SEC, at, useWorlds, world, type World } from './world';

useWorlds();

/** The sweeper's timeout in manifest.yml, and the issue's goal: no run over 10% of it at 100 ms a call. */
const SWEEPER_TIMEOUT_MS = 300 * SEC;
const MS_PER_CALL = 100;

function put(sb: Sandbox, g: Grant): void {
  const r = sb.kvs.handle('/api/v1/entity/set', { entityName: 'grant', key: g.id, value: toGrantEntity(g) });
  if (r.status >= 300) throw new Error(JSON.stringify(r.body));
}

/** `n` ACTIVE Linux grants of `n` people (each an Okta member), ending at `endsAt(i)`. */
function seedActive(t: World, n: number, endsAt: (i: number) => string): Grant[] {
  const made: Grant[] = [];
  for (let i = 0; i < n; i++) {
    const accountId = t.sb.jira.addUser({
      displayName: `Person ${i}`,
      email: `person.${i}@atko.email`,
      timeZone: 'UTC',
    }).accountId;
    const oktaId = t.sb.okta.addUser({ login: `person.${i}@atko.email`, email: `person.${i}@atko.email` }).id;
    t.sb.okta.addMember(t.w.groups.linux, oktaId);
    const id = String(500_000 + i);
    const g = makeGrant({
      id: `grant-${id}`,
      issueId: id,
      issueKey: `SWP-${i + 1}`,
      requesterAccountId: accountId,
      oktaUserId: oktaId,
      groupId: t.w.groups.linux,
      status: 'ACTIVE',
      requestedAt: at('08:00:00'),
      firstStartedAt: at('08:00:00'),
      startedAt: at('08:00:00'),
      endsAt: endsAt(i),
      updatedAt: at('08:00:00'),
    });
    put(t.sb, g);
    made.push(g);
  }
  return made;
}

/** Every accepted push, by virtual time: the pacing is checked from what the queue took. */
function recordPushes(sb: Sandbox): Array<{ at: number; events: number }> {
  const log: Array<{ at: number; events: number }> = [];
  const publish = sb.events.publish.bind(sb.events);
  sb.events.publish = (request) => {
    const r = publish(request);
    if (r.status === 201) log.push({ at: Date.parse(sb.clock.now()), events: request.payload.length });
    return r;
  };
  return log;
}

const maxPerRollingMinute = (log: ReadonlyArray<{ at: number; events: number }>) =>
  Math.max(
    0,
    ...log.map((p) => log.filter((q) => q.at >= p.at && q.at < p.at + MIN).reduce((n, q) => n + q.events, 0)),
  );

/**
 * Runs one sweep invocation alone (the queue is not delivered meanwhile) and counts what it cost:
 * storage requests and items, Jira requests, events pushed and round trips.
 */
async function measureSweep(t: World) {
  const { sb } = t;
  const g = globalThis as unknown as { __forge_fetch__: (...a: unknown[]) => Promise<unknown> };
  const inner = g.__forge_fetch__;
  let roundTrips = 0;
  let open = false;
  g.__forge_fetch__ = async (...args: unknown[]) => {
    if (!open) {
      roundTrips++;
      open = true;
    }
    // Calls started before any of them answers share the round trip.
    await new Promise((resolve) => setImmediate(resolve));
    open = false;
    return inner(...args);
  };
  const jiraBefore = sb.jira.requests.length;
  const queuedBefore = sb.events.size;
  sb.kvs.resetStats();
  let summary: SweepSummary;
  try {
    summary = await sb.app.run(() => runSweep(compose()), { functionKey: 'sweeper' });
  } finally {
    g.__forge_fetch__ = inner;
  }
  const s = sb.kvs.stats;
  return {
    summary,
    storageRequests: totalRequests(s),
    itemsRead: s.itemsScanned + s.itemsGot,
    jiraRequests: sb.jira.requests.length - jiraBefore,
    eventsQueued: sb.events.size - queuedBefore,
    roundTrips,
    atHundredMsPerCall: roundTrips * MS_PER_CALL,
  };
}

// Smaller than the issue's sizes to keep `npm test` short; `npm run bench` runs 1,000 and 5,000 (ADR 0029).
const REMINDERS_DUE = Number(process.env.SWEEP_FAN_OUT_REMINDERS ?? 500);
const MIXED_DUE = Number(process.env.SWEEP_FAN_OUT_DUE ?? 1_200);

describe(`one sweep with ${REMINDERS_DUE} reminders due`, () => {
  it('queues each reminder as its own work within the push budget; every grant is reminded once, then ends; no push is refused', async () => {
    const t = await world({ closeOut: null });
    const { sb } = t;
    const n = REMINDERS_DUE;
    // Ending 09:30-09:59: every reminder (lead 60 minutes) is due at 09:00.
    const grants = seedActive(t, n, (i) => new Date(Date.parse(at('09:30:00')) + (i % 30) * MIN).toISOString());
    const pushes = recordPushes(sb);

    const first = await measureSweep(t);
    console.log(`sweep, ${n} reminders due: ${JSON.stringify({ ...first, summary: undefined, ...first.summary })}`);
    // The invocation itself: reads of what is due (pages of 100), one claim and one event per reminder
    // it queued, a few fixed reads and writes. No Jira call, no reminder sent inline.
    expect(first.jiraRequests).toBe(0);
    expect(first.summary.reminded).toBeGreaterThan(0);
    expect(first.summary.reminded + first.summary.deferred).toBe(n);
    expect(first.storageRequests).toBeLessThanOrEqual(Math.ceil(n / 100) + first.summary.reminded + 40);
    expect(first.eventsQueued).toBeLessThanOrEqual(first.summary.reminded + 1);
    expect(first.atHundredMsPerCall).toBeLessThanOrEqual(SWEEPER_TIMEOUT_MS / 10);

    // A second sweep at once (an overlapping run) queues nothing again: the claims and the budget are shared.
    const second = await measureSweep(t);
    expect(second.summary.reminded).toBe(0);
    expect(second.eventsQueued).toBe(0);

    // The queue, the continuations and the next sweeps do the rest.
    await sb.clock.advanceTo(at('09:20:00'));
    const remindedOnce = grants.map((g) => t.audit({ grantId: g.id, action: 'REMINDED' }).length);
    expect(remindedOnce.filter((c) => c !== 1)).toEqual([]);
    const notices = sb.kvs
      .entity('notice')
      .map((e) => (e.value as { doc: { key: string } }).doc.key)
      .filter((k) => k.startsWith('reminder:'));
    expect(new Set(notices).size).toBe(n);
    expect(notices).toHaveLength(n);
    // One comment attempt per reminder (the issues were never created: Jira says 404 once, recorded).
    const commentPosts = sb.jira.requests.filter((r) => r.method === 'POST' && /\/comment$/.test(r.path));
    expect(commentPosts.length).toBeLessThanOrEqual(n);

    await sb.clock.advanceTo(at('10:40:00'));
    expect(grants.map((g) => t.grant(g.id)?.status).filter((s) => s !== 'EXPIRED')).toEqual([]);
    expect(sb.okta.members(t.w.groups.linux).filter((m) => grants.some((g) => g.oktaUserId === m))).toEqual([]);
    expect(sb.events.rateLimited).toEqual([]);
    const peak = maxPerRollingMinute(pushes);
    console.log(`sweep, ${n} reminders due: most events pushed in any rolling minute ${peak}`);
    expect(peak).toBeLessThanOrEqual(MAX_EVENTS_PER_MINUTE);
  }, 300_000);
});

describe(`queue pushes from one sweep with ${MIXED_DUE} due`, () => {
  it(`${MIXED_DUE} expiries and reminders due: the sweep invocation stays under 10% of its timeout at 100 ms a call and pushes within the budget; the rest follows each minute`, async () => {
    const t = await world({ closeOut: null });
    const { sb } = t;
    const n = MIXED_DUE;
    // Half already past their end (due expiries), half ending within the hour (due reminders).
    const grants = seedActive(t, n, (i) =>
      new Date(Date.parse(at(i % 2 ? '08:50:00' : '09:40:00')) + Math.floor(i / 2) * 100).toISOString(),
    );
    const pushes = recordPushes(sb);

    const first = await measureSweep(t);
    console.log(`sweep, ${n} due: ${JSON.stringify({ ...first, summary: undefined, ...first.summary })}`);
    expect(first.jiraRequests).toBe(0);
    const queued = first.summary.due + first.summary.reminded + first.summary.scheduled;
    expect(queued).toBeGreaterThan(0);
    expect(queued).toBeLessThanOrEqual(MAX_EVENTS_PER_MINUTE);
    // Expiries are queued before reminders when the budget is short; nothing found is dropped.
    expect(first.summary.due).toBe(queued);
    expect(queued + first.summary.deferred).toBe(n);
    expect(first.storageRequests).toBeLessThanOrEqual(Math.ceil(n / 100) + queued + 40);
    expect(first.atHundredMsPerCall).toBeLessThanOrEqual(SWEEPER_TIMEOUT_MS / 10);

    // Ten minutes on, the pushes have gone on at the budget's pace, never past the platform's limit.
    await sb.clock.advance(10 * MIN);
    expect(sb.events.rateLimited).toEqual([]);
    expect(maxPerRollingMinute(pushes)).toBeLessThanOrEqual(MAX_EVENTS_PER_MINUTE);
    expect(pushes.reduce((s, p) => s + p.events, 0)).toBeGreaterThanOrEqual(Math.min(1_500, n));
    const status = new Map(t.grants().map((g) => [g.id, g.status]));
    const ended = grants.filter((g) => status.get(g.id) === 'EXPIRED').length;
    console.log(`sweep, ${n} due: ${ended} grants ended within ten minutes`);
    expect(ended).toBeGreaterThanOrEqual(Math.min(1_500, n / 2));
    // Nothing was dropped: every grant is ended, or still ACTIVE and due (found again by the next read).
    expect(grants.map((g) => status.get(g.id)).filter((st) => st !== 'EXPIRED' && st !== 'ACTIVE')).toEqual([]);
  }, 300_000);
});

describe('a queued reminder whose event is lost', () => {
  it('is queued again in the next 15-minute slot of its due time and sent once', async () => {
    const t = await world({ closeOut: null });
    const { sb } = t;
    // Due from 09:00 (lead 60 minutes): slot 0 runs to 09:15, and the sweeps of 09:05 and 09:10 find it claimed.
    const [g] = seedActive(t, 1, () => at('10:00:00'));
    const first = await measureSweep(t);
    expect(first.summary.reminded).toBe(1);
    // The platform loses the event.
    const lost = sb.events.takeDue(Date.parse(sb.clock.now()));
    expect(lost?.body).toEqual({ kind: 'remind', grantId: g.id, endsAt: at('10:00:00') });
    await sb.clock.advanceTo(at('09:14:00'));
    expect(t.audit({ grantId: g.id, action: 'REMINDED' })).toHaveLength(0);
    await sb.clock.advanceTo(at('09:16:00'));
    expect(t.audit({ grantId: g.id, action: 'REMINDED' })).toHaveLength(1);
    expect(t.grant(g.id)?.reminderSentAt).toBeDefined();
    await sb.clock.advanceTo(at('10:05:00'));
    expect(t.audit({ grantId: g.id, action: 'REMINDED' })).toHaveLength(1);
    expect(t.grant(g.id)?.status).toBe('EXPIRED');
  });
});

describe('the stalled-work backstop reads bounded pages', () => {
  it('450 REVOKING grants whose retry chains died: each run reads at most two pages of each status and queues those; the next runs go on where it stopped, until every one has ended', async () => {
    const t = await world({ closeOut: null });
    const { sb } = t;
    const n = 450;
    // Dead chains: REVOKING with no progress for an hour (their queue events were lost).
    const grants = seedActive(t, n, (i) => new Date(Date.parse(at('07:00:00')) + i * SEC).toISOString()).map((g) => {
      const revoking: Grant = {
        ...g,
        status: 'REVOKING',
        endReason: 'EXPIRED',
        endedBy: 'app',
        endRequestedAt: at('08:00:00'),
        updatedAt: at('08:00:00'),
        version: 2,
      };
      put(sb, revoking);
      return revoking;
    });

    const first = await measureSweep(t);
    // REVOKING: two pages of 100; REQUESTED and GRANTING: one empty page each.
    expect(first.summary.requeued).toBe(200);
    expect(sb.kvs.stats.byIndex['grant/by-status-end']?.scanned ?? 0).toBeLessThanOrEqual(200 + 2);
    const cursor = () => sb.app.run(() => new KvsSweepState().get('backstop-cursor:REVOKING'));
    const afterFirst = await cursor();
    expect(afterFirst).toBeDefined();
    // A second run in the same minute reads the next two pages, but this minute's budget is spent: the
    // work waits, and the read does not move past it (the next run reads those pages again).
    const second = await measureSweep(t);
    expect(second.summary.requeued).toBe(0);
    expect(second.summary.deferred).toBe(200);
    expect(await cursor()).toBe(afterFirst);
    await sb.clock.settle();
    expect(grants.filter((g) => t.grant(g.id)?.status === 'EXPIRED').length).toBeGreaterThanOrEqual(200);

    await sb.clock.advanceTo(at('09:30:00'));
    expect(grants.map((g) => t.grant(g.id)?.status).filter((s) => s !== 'EXPIRED')).toEqual([]);
    expect(sb.events.rateLimited).toEqual([]);
  }, 120_000);
});

describe("the sandbox's queue is as strict as Forge", () => {
  it('refuses a push that would take the installation past 500 events in a rolling minute, and takes pushes again a minute later', async () => {
    const t = await world({ seed: 'people' });
    const { sb } = t;
    const push = (events: number) =>
      sb.events.publish({
        queueName: 'okta-work',
        jobId: `job-${events}`,
        payload: Array.from({ length: events }, (_, i) => ({ body: { kind: 'queue-probe', runId: `p${i}` } })),
      }).status;
    for (let i = 0; i < 10; i++) expect(push(50)).toBe(201);
    expect(push(1)).toBe(429);
    expect(sb.events.rateLimited).toEqual([{ at: Date.parse(sb.clock.now()), events: 1 }]);
    await sb.clock.advance(60 * SEC);
    expect(push(50)).toBe(201);
  });
});
