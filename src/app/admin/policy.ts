/**
 * Duration and approval policy, identity mapping, close-out and notifications. The form edits lists
 * (so a duplicate row can be pointed at); the store keeps the domain's PolicySettings. A save checks
 * that every Jira choice exists (jira-choices.ts) and that every new or changed requester mapping row
 * names a Jira account Jira knows and an ACTIVE Okta user (requester-mapping.ts).
 */
import type { PolicySettings } from '../../domain/policy';
import type { PolicyParsed, PolicyView } from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { checkPolicyChoices, checkReviewChoices } from './jira-choices';
import { checkRequesterMapping, needsMapping } from './requester-mapping';
import { auditConfigChange, displayNames, ok, type AdminOutcome } from './shared';

type Deps = Pick<AppDeps, 'config' | 'issues' | 'audit' | 'clock' | 'catalog' | 'directory' | 'grants'>;

function toForm(p: PolicySettings): PolicyParsed {
  return {
    durationFieldName: p.durationFieldName,
    durationMapping: Object.entries(p.durationHoursByValue).map(([value, hours]) => ({ value, hours })),
    defaultDurationHours: p.defaultDurationHours,
    approvalStatusName: p.approvalStatusName,
    emergencyValue: p.emergencyValue,
    emergencyMaxHours: p.emergencyMaxHours,
    closeOutTransitionName: p.closeOutTransitionName,
    requesterMapping: Object.entries(p.requesterMapping).map(([accountId, oktaLogin]) => ({ accountId, oktaLogin })),
    notifyByEmail: p.notifyByEmail,
    ...(p.breakGlassReview ? { breakGlassReview: structuredClone(p.breakGlassReview) } : {}),
    plannedStartFieldId: p.plannedStartFieldId,
    plannedEndFieldId: p.plannedEndFieldId,
    accessEndingStatuses: p.accessEndingStatuses ?? [],
  };
}

function toSettings(f: PolicyParsed): PolicySettings {
  return {
    durationFieldName: f.durationFieldName,
    durationHoursByValue: Object.fromEntries(f.durationMapping.map((m) => [m.value, m.hours])),
    defaultDurationHours: f.defaultDurationHours,
    approvalStatusName: f.approvalStatusName,
    emergencyValue: f.emergencyValue,
    emergencyMaxHours: f.emergencyMaxHours,
    closeOutTransitionName: f.closeOutTransitionName,
    requesterMapping: Object.fromEntries(f.requesterMapping.map((m) => [m.accountId, m.oktaLogin])),
    notifyByEmail: f.notifyByEmail,
    ...(f.breakGlassReview ? { breakGlassReview: structuredClone(f.breakGlassReview) } : {}),
    ...(f.plannedStartFieldId ? { plannedStartFieldId: f.plannedStartFieldId } : {}),
    ...(f.plannedEndFieldId ? { plannedEndFieldId: f.plannedEndFieldId } : {}),
    ...(f.accessEndingStatuses?.length ? { accessEndingStatuses: f.accessEndingStatuses } : {}),
  };
}

async function policyView(deps: Pick<Deps, 'issues' | 'grants' | 'clock'>, p: PolicySettings): Promise<PolicyView> {
  const [names, needs] = await Promise.all([
    displayNames(
      deps,
      [
        ...Object.keys(p.requesterMapping),
        // The break-glass reviewer, named on the policy tab.
        ...(p.breakGlassReview?.assignee.kind === 'user' ? [p.breakGlassReview.assignee.accountId] : []),
      ],
      500,
    ),
    needsMapping(deps, p),
  ]);
  return { ...toForm(p), people: Object.fromEntries(names), needsMapping: needs };
}

export async function getPolicy(
  deps: Pick<Deps, 'config' | 'issues' | 'grants' | 'clock'>,
): Promise<AdminOutcome<PolicyView>> {
  return ok(await policyView(deps, await deps.config.getPolicy()));
}

