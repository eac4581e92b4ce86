/**
 * Admin roles of the emulator's callers, as Okta enforces them on top of OAuth scopes: each principal
 * (the SSWS API token's admin, or an OAuth service app by client id) holds either a standard
 * SUPER_ADMIN role (everything; the default, so a test that sets nothing sees no difference) or one or
 * more custom role bindings: permissions bound to a resource set. A call no binding covers is answered
 * 403 E0000006, as Okta does.
 *
 * Resources are written as Okta writes them in a resource set (absolute or path-only URLs):
 * `/api/v1/users` (all users), `/api/v1/groups` (all groups), `/api/v1/groups/{id}` (one group) and
 * `/api/v1/groups/{id}/users` (the users in one group). See docs/adr/0008-okta-scopes-and-role.md for
 * the evidence and for what is modelled rather than documented (marked "assumed" below).
 */

export interface CustomAdminRole {
  /** Okta permission names, e.g. okta.groups.members.manage. */
  permissions: string[];
  /** The role's resource set. */
  resources: string[];
}

export type AdminRole = 'SUPER_ADMIN' | CustomAdminRole;

/**
 * Permissions that include others. Okta's permissions guide documents "included permissions" with
 * okta.agents.manage including okta.agents.read; the same pattern for users, groups and IAM is assumed.
 */
const INCLUDES: Record<string, string[]> = {
  'okta.users.manage': ['okta.users.read'],
  'okta.groups.manage': ['okta.groups.read', 'okta.groups.members.manage'],
  'okta.iam.manage': ['okta.iam.read'],
};

type Target =
  | 'all-users' // the resource set must hold all users
  | 'user' // all users, or the users of a group the user belongs to
  | 'all-groups' // the resource set must hold all groups (assumed for the org-wide list of group rules)
  | 'any-group' // at least one group; lists show only the groups in the set
  | 'group' // all groups, or this group
  | 'iam' // role assignments: the permission alone is checked (resource sets of IAM resources are not modelled)
  | 'never'; // no custom-role permission covers it (org settings)

/** What a custom role needs for each operation the app uses. */
export const OPERATION_PERMISSIONS: Record<string, { permission: string; target: Target }> = {
  listUsers: { permission: 'okta.users.read', target: 'all-users' },
  getUser: { permission: 'okta.users.read', target: 'user' },
  listUserGroups: { permission: 'okta.users.read', target: 'user' },
  listGroups: { permission: 'okta.groups.read', target: 'any-group' },
  getGroup: { permission: 'okta.groups.read', target: 'group' },
  listGroupUsers: { permission: 'okta.groups.read', target: 'group' },
  listGroupRules: { permission: 'okta.groups.read', target: 'all-groups' },
  listGroupAssignedRoles: { permission: 'okta.iam.read', target: 'iam' },
  addUserToGroup: { permission: 'okta.groups.members.manage', target: 'group' },
  removeUserFromGroup: { permission: 'okta.groups.members.manage', target: 'group' },
  getOrgSettings: { permission: 'okta.orgs.read', target: 'never' },
};

const path = (resource: string) => resource.replace(/^https?:\/\/[^/]+/i, '').replace(/\/+$/, '');

export class AdminRoles {
  private readonly byPrincipal = new Map<string, AdminRole[]>();

  /**
   * `principal` is 'api-token' for the SSWS token's admin, else an OAuth client id. Several custom
   * bindings may be given (e.g. reads on all groups, membership on the allowlisted ones); undefined
   * resets to SUPER_ADMIN.
   */
  set(principal: string, role: AdminRole | AdminRole[] | undefined): void {
    if (role === undefined) {
      this.byPrincipal.delete(principal);
      return;
    }
    const roles = Array.isArray(role) ? role : [role];
    this.byPrincipal.set(
      principal,
      roles.map((r) =>
        r === 'SUPER_ADMIN' ? r : { permissions: [...r.permissions], resources: r.resources.map(path) },
      ),
    );
  }

  /**
   * Whether `principal` may run `operationId` with these path params, and, for lists of groups, which
   * groups it may see. `isMember(userId, groupId)` answers for group-users resources.
   */
  check(
    principal: string,
    operationId: string,
    params: Record<string, string>,
    isMember: (userId: string, groupId: string) => boolean,
  ): { allowed: boolean; visibleGroup: (groupId: string) => boolean } {
    const roles = this.byPrincipal.get(principal) ?? ['SUPER_ADMIN'];
    const each = roles.map((role) =>
      role === 'SUPER_ADMIN'
        ? { allowed: true, visibleGroup: () => true }
        : checkOne(role, operationId, params, isMember),
    );
    return { allowed: each.some((r) => r.allowed), visibleGroup: (g) => each.some((r) => r.visibleGroup(g)) };
  }
}

function checkOne(
  role: CustomAdminRole,
  operationId: string,
  params: Record<string, string>,
  isMember: (userId: string, groupId: string) => boolean,
): { allowed: boolean; visibleGroup: (groupId: string) => boolean } {
  const need = OPERATION_PERMISSIONS[operationId];
  const held = new Set(role.permissions.flatMap((p) => [p, ...(INCLUDES[p] ?? [])]));
  const set = new Set(role.resources);
  const allGroups = set.has('/api/v1/groups');
  const hasGroup = (g: string) => allGroups || set.has(`/api/v1/groups/${g}`);
  const visibleGroup = (g: string) => held.has('okta.groups.read') && hasGroup(g);
  if (!need || !held.has(need.permission)) return { allowed: false, visibleGroup };
  let allowed: boolean;
  switch (need.target) {
    case 'all-users':
      allowed = set.has('/api/v1/users');
      break;
    case 'user': {
      const u = params.userId ?? params.id ?? '';
      allowed =
        set.has('/api/v1/users') ||
        [...set].some((r) => {
          const m = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(r);
          return !!m && isMember(u, m[1]);
        });
      break;
    }
    case 'all-groups':
      allowed = allGroups;
      break;
    case 'any-group':
      allowed = allGroups || [...set].some((r) => /^\/api\/v1\/groups\/[^/]+$/.test(r));
      break;
    case 'group':
      allowed = hasGroup(params.groupId ?? '');
      break;
    case 'iam':
      allowed = true;
      break;
    case 'never':
      allowed = false;
      break;
  }
  return { allowed, visibleGroup };
}
