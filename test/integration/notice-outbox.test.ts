/**
 * The notice outbox (issue 10 §3, ADR 0020): every comment and email the app owes is recorded before it
 * is sent and delivered by queue work until Jira takes it, or refuses it for good (recorded, on the
 * dashboard). Exactly once per notice, whatever redelivery, a crash mid-attempt included.
 */
import type { HandleRequest, HandleResponse } from '../../sandbox/jira/jira-emulator';
import { KvsNoticeOutbox } from '../../src/adapters/kvs/notice-outbox';
import { JiraIssueTracker } from '../../src/adapters/jira/jira-issue-tracker';
import { FieldCatalog } from '../../src/adapters/jira/field-ids';
import { ForgeWorkQueue } from '../../src/adapters/queue/forge-work-queue';
import { systemClock } from '../../src/adapters/clock/system-clock';
import { owe, NOTICE_LEASE_MS, type Notice } from '../../src/domain/notice';
import type { Message } from '../../src/app/ports';
import { adminSite } from '../admin/site';
import { at, MIN, useWorlds, world, type World } from './world';

useWorlds();
beforeAll(() => {
  jest.spyOn(console, 'warn').mockImplementation(() => {});
});

/** Jira refuses every comment the app posts (503) until `up()`; everything else works. */
function commentsDown(t: World): { up: () => void; refused: () => number } {
  const emulator = t.sb.jira as unknown as { handle: (req: HandleRequest) => HandleResponse };
  const handle = emulator.handle.bind(emulator);
  let down = true;
  let refused = 0;
  emulator.handle = (req) => {
    if (down && req.method === 'POST' && /\/issue\/[^/]+\/comment$/.test(req.path.split('?')[0])) {
      refused++;
      return { status: 503, body: { errorMessages: ['Service unavailable (test outage)'], errors: {} } };
    }
    return handle(req);
  };
  return { up: () => (down = false), refused: () => refused };
}

const stored = (t: World): Array<Notice<Message>> =>
  t.sb.kvs.entity('notice').map((e) => e.value.doc as Notice<Message>);

const linuxGrant = (t: World) =>
  t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: t.w.groups.linux });

describe('Jira refusing comments for an hour', () => {
  it('View, Extend and New access raised meanwhile: each reply arrives exactly once after Jira recovers, and nothing else is done twice', async () => {
    const t = await world();
    const { sb, w } = t;
    const linux = await linuxGrant(t);
    expect(t.comments(linux.key)).toHaveLength(1);
    await sb.clock.advanceTo(at('10:00:00')); // close enough to its 13:00 end for an extension to count

    const outage = commentsDown(t);
    const view = await t.raise({ accessType: 'View access' });
    const ext = await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux });
    const windows = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.windows });
    for (let i = 0; i < 60; i++) await sb.clock.advance(MIN);
    expect([view, ext, windows].map((i) => t.comments(i.key))).toEqual([[], [], []]);
    // The work that owed them is done, once: the extension and the grant did not wait for Jira.
    expect(t.grant(linux.grantId)).toMatchObject({ extensions: 1, extendedVia: [ext.key] });
    expect(t.grant(windows.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(sb.productEvents.filter((p) => p.reason === 'retry')).toEqual([]);
    expect(stored(t).filter((n) => n.status === 'PENDING')).toHaveLength(3);
    // Retries back off (full jitter under a ceiling doubling from 30 s to 15 min): about 12 attempts per
    // notice in the first hour on average (15 + 30 + 60 + 120 + 240 s, then 450 s apart), never a storm.
    expect(outage.refused()).toBeLessThanOrEqual(3 * 20);

    outage.up();
    // The longest a retry waits is 15 minutes; a chain that died is re-queued by the sweep within 10.
    await sb.clock.advance(26 * MIN);
    expect(t.comments(view.key)).toEqual([expect.stringContaining('your Okta access grants')]);
    expect(t.comments(ext.key)).toEqual([expect.stringContaining('now runs until')]);
    expect(t.comments(windows.key)).toEqual([expect.stringContaining('you are now a member of PAM Windows Admins')]);
    expect(stored(t).every((n) => n.status === 'SENT')).toBe(true);

    // Redeliveries of everything change nothing.
    for (const i of [view, ext, windows]) await sb.jira.deliverAgain(i.eventId);
    await sb.clock.advanceTo(at('12:00:00'));
    for (const i of [view, ext, windows]) expect(t.comments(i.key)).toHaveLength(1);
    expect(t.audit({ grantId: linux.grantId, action: 'EXTENDED' })).toHaveLength(1);
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(2);
  });
});

