/**
 * The emulated org's data: users, groups, group rules, group admin roles and memberships, with
 * Okta-looking ids generated deterministically (same calls, same ids) and Okta-shaped JSON views.
 */

export type UserStatus = 'ACTIVE' | 'DEPROVISIONED' | 'SUSPENDED' | 'STAGED' | 'PROVISIONED';
export type GroupType = 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN';

export interface UserRec {
  id: string;
  status: UserStatus;
  created: number;
  lastUpdated: number;
  profile: { login: string; email: string; firstName: string; lastName: string };
}
export interface GroupRec {
  id: string;
  type: GroupType;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  profile: { name: string; description: string };
}
export interface RuleRec {
  id: string;
  name: string;
  groupIds: string[];
  created: number;
}
export interface RoleRec {
  id: string;
  type: string;
  created: number;
}

const ALNUM = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Deterministic Okta-like ids: prefix + 17 alphanumerics (13 pseudo-random from the counter, then the counter in base 62). */
export class IdGenerator {
  private counters = new Map<string, number>();
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    let x = (n * 2654435761 + prefix.charCodeAt(2) * 97) >>> 0;
    let body = '';
    for (let i = 0; i < 13; i++) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      body += ALNUM[x % 62];
    }
    let tail = '';
    let c = n;
    for (let i = 0; i < 4; i++) {
      tail = ALNUM[c % 62] + tail;
      c = Math.floor(c / 62);
    }
    return prefix + body + tail;
  }
}

const ROLE_LABELS: Record<string, string> = {
  SUPER_ADMIN: 'Super Organization Administrator',
  ORG_ADMIN: 'Organizational Administrator',
  APP_ADMIN: 'Application Administrator',
  USER_ADMIN: 'Group Administrator',
  HELP_DESK_ADMIN: 'Help Desk Administrator',
  READ_ONLY_ADMIN: 'Read Only Administrator',
  MOBILE_ADMIN: 'Mobile Administrator',
  API_ACCESS_MANAGEMENT_ADMIN: 'API Access Management Administrator',
  REPORT_ADMIN: 'Report Administrator',
  GROUP_MEMBERSHIP_ADMIN: 'Group Membership Administrator',
};

export class OrgState {
  readonly ids = new IdGenerator();
  readonly users = new Map<string, UserRec>();
  readonly groups = new Map<string, GroupRec>();
  readonly rules = new Map<string, RuleRec>();
  readonly roles = new Map<string, RoleRec[]>();
  /** groupId -> member user ids (insertion order). */
  readonly memberships = new Map<string, Set<string>>();

  constructor(private readonly now: () => number) {}

  addUser(u: {
    id?: string;
    login: string;
    email: string;
    firstName?: string;
    lastName?: string;
    status?: UserStatus;
  }): UserRec {
    const id = u.id ?? this.ids.next('00u');
    if (this.users.has(id)) throw new Error(`user ${id} already exists`);
    const lower = u.login.toLowerCase();
    for (const x of this.users.values())
      if (x.profile.login.toLowerCase() === lower) throw new Error(`login ${u.login} already exists`);
    const t = this.now();
    const local = u.login.split('@')[0];
    const rec: UserRec = {
      id,
      status: u.status ?? 'ACTIVE',
      created: t,
      lastUpdated: t,
      profile: {
        login: u.login,
        email: u.email,
        firstName: u.firstName ?? cap(local.split('.')[0]),
        lastName: u.lastName ?? cap(local.split('.')[1] ?? 'User'),
      },
    };
    this.users.set(id, rec);
    return rec;
  }

  addGroup(g: { id?: string; name: string; description?: string; type?: GroupType }): GroupRec {
    const id = g.id ?? this.ids.next('00g');
    if (this.groups.has(id)) throw new Error(`group ${id} already exists`);
    const t = this.now();
    const rec: GroupRec = {
      id,
      type: g.type ?? 'OKTA_GROUP',
      created: t,
      lastUpdated: t,
      lastMembershipUpdated: t,
      profile: { name: g.name, description: g.description ?? '' },
    };
    this.groups.set(id, rec);
    this.memberships.set(id, new Set());
    return rec;
  }

  addRule(r: { name?: string; groupIds: string[] }): RuleRec {
    for (const g of r.groupIds) if (!this.groups.has(g)) throw new Error(`rule targets unknown group ${g}`);
    const id = this.ids.next('0pr');
    const rec: RuleRec = {
      id,
      name: r.name ?? `Rule ${this.rules.size + 1}`,
      groupIds: [...r.groupIds],
      created: this.now(),
    };
    this.rules.set(id, rec);
    return rec;
  }

