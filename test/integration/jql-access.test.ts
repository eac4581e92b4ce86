/**
 * Access state searchable in JQL (issue 14 §2, ADR 0024): the issue property after every transition,
 * the five searches the README documents run through the Jira emulator's JQL after a realistic story,
 * and the hourly reconcile repairing a property whose write was lost.
 */
import fs from 'node:fs';
import path from 'node:path';
import { repairIssueProperties } from '../../src/app/grant-lifecycle';
import { ISSUE_PROPERTY_KEY, type AccessIssueProperty } from '../../src/domain/issue-property';
import { compose } from '../../src/entry/compose';
import { useWorlds, world, type World } from './world';

useWorlds();

const MEMBERSHIP = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;
// Sunday 22 November 2026, 15:00 UTC: an Emergency grant (4 h) ends today, a Standard one (12 h) tomorrow.
const START = '2026-11-22T15:00:00.000Z';
const day = (hhmm: string) => `2026-11-22T${hhmm}:00.000Z`;

/** The README's "Find access in JQL" searches, in order, as written there. */
function readmeQueries(): string[] {
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.split(/^## Find access in JQL$/m)[1]?.split(/^## /m)[0] ?? '';
  return [...section.matchAll(/```jql\n([\s\S]*?)\n```/g)].map((m) => m[1].trim());
}

function search(t: World, jql: string, asAccountId: string) {
  const r = t.sb.jira.handle({
    method: 'POST',
    path: '/rest/api/3/search/jql',
    body: { jql, fields: ['key'], properties: [ISSUE_PROPERTY_KEY] },
    asAccountId,
  });
  return r;
}

const keys = (r: { status: number; body?: unknown }) => {
  expect(r.status).toBe(200);
  return (r.body as { issues: Array<{ key: string }> }).issues.map((i) => i.key).sort();
};

const property = (t: World, key: string) =>
  t.sb.jira.issueProperty(key, ISSUE_PROPERTY_KEY) as AccessIssueProperty | undefined;

const propertyPuts = (t: World, id: string) =>
  t.sb.jira.requests
    .filter((r) => r.method === 'PUT' && r.path === `/rest/api/3/issue/${id}/properties/${ISSUE_PROPERTY_KEY}`)
    .map((r) => r.body as AccessIssueProperty);

/**
 * Neville has an Emergency Linux grant (ends 19:00 today) and a Standard Windows one (ends 03:00
 * tomorrow); Ada's Database grant ends at 15:40 and Okta refuses its removal (FAILED); then Database
 * and Linux need approval: Neville waits for Database (unassigned), Alice for Linux (assigned to Ada).
 */
async function story() {
  const t = await world({ now: START });
  const { w, sb } = t;
  const emergency = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux });
  const windows = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
  const failed = await t.newAccess(w.groups.database, day('15:40'), { reporter: w.jira.ada });
  sb.okta.fault({ method: 'DELETE', path: MEMBERSHIP, status: 403 });
  await sb.clock.advanceTo(day('15:41'));
  await t.setGroup(w.groups.database, { approvalMode: 'status' });
  await t.setGroup(w.groups.linux, { approvalMode: 'status' });
  const waiting = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.database });
  const mine = await t.raise(
    { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux },
    { reporter: w.jira.alice },
  );
  await sb.jira.assign(mine.key, w.jira.ada, w.jira.ada);
  return { t, emergency, windows, failed, waiting, mine };
}

