/**
 * The `Directory` port over Okta's Management API (architecture rule 6, second layer). It speaks only
 * through `OktaHttpClient`, turns Okta's answers into the port's shapes, and sorts failures: expected
 * "no"s (unknown user, ineligible group) come back as values with a message that says what the admin
 * should do; everything else is thrown as a `DirectoryError` (see okta-errors.ts for what each kind
 * asks of the caller).
 */
import type { z } from 'zod';
import {
  DirectoryError,
  type Directory,
  type DirectoryGroup,
  type DirectoryPerson,
  type DirectoryUser,
  type DirectoryWrite,
  type GroupEligibility,
  type GroupPreflightReport,
  type UserLookup,
} from '../../app/ports';
import type { OktaHttpClient } from './okta-http-client';
import { OktaConfigurationError, OktaTransientError } from './okta-errors';
import {
  oktaGroup,
  oktaGroupRule,
  oktaIdOnly,
  oktaOrgSettings,
  oktaRole,
  oktaUser,
  type OktaGroup,
  type OktaUser,
} from './okta-schemas';

/** Page sizes within what Okta allows for each list. */
const USERS_PAGE = 200;
const GROUP_MEMBERS_PAGE = 1000;
const RULES_PAGE = 200;
const GROUP_SEARCH_LIMIT = 50;
/** Groups whose roles are read at once when a search's results are checked. */
const ELIGIBILITY_CONCURRENCY = 5;
/** The Okta user picker's answer is one page of at most this many users. */
const USER_SEARCH_MAX = 50;
/** Logins looked up in one `search=` (`profile.login eq "…" or …`): keeps the URL well under Okta's limits. */
const LOGINS_PER_SEARCH = 10;

/**
 * The user of the allowlist preflight's membership-write check: id-shaped, so Okta treats it as a user
 * id, and (checked by a read first) no user. A DELETE of it from a group cannot change any membership.
 */
export const PREFLIGHT_PROBE_USER = '00uJITPREFLIGHTPROBE';

