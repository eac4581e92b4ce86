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
  OKTA_ROLE_PERMISSIONS,
  type OktaRolePermission,
  type AllowlistEntryView,
  type GroupPolicyParsed as Parsed,
  type GroupSearchHit,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuse, refuseWithDetails } from '../errors';
import { DirectoryError, type Directory, type GroupEligibility, type GroupPreflightReport } from '../ports';
import { GRANT_RULES_MAX_AGE_MS } from '../grant-access';
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

/** Search results whose eligibility is checked at the search; the rest are checked when added. */
export const SEARCH_CHECKED_MAX = 20;

/**
 * Why the app refuses a group, for the admin who picks it (issue 13 §2): what it would mean, and
 * what to do, without Okta's type and role codes, which go to the details. The adapter's own message
 * (which names the codes) stays for the audit trail and for the grant-time comments.
 */
export function groupRefusalForAdmin(e: Extract<GroupEligibility, { ok: false }>): {
  reason: string;
  details?: string;
} {
  const f = e.found ?? {};
  switch (e.code) {
    case 'GROUP.NOT_FOUND':
      return { reason: 'Okta no longer has this group. Search again and choose another group.' };
    case 'GROUP.NOT_OKTA_GROUP':
      return {
        reason:
          f.type === 'BUILT_IN'
            ? "This is Okta's built-in Everyone group, which every Okta user is in. Choose another group."
            : 'This group is imported from an app or a directory, so Okta does not let the app change who is in it. Choose a group created in Okta.',
        ...(f.type ? { details: `Okta group type: ${f.type}.` } : {}),
      };
    case 'GROUP.RULE_TARGETED':
      return {
        reason:
          "An Okta group rule adds people to this group, so taking someone out would put them on the rule's exclusion list. Remove the group from the rule in Okta, or choose another group.",
        ...(f.rules?.length ? { details: `Okta group rules: ${f.rules.join(', ')}.` } : {}),
      };
    case 'GROUP.HAS_ADMIN_ROLE':
      return {
        reason:
          'This group holds Okta admin roles, so granting it would make people Okta administrators. Choose another group.',
        ...(f.roles?.length ? { details: `Okta admin roles: ${f.roles.join(', ')}.` } : {}),
      };
  }
}

/**
 * Which permission a 403 from the adapter names (its message says "does not hold <permission> on
 * <resource>"), as the admin acts on it: the permission and what the app needs it for, on this group
 * or on all of Okta's users or groups. Okta's full answer stays in the details.
 */
function permissionInWords(oktaMessage: string, groupId: string): string {
  const m = /does not hold (\S+) on (.+?) \(/.exec(oktaMessage);
  const permission = m?.[1] as OktaRolePermission | undefined;
  if (!permission || !(permission in OKTA_ROLE_PERMISSIONS))
    return "the app's Okta admin role does not cover this group. Check the role against the Okta permissions listed on this tab.";
  const where = m![2].includes(groupId) ? 'this group' : OKTA_ROLE_PERMISSIONS[permission].resources;
  return `the app's Okta admin role lacks ${permission} on ${where}, which the app needs to ${OKTA_ROLE_PERMISSIONS[permission].why}. Add it to the role in Okta, then add the group again.`;
}

/**
 * Okta's whole answer, for the details: the adapter's message already names the call, the status and
 * Okta's error code; the request id is added when it does not (for Okta support).
 */
const particulars = (e: DirectoryError): string =>
  e.details.requestId && !e.message.includes(e.details.requestId)
    ? `${e.message} Okta request id ${e.details.requestId}.`
    : e.message;

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
      if (!eligible.ok) {
        const said = groupRefusalForAdmin(eligible);
        return refuseWithDetails(eligible.code, said.reason, said.details);
      }
      preflight = await directory.preflightGroup(eligible.group.id);
    } catch (e) {
      // Okta refused one of the operations the app will need on this group: name it, save nothing.
      if (e instanceof DirectoryError && e.details.status === 403) {
        return refuseWithDetails(
          ADMIN_ERRORS.oktaPermissionMissing,
          `The app cannot manage this group yet: ${permissionInWords(e.message, input.groupId)} Nothing was saved.`,
          particulars(e),
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
    // The answer is the stored list, read back, not the array just written (issue 13 §1).
    return ok(await views(deps, await deps.config.getAllowlist()));
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
  return ok(await views(deps, await deps.config.getAllowlist()));
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
  return ok(await views(deps, await deps.config.getAllowlist()));
}

/**
 * Okta groups whose name starts with the query, marked when already allowlisted, and the first
 * SEARCH_CHECKED_MAX others checked as adding them would check them, so a refused group shows its
 * reason before the admin fills a policy. One rule listing serves the whole search (from the store
 * when younger than the grant-time bound, ADR 0021); each plain group costs one roles read.
 */
export async function searchGroups(
  deps: Pick<Deps, 'config' | 'directory'>,
  input: { query: string },
): Promise<AdminOutcome<GroupSearchHit[]>> {
  return withDirectory(deps, async (directory) => {
    const [groups, list] = await Promise.all([directory.searchGroups(input.query), deps.config.getAllowlist()]);
    const listed = new Set(list.map((p) => p.groupId));
    const shown = groups.slice(0, 50);
    const toCheck = shown.filter((g) => !listed.has(g.id)).slice(0, SEARCH_CHECKED_MAX);
    // A check Okta does not answer (rate limit, a role without okta.iam.read) leaves the results
    // unchecked rather than failing the search: adding a group checks it again and names what is wrong.
    const checks = await directory
      .checkGroupsEligible(toCheck, { rulesMaxAgeMs: GRANT_RULES_MAX_AGE_MS })
      .catch((e: unknown) => {
        if (e instanceof DirectoryError) return [];
        throw e;
      });
    const verdict = new Map(checks.map((c, i) => [toCheck[i].id, c]));
    return ok(
      shown.map((g): GroupSearchHit => {
        const v = verdict.get(g.id);
        return {
          id: g.id,
          name: g.name,
          type: g.type,
          allowlisted: listed.has(g.id),
          ...(g.description ? { description: g.description } : {}),
          ...(v && !v.ok ? { refusal: groupRefusalForAdmin(v) } : {}),
          checked: listed.has(g.id) || !!v,
        };
      }),
    );
  });
}