describe('the access property in JQL', () => {
  it('the README documents five searches, and each finds exactly what its story says', async () => {
    const queries = readmeQueries();
    expect(queries).toHaveLength(5);
    const [activeNow, endingToday, failedRemovals, pendingMine, emergencyThisMonth] = queries;
    const { t, emergency, windows, failed, waiting, mine } = await story();
    const { w } = t;
    // The story happened as told.
    expect(t.grant(emergency.grantId)).toMatchObject({ status: 'ACTIVE', emergency: true, endsAt: day('19:00') });
    expect(t.grant(windows.grantId)).toMatchObject({ status: 'ACTIVE', endsAt: '2026-11-23T03:00:00.000Z' });
    expect(t.grant(failed.grantId)).toMatchObject({ status: 'FAILED', endReason: 'EXPIRED' });
    expect(t.grant(waiting.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.grant(mine.grantId)).toMatchObject({ status: 'REQUESTED' });

    expect(keys(search(t, activeNow, w.jira.ada))).toEqual([emergency.key, windows.key].sort());
    expect(keys(search(t, endingToday, w.jira.ada))).toEqual([emergency.key]);
    expect(keys(search(t, failedRemovals, w.jira.ada))).toEqual([failed.key]);
    expect(keys(search(t, pendingMine, w.jira.ada))).toEqual([mine.key]);
    expect(keys(search(t, pendingMine, w.jira.neville))).toEqual([]);
    expect(keys(search(t, emergencyThisMonth, w.jira.ada))).toEqual([emergency.key]);
    // Narrowed to a group, as the README suggests.
    const linuxActive = `${activeNow} AND issue.property[${ISSUE_PROPERTY_KEY}].groupName = "PAM Linux Sysadmins"`;
    expect(keys(search(t, linuxActive, w.jira.ada))).toEqual([emergency.key]);
    // The aliases name the same paths.
    expect(keys(search(t, 'oktaAccessStatus = "FAILED" AND oktaAccessRequester = currentUser()', w.jira.ada))).toEqual([
      failed.key,
    ]);

    // When the Emergency grant ends, it leaves "active now" and "ending today" but stays emergency use.
    await t.sb.clock.advanceTo(day('19:01'));
    expect(t.grant(emergency.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(keys(search(t, activeNow, w.jira.ada))).toEqual([windows.key]);
    expect(keys(search(t, endingToday, w.jira.ada))).toEqual([]);
    expect(keys(search(t, emergencyThisMonth, w.jira.ada))).toEqual([emergency.key]);
  });

  it('the property follows every transition of the grant, ending as the store says', async () => {
    const t = await world({ now: START });
    const { w, sb } = t;
    const r = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.clock.advanceTo(day('19:01'));
    const g = t.grant(r.grantId)!;
    expect(g.status).toBe('EXPIRED');
    const puts = propertyPuts(t, r.id);
    // Six stored changes (REQUESTED, GRANTING, ACTIVE, the reminder, REVOKING, EXPIRED) ...
    expect(g.version).toBe(6);
    // ... one write per stored change (the reminder's included), each the grant's next version.
    expect(puts.map((p) => p.rev)).toEqual(Array.from({ length: g.version }, (_, i) => i + 1));
    expect(puts.map((p) => p.status).filter((s, i, all) => s !== all[i - 1])).toEqual([
      'REQUESTED',
      'GRANTING',
      'ACTIVE',
      'REVOKING',
      'EXPIRED',
    ]);
    expect(property(t, r.key)).toEqual({
      v: 2,
      groupId: w.groups.linux,
      groupName: 'PAM Linux Sysadmins',
      grantId: r.grantId,
      rev: g.version,
      status: 'EXPIRED',
      requester: w.jira.neville,
      requestedAt: START,
      startedAt: START,
      endsAt: day('19:00'),
      endedAt: g.endedAt,
      endReason: 'EXPIRED',
      emergency: 'true',
    });
  });

  it('a lost write leaves the property behind; the hourly reconcile repairs it, and only it', async () => {
    const t = await world({ now: START });
    const { w, sb } = t;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const lost = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux });
    const fine = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows });
    await sb.clock.advanceTo(day('18:30')); // past the reminder
    // Jira refuses both writes of the end (REVOKING, EXPIRED): the property still says ACTIVE.
    sb.jira.failNext({ method: 'PUT', pathIncludes: `/properties/${ISSUE_PROPERTY_KEY}`, status: 503, times: 2 });
    await sb.clock.advanceTo(day('19:01'));
    expect(t.grant(lost.grantId)?.status).toBe('EXPIRED');
    expect(property(t, lost.key)?.status).toBe('ACTIVE');
    const activeNow = `issue.property[${ISSUE_PROPERTY_KEY}].status = "ACTIVE"`;
    expect(keys(search(t, activeNow, w.jira.ada))).toEqual([fine.key, lost.key].sort());
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining(`property of ${lost.key} was not set to`),
      expect.anything(),
    );

    const before = propertyPuts(t, fine.id).length;
    const summary = await sb.app.runScheduled('drift-reconcile');
    expect(property(t, lost.key)).toMatchObject({ status: 'EXPIRED', rev: t.grant(lost.grantId)!.version });
    expect(keys(search(t, activeNow, w.jira.ada))).toEqual([fine.key]);
    // The property that was in step was not written again.
    expect(propertyPuts(t, fine.id)).toHaveLength(before);
    expect(summary).toEqual({ statusCode: 204 });
    warn.mockRestore();
  });

  it('the repair is bounded per run: what does not fit waits for the next run', async () => {
    // Raised at 15:10, so the grants end at 19:10, away from the hourly run (which would repair them).
    const t = await world({ now: '2026-11-22T15:10:00.000Z' });
    const { w, sb } = t;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const raised: Array<{ key: string; grantId: string }> = [];
    for (const reporter of [w.jira.neville, w.jira.alice, w.jira.ada])
      raised.push(
        await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux }, { reporter }),
      );
    await sb.clock.advanceTo(day('18:40'));
    // Every property write of the expiries fails (each grant write after the end tries again), then Jira recovers.
    sb.jira.failNext({ method: 'PUT', pathIncludes: `/properties/${ISSUE_PROPERTY_KEY}`, status: 503, times: 1_000 });
    await sb.clock.advanceTo(day('19:11'));
    sb.jira.clearFailures();
    const behind = () => raised.filter((r) => property(t, r.key)?.status !== t.grant(r.grantId)?.status).length;
    expect(behind()).toBe(3);
    const run = () => sb.app.run(() => repairIssueProperties(compose(), 2));
    expect(await run()).toEqual({ checked: 2, repaired: 2, failed: 0 });
    expect(behind()).toBe(1);
    expect(await run()).toEqual({ checked: 1, repaired: 1, failed: 0 });
    expect(behind()).toBe(0);
    // Nothing under way, nothing behind: a run checks nothing and writes nothing.
    expect(await run()).toEqual({ checked: 0, repaired: 0, failed: 0 });
    warn.mockRestore();
  });

  it('the emulator refuses JQL it does not understand, as Jira does, with a 400', async () => {
    const t = await world({ now: START });
    const ada = t.w.jira.ada;
    const refused = (jql: string) => {
      const r = search(t, jql, ada);
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ errorMessages: [expect.any(String)], errors: {} });
      return (r.body as { errorMessages: string[] }).errorMessages[0];
    };
    // A path the app did not ask Jira to index does not exist for JQL.
    expect(refused(`issue.property[${ISSUE_PROPERTY_KEY}].rev = 3`)).toMatch(/does not exist/);
    expect(refused(`issue.property[other].status = "ACTIVE"`)).toMatch(/does not exist/);
    // Ordering a string, a malformed date, a function of the wrong kind, an unknown one.
    refused(`issue.property[${ISSUE_PROPERTY_KEY}].status > "ACTIVE"`);
    refused(`issue.property[${ISSUE_PROPERTY_KEY}].endsAt <= "tomorrow"`);
    refused(`issue.property[${ISSUE_PROPERTY_KEY}].status = endOfDay()`);
    refused(`issue.property[${ISSUE_PROPERTY_KEY}].endsAt <= endOfYear()`);
    // OR is not in the emulator's JQL.
    refused(`issue.property[${ISSUE_PROPERTY_KEY}].status = "ACTIVE" OR assignee = currentUser()`);
    expect(search(t, `issue.property[${ISSUE_PROPERTY_KEY}].endsAt <= "2026-11-22 19:00"`, ada).status).toBe(200);
  });
});