export async function savePolicy(deps: Deps, actor: string, input: PolicyParsed): Promise<AdminOutcome<PolicyView>> {
  const before = await deps.config.getPolicy();
  const next = toSettings(input);
  // The duration field, its values, the approval status and the close-out transition exist in Jira.
  const notInJira = await checkPolicyChoices(deps, input);
  if (notInJira) return notInJira;
  // The break-glass review's project, issue type and reviewer exist (ADR 0027).
  const reviewNotInJira = await checkReviewChoices(deps, input.breakGlassReview);
  if (reviewNotInJira) return reviewNotInJira;
  // Each new or changed mapping row: a Jira account Jira knows, an Okta login of an ACTIVE Okta user.
  const unusable = await checkRequesterMapping(deps, before.requesterMapping, input.requesterMapping);
  if (unusable) return unusable;
  await deps.config.savePolicy(next);
  await auditConfigChange(deps, actor, `Policy saved: ${summarize(before, next)}.`);
  // The answer is what the store holds now, read back (issue 13 §1): what was just sent could differ
  // from what a later read gives (the store's schema, another admin's save in between).
  return ok(await policyView(deps, await deps.config.getPolicy()));
}

function summarize(before: PolicySettings, next: PolicySettings): string {
  const parts: string[] = [];
  const mapping = (p: PolicySettings) =>
    Object.entries(p.durationHoursByValue)
      .map(([v, h]) => `${v}=${h}h`)
      .join(' ');
  if (before.durationFieldName !== next.durationFieldName) parts.push(`duration field "${next.durationFieldName}"`);
  if (mapping(before) !== mapping(next)) parts.push(`durations ${mapping(next) || '(none)'}`);
  if (before.defaultDurationHours !== next.defaultDurationHours) parts.push(`default ${next.defaultDurationHours} h`);
  if (before.approvalStatusName !== next.approvalStatusName) parts.push(`approval status "${next.approvalStatusName}"`);
  if (before.emergencyValue !== next.emergencyValue || before.emergencyMaxHours !== next.emergencyMaxHours) {
    parts.push(
      next.emergencyValue
        ? `emergency "${next.emergencyValue}" capped at ${next.emergencyMaxHours} h`
        : 'no emergency path',
    );
  }
  if (before.closeOutTransitionName !== next.closeOutTransitionName)
    parts.push(
      next.closeOutTransitionName ? `close-out transition "${next.closeOutTransitionName}"` : 'no close-out transition',
    );
  const b = before.requesterMapping;
  const n = next.requesterMapping;
  const changed = new Set([...Object.keys(b), ...Object.keys(n)].filter((a) => b[a] !== n[a]));
  if (changed.size > 0) parts.push(`requester mapping changed for ${[...changed].join(', ')}`);
  const review = (p: PolicySettings) => JSON.stringify(p.breakGlassReview ?? null);
  if (review(before) !== review(next))
    parts.push(
      next.breakGlassReview
        ? `break-glass reviews filed in ${next.breakGlassReview.projectKey} as ${next.breakGlassReview.issueTypeName ?? next.breakGlassReview.issueTypeId}, assigned to ${next.breakGlassReview.assignee.kind === 'user' ? next.breakGlassReview.assignee.accountId : "the project's default assignee"}`
        : 'no break-glass reviews',
    );
  if (before.plannedStartFieldId !== next.plannedStartFieldId || before.plannedEndFieldId !== next.plannedEndFieldId)
    parts.push(
      next.plannedStartFieldId || next.plannedEndFieldId
        ? `change window fields ${next.plannedStartFieldId ?? '(none)'} to ${next.plannedEndFieldId ?? '(none)'}`
        : 'no change window',
    );
  const ending = (p: PolicySettings) => (p.accessEndingStatuses ?? []).join(', ');
  if (ending(before) !== ending(next))
    parts.push(ending(next) ? `access ends when the issue enters ${ending(next)}` : 'no early end on status');
  if (before.notifyByEmail !== next.notifyByEmail)
    parts.push(`email notifications ${next.notifyByEmail ? 'on' : 'off'}`);
  return parts.length ? parts.join('; ') : 'no changes';
}