  addRole(groupId: string, roleType: string): void {
    if (!this.groups.has(groupId)) throw new Error(`unknown group ${groupId}`);
    const list = this.roles.get(groupId) ?? [];
    list.push({ id: this.ids.next('ra1'), type: roleType, created: this.now() });
    this.roles.set(groupId, list);
  }

  members(groupId: string): string[] {
    return [...(this.memberships.get(groupId) ?? [])];
  }

  addMember(groupId: string, userId: string): void {
    const set = this.memberships.get(groupId);
    if (!set) throw new Error(`unknown group ${groupId}`);
    if (!this.users.has(userId)) throw new Error(`unknown user ${userId}`);
    if (!set.has(userId)) {
      set.add(userId);
      this.groups.get(groupId)!.lastMembershipUpdated = this.now();
    }
  }

  removeMember(groupId: string, userId: string): void {
    const set = this.memberships.get(groupId);
    if (!set) throw new Error(`unknown group ${groupId}`);
    if (set.delete(userId)) this.groups.get(groupId)!.lastMembershipUpdated = this.now();
  }

  /**
   * GET /api/v1/users/{id} resolves an id, a login, or a login short name (the part before '@'),
   * as real Okta does — which is why the app must never put raw input there.
   */
  resolveUser(idOrLogin: string): UserRec | undefined {
    const byId = this.users.get(idOrLogin);
    if (byId) return byId;
    const l = idOrLogin.toLowerCase();
    const all = [...this.users.values()];
    return (
      all.find((u) => u.profile.login.toLowerCase() === l) ??
      all.find((u) => u.profile.login.toLowerCase().split('@')[0] === l)
    );
  }

  // ---- Okta-shaped views ----

  userJson(u: UserRec, base: string): object {
    const iso = (t: number) => new Date(t).toISOString();
    return {
      id: u.id,
      status: u.status,
      created: iso(u.created),
      activated: u.status === 'ACTIVE' ? iso(u.created) : null,
      statusChanged: iso(u.lastUpdated),
      lastLogin: null,
      lastUpdated: iso(u.lastUpdated),
      passwordChanged: null,
      type: { id: 'oty00000000000000001' },
      profile: { ...u.profile, mobilePhone: null, secondEmail: null },
      credentials: { provider: { type: 'OKTA', name: 'OKTA' } },
      _links: { self: { href: `${base}/api/v1/users/${u.id}` } },
    };
  }

  groupJson(g: GroupRec, base: string): object {
    const iso = (t: number) => new Date(t).toISOString();
    return {
      id: g.id,
      created: iso(g.created),
      lastUpdated: iso(g.lastUpdated),
      lastMembershipUpdated: iso(g.lastMembershipUpdated),
      objectClass: [g.type === 'APP_GROUP' ? 'okta:windows_security_principal' : 'okta:user_group'],
      type: g.type,
      profile: { ...g.profile },
      _links: {
        logo: [
          {
            name: 'medium',
            href: 'https://ok12static.oktacdn.com/assets/img/logos/groups/odyssey/okta-medium.png',
            type: 'image/png',
          },
        ],
        users: { href: `${base}/api/v1/groups/${g.id}/users` },
        apps: { href: `${base}/api/v1/groups/${g.id}/apps` },
      },
    };
  }

  ruleJson(r: RuleRec): object {
    const iso = (t: number) => new Date(t).toISOString();
    return {
      type: 'group_rule',
      id: r.id,
      status: 'ACTIVE',
      name: r.name,
      created: iso(r.created),
      lastUpdated: iso(r.created),
      conditions: {
        people: { users: { exclude: [] }, groups: { exclude: [] } },
        expression: { value: 'user.department=="Engineering"', type: 'urn:okta:expression:1.0' },
      },
      actions: { assignUserToGroups: { groupIds: [...r.groupIds] } },
    };
  }

  roleJson(groupId: string, r: RoleRec, base: string): object {
    const iso = (t: number) => new Date(t).toISOString();
    return {
      id: r.id,
      label: ROLE_LABELS[r.type] ?? r.type,
      type: r.type,
      status: 'ACTIVE',
      created: iso(r.created),
      lastUpdated: iso(r.created),
      assignmentType: 'GROUP',
      _links: { assignee: { href: `${base}/api/v1/groups/${groupId}` } },
    };
  }
}

function cap(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}
