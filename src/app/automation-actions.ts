/**
 * Jira Automation's three actions (ADR 0026), over the use cases a person's request, the panel's Extend
 * and an admin's Revoke already go through: a rule gets no path of its own around policy. The caps, the
 * allowlist, the project restriction and the approval steps are the group's; the account the rule runs
 * as is recorded as the request's raiser, so it can never approve what it asked for. The emergency path
 * stays what it is for people: allowed by policy, flagged in the audit trail.
 *
 * A request lives on the issue the rule ran on (one request per issue, as for a request issue), so a
 * retried run of the same rule finds the request it made and answers with its state: nothing is
 * recorded, granted or extended twice.
 */
import type { Grant } from '../domain/grant';
import { openRequest } from '../domain/grant-transitions';
import {
  decideApproval,
  isEmergency,
  policyDurationHours,
  projectAllowed,
  type GroupPolicy,
  type PolicySettings,
} from '../domain/policy';
import type { AppDeps } from './deps';
import type { IssueSnapshot } from './ports';
import { endPendingRequest } from './end-pending-request';
import { announceExtension, extendGrant, type ExtendInput } from './extend-access';
import { recordRequest } from './grant-lifecycle';
import { noticeStep } from './notices';
import { completeIntake } from './request-access';
import { currentRequest } from './request-edits';
import { requestRevocation } from './revoke-grant';

export const AUTOMATION_OUTCOMES = [
  'GRANTED',
  'GRANTING',
  'AWAITING_APPROVAL',
  'EXTENDED',
  'REVOKING',
  'REVOKED',
  'ENDED',
  'REFUSED',
] as const;
export type AutomationOutcome = (typeof AUTOMATION_OUTCOMES)[number];

/** What a rule can branch on: the action's outputs (manifest.yml `outputs`). */
export interface AutomationResult {
  outcome: AutomationOutcome;
  code: string;
  message: string;
  endsAt: string | null;
  grantId: string | null;
}

/**
 * `result`: the rule continues with these outputs. `invalid`: the rule's configuration cannot work
 * (no such issue, a malformed input): Automation stops the rule and tells its owner.
 */
export type AutomationAnswer = { kind: 'result'; result: AutomationResult } | { kind: 'invalid'; message: string };

/** Who runs the action: the account Automation invokes it as, and the rule's name when configured. */
export interface RuleCaller {
  actor: string;
  rule?: string;
}

export interface RuleRequestInput {
  issueKey: string;
  /** An allowlisted group's Okta id or its display name. */
  group: string;
  requestFor: 'reporter' | 'assignee';
  hours?: number;
  changeType?: string;
}

/**
 * Two Extend actions on one issue within this window are one extension: Automation gives the function
 * no run id, so a retried run is told from a later one by time (ADR 0026).
 */
export const RULE_EXTEND_WINDOW_MS = 15 * 60_000;

const result = (r: AutomationResult): AutomationAnswer => ({ kind: 'result', result: r });
const refused = (code: string, message: string, g?: Grant): AutomationAnswer =>
  result({ outcome: 'REFUSED', code, message, endsAt: g?.endsAt ?? null, grantId: g?.id ?? null });
const ruleWords = (c: RuleCaller) => (c.rule ? `Automation rule "${c.rule}"` : 'An Automation rule');

/** The group a rule names, by Okta id or by the display name the admin page lists. */
export const findGroup = (allowlist: readonly GroupPolicy[], named: string): GroupPolicy | undefined => {
  const n = named.trim();
  return (
    allowlist.find((g) => g.groupId === n) ?? allowlist.find((g) => g.displayName.toLowerCase() === n.toLowerCase())
  );
};

