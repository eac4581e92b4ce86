/**
 * The outcome checks every fault, attack and load row ends with, taken only from what the emulators
 * and the app's storage hold after the world drained (never from the app's internal steps, which may
 * change: for example how notices are queued):
 * - lost: a New access request with no grant, or a grant still mid-step (REQUESTED, GRANTING, REVOKING);
 * - membership mismatches: for every user a grant names, Okta membership equals "holds an ACTIVE grant
 *   or was a member before one" in that group;
 * - duplicate memberships: a grant whose membership was recorded as added more than once;
 * - notices: every grant that started has one "you are now a member" comment, every grant that ended
 *   one end comment, and no issue carries the same comment or notification twice;
 * - the audit chain verifies.
 */
import type { Grant } from '../../src/domain/grant';
import type { World } from '../integration/world';
import { recordTally, type TallyRecord } from '../support/suite-tally';

export interface Outcome {
  grants: number;
  lost: string[];
  membershipMismatches: string[];
  duplicateMemberships: string[];
  /** Notices owed but missing, or sent more than once. */
  noticeProblems: string[];
  duplicateNotices: number;
  auditVerifies: boolean;
}

const MID_STEP = new Set(['REQUESTED', 'GRANTING', 'REVOKING']);
const STARTED = /you are now a member of /;
const ENDED = /your access to .* (has ended|was revoked)/;

/** Counts of each string in `xs` that occurs more than once. */
const repeats = (xs: string[]) => {
  const seen = new Map<string, number>();
  for (const x of xs) seen.set(x, (seen.get(x) ?? 0) + 1);
  return [...seen.entries()].filter(([, n]) => n > 1);
};

export async function outcomes(
  t: World,
  o: {
    /** Issues raised as New access: each must have a grant. */
    requested?: Array<{ key: string; grantId: string }>;
    /** Grants allowed to stay mid-step (e.g. waiting for an approval nobody gave). */
    midStepOk?: string[];
    /** Issues to check for repeated comments besides the grants' own (View and Extend issues). */
    otherIssues?: string[];
  } = {},
): Promise<Outcome> {
  const grants = t.grants();
  const byId = new Map(grants.map((g) => [g.id, g]));
  const lost = [
    ...(o.requested ?? []).filter((r) => !byId.has(r.grantId)).map((r) => `${r.key}: no grant recorded`),
    ...grants
      .filter((g) => MID_STEP.has(g.status) && !(o.midStepOk ?? []).includes(g.id))
      .map((g) => `${g.issueKey}: still ${g.status}`),
  ];

  const membershipMismatches: string[] = [];
  const byUserGroup = new Map<string, Grant[]>();
  for (const g of grants) {
    if (!g.oktaUserId) continue;
    const k = `${g.groupId} ${g.oktaUserId}`;
    byUserGroup.set(k, [...(byUserGroup.get(k) ?? []), g]);
  }
  for (const [k, gs] of byUserGroup) {
    const [groupId, userId] = k.split(' ');
    // A group deleted in Okta has no members to compare.
    let members: string[];
    try {
      members = t.sb.okta.members(groupId);
    } catch {
      continue;
    }
    const should = gs.some((g) => g.status === 'ACTIVE' || (g.preexistingMembership && g.startedAt));
    const is = members.includes(userId);
    if (should !== is) membershipMismatches.push(`${userId} in ${groupId}: member ${is}, should be ${should}`);
  }

  const added = new Map<string, number>();
  for (const a of t.audit({ action: 'MEMBERSHIP_ADDED' }))
    if (a.grantId) added.set(a.grantId, (added.get(a.grantId) ?? 0) + 1);
  const duplicateMemberships = grants.filter((g) => (added.get(g.id) ?? 0) > 1).map((g) => g.issueKey);

  const noticeProblems: string[] = [];
  let duplicateNotices = 0;
  const issues = new Set([...grants.map((g) => g.issueKey), ...(o.otherIssues ?? [])]);
  for (const key of issues) {
    let comments: string[];
    try {
      comments = t.comments(key);
    } catch {
      continue; // an issue deleted in Jira
    }
    for (const [text, n] of repeats(comments)) {
      duplicateNotices += n - 1;
      noticeProblems.push(`${key}: comment ${n} times: ${text.slice(0, 80)}`);
    }
    // Same subject and body: a reminder after an extension names another end time, so it differs.
    for (const [sent, n] of repeats(t.notifications(key).map((x) => `${x.subject}\n${x.textBody}`))) {
      duplicateNotices += n - 1;
      noticeProblems.push(`${key}: notification ${n} times: ${sent.split('\n')[0]}`);
    }
  }
  for (const g of grants) {
    let comments: string[];
    try {
      comments = t.comments(g.issueKey);
    } catch {
      continue;
    }
    const mine = (re: RegExp) => comments.filter((c) => re.test(c) && c.includes('@')).length;
    if (g.startedAt && mine(STARTED) !== 1) noticeProblems.push(`${g.issueKey}: ${mine(STARTED)} start notices`);
    if (g.endReason && g.startedAt && mine(ENDED) !== 1)
      noticeProblems.push(`${g.issueKey}: ${mine(ENDED)} end notices (${g.status})`);
  }

  return {
    grants: grants.length,
    lost,
    membershipMismatches,
    duplicateMemberships,
    noticeProblems,
    duplicateNotices,
    auditVerifies: (await t.verifyAudit()).ok === true,
  };
}

/** The clean outcome every row must end with; `expect(...).toEqual(CLEAN)` names what went wrong. */
export const clean = (o: Outcome) => ({
  lost: o.lost,
  membershipMismatches: o.membershipMismatches,
  duplicateMemberships: o.duplicateMemberships,
  noticeProblems: o.noticeProblems,
  auditVerifies: o.auditVerifies,
});
export const CLEAN = {
  lost: [],
  membershipMismatches: [],
  duplicateMemberships: [],
  noticeProblems: [],
  auditVerifies: true,
};

/** Checks the outcome, records what was checked for the run's summary line, and returns it. */
export async function expectClean(
  t: World,
  suite: TallyRecord['suite'],
  row: string,
  o: Parameters<typeof outcomes>[1] = {},
): Promise<Outcome> {
  const out = await outcomes(t, o);
  recordTally({ suite, row, grants: out.grants, lost: out.lost.length });
  expect(clean(out)).toEqual(CLEAN);
  return out;
}

/** `n` more people, each with a Jira account and an active Okta user; their Jira account ids and Okta user ids. */
export function people(t: World, n: number, prefix = 'person'): Array<{ jira: string; okta: string }> {
  return Array.from({ length: n }, (_, i) => {
    const email = `${prefix}${i}@atko.email`;
    const okta = t.sb.okta.addUser({ login: email, email, firstName: 'Person', lastName: `${prefix} ${i}` }).id;
    const jira = t.sb.jira.addUser({ displayName: `Person ${prefix} ${i}`, email, timeZone: 'UTC' }).accountId;
    return { jira, okta };
  });
}
