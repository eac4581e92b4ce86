/**
 * View access and the panel read what they show, not the requester's history (issue 9, ADR 0002
 * "Bounded View access reads"). A requester with 1,000 ended grants, all inside the 90-day window
 * (the worst case: nothing can be skipped by date), and two running grants, one of them older than
 * the window. Costs are counted on the KVS emulator: every request the SDK sent, and the grant items
 * the answers carried (the app's grant queries use no filters, so items carried = items read).
 */
import type { Sandbox } from '../../sandbox';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import type { Grant } from '../../src/domain/grant';
import type { GrantsPageDto, PanelData } from '../../src/shared/panel-contract';
import { expiredHistory, makeGrant } from '../factories/grant';
import { HOUR, useWorlds, world, type World } from './world';

useWorlds();

const DAY = 24 * HOUR;
const PAST = 1_000;

/** Counts KVS requests and the grant items their answers carried; a pure observer of the emulator. */
function countKvs(sb: Sandbox) {
  const calls: Array<{ path: string; entity?: string; items: number }> = [];
  const handle = sb.kvs.handle.bind(sb.kvs);
  sb.kvs.handle = (path: string, body: unknown) => {
    const r = handle(path, body);
    const b = r.body as { data?: unknown[] } | undefined;
    const items =
      r.status !== 200 ? 0 : path.endsWith('/query') ? (b?.data?.length ?? 0) : path.endsWith('/get') ? 1 : 0;
    calls.push({ path, entity: (body as { entityName?: string } | undefined)?.entityName, items });
    return r;
  };
  return async (run: () => Promise<unknown>) => {
    const from = calls.length;
    await run();
    const seen = calls.slice(from);
    const grant = seen.filter((c) => c.entity === 'grant');
    return {
      kvsRequests: seen.length,
      grantRequests: grant.length,
      grantItemsRead: grant.reduce((n, c) => n + c.items, 0),
    };
  };
}

/** Neville's history: `PAST` EXPIRED grants, one every 2 h back from 2 h ago (the oldest ~83 days old). */
const pastGrants = (t: World): Grant[] =>
  expiredHistory({
    count: PAST,
    nowIso: t.sb.clock.now(),
    requesterAccountId: t.w.jira.neville,
    groupId: t.w.groups.windows,
  });

async function seed(t: World) {
  // A request still waiting for approval, raised 120 days ago: running, yet outside the window.
  const now = Date.parse(t.sb.clock.now());
  const waiting = makeGrant({
    id: 'grant-88888',
    issueId: '88888',
    issueKey: 'OLD-1',
    requesterAccountId: t.w.jira.neville,
    groupId: t.w.groups.database,
    status: 'REQUESTED',
    requestedAt: new Date(now - 120 * DAY).toISOString(),
    updatedAt: new Date(now - 120 * DAY).toISOString(),
    startedAt: undefined,
    firstStartedAt: undefined,
    endsAt: undefined,
    oktaUserId: undefined,
  });
  await t.sb.app.run(async () => {
    const store = new KvsGrantStore();
    for (const g of [waiting, ...pastGrants(t)]) expect(await store.create(g)).toBe('created');
  });
  const linux = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: t.w.groups.linux }); // ACTIVE now
  return { waiting, linux };
}

const panelCall = async <T>(
  t: World,
  key: string,
  payload: unknown,
  accountId: string,
  issue: { id: string; key: string },
): Promise<T> => {
  const r = await t.sb.app.invoke<any>(key, payload, { accountId, extension: { issue, project: { key: 'ACC' } } });
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data as T;
};