/** A request's state, as a rule reads it. */
export function resultOf(g: Grant, group: GroupPolicy | undefined, policy: PolicySettings): AutomationResult {
  const base = { endsAt: g.endsAt ?? null, grantId: g.id };
  switch (g.status) {
    case 'ACTIVE':
      return { ...base, outcome: 'GRANTED', code: 'GRANT.ACTIVE', message: `Access is active until ${g.endsAt}.` };
    case 'GRANTING':
      return { ...base, outcome: 'GRANTING', code: 'GRANT.GRANTING', message: 'Approved; access is being granted.' };
    case 'REQUESTED': {
      const waits =
        group !== undefined &&
        decideApproval({ group, settings: policy, changeType: g.changeType }).kind === 'await-approval';
      return waits
        ? {
            ...base,
            outcome: 'AWAITING_APPROVAL',
            code: 'APPROVAL.REQUIRED',
            message: `Recorded; waiting for approval (in the Okta access panel, or by moving the issue to "${policy.approvalStatusName}").`,
          }
        : {
            ...base,
            outcome: 'GRANTING',
            code: g.emergency ? 'GRANT.EMERGENCY' : 'GRANT.QUEUED',
            message: g.emergency
              ? 'Recorded on the emergency path (no approval, flagged for review); access is being granted.'
              : 'Recorded; access is being granted.',
          };
    }
    case 'REVOKING':
      return { ...base, outcome: 'REVOKING', code: 'REVOKE.UNDER_WAY', message: 'Access is being removed.' };
    case 'EXPIRED':
    case 'REVOKED':
    case 'REMOVED_EXTERNALLY':
      return {
        ...base,
        outcome: 'ENDED',
        code: `ENDED.${g.endReason ?? g.status}`,
        message: `The access requested on this issue has ended (${(g.endReason ?? g.status).toLowerCase()}).`,
      };
    case 'DENIED':
    case 'FAILED':
    case 'WITHDRAWN':
      return {
        ...base,
        outcome: 'REFUSED',
        code: g.reasonCode ?? `GRANT.${g.status}`,
        message: g.reason ?? `The request is ${g.status.toLowerCase()}.`,
      };
  }
}

/** Records a refusal that leaves nothing stored, once per issue and reason (a retried run adds nothing). */
async function auditRefusal(
  deps: AppDeps,
  caller: RuleCaller,
  at: { issueKey: string; issueId: string; requester?: string; groupId?: string; named: string },
  code: string,
  message: string,
): Promise<void> {
  const key = `automation-refused:${at.issueId}:${code}:${at.named}:${at.requester ?? ''}`;
  await noticeStep(deps.ledger, key, 'audit', () =>
    deps.audit.append({
      at: deps.clock.now(),
      action: 'AUTOMATION_REFUSED',
      actor: caller.actor,
      issueKey: at.issueKey,
      requesterAccountId: at.requester,
      groupId: at.groupId,
      detail: `${ruleWords(caller)}: ${code}: ${message}`,
    }),
  );
}

const issueTaken = (g: Grant): AutomationAnswer =>
  refused(
    'AUTOMATION.ISSUE_HAS_REQUEST',
    `${g.issueKey} already carries an access request (${g.id}) for another person or group. One request per issue: raise this one on its own issue.`,
    g,
  );