describe('a notice Jira refuses for good', () => {
  it('the issue was deleted before the reply could be posted: recorded as undeliverable and shown on the dashboard, never retried', async () => {
    const t = await adminSite();
    const { sb, w } = t;
    const outage = commentsDown(t);
    const view = await t.raise({ accessType: 'View access' });
    sb.jira.deleteIssue(view.key, w.jira.ada);
    outage.up();
    await sb.clock.advance(20 * MIN);
    expect(stored(t)).toEqual([
      expect.objectContaining({
        issueKey: view.key,
        status: 'UNDELIVERABLE',
        reason: expect.stringMatching(/deleted/),
      }),
    ]);
    const attempts = stored(t)[0].attempts;
    await sb.clock.advance(60 * MIN);
    expect(stored(t)[0].attempts).toBe(attempts);

    const dash = await t.admin('admin/dashboard/get');
    expect(dash.data.health.undeliveredNotices).toEqual({
      recent: [{ issueKey: view.key, at: expect.any(String), reason: expect.stringMatching(/deleted/) }],
      more: false,
    });
  });
});

describe('exactly once, whatever redelivery', () => {
  const message: Message = { blocks: [{ paragraph: [{ text: 'A notice that must be posted once.' }] }] };

  async function owed(t: World, key: string, over: Partial<Notice<Message>> = {}) {
    const issue = await t.raise({ accessType: 'View access' });
    const before = t.comments(issue.key).length;
    const n = { ...owe(key, { issueKey: issue.key, comment: message }, t.sb.clock.now()), ...over };
    await t.sb.app.run(() => new KvsNoticeOutbox().create(n));
    return { issue, before, texts: () => t.comments(issue.key).slice(before) };
  }

  it('the same notice work delivered five times at once posts one comment', async () => {
    const t = await world();
    const { issue, texts } = await owed(t, 'test:five');
    await t.sb.app.run(() => new ForgeWorkQueue().enqueue(Array(5).fill({ kind: 'notice', key: 'test:five' })));
    await t.sb.clock.advance(MIN);
    expect(texts()).toEqual(['A notice that must be posted once.']);
    expect(stored(t).find((n) => n.key === 'test:five')).toMatchObject({ status: 'SENT', issueKey: issue.key });
  });

  it('Jira writes the comment but answers 504: the retry finds it and posts nothing more', async () => {
    const t = await world();
    const emulator = t.sb.jira as unknown as { handle: (req: HandleRequest) => HandleResponse };
    const handle = emulator.handle.bind(emulator);
    let lost = 0;
    emulator.handle = (req) => {
      const answer = handle(req);
      if (lost === 0 && req.method === 'POST' && req.path.split('?')[0].endsWith('/comment')) {
        lost++;
        return { status: 504, body: { errorMessages: ['Gateway timeout (test)'], errors: {} } };
      }
      return answer;
    };
    const view = await t.raise({ accessType: 'View access' });
    expect(lost).toBe(1);
    await t.sb.clock.advance(5 * MIN);
    expect(t.comments(view.key)).toEqual([expect.stringContaining('you have no Okta access grants')]);
    expect(stored(t).find((n) => n.issueKey === view.key)).toMatchObject({ status: 'SENT' });
  });

  it.each([
    ['its comment had landed', true, 0],
    ['its comment had not landed', false, 1],
  ])(
    'an attempt that crashed mid-way (%s) is resumed by the sweep after its lease, and the comment is there once',
    async (_name, landed, posted) => {
      const t = await world();
      const now = t.sb.clock.now();
      const { issue, texts } = await owed(t, 'test:crash', {
        attempts: 1,
        inFlightSince: now,
        dueAt: new Date(Date.parse(now) + NOTICE_LEASE_MS).toISOString(),
        version: 2,
      });
      if (landed)
        await t.sb.app.run(() =>
          new JiraIssueTracker(systemClock, new FieldCatalog(systemClock)).comment(issue.key, message),
        );
      const before = t.sb.jira.requests.length;
      // Within the lease nothing happens: the crashed attempt might still be running.
      await t.sb.clock.advance(NOTICE_LEASE_MS - MIN);
      expect(texts()).toHaveLength(landed ? 1 : 0);
      await t.sb.clock.advance(15 * MIN);
      expect(texts()).toEqual(['A notice that must be posted once.']);
      expect(stored(t).find((n) => n.key === 'test:crash')).toMatchObject({ status: 'SENT', attempts: 2 });
      const posts = t.sb.jira.requests
        .slice(before)
        .filter((r) => r.method === 'POST' && r.path.endsWith(`/issue/${issue.key}/comment`));
      expect(posts).toHaveLength(posted);
    },
  );
});