/** Plain `local@domain.tld`, no spaces, quotes or control characters; 254 characters at most. */
const EMAIL = /^[^\s@"\\<>()[\],;:]+@[^\s@"\\<>()[\],;:]+\.[^\s@"\\<>()[\],;:]+$/;
/** C0 control characters and DEL. */
const hasControl = (s: string): boolean => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

/**
 * Which groups Okta's group rules assign, as last read from `GET /api/v1/groups/rules` (all pages):
 * group id → the names of the rules that target it. Only targeted groups are kept, so the value stays
 * small however many rules the org has.
 */
export interface RuleListing {
  fetchedAt: string;
  targets: Record<string, string[]>;
}

/**
 * Where a rule listing outlives one function instance (KVS in production). Forge does not promise a
 * warm instance, so the in-memory copy alone would save the call only by luck; a storage read is far
 * cheaper than an Okta call that counts against the org-wide rate limit.
 */
export interface RuleListingStore {
  read(origin: string): Promise<RuleListing | undefined>;
  write(origin: string, listing: RuleListing): Promise<void>;
}

/** How old a cached rule listing may be when a grant is checked (issue 11: at most 5 minutes). */
export const RULE_LISTING_MAX_AGE_MS = 5 * 60_000;

export class OktaDirectory implements Directory {
  constructor(
    private readonly client: OktaHttpClient,
    private readonly ruleStore?: RuleListingStore,
  ) {}

  async findActiveUserByEmail(email: string): Promise<UserLookup> {
    const value = email.trim();
    if (value.length > 254 || !EMAIL.test(value)) {
      return {
        ok: false,
        code: 'USER.NOT_FOUND',
        message: `"${shorten(value)}" is not a valid email address, so no Okta user was looked up. An admin can map this person to an Okta login explicitly.`,
      };
    }
    return this.findActiveUser('email', value);
  }

  async findActiveUserByLogin(login: string): Promise<UserLookup> {
    const value = login.trim();
    if (!value || value.length > 100 || hasControl(value)) {
      return {
        ok: false,
        code: 'USER.NOT_FOUND',
        message: `"${shorten(value)}" is not a valid Okta login, so no Okta user was looked up. An admin must correct the mapping.`,
      };
    }
    return this.findActiveUser('login', value);
  }

  async searchUsers(prefix: string, limit: number): Promise<DirectoryPerson[]> {
    const value = prefix.trim();
    if (!value || value.length > 100 || hasControl(value)) return [];
    const q = `"${escapeSearchValue(value)}"`;
    const search = ['profile.login', 'profile.email', 'profile.firstName', 'profile.lastName']
      .map((attr) => `${attr} sw ${q}`)
      .join(' or ');
    const n = Math.min(Math.max(1, Math.floor(limit)), USER_SEARCH_MAX);
    const res = await this.client.get(`/api/v1/users?search=${encodeURIComponent(search)}&limit=${n}`, arrayOfUsers);
    return res.body
      .slice(0, n)
      .map(toPerson)
      .sort((a, b) => a.login.localeCompare(b.login));
  }

  async findUsersByLogins(logins: readonly string[]): Promise<DirectoryPerson[]> {
    const wanted = new Map<string, string>();
    for (const l of logins) {
      const v = l.trim();
      if (v && v.length <= 100 && !hasControl(v)) wanted.set(v.toLowerCase(), v);
    }
    const all = [...wanted.values()];
    const found: DirectoryPerson[] = [];
    for (let i = 0; i < all.length; i += LOGINS_PER_SEARCH) {
      const batch = all.slice(i, i + LOGINS_PER_SEARCH);
      const search = batch.map((l) => `profile.login eq "${escapeSearchValue(l)}"`).join(' or ');
      const res = await this.client.get(
        `/api/v1/users?search=${encodeURIComponent(search)}&limit=${USERS_PAGE}`,
        arrayOfUsers,
      );
      // Okta matches case-insensitively; keep exact (case-insensitive) logins only.
      found.push(...res.body.filter((u) => wanted.has(u.profile.login.toLowerCase())).map(toPerson));
    }
    return found;
  }

  async checkGroupEligible(groupId: string, options: { rulesMaxAgeMs?: number } = {}): Promise<GroupEligibility> {
    let group: OktaGroup;
    try {
      group = (await this.client.get(`/api/v1/groups/${seg(groupId)}`, oktaGroup)).body;
    } catch (e) {
      if (e instanceof DirectoryError && e.kind === 'not-found') {
        return {
          ok: false,
          code: 'GROUP.NOT_FOUND',
          message: `Okta has no group with id ${groupId}. An admin must check the group id (Okta Admin Console → Directory → Groups; the id is in the group's URL).`,
        };
      }
      throw e;
    }
    return this.eligibilityOf(toGroup(group), () => this.ruleListing(options.rulesMaxAgeMs ?? 0));
  }

  async checkGroupsEligible(
    groups: readonly DirectoryGroup[],
    options: { rulesMaxAgeMs?: number } = {},
  ): Promise<GroupEligibility[]> {
    // One rule listing for all the groups, read (or taken from the store) on the first group that needs it.
    let listing: Promise<RuleListing> | undefined;
    const rules = () => (listing ??= this.ruleListing(options.rulesMaxAgeMs ?? 0));
    const out: GroupEligibility[] = [];
    // A few at a time: the roles reads count against Okta's rate limit like any other call.
    for (let i = 0; i < groups.length; i += ELIGIBILITY_CONCURRENCY)
      out.push(
        ...(await Promise.all(groups.slice(i, i + ELIGIBILITY_CONCURRENCY).map((g) => this.eligibilityOf(g, rules)))),
      );
    return out;
  }

  /** Type, rules, roles, in that order: each later check costs an Okta call the earlier ones may save. */
  private async eligibilityOf(found: DirectoryGroup, rules: () => Promise<RuleListing>): Promise<GroupEligibility> {
    if (found.type !== 'OKTA_GROUP') {
      return {
        ok: false,
        code: 'GROUP.NOT_OKTA_GROUP',
        message: `Okta group "${found.name}" is of type ${found.type}; only OKTA_GROUP groups (created in Okta, not imported from an app or directory, and not built in) can be granted. An admin must choose an Okta-managed group.`,
        found: { type: found.type },
      };
    }
    // Rules may be read from a listing at most `rulesMaxAgeMs` old; type and roles above and below are live.
    const listing = await rules();
    const targeting = listing.targets[found.id] ?? [];
    if (targeting.length > 0) {
      const names = targeting.map((r) => `"${r}"`).join(', ');
      return {
        ok: false,
        code: 'GROUP.RULE_TARGETED',
        message: `Okta group "${found.name}" is assigned by the group rule ${names}; removing a rule-added member would put them on the rule's exclusion list. An admin must remove the group from the rule or choose another group.`,
        found: { rules: [...targeting] },
      };
    }
    const roles = await this.client.getAll(`/api/v1/groups/${seg(found.id)}/roles`, oktaRole);
    if (roles.items.length > 0) {
      const kinds = [...new Set(roles.items.map((r) => r.type ?? r.label ?? 'role'))];
      return {
        ok: false,
        code: 'GROUP.HAS_ADMIN_ROLE',
        message: `Okta group "${found.name}" holds Okta admin roles (${kinds.join(', ')}); the app never grants admin rights. An admin must choose a group without admin role assignments.`,
        found: { roles: kinds },
      };
    }
    return { ok: true, group: found };
  }

  async searchGroups(query: string): Promise<DirectoryGroup[]> {
    const q = query.trim().slice(0, 100);
    const params = q ? `q=${encodeURIComponent(q)}&limit=${GROUP_SEARCH_LIMIT}` : `limit=${GROUP_SEARCH_LIMIT}`;
    const res = await this.client.get(`/api/v1/groups?${params}`, arrayOfGroups);
    return res.body.map(toGroup);
  }

  async isMember(userId: string, groupId: string): Promise<boolean> {
    const groups = await this.client.getAll(`/api/v1/users/${seg(userId)}/groups`, oktaGroup);
    return groups.items.some((g) => g.id === groupId);
  }

  async listMemberIds(groupId: string): Promise<string[]> {
    const users = await this.client.getAll(
      `/api/v1/groups/${seg(groupId)}/users?limit=${GROUP_MEMBERS_PAGE}`,
      oktaIdOnly,
    );
    return [...new Set(users.items.map((u) => u.id))];
  }

  async addMember(userId: string, groupId: string): Promise<DirectoryWrite> {
    const res = await this.client.send('PUT', `/api/v1/groups/${seg(groupId)}/users/${seg(userId)}`);
    return { requestId: res.requestId };
  }

  async removeMember(
    userId: string,
    groupId: string,
  ): Promise<DirectoryWrite & { outcome: 'removed' | 'already-gone' }> {
    try {
      const res = await this.client.send('DELETE', `/api/v1/groups/${seg(groupId)}/users/${seg(userId)}`);
      return { outcome: 'removed', requestId: res.requestId };
    } catch (e) {
      if (!(e instanceof DirectoryError) || e.kind !== 'not-found') throw e;
      // Okta answers 404 for an unknown user, group or membership: confirm by reading before saying "gone".
      let stillMember: boolean;
      try {
        stillMember = await this.isMember(userId, groupId);
      } catch (readError) {
        if (readError instanceof DirectoryError && readError.kind === 'not-found')
          stillMember = false; // the user is gone
        else throw readError;
      }
      if (stillMember) {
        throw new OktaTransientError(
          `Okta answered "not found" when removing the membership, but still lists the user in group ${groupId}; the app will try again.`,
          { ...e.details },
          { cause: e },
        );
      }
      return { outcome: 'already-gone', requestId: e.details.requestId };
    }
  }

  /**
   * Proves on one group every operation the app will need there, before it is allowlisted
   * (docs/adr/0008-okta-scopes-and-role.md). Reading the group, its rules and its roles is
   * `checkGroupEligible`'s job; this adds listing the members, reading a user and the membership write.
   * The write is checked without changing membership: a DELETE of a user id that Okta has just said
   * is no user. Okta answering 404 (not 403) shows the role may change this group's membership, on
   * the assumption that Okta authorizes on the group before it looks up the user; that order is not
   * documented, so it stays in `notProven` (the first real grant would then fail with a named 403).
   * A 403 is thrown as an `OktaPermanentError` naming the missing permission.
   */
  async preflightGroup(groupId: string): Promise<GroupPreflightReport> {
    const proven: string[] = [];
    const notProven: string[] = [];
    await this.client.get(`/api/v1/groups/${seg(groupId)}/users?limit=1`, arrayOfIdOnly);
    proven.push("list the group's members (okta.groups.read)");
    let probeIsNoUser = false;
    try {
      await this.client.get(`/api/v1/users/${seg(PREFLIGHT_PROBE_USER)}`, oktaIdOnly);
    } catch (e) {
      if (!(e instanceof DirectoryError) || e.kind !== 'not-found') throw e;
      probeIsNoUser = true;
    }
    proven.push('read users (okta.users.read)');
    if (!probeIsNoUser) {
      notProven.push(
        "change the group's membership (okta.groups.members.manage): the probe id matched a user, so no write was tried",
      );
      return { proven, notProven };
    }
    try {
      await this.client.send('DELETE', `/api/v1/groups/${seg(groupId)}/users/${seg(PREFLIGHT_PROBE_USER)}`);
    } catch (e) {
      if (!(e instanceof DirectoryError) || e.kind !== 'not-found') throw e;
    }
    proven.push(
      "be allowed to change the group's membership (okta.groups.members.manage): Okta did not refuse the write",
    );
    notProven.push(
      'that a real membership change succeeds: Okta answered "no such user" before it had to apply the write',
    );
    return { proven, notProven };
  }

  async testConnection(): Promise<{ orgName: string; missingScopes: string[] }> {
    if (this.client.authKind === 'oauth') return this.testOAuthScopes();
    // An API token has no scopes, only its admin's role: probe what the app reads and report what fails.
    const missing = new Set<string>();
    const orgName = await this.orgName();
    const probes: Array<[string, string, z.ZodType<unknown>]> = [
      ['okta.users.read', `/api/v1/users?limit=1`, arrayOfUsers],
      ['okta.groups.read', `/api/v1/groups?limit=1`, arrayOfGroups],
    ];
    for (const [scope, path, schema] of probes) {
      try {
        await this.client.get(path, schema);
      } catch (e) {
        if (
          e instanceof DirectoryError &&
          (e.details.status === 403 || (e.kind === 'configuration' && e.details.status !== 401))
        )
          missing.add(scope);
        else throw e;
      }
    }
    return { orgName, missingScopes: [...missing] };
  }

  /**
   * A service app: Okta refuses a token request naming any scope not granted (`invalid_scope`) without
   * saying which, so on that answer each scope is asked for alone to name the missing ones. The org's
   * name needs okta.orgs.read, which the app does not ask for: the host stands in for it.
   */
  private async testOAuthScopes(): Promise<{ orgName: string; missingScopes: string[] }> {
    const orgName = this.hostLabel();
    try {
      const report = await this.client.scopeReport();
      const granted = report?.granted;
      // Okta grants all requested scopes or none; a narrower answer is reported all the same.
      const missingScopes = granted ? (report?.requested ?? []).filter((s) => !granted.includes(s)) : [];
      // One API call proves the token is accepted where it is used (DPoP binding, admin role present).
      if (missingScopes.length === 0) await this.client.get(`/api/v1/groups?limit=1`, arrayOfGroups);
      return { orgName, missingScopes };
    } catch (e) {
      if (!(e instanceof OktaConfigurationError) || e.details.oktaErrorCode !== 'invalid_scope') throw e;
      const missing = await this.client.ungrantedScopes();
      if (missing.length === 0) throw e; // refused together, granted one by one: report Okta's own answer
      return { orgName, missingScopes: missing };
    }
  }

  // ---- helpers ----

  /**
   * Okta's group rules, from the store when its listing is younger than `maxAgeMs`, else read whole
   * from Okta and written back. Only the store is used, no copy in this object: the directory lives as
   * long as a warm instance and is shared by installations with the same connection, and the store is
   * per installation. A store that fails is skipped, never a reason to refuse or to trust a listing.
   */
  private async ruleListing(maxAgeMs: number): Promise<RuleListing> {
    const now = this.client.nowMs();
    if (maxAgeMs > 0 && this.ruleStore) {
      const stored = await this.ruleStore.read(this.client.origin).catch(() => undefined);
      const age = stored ? now - Date.parse(stored.fetchedAt) : NaN;
      if (stored && age >= 0 && age <= maxAgeMs) return stored;
    }
    const rules = await this.client.getAll(`/api/v1/groups/rules?limit=${RULES_PAGE}`, oktaGroupRule);
    const targets: Record<string, string[]> = {};
    for (const r of rules.items)
      for (const g of r.actions?.assignUserToGroups?.groupIds ?? []) (targets[g] ??= []).push(r.name ?? r.id);
    const listing = { fetchedAt: new Date(now).toISOString(), targets };
    await this.ruleStore?.write(this.client.origin, listing).catch(() => undefined);
    return listing;
  }

  private async findActiveUser(field: 'email' | 'login', value: string): Promise<UserLookup> {
    const search = `profile.${field} eq "${escapeSearchValue(value)}"`;
    const page = await this.client.getAll(
      `/api/v1/users?search=${encodeURIComponent(search)}&limit=${USERS_PAGE}`,
      oktaUser,
    );
    // Okta matches case-insensitively; keep only exact (case-insensitive) matches of the field.
    const matches = page.items.filter(
      (u) => (field === 'email' ? u.profile.email : u.profile.login)?.toLowerCase() === value.toLowerCase(),
    );
    const active = matches.filter((u) => u.status === 'ACTIVE');
    const label = field === 'email' ? `the email ${value}` : `the login ${value}`;
    if (active.length === 1) return { ok: true, user: toUser(active[0]) };
    if (active.length > 1) {
      return {
        ok: false,
        code: 'USER.AMBIGUOUS',
        message: `${active.length} active Okta users have ${label}. An Okta admin must make it unique, or a Jira admin must map this person to one Okta login explicitly.`,
      };
    }
    if (matches.length > 0) {
      const statuses = [...new Set(matches.map((u) => u.status))].join(', ');
      return {
        ok: false,
        code: 'USER.NOT_ACTIVE',
        message: `The Okta user with ${label} is not active (status ${statuses}). An Okta admin must activate the account first.`,
      };
    }
    return {
      ok: false,
      code: 'USER.NOT_FOUND',
      message: `No Okta user has ${label}. A Jira admin must map this person to their Okta login, or an Okta admin must correct the profile.`,
    };
  }

  private async orgName(): Promise<string> {
    try {
      const org = (await this.client.get('/api/v1/org', oktaOrgSettings)).body;
      const name = org.companyName?.trim() || org.subdomain?.trim();
      if (name) return name;
    } catch (e) {
      // Only API tokens get here (a service app does not ask for okta.orgs.read). The token's admin role
      // may not cover org settings (Okta answers 403): the name is only for display, so fall back to the host.
      if (!(e instanceof DirectoryError) || (e.details.status !== 403 && e.details.status !== 404)) throw e;
    }
    return this.hostLabel();
  }

  private hostLabel(): string {
    return new URL(this.client.origin).hostname.split('.')[0];
  }
}

const arrayOfUsers = oktaUser.array();
const arrayOfIdOnly = oktaIdOnly.array();
const arrayOfGroups = oktaGroup.array();

/** Escapes a value for a double-quoted SCIM-style search string. */
export function escapeSearchValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/** One URL path segment: ids come from storage or Okta, but never trust them to be URL-safe. */
function seg(id: string): string {
  return encodeURIComponent(id);
}

function toUser(u: OktaUser): DirectoryUser {
  return { id: u.id, login: u.profile.login, email: u.profile.email ?? '', status: u.status };
}

function toPerson(u: OktaUser): DirectoryPerson {
  const name = [u.profile.firstName, u.profile.lastName].filter((x) => x && x.trim()).join(' ');
  return {
    id: u.id,
    login: u.profile.login,
    email: u.profile.email ?? '',
    name: name || u.profile.login,
    status: u.status,
  };
}

function toGroup(g: OktaGroup): DirectoryGroup {
  const description = typeof g.profile.description === 'string' ? g.profile.description.trim() : '';
  return { id: g.id, name: g.profile.name, type: g.type, ...(description ? { description } : {}) };
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