/** "Request Okta access": for the issue's reporter or assignee, as a person's request would be. */
export async function requestAccessByRule(
  deps: AppDeps,
  input: RuleRequestInput,
  caller: RuleCaller,
): Promise<AutomationAnswer> {
  const policy = await deps.config.getPolicy();
  const withAssignee = { withAssignee: input.requestFor === 'assignee' };
  const seen = await deps.issues.getIssue(input.issueKey, policy.durationFieldName, withAssignee);
  if (!seen) return { kind: 'invalid', message: `Issue ${input.issueKey} was not found, or the app cannot see it.` };
  const personOf = (i: IssueSnapshot) => (input.requestFor === 'assignee' ? i.assigneeAccountId : i.reporterAccountId);
  const allowlist = await deps.config.getAllowlist();
  const group = findGroup(allowlist, input.group);
  const noRequester = async (i: IssueSnapshot) => {
    const message = `${i.key} has no ${input.requestFor}, so there is nobody to request access for.`;
    await auditRefusal(
      deps,
      caller,
      { issueKey: i.key, issueId: i.id, groupId: group?.groupId, named: input.group },
      'AUTOMATION.NO_REQUESTER',
      message,
    );
    return refused('AUTOMATION.NO_REQUESTER', message);
  };
  if (!personOf(seen)) return noRequester(seen);
  const where = {
    issueKey: seen.key,
    issueId: seen.id,
    requester: personOf(seen),
    groupId: group?.groupId,
    named: input.group,
  };
  if (!group) {
    const message = `"${input.group}" is not on the list of groups this app may grant. Name an allowlisted group, or ask a Jira admin to allowlist it.`;
    await auditRefusal(deps, caller, where, 'GRANT.NOT_ALLOWLISTED', message);
    return refused('GRANT.NOT_ALLOWLISTED', message);
  }
  if (!projectAllowed(group, seen.projectKey)) {
    const message = `${group.displayName} cannot be requested from project ${seen.projectKey}.`;
    await auditRefusal(deps, caller, where, 'GRANT.PROJECT_NOT_ALLOWED', message);
    return refused('GRANT.PROJECT_NOT_ALLOWED', message);
  }

  const { current, next } = await currentRequest(deps, seen.id);
  if (current) {
    // The same request again (a retried run, or the rule firing twice): answer with its state.
    if (current.requesterAccountId === personOf(seen) && current.groupId === group.groupId)
      return result(resultOf(current, group, policy));
    return issueTaken(current);
  }

  // Recording: the history, then the fields again (as request-access.ts), so an edit in between counts
  // as after the recording; the person is who the field names now.
  const historySeen = (await deps.issues.history(seen.key, policy.durationFieldName)).length;
  const issue = (await deps.issues.getIssue(seen.key, policy.durationFieldName, withAssignee)) ?? seen;
  const requester = personOf(issue);
  if (!requester) return noRequester(issue);
  const changeType = input.changeType ?? issue.changeType;
  const g = openRequest(
    {
      issueId: issue.id,
      issueKey: issue.key,
      projectKey: issue.projectKey,
      requesterAccountId: requester,
      groupId: group.groupId,
      changeType,
      emergency: isEmergency(policy, changeType),
      requestNumber: next,
      historySeen,
      // The rule's account may not approve what it raised (approval-policy.ts), like any raiser.
      raisedBy: caller.actor,
      raisedByRule: caller,
      requestedHours: input.hours,
    },
    deps.clock.now(),
  );
  const created = await recordRequest(deps.grants, g);
  const stored = created === 'created' ? g : await deps.grants.get(g.id);
  if (!stored) throw new Error(`grant ${g.id} was reported to exist but cannot be read`);
  // Another run recorded the issue's request between our read and our write: answer as above.
  if (stored.requesterAccountId !== requester || stored.groupId !== group.groupId) return issueTaken(stored);
  await completeIntake(deps, stored, policy);
  const r = resultOf(stored, group, policy);
  const cap = capHours(group, policy, changeType);
  // A rule never exceeds a cap: more hours than allowed are cut to the cap (ADR 0026), and it says so.
  if (created === 'created' && input.hours !== undefined && input.hours > cap)
    return result({ ...r, message: `${r.message} Asked for ${input.hours} h; capped at ${cap} h.` });
  return result(r);
}

/** The most hours a new grant of `group` can run for this duration driver value. */
function capHours(group: GroupPolicy, policy: PolicySettings, changeType?: string): number {
  const caps = [policyDurationHours(policy, changeType), group.maxDurationHours];
  if (isEmergency(policy, changeType)) caps.push(policy.emergencyMaxHours);
  return Math.min(...caps);
}

/** The issue's request (after any withdrawals), or the answer when there is none. */
async function requestOnIssue(
  deps: AppDeps,
  issueKey: string,
): Promise<{ grant: Grant; group?: GroupPolicy; policy: PolicySettings } | AutomationAnswer> {
  const policy = await deps.config.getPolicy();
  const issue = await deps.issues.getIssue(issueKey, policy.durationFieldName);
  if (!issue) return { kind: 'invalid', message: `Issue ${issueKey} was not found, or the app cannot see it.` };
  const { current } = await currentRequest(deps, issue.id);
  if (!current) return refused('AUTOMATION.NO_REQUEST', `${issue.key} carries no Okta access request.`);
  const group = (await deps.config.getAllowlist()).find((x) => x.groupId === current.groupId);
  return { grant: current, group, policy };
}

