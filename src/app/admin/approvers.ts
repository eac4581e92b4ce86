/**
 * Approver settings on the admin page: the pickers (Jira people, groups, project roles, read as the
 * app) and the check, at save, that every group, role and person an approval step names exists in
 * Jira. A name that matches nothing would make a step nobody can approve, found only when a request
 * waits for ever.
 */
import { describeSteps, stepsOf, type ApprovalStep } from '../../domain/approval-policy';
import type { GroupPolicy } from '../../domain/policy';
import {
  ADMIN_ERRORS,
  type ApproverGroupHit,
  type ApproverPersonHit,
  type ApproverRoleHit,
} from '../../shared/admin-contract';
import { unnamedJiraUser } from '../approvals';
import type { AppDeps } from '../deps';
import { refuse, type Refusal } from '../errors';
import { IssueTrackerError } from '../ports';
import { displayNames, ok, type AdminOutcome } from './shared';

type Deps = Pick<AppDeps, 'approvers' | 'issues'>;

/** A Jira failure reads as what happened and that nothing changed. */
async function withJira<T>(run: () => Promise<AdminOutcome<T>>): Promise<AdminOutcome<T>> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof IssueTrackerError)
      return refuse(
        ADMIN_ERRORS.jiraUnavailable,
        e.kind === 'transient'
          ? `Jira is not answering right now (${e.message}). Nothing was changed; try again in a minute.`
          : `Jira refused to answer (${e.message}). Nothing was changed.`,
      );
    throw e;
  }
}

export const searchApproverPeople = (deps: Deps, input: { query: string }) =>
  withJira<ApproverPersonHit[]>(async () => ok(await deps.approvers.searchPeople(input.query)));

export const searchApproverGroups = (deps: Deps, input: { query: string }) =>
  withJira<ApproverGroupHit[]>(async () => ok(await deps.approvers.searchGroups(input.query)));

export const listApproverRoles = (deps: Deps) =>
  withJira<ApproverRoleHit[]>(async () => ok(await deps.approvers.listRoles()));

/**
 * Every Jira group, project role and person the steps name exists. Answers undefined when they do,
 * or the refusal naming what Jira does not know.
 */
export async function checkApprovers(
  deps: Deps,
  steps: readonly ApprovalStep[] | undefined,
): Promise<Refusal | undefined> {
  if (!steps || steps.length === 0) return undefined;
  const groups = [...new Set(steps.flatMap((s) => s.approvers.jiraGroups))];
  const roles = [...new Set(steps.flatMap((s) => s.approvers.projectRoles))];
  const people = [...new Set(steps.flatMap((s) => s.approvers.accountIds))];
  const outcome = await withJira<string[]>(async () => {
    const unknown: string[] = [];
    if (roles.length > 0) {
      const known = new Set((await deps.approvers.listRoles()).map((r) => r.name));
      unknown.push(...roles.filter((r) => !known.has(r)).map((r) => `project role "${r}"`));
    }
    for (const g of groups) {
      const hits = await deps.approvers.searchGroups(g);
      if (!hits.some((h) => h.name === g)) unknown.push(`Jira group "${g}"`);
    }
    const users = await Promise.all(people.map((a) => deps.issues.getUser(a).catch(() => undefined)));
    unknown.push(...people.filter((_, i) => !users[i]).map((a) => `person ${a}`));
    return ok(unknown);
  });
  if (!outcome.ok) return outcome;
  if (outcome.data.length === 0) return undefined;
  return refuse(
    ADMIN_ERRORS.unknownApprover,
    `Jira does not know the ${outcome.data.join(', ')}. Choose approvers from the pickers; nothing was saved.`,
  );
}

/** The approval steps as the allowlist shows them: in words, with the named people's display names. */
export async function approverView(
  deps: Pick<AppDeps, 'issues'>,
  p: GroupPolicy,
): Promise<{ approversInWords: string; approverNames: Record<string, string> }> {
  if (p.approvalMode !== 'status') return { approversInWords: 'No approval needed', approverNames: {} };
  const ids = (p.approvalSteps ?? []).flatMap((s) => s.approvers.accountIds);
  const names = await displayNames(deps, ids);
  const approverNames = Object.fromEntries(names);
  return { approversInWords: describeSteps(stepsOf(p), (a) => names.get(a) ?? unnamedJiraUser(a)), approverNames };
}
