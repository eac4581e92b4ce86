/**
 * What the Admin group field shows: the allowlist as choices for the edit, and a group id's display
 * name for the view. Read from the allowlist only (no Okta call per issue view). The field is a
 * convenience, never a check: the lifecycle re-reads the allowlist when it grants.
 */
import { projectAllowed } from '../../domain/policy';
import type { GroupNameDto, GroupOptionDto } from '../../shared/panel-contract';
import type { AppDeps } from '../deps';

/** Allowlisted groups the project may request, by display name. */
export async function listGroupOptions(
  deps: Pick<AppDeps, 'config'>,
  projectKey: string | undefined,
): Promise<GroupOptionDto[]> {
  const allowlist = await deps.config.getAllowlist();
  return allowlist
    .filter((g) => projectKey === undefined || projectAllowed(g, projectKey))
    .map((g) => ({ groupId: g.groupId, displayName: g.displayName }))
    .sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The display name of a group id; `allowlisted: false` when the admin has since removed it. */
export async function groupName(deps: Pick<AppDeps, 'config'>, groupId: string): Promise<GroupNameDto> {
  const group = (await deps.config.getAllowlist()).find((g) => g.groupId === groupId);
  return group
    ? { groupId, displayName: group.displayName, allowlisted: true }
    : { groupId, displayName: groupId, allowlisted: false };
}