/** "Extend Okta access": the issue's active grant, by the group's extension rules. */
export async function extendAccessByRule(
  deps: AppDeps,
  issueKey: string,
  caller: RuleCaller,
): Promise<AutomationAnswer> {
  const found = await requestOnIssue(deps, issueKey);
  if ('kind' in found) return found;
  const g = found.grant;
  const now = deps.clock.now();
  const recent = (g.extendedVia ?? [])
    .filter((v) => v.startsWith('rule:'))
    .some((v) => Date.parse(now) - Date.parse(v.slice('rule:'.length)) < RULE_EXTEND_WINDOW_MS);
  if (recent && g.status === 'ACTIVE')
    return result({
      ...resultOf(g, found.group, found.policy),
      outcome: 'EXTENDED',
      code: 'EXTEND.ALREADY_APPLIED',
      message: `Already extended by a rule in the last ${RULE_EXTEND_WINDOW_MS / 60_000} minutes; the end stays ${g.endsAt}.`,
    });
  const input: ExtendInput = {
    requesterAccountId: g.requesterAccountId,
    groupId: g.groupId,
    actor: caller.actor,
    issueKey: g.issueKey,
    grantId: g.id,
    // Each rule extension is remembered on the grant by its time (the retry window above).
    requestIssueKey: `rule:${now}`,
    via: `${g.issueKey} (${ruleWords(caller)})`,
  };
  const extended = await extendGrant(deps, input);
  const key = extended.ok
    ? `automation-extended:${g.id}:${extended.grant.version}`
    : `automation-extend-refused:${g.id}:${g.version}:${extended.code}`;
  await announceExtension(deps, input, extended, key);
  if (!extended.ok) return refused(extended.code, extended.message, g);
  return result({
    outcome: 'EXTENDED',
    code: 'EXTEND.APPLIED',
    message: `Extended to ${extended.grant.endsAt} (extension ${extended.grant.extensions} of ${found.group?.maxExtensions ?? extended.grant.extensions}).`,
    endsAt: extended.grant.endsAt ?? null,
    grantId: g.id,
  });
}

/**
 * "Revoke Okta access for this issue": active access ends through the one removal path (expiry's);
 * a request still waiting for approval is cancelled. Already ended answers REVOKED again.
 */
export async function revokeAccessByRule(
  deps: AppDeps,
  issueKey: string,
  caller: RuleCaller,
): Promise<AutomationAnswer> {
  const found = await requestOnIssue(deps, issueKey);
  if ('kind' in found) return found;
  const g = found.grant;
  const note = `${ruleWords(caller)} ended it`;
  if (g.status === 'REQUESTED') {
    const cancelled = await endPendingRequest(deps, g.id, { kind: 'cancel', actor: caller.actor, reason: note });
    if (cancelled.ok)
      return result({
        outcome: 'REVOKED',
        code: 'REQUEST.CANCELLED',
        message: 'The request was still waiting for approval; it is cancelled.',
        endsAt: null,
        grantId: g.id,
      });
    // The worker started granting in between: end the access instead (read again below).
  }
  const outcome = await requestRevocation(deps, {
    grantId: g.id,
    actor: caller.actor,
    reason: 'REVOKED_BY_ADMIN',
    note,
  });
  const now = (await deps.grants.get(g.id)) ?? g;
  if (outcome.ok) return result({ ...resultOf(now, found.group, found.policy), outcome: 'REVOKING' });
  const state = resultOf(now, found.group, found.policy);
  // Ended before (expired, revoked): nothing left to end, which is what the rule asked for.
  if (state.outcome === 'ENDED') return result({ ...state, outcome: 'REVOKED' });
  return refused(outcome.code, outcome.message, now);
}
