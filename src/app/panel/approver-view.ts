/**
 * A waiting request as an approver sees it in the panel: approvals so far and needed, who may approve,
 * and whether this viewer may approve or deny it, and why not. The panel's Approve and Deny run the
 * same reading on the press, so what the buttons offer is what the server accepts.
 */
import {
  describeSteps,
  mayActAsApprover,
  mayDeny,
  refusalWords,
  type ApproverFacts,
} from '../../domain/approval-policy';
import type { Grant } from '../../domain/grant';
import type { GroupPolicy, PolicySettings } from '../../domain/policy';
import type { ActionDto, PanelData } from '../../shared/panel-contract';
import { anyOpenStep, approverNameLookup, readApprovals, type ApprovalReading } from '../approvals';
import type { AppDeps } from '../deps';
import { IssueTrackerError } from '../ports';
import { historyFor } from '../request-edits';

export type ApproverDeps = Pick<AppDeps, 'issues' | 'approvers' | 'permissions'>;

/** Does this request wait for approvals at all (its group asks for them, and it is no emergency)? */
export const awaitsApprovals = (g: Grant, group: GroupPolicy | undefined): group is GroupPolicy =>
  g.status === 'REQUESTED' && !g.emergency && group?.approvalMode === 'status';

export interface ApproverStanding {
  reading: ApprovalReading;
  /** How many entries the issue's history has now: where an approval given now stands. */
  historyLength: number;
  approve: { ok: true } | { ok: false; message: string };
  deny: { ok: true } | { ok: false; message: string };
  /** The group's policy in words. */
  policyWords: string;
  name: (accountId: string) => string;
}

/** Reads the request's approvals and what `viewer` may do about them. Jira failures are thrown. */
export async function approverStanding(
  deps: ApproverDeps,
  g: Grant,
  group: GroupPolicy,
  policy: PolicySettings,
  viewer: string,
): Promise<ApproverStanding> {
  const issue = await deps.issues.getIssue(g.issueKey, policy);
  const history = issue ? historyFor(g, await deps.issues.history(g.issueKey, policy)) : [];
  const reading = await readApprovals(deps, g, group, issue, history, policy.approvalStatusName, [viewer]);
  const { steps, tally } = reading;
  const name = await approverNameLookup(deps, steps);
  const base = reading.facts.get(viewer) ?? { accountId: viewer, jiraGroups: [], projectRoles: [] };
  // "Anyone who can transition the issue" is asked of Jira as the viewer, only when a step says so.
  const facts: ApproverFacts =
    anyOpenStep(steps) && viewer !== g.requesterAccountId
      ? { ...base, mayTransition: await deps.permissions.mayTransitionIssue(viewer, g.issueKey) }
      : base;
  const who = { steps, requesterAccountId: g.requesterAccountId, raisedBy: g.raisedBy, facts };
  const may = mayActAsApprover({ ...who, tally });
  const policyWords = describeSteps(steps, name);
  return {
    reading,
    historyLength: history.length,
    approve: may.ok ? may : { ok: false, message: refusalWords(may.why, steps, tally.step, name) },
    deny: mayDeny(who)
      ? { ok: true }
      : {
          ok: false,
          message:
            viewer === g.requesterAccountId
              ? 'You cannot deny your own request; withdraw it instead.'
              : `Only those who may approve it can deny it: ${policyWords}.`,
        },
    policyWords,
    name,
  };
}

/** The panel's approval section for a waiting request, or nothing when it needs no approval. */
export async function approverPanel(
  deps: ApproverDeps,
  g: Grant,
  group: GroupPolicy | undefined,
  policy: PolicySettings,
  viewer: string,
): Promise<{
  approver?: PanelData['approver'];
  actions?: { approve?: ActionDto; deny?: ActionDto };
  progress?: { given: number; needed: number; approvedBy: string[]; policy: string };
}> {
  if (!awaitsApprovals(g, group)) return {};
  const isRequester = viewer === g.requesterAccountId;
  let s: ApproverStanding;
  try {
    s = await approverStanding(deps, g, group, policy, viewer);
  } catch (e) {
    if (!(e instanceof IssueTrackerError)) throw e;
    const reason = 'Jira did not answer who may approve this request. Reload the issue to try again.';
    return {
      approver: { mayApprove: false, message: reason },
      ...(isRequester ? {} : { actions: { approve: { enabled: false, reason }, deny: { enabled: false, reason } } }),
    };
  }
  const { tally } = s.reading;
  const progress = {
    given: tally.given,
    needed: tally.needed,
    approvedBy: tally.counted.map((c) => c.by),
    policy: s.policyWords,
  };
  const how = `use Approve here or move the issue to "${policy.approvalStatusName}"`;
  if (isRequester) {
    return {
      progress,
      approver: {
        mayApprove: false,
        message: `Waiting for approval: ${s.policyWords}. You cannot approve your own request; you may withdraw it.`,
      },
    };
  }
  return {
    progress,
    approver: s.approve.ok
      ? { mayApprove: true, message: `You may approve this request: ${how}.` }
      : { mayApprove: false, message: s.approve.message },
    actions: {
      approve: s.approve.ok ? { enabled: true } : { enabled: false, reason: s.approve.message },
      deny: s.deny.ok ? { enabled: true } : { enabled: false, reason: s.deny.message },
    },
  };
}
