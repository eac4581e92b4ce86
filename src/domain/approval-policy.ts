/**
 * Who may approve a request for a group, how many must, and in what order: pure rules over approvals
 * already gathered (from the move into the approval status and from the panel's Approve
 * button) and over what Jira says about each approver. The app gathers; these decide.
 *
 * A group's approval is a list of ordered steps. Each step names who may approve it (Jira groups,
 * project roles of the project, named people; none named: anyone who can transition the
 * issue, the weakest choice) and how many distinct people must. One step of N is the two-person rule;
 * several steps are an approval sequence. A person counts once across all steps, and never for a
 * request they asked for or raised for someone else.
 */

/** Who may approve one step: anyone matching any list. All lists empty: anyone who can transition the issue. */
export interface ApproverSet {
  /** Jira group names. */
  jiraGroups: string[];
  /** Project role names (e.g. "Administrators"), looked up in the project. */
  projectRoles: string[];
  /** Jira account ids. */
  accountIds: string[];
}

export interface ApprovalStep {
  approvers: ApproverSet;
  /** Distinct people who must approve this step. */
  count: number;
}

export const MAX_APPROVAL_STEPS = 5;
export const MAX_APPROVALS_PER_STEP = 10;

/** The policy a group without approver settings has (and had before they existed). */
export const ANYONE_ONE_APPROVAL: readonly ApprovalStep[] = [
  { approvers: { jiraGroups: [], projectRoles: [], accountIds: [] }, count: 1 },
];

export const isOpenSet = (s: ApproverSet): boolean =>
  s.jiraGroups.length === 0 && s.projectRoles.length === 0 && s.accountIds.length === 0;

/** The steps a group's settings describe (unset or empty: one approval by anyone who can transition). */
export const stepsOf = (group: { approvalSteps?: readonly ApprovalStep[] }): readonly ApprovalStep[] =>
  group.approvalSteps && group.approvalSteps.length > 0 ? group.approvalSteps : ANYONE_ONE_APPROVAL;

export const approvalsNeeded = (steps: readonly ApprovalStep[]): number => steps.reduce((n, s) => n + s.count, 0);

/** One approval as given: by whom, when, how, and where in the history (what "after" means). */
export interface Approval {
  by: string;
  at: string;
  via: 'status' | 'panel';
  /**
   * Position in the history: for a status move, the index of its history entry; for a panel
   * approval, how many entries the history had when it was given. A request-field edit at or after
   * this position voids the approval.
   */
  historyAt: number;
}

/** What Jira says about an approver, read when the approval is counted. */
export interface ApproverFacts {
  accountId: string;
  jiraGroups: readonly string[];
  /** Roles the person holds in the project, directly or through a group. */
  projectRoles: readonly string[];
  /**
   * Whether the person may transition the issue, when someone asked Jira (the panel does, as the
   * user). Unasked: a status move proves it, and a recorded panel approval was checked when given.
   */
  mayTransition?: boolean;
}

/**
 * Does this person match the step's approver set? An open set asks only that they could transition the
 * issue, which the caller has established (a status move proves it; the panel checks it as the user).
 */
export function matchesSet(set: ApproverSet, facts: ApproverFacts): boolean {
  if (isOpenSet(set)) return facts.mayTransition !== false;
  return (
    set.accountIds.includes(facts.accountId) ||
    set.jiraGroups.some((g) => facts.jiraGroups.includes(g)) ||
    set.projectRoles.some((r) => facts.projectRoles.includes(r))
  );
}

export type RefusedWhy =
  /** The requester approving their own request. */
  | 'requester'
  /** The person who handed a waiting request to someone else (an edit of its reporter). */
  | 'raised-by'
  /** Not in any step's approver set. */
  | 'not-eligible'
  /** Eligible only for a later step, while an earlier one is still open. */
  | 'out-of-order';

export interface ApprovalTally {
  complete: boolean;
  /** Approvals that count, each with the step (0-based) it counted for, in order. */
  counted: Array<Approval & { step: number }>;
  refused: Array<{ approval: Approval; why: RefusedWhy }>;
  /** The first step still open (steps.length when complete). */
  step: number;
  given: number;
  needed: number;
}

/**
 * Counts approvals in history order against the steps: each goes to the first open step, if its author
 * may approve that step; a person counts once; approvals beyond the last step are not needed.
 * `facts(by)` is what Jira says about an author (absent: nothing known, so only an open set matches).
 */
