/**
 * The allowlist: the only Okta groups the app will ever change. A group is checked against Okta when
 * it is added (it must be a plain OKTA_GROUP, not targeted by a group rule, holding no admin role) and
 * a preflight proves, on that group, every operation the app will need there, so a role or scope the
 * Okta admin left out is named now rather than at someone's first grant. The lifecycle checks
 * eligibility again at grant time.
 */
import { HOLDING_STATUSES } from '../../domain/grant';
import { describeSteps, stepsOf } from '../../domain/approval-policy';
import { approverView, checkApprovers } from './approvers';
import { checkProjectKeys } from './jira-choices';
import { approvalWindowDays, type GroupPolicy } from '../../domain/policy';
import {
  ADMIN_ERRORS,
  LIMITS,
  type AllowlistEntryView,
  type GroupPolicyParsed as Parsed,
  type GroupSearchHit,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuse } from '../errors';
import { DirectoryError, type Directory, type GroupPreflightReport } from '../ports';
import { auditConfigChange, ok, withDirectory, type AdminOutcome } from './shared';

type Deps = Pick<AppDeps, 'config' | 'grants' | 'audit' | 'clock' | 'directory' | 'issues' | 'approvers' | 'catalog'>;

async function views(deps: Pick<Deps, 'grants' | 'issues'>, list: GroupPolicy[]): Promise<AllowlistEntryView[]> {
  const holding = (await Promise.all(HOLDING_STATUSES.map((s) => deps.grants.listByStatus(s)))).flat();
  const count = new Map<string, number>();
  for (const g of holding) count.set(g.groupId, (count.get(g.groupId) ?? 0) + 1);
  const approvers = await Promise.all(list.map((p) => approverView(deps, p)));
  return list
    .map((p, i) => ({
      ...p,
      allowedProjectKeys: [...p.allowedProjectKeys],
      activeGrants: count.get(p.groupId) ?? 0,
      ...approvers[i],
    }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export async function listAllowlist(
  deps: Pick<Deps, 'config' | 'grants' | 'issues'>,
): Promise<AdminOutcome<AllowlistEntryView[]>> {
  return ok(await views(deps, await deps.config.getAllowlist()));
}

const limits = (input: Parsed) => ({
  maxDurationHours: input.maxDurationHours,
  maxLifetimeHours: input.maxLifetimeHours,
  maxExtensions: input.maxExtensions,
  reminderLeadMinutes: input.reminderLeadMinutes,
  approvalMode: input.approvalMode,
  allowedProjectKeys: [...input.allowedProjectKeys],
  approvalWindowDays: input.approvalWindowDays,
  ...(input.approvalSteps && input.approvalSteps.length > 0
    ? {
        approvalSteps: input.approvalSteps.map((s) => ({
          approvers: {
            jiraGroups: [...s.approvers.jiraGroups],
            projectRoles: [...s.approvers.projectRoles],
            accountIds: [...s.approvers.accountIds],
          },
          count: s.count,
        })),
      }
    : {}),
});

const describe = (p: GroupPolicy) =>
  `max ${p.maxDurationHours} h, lifetime ${p.maxLifetimeHours} h, ${p.maxExtensions} extension(s), reminder ${p.reminderLeadMinutes} min before the end, ${p.approvalMode === 'status' ? 'approval required' : 'no approval needed'}` +
  (p.approvalMode === 'status' ? `: ${describeSteps(stepsOf(p))}, within ${approvalWindowDays(p)} day(s)` : '') +
  (p.allowedProjectKeys.length ? `, projects ${p.allowedProjectKeys.join(' ')}` : ', any project');

export async function addToAllowlist(
  deps: Deps,
  actor: string,
  input: Parsed,
): Promise<AdminOutcome<AllowlistEntryView[]>> {
  const list = await deps.config.getAllowlist();
  const existing = list.find((p) => p.groupId === input.groupId);
  if (existing)
    return refuse(
      ADMIN_ERRORS.duplicate,
      `${existing.displayName} is already on the allowlist. Edit its entry instead.`,
    );
  if (list.length >= LIMITS.maxAllowlist)
    return refuse(
      ADMIN_ERRORS.allowlistFull,
      `The allowlist holds at most ${LIMITS.maxAllowlist} groups. Remove one first.`,
    );
  const unknownApprover = await checkApprovers(deps, input.approvalSteps);
  if (unknownApprover) return unknownApprover;
  const unknownProject = await checkProjectKeys(deps, input.allowedProjectKeys);
  if (unknownProject) return unknownProject;
  return withDirectory(deps, async (directory) => {
    let preflight: GroupPreflightReport;
    let eligible: Awaited<ReturnType<Directory['checkGroupEligible']>>;
    try {
      // Eligibility reads the group, the group rules and the group's roles; the preflight does the rest.
      eligible = await directory.checkGroupEligible(input.groupId);
      if (!eligible.ok) return refuse(eligible.code, eligible.message);
      preflight = await directory.preflightGroup(eligible.group.id);
    } catch (e) {
      // Okta refused one of the operations the app will need on this group: name it, save nothing.
      if (e instanceof DirectoryError && e.details.status === 403) {
        return refuse(
          ADMIN_ERRORS.oktaPermissionMissing,
          `The app cannot manage this group yet. ${e.message} Nothing was saved.`,
        );
      }
      throw e;
    }
    const entry: GroupPolicy = { groupId: input.groupId, displayName: eligible.group.name, ...limits(input) };
    // Re-read just before writing so an entry another admin added meanwhile is not lost.
    const latest = await deps.config.getAllowlist();
    if (latest.some((p) => p.groupId === entry.groupId))
      return refuse(
        ADMIN_ERRORS.duplicate,
        `${entry.displayName} is already on the allowlist. Edit its entry instead.`,
      );
    const next = [...latest, entry];
    await deps.config.saveAllowlist(next);
    const checked = `Okta preflight passed: ${preflight.proven.join('; ')}${preflight.notProven.length ? `; not provable without a real write: ${preflight.notProven.join('; ')}` : ''}`;
    await auditConfigChange(
      deps,
      actor,
      `Allowlisted Okta group ${entry.displayName} (${entry.groupId}): ${describe(entry)}. ${checked}.`,
      entry.groupId,
    );
    return ok(await views(deps, next));
  });
}

export async function updateAllowlistEntry(
  deps: Deps,
  actor: string,
  input: Parsed,
): Promise<AdminOutcome<AllowlistEntryView[]>> {
  const list = await deps.config.getAllowlist();
  const i = list.findIndex((p) => p.groupId === input.groupId);
  if (i < 0) return refuse(ADMIN_ERRORS.notAllowlisted, 'That group is no longer on the allowlist. Reload the page.');
  const unknownApprover = await checkApprovers(deps, input.approvalSteps);
  if (unknownApprover) return unknownApprover;
  const unknownProject = await checkProjectKeys(deps, input.allowedProjectKeys);
  if (unknownProject) return unknownProject;
  const entry: GroupPolicy = { ...list[i], ...limits(input) };
  // Steps sent empty go back to the default; steps not sent (older callers) stay as they were.
  if (input.approvalSteps?.length === 0) delete entry.approvalSteps;
  const next = list.map((p, j) => (j === i ? entry : p));
  await deps.config.saveAllowlist(next);
  await auditConfigChange(
    deps,
    actor,
    `Changed the policy of ${entry.displayName} (${entry.groupId}): ${describe(entry)}.`,
    entry.groupId,
  );
  return ok(await views(deps, next));
}

export async function removeFromAllowlist(
  deps: Deps,
  actor: string,
  input: { groupId: string; reason: string },
): Promise<AdminOutcome<AllowlistEntryView[]>> {
  const list = await deps.config.getAllowlist();
  const entry = list.find((p) => p.groupId === input.groupId);
  if (!entry) return refuse(ADMIN_ERRORS.notAllowlisted, 'That group is no longer on the allowlist. Reload the page.');
  const next = list.filter((p) => p.groupId !== input.groupId);
  await deps.config.saveAllowlist(next);
  await auditConfigChange(
    deps,
    actor,
    `Removed Okta group ${entry.displayName} (${entry.groupId}) from the allowlist; grants already running end as planned. Reason: ${input.reason.trim()}`,
    entry.groupId,
  );
  return ok(await views(deps, next));
}

/** Okta groups whose name starts with the query, marked when already allowlisted. */
export async function searchGroups(
  deps: Pick<Deps, 'config' | 'directory'>,
  input: { query: string },
): Promise<AdminOutcome<GroupSearchHit[]>> {
  return withDirectory(deps, async (directory) => {
    const [groups, list] = await Promise.all([directory.searchGroups(input.query), deps.config.getAllowlist()]);
    const listed = new Set(list.map((p) => p.groupId));
    return ok(
      groups.slice(0, 50).map((g) => ({ id: g.id, name: g.name, type: g.type, allowlisted: listed.has(g.id) })),
    );
  });
}
