/**
 * What each Okta call the app makes needs: the OAuth scope (Okta's Management API spec, each
 * operation's `security`) and the admin-role permission (Okta's permissions catalog), so a refusal can
 * name what the Okta admin must grant. docs/adr/0008-okta-scopes-and-role.md has the evidence.
 */
import type { OktaScope } from '../../domain/okta-domain';
import type { OktaRolePermission } from '../../shared/admin-contract';

export interface OktaRequirement {
  /** What the app was doing, for a person ("list the members of group 00g…"). */
  what: string;
  scope: OktaScope;
  permission: OktaRolePermission;
  /** Which part of the role's resource set must hold the thing. */
  resource: string;
}

const ID = '([^/]+)';
const table: Array<{ method: string; path: RegExp; need: (m: RegExpExecArray) => OktaRequirement }> = [
  {
    method: 'GET',
    path: /^\/api\/v1\/users$/,
    need: () => ({
      what: 'search users',
      scope: 'okta.users.read',
      permission: 'okta.users.read',
      resource: 'all users',
    }),
  },
  {
    method: 'GET',
    path: new RegExp(`^/api/v1/users/${ID}/groups$`),
    need: () => ({
      what: "read a user's groups",
      scope: 'okta.users.read',
      permission: 'okta.users.read',
      resource: 'all users',
    }),
  },
  {
    method: 'GET',
    path: new RegExp(`^/api/v1/users/${ID}$`),
    need: () => ({
      what: 'read a user',
      scope: 'okta.users.read',
      permission: 'okta.users.read',
      resource: 'all users',
    }),
  },
  {
    method: 'GET',
    path: /^\/api\/v1\/groups$/,
    need: () => ({
      what: 'search groups',
      scope: 'okta.groups.read',
      permission: 'okta.groups.read',
      resource: 'all groups',
    }),
  },
  {
    method: 'GET',
    path: /^\/api\/v1\/groups\/rules$/,
    need: () => ({
      what: 'list group rules',
      scope: 'okta.groups.read',
      permission: 'okta.groups.read',
      resource: 'all groups',
    }),
  },
  {
    method: 'GET',
    path: new RegExp(`^/api/v1/groups/${ID}/roles$`),
    need: (m) => ({
      what: `read the admin roles of group ${m[1]}`,
      scope: 'okta.roles.read',
      permission: 'okta.iam.read',
      resource: 'the role assignments',
    }),
  },
  {
    method: 'GET',
    path: new RegExp(`^/api/v1/groups/${ID}/users$`),
    need: (m) => ({
      what: `list the members of group ${m[1]}`,
      scope: 'okta.groups.read',
      permission: 'okta.groups.read',
      resource: `group ${m[1]}`,
    }),
  },
  {
    method: 'GET',
    path: new RegExp(`^/api/v1/groups/${ID}$`),
    need: (m) => ({
      what: `read group ${m[1]}`,
      scope: 'okta.groups.read',
      permission: 'okta.groups.read',
      resource: `group ${m[1]}`,
    }),
  },
  {
    method: 'PUT',
    path: new RegExp(`^/api/v1/groups/${ID}/users/${ID}$`),
    need: (m) => ({
      what: `add a member to group ${m[1]}`,
      scope: 'okta.groups.manage',
      permission: 'okta.groups.members.manage',
      resource: `group ${m[1]}`,
    }),
  },
  {
    method: 'DELETE',
    path: new RegExp(`^/api/v1/groups/${ID}/users/${ID}$`),
    need: (m) => ({
      what: `remove a member from group ${m[1]}`,
      scope: 'okta.groups.manage',
      permission: 'okta.groups.members.manage',
      resource: `group ${m[1]}`,
    }),
  },
];

/** The requirement of one call, or undefined for a call outside this table (e.g. the org's name). */
export function requirementOf(method: string, pathname: string): OktaRequirement | undefined {
  for (const row of table) {
    if (row.method !== method) continue;
    const m = row.path.exec(pathname);
    if (m) return row.need(m);
  }
  return undefined;
}