export function tallyApprovals(args: {
  steps: readonly ApprovalStep[];
  approvals: readonly Approval[];
  requesterAccountId: string;
  raisedBy?: string;
  facts: (accountId: string) => ApproverFacts | undefined;
}): ApprovalTally {
  const { steps, requesterAccountId, raisedBy } = args;
  const ordered = [...args.approvals].sort((a, b) => a.historyAt - b.historyAt || Date.parse(a.at) - Date.parse(b.at));
  const counted: ApprovalTally['counted'] = [];
  const refused: ApprovalTally['refused'] = [];
  const people = new Set<string>();
  let step = 0;
  let inStep = 0;
  for (const a of ordered) {
    if (step >= steps.length) break;
    if (people.has(a.by)) continue;
    if (a.by === requesterAccountId) {
      refused.push({ approval: a, why: 'requester' });
      continue;
    }
    if (raisedBy !== undefined && a.by === raisedBy) {
      refused.push({ approval: a, why: 'raised-by' });
      continue;
    }
    const facts = args.facts(a.by) ?? { accountId: a.by, jiraGroups: [], projectRoles: [] };
    if (!matchesSet(steps[step].approvers, facts)) {
      const later = steps.slice(step + 1).some((s) => matchesSet(s.approvers, facts));
      refused.push({ approval: a, why: later ? 'out-of-order' : 'not-eligible' });
      continue;
    }
    people.add(a.by);
    counted.push({ ...a, step });
    inStep++;
    if (inStep >= steps[step].count) {
      step++;
      inStep = 0;
    }
  }
  return {
    complete: step >= steps.length,
    counted,
    refused,
    step,
    given: counted.length,
    needed: approvalsNeeded(steps),
  };
}

/** May this person approve or deny now: the open step's set, and not the requester or who raised it. */
export function mayActAsApprover(args: {
  steps: readonly ApprovalStep[];
  tally: ApprovalTally;
  requesterAccountId: string;
  raisedBy?: string;
  facts: ApproverFacts;
}): { ok: true } | { ok: false; why: RefusedWhy | 'already-approved' | 'complete' } {
  const { steps, tally, facts } = args;
  if (facts.accountId === args.requesterAccountId) return { ok: false, why: 'requester' };
  if (args.raisedBy !== undefined && facts.accountId === args.raisedBy) return { ok: false, why: 'raised-by' };
  if (tally.counted.some((c) => c.by === facts.accountId)) return { ok: false, why: 'already-approved' };
  if (tally.complete) return { ok: false, why: 'complete' };
  if (matchesSet(steps[tally.step].approvers, facts)) return { ok: true };
  return {
    ok: false,
    why: steps.slice(tally.step + 1).some((s) => matchesSet(s.approvers, facts)) ? 'out-of-order' : 'not-eligible',
  };
}

/** May this person deny: anyone who may approve some step (not the requester, not who raised it). */
export function mayDeny(args: {
  steps: readonly ApprovalStep[];
  requesterAccountId: string;
  raisedBy?: string;
  facts: ApproverFacts;
}): boolean {
  const { facts } = args;
  if (facts.accountId === args.requesterAccountId) return false;
  if (args.raisedBy !== undefined && facts.accountId === args.raisedBy) return false;
  return args.steps.some((s) => matchesSet(s.approvers, facts));
}

/** Who may approve a step, in words; `name` gives a person's display name. */
export function describeApprovers(set: ApproverSet, name: (accountId: string) => string = (a) => a): string {
  if (isOpenSet(set)) return 'anyone who can transition the issue, except the requester';
  const parts: string[] = [];
  if (set.jiraGroups.length > 0)
    parts.push(`members of the Jira group${set.jiraGroups.length > 1 ? 's' : ''} ${quoteList(set.jiraGroups)}`);
  if (set.projectRoles.length > 0)
    parts.push(`the project role${set.projectRoles.length > 1 ? 's' : ''} ${quoteList(set.projectRoles)}`);
  if (set.accountIds.length > 0) parts.push(orList(set.accountIds.map(name)));
  return orList(parts);
}

/** The whole policy in words: "1 approval by …", "2 approvals by …, then 1 by …". */
export function describeSteps(steps: readonly ApprovalStep[], name?: (accountId: string) => string): string {
  return steps
    .map((s, i) => {
      const n = `${s.count} approval${s.count === 1 ? '' : 's'}`;
      return `${i === 0 ? '' : 'then '}${n} by ${describeApprovers(s.approvers, name)}`;
    })
    .join(', ');
}

const quoteList = (xs: readonly string[]) => orList(xs.map((x) => `"${x}"`));
const orList = (xs: readonly string[]): string =>
  xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;

/** Why an approval was not counted, in words, with who may approve instead. */
export function refusalWords(
  why: RefusedWhy | 'already-approved' | 'complete',
  steps: readonly ApprovalStep[],
  step: number,
  name?: (accountId: string) => string,
): string {
  const open = steps[Math.min(step, steps.length - 1)];
  const who = describeApprovers(open.approvers, name);
  const stepWords = steps.length > 1 ? ` (step ${Math.min(step, steps.length - 1) + 1} of ${steps.length})` : '';
  switch (why) {
    case 'requester':
      return `The requester cannot approve their own access. It may be approved by ${who}${stepWords}.`;
    case 'raised-by':
      return `The person who raised this request for someone else cannot approve it. It may be approved by ${who}${stepWords}.`;
    case 'not-eligible':
      return `Only ${who} may approve this request${stepWords}.`;
    case 'out-of-order':
      return `Step ${step + 1} of ${steps.length} must be approved first, by ${who}; approve again when it is.`;
    case 'already-approved':
      return 'You have already approved this request; someone else must give the next approval.';
    case 'complete':
      return 'This request already has every approval it needs.';
  }
}
