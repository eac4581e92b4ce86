/**
 * Where a request's approvals come from and whether they count. Two sources: the issue's last move into
 * the approval status (read from the history, standing while the issue is there) and approvals
 * recorded on the grant (panel presses, and status moves once the worker counted them). An approval
 * stands only if it came after the request was recorded and no request field changed since; whether
 * its author may approve is asked of Jira each time (src/domain/approval-policy decides).
 *
 * The worker, the panel and the dashboard all read approvals through here, so they agree.
 */
import {
  describeSteps,
  isOpenSet,
  stepsOf,
  tallyApprovals,
  type Approval,
  type ApprovalStep,
  type ApprovalTally,
  type ApproverFacts,
} from '../domain/approval-policy';
import type { Grant } from '../domain/grant';
import type { GroupPolicy } from '../domain/policy';
import { approvalStanding, historySince, type HistoryEntry } from '../domain/request-integrity';
import type { AppDeps } from './deps';
import type { IssueSnapshot } from './ports';
import { recordedOf } from './request-edits';

/** An approval that no longer stands, and why: made before the request, or a field changed after it. */
export type SetAside =
  { why: 'before-request'; approval: Approval } | { why: 'voided'; approval: Approval; edit: HistoryEntry };

export interface GatheredApprovals {
  /** Approvals that stand (still subject to who may approve), oldest first. */
  standing: Approval[];
  /** The issue's move into the approval status, when it stands and is not recorded on the grant yet. */
  unrecordedMove?: Approval;
  setAside: SetAside[];
}

/** Does a request-field edit at or after `historyAt` void an approval made there? */
const editAfter = (history: readonly HistoryEntry[], historyAt: number): HistoryEntry | undefined =>
  history.slice(historyAt).find((h) => h.fields.length > 0);

/** The approvals of `g` that stand, given the issue as it is now. Pure over what was read. */
export function gatherApprovals(
  g: Grant,
  issue: Pick<IssueSnapshot, 'statusName'> | undefined,
  history: readonly HistoryEntry[],
  approvalStatus: string,
): GatheredApprovals {
  const standing: Approval[] = [];
  const setAside: SetAside[] = [];
  const recorded = g.approvals ?? [];
  for (const a of recorded) {
    const edit = editAfter(history, a.historyAt);
    if (edit) setAside.push({ why: 'voided', approval: a, edit });
    else standing.push(a);
  }
  let unrecordedMove: Approval | undefined;
  if (issue) {
    const s = approvalStanding({ recorded: recordedOf(g), approvalStatus, statusNow: issue.statusName, history });
    if (s.kind !== 'none') {
      const historyAt = history.findIndex(
        (h) => h.at === s.move.at && h.by === s.move.by && h.statusTo === approvalStatus,
      );
      const move: Approval = { by: s.move.by, at: s.move.at, via: 'status', historyAt: Math.max(0, historyAt) };
      const known = recorded.some((a) => a.via === 'status' && a.by === move.by && a.at === move.at);
      if (s.kind === 'given' && !known) {
        unrecordedMove = move;
        standing.push(move);
      }
      if (s.kind === 'before-request') setAside.push({ why: 'before-request', approval: move });
      if (s.kind === 'voided' && !known) setAside.push({ why: 'voided', approval: move, edit: s.edit });
    }
  }
  return { standing, unrecordedMove, setAside };
}

/** The Jira roles the steps name (what `factsFor` must look up). */
const rolesNamed = (steps: readonly ApprovalStep[]): string[] => [
  ...new Set(steps.flatMap((s) => s.approvers.projectRoles)),
];

/** Do the steps need anything from Jira beyond the account id to decide who may approve? */
const needsJira = (steps: readonly ApprovalStep[]): boolean =>
  steps.some((s) => s.approvers.jiraGroups.length > 0 || s.approvers.projectRoles.length > 0);

/** What Jira says about each person, asked only when the steps name groups or roles. */
export async function approverFacts(
  deps: Pick<AppDeps, 'approvers'>,
  steps: readonly ApprovalStep[],
  projectKey: string,
  accountIds: readonly string[],
): Promise<Map<string, ApproverFacts>> {
  const people = [...new Set(accountIds)];
  const facts = new Map<string, ApproverFacts>();
  if (!needsJira(steps)) {
    for (const a of people) facts.set(a, { accountId: a, jiraGroups: [], projectRoles: [] });
    return facts;
  }
  const roles = rolesNamed(steps);
  const all = await Promise.all(people.map((a) => deps.approvers.factsFor(a, projectKey, roles)));
  all.forEach((f, i) => facts.set(people[i], f));
  return facts;
}

export interface ApprovalReading {
  steps: readonly ApprovalStep[];
  gathered: GatheredApprovals;
  tally: ApprovalTally;
  facts: Map<string, ApproverFacts>;
}

/** Gathers a waiting request's approvals and counts them against its group's steps. */
export async function readApprovals(
  deps: Pick<AppDeps, 'approvers'>,
  g: Grant,
  group: GroupPolicy,
  issue: Pick<IssueSnapshot, 'statusName'> | undefined,
  history: readonly HistoryEntry[],
  approvalStatus: string,
  extraPeople: readonly string[] = [],
): Promise<ApprovalReading> {
  const steps = stepsOf(group);
  const gathered = gatherApprovals(g, issue, history, approvalStatus);
  const facts = await approverFacts(deps, steps, g.projectKey, [...gathered.standing.map((a) => a.by), ...extraPeople]);
  const tally = tallyApprovals({
    steps,
    approvals: gathered.standing,
    requesterAccountId: g.requesterAccountId,
    raisedBy: g.raisedBy,
    facts: (a) => facts.get(a),
  });
  return { steps, gathered, tally, facts };
}

/** Is any step open to anyone who can transition the issue (so the panel must ask Jira that)? */
export const anyOpenStep = (steps: readonly ApprovalStep[]): boolean => steps.some((s) => isOpenSet(s.approvers));

/**
 * Someone Jira does not name (account gone, Jira not answering), in words people read: still told
 * apart from others, never by a raw account id (issue 13 §2).
 */
export const unnamedJiraUser = (accountId: string): string => `a Jira user (id ending ${accountId.slice(-4)})`;

/** Display names for the people steps name, for words in comments and the panel. */
export async function approverNameLookup(
  deps: Pick<AppDeps, 'issues'>,
  steps: readonly ApprovalStep[],
): Promise<(accountId: string) => string> {
  const ids = [...new Set(steps.flatMap((s) => s.approvers.accountIds))].slice(0, 50);
  const users = await Promise.all(ids.map((a) => deps.issues.getUser(a).catch(() => undefined)));
  const names = new Map(ids.map((a, i) => [a, users[i]?.displayName ?? unnamedJiraUser(a)]));
  return (a) => names.get(a) ?? unnamedJiraUser(a);
}

/** The group's approval policy in words, with people's display names. */
export async function approversInWords(deps: Pick<AppDeps, 'issues'>, group: GroupPolicy): Promise<string> {
  const steps = stepsOf(group);
  return describeSteps(steps, await approverNameLookup(deps, steps));
}

/** The moves into the approval status since the request was recorded (for "the issue left it" notes). */
export const movesSince = (g: Grant, history: readonly HistoryEntry[], approvalStatus: string) =>
  historySince(history, recordedOf(g)).filter((h) => h.statusTo === approvalStatus);
