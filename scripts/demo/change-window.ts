/**
 * The demo's change-window request (issue 14 §1, ADR 0025): Neville asks for PAM Database Admins for a
 * planned change window 14:00–15:00; Ada approves it at 09:05, hours ahead; access starts at 14:00,
 * not before, and ends at the planned end.
 */
import type { Sandbox } from '../../sandbox';
import { FIELD_IDS } from '../../sandbox/jira/jira-emulator';
import type { DemoWorld } from '../../sandbox/seed';
import { KvsConfigStore } from '../../src/adapters/kvs/config-store';

export const WINDOW_START = '2026-11-22T14:00:00.000Z';
export const WINDOW_END = '2026-11-22T15:00:00.000Z';

/** Names the window fields in the policy, raises the request and approves it ahead; returns its key. */
export async function playChangeWindow(
  sb: Sandbox,
  w: DemoWorld,
  raise: (summary: string, fields: Record<string, string>) => Promise<string>,
): Promise<string> {
  await sb.app.run(async () => {
    const c = new KvsConfigStore();
    await c.savePolicy({
      ...(await c.getPolicy()),
      plannedStartFieldId: FIELD_IDS.plannedStart,
      plannedEndFieldId: FIELD_IDS.plannedEnd,
    });
    await c.saveAllowlist(
      (await c.getAllowlist()).map((g) => (g.groupId === w.groups.database ? { ...g, approvalMode: 'status' } : g)),
    );
  });
  const key = await raise('Database schema change (planned window)', {
    changeType: 'Standard',
    accessType: 'New access',
    adminGroup: w.groups.database,
    plannedStart: WINDOW_START,
    plannedEnd: WINDOW_END,
  });
  await sb.clock.advance(5 * 60_000);
  await sb.jira.transition(key, 'Approved', w.jira.ada);
  return key;
}

/** The window's promises: one add at the planned start (within a minute, never before), one removal at its end. */
export function verifyChangeWindow(
  w: DemoWorld,
  windowKey: string | undefined,
  r: { grants: Array<{ issueKey: string; status: string; startedAt?: string; endsAt?: string; endedAt?: string }> },
  sb: Sandbox,
): string[] {
  const problems: string[] = [];
  const g = r.grants.find((x) => x.issueKey === windowKey);
  if (!g) return ['the change-window request was not recorded'];
  const writes = sb.okta.requests.filter(
    (q) => q.path === `/api/v1/groups/${w.groups.database}/users/${w.okta.neville}` && q.status === 204,
  );
  const adds = writes.filter((q) => q.method === 'PUT' && q.at >= Date.parse('2026-11-22T09:00:00Z'));
  if (adds.length !== 1) problems.push(`expected one Database add for the change window (saw ${adds.length})`);
  else if (adds[0].at < Date.parse(WINDOW_START) || adds[0].at - Date.parse(WINDOW_START) >= 60_000)
    problems.push(`the change window started at ${new Date(adds[0].at).toISOString()}, not within a minute of 14:00`);
  if (g.status !== 'EXPIRED' || g.endsAt !== WINDOW_END)
    problems.push(`the change-window grant should have EXPIRED at its planned end (is ${g.status}, ends ${g.endsAt})`);
  if (g.endedAt && Date.parse(g.endedAt) - Date.parse(WINDOW_END) >= 60_000)
    problems.push(`the change window ended at ${g.endedAt}, not within a minute of 15:00`);
  if (!sb.jira.comments(windowKey!).some((c) => /starts at .*14:00/.test(c.text)))
    problems.push('the change-window issue was not told when access starts');
  return problems;
}