describe('View access with 1,000 past grants', () => {
  it('the reply and one panel load each read a bounded number of grants, whatever the history', async () => {
    const t = await world();
    const { linux, waiting } = await seed(t);
    const measure = countKvs(t.sb);

    let view!: { id: string; key: string };
    const reply = await measure(async () => {
      view = await t.raise({ accessType: 'View access' });
    });
    let panel!: PanelData;
    const load = await measure(async () => {
      panel = await panelCall<PanelData>(t, 'panel/load', {}, t.w.jira.neville, view);
    });

    // The issue's targets: the panel reads <= 60 grant items; the reply one page of 100 plus the running ones.
    expect({ reply, load }).toEqual({
      reply: { kvsRequests: expect.any(Number), grantRequests: 6, grantItemsRead: 102 },
      load: { kvsRequests: expect.any(Number), grantRequests: 6, grantItemsRead: 27 },
    });
    expect(load.grantItemsRead).toBeLessThanOrEqual(60);
    // A constant, not a function of the history: the grant reads above, intake's markers, the VIEWED
    // audit entry with its sequencer marker, and the notice outbox's record, lease and delivery (ADR 0020).
    expect(reply.kvsRequests).toBeLessThanOrEqual(24);
    expect(load.kvsRequests).toBeLessThanOrEqual(12);
    expect(panel.grants!.rows).toHaveLength(2 + 24);

    // The reply: 25 rows, running first (newest request first), then the newest ended ones, and a pointer.
    const lines = t.comments(view.key)[0].split('\n');
    expect(lines).toHaveLength(2 + 25 + 1);
    expect(lines[2]).toContain(`| Active | ${linux.key}`);
    expect(lines[3]).toContain(`| Requested | ${waiting.issueKey}`);
    expect(lines.slice(4, 27).map((l) => l.split(' | ').pop())).toEqual(
      Array.from({ length: 23 }, (_, i) => `HIST-${i + 1}`),
    );
    // 2 running + a page of 100 from the window (the ACTIVE grant again, and 99 ended) read, 25 shown;
    // the window goes on past the page read, so "at least".
    expect(lines[27]).toBe('and at least 76 more: open the Okta access panel on this issue.');
    expect(t.audit({ issueKey: view.key })).toEqual([
      expect.objectContaining({ action: 'VIEWED', detail: 'Listed 25 grant(s), and at least 76 more not listed.' }),
    ]);
  });

  it('the panel pages through all of it, 25 items read a page, no row twice, newest first', async () => {
    const t = await world();
    const { linux, waiting } = await seed(t);
    const view = await t.raise({ accessType: 'View access' });
    const measure = countKvs(t.sb);

    const first = await panelCall<PanelData>(t, 'panel/load', {}, t.w.jira.neville, view);
    expect(first.otherGrants).toBeUndefined();
    const page1 = first.grants!;
    expect(page1.rows.slice(0, 2).map((r) => [r.issueKey, r.status])).toEqual([
      [linux.key, 'ACTIVE'],
      [waiting.issueKey, 'REQUESTED'],
    ]);
    // 25 items of the window read: the ACTIVE grant (already listed as running) and 24 ended ones.
    expect(page1.rows).toHaveLength(2 + 24);

    const seen = page1.rows.map((r) => r.issueKey);
    let cursor = page1.nextCursor;
    let pages = 1;
    const costs: number[] = [];
    while (cursor) {
      let page!: GrantsPageDto;
      const cost = await measure(async () => {
        page = await panelCall<GrantsPageDto>(t, 'panel/grants', { cursor }, t.w.jira.neville, view);
      });
      costs.push(cost.grantItemsRead);
      expect(page.rows.every((r) => r.status === 'EXPIRED')).toBe(true); // running ones came on the first page
      seen.push(...page.rows.map((r) => r.issueKey));
      cursor = page.nextCursor;
      pages++;
    }
    expect(pages).toBe(Math.ceil((PAST + 1) / 25)); // the window holds the ACTIVE grant too
    expect(Math.max(...costs)).toBeLessThanOrEqual(25 + 1); // the page, and the issue's (absent) grant
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(2)).toEqual(Array.from({ length: PAST }, (_, i) => `HIST-${i + 1}`));
  });

  it('lets only the requester and Jira admins page, and only through a cursor', async () => {
    const t = await world();
    await seed(t);
    const view = await t.raise({ accessType: 'View access' });
    const { grants } = await panelCall<PanelData>(t, 'panel/load', {}, t.w.jira.neville, view);
    const cursor = grants!.nextCursor!;
    const ask = (who: string, payload: unknown) =>
      t.sb.app.invoke<any>('panel/grants', payload, {
        accountId: who,
        extension: { issue: view, project: { key: 'ACC' } },
      });
    expect(await ask(t.w.jira.alice, { cursor })).toEqual({
      ok: false,
      error: { code: 'AUTH.NOT_REQUESTER', message: expect.any(String) },
    });
    expect(await ask(t.w.jira.ada, { cursor })).toMatchObject({ ok: true, data: { rows: expect.any(Array) } });
    expect(await ask(t.w.jira.neville, {})).toMatchObject({ ok: false, error: { code: 'VALIDATION.INVALID' } });
    expect(await ask(t.w.jira.neville, { cursor, requesterAccountId: t.w.jira.alice })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    // Someone else's view: Alice's panel on her own View access issue lists her (empty) grants only.
    const hers = await t.raise({ accessType: 'View access' }, { reporter: t.w.jira.alice });
    expect((await panelCall<PanelData>(t, 'panel/load', {}, t.w.jira.alice, hers)).grants).toEqual({ rows: [] });
  });
});
