/**
 * In-memory implementations of the ports, for domain and use-case tests (no SDKs, no mocks).
 * They keep the contracts the real adapters keep: create-once, versioned updates, hash-chained audit.
 */
import { createHash } from 'node:crypto';
import type { AppDeps } from '../../src/app/deps';
import {
  DirectoryError, StaleGrantError,
  type AuditEntry, type AuditEntryInput, type AuditLog, type AuditQuery, type ConfigStore, type Directory,
  type DirectoryGroup, type DirectoryUser, type GrantStore, type HealthStore, type IssueSnapshot, type IssueTracker,
  type JiraUser, type Message, type Notifier, type OktaConnection, type OktaSecrets, type PermissionChecker,
  type RequestLedger, type WorkItem, type WorkQueue,
} from '../../src/app/ports';
import type { Grant, GrantStatus } from '../../src/domain/grant';
import { DEFAULT_POLICY, type GroupPolicy, type PolicySettings } from '../../src/domain/policy';

const clone = <T>(x: T): T => structuredClone(x);

export class FakeClock {
  constructor(private ms: number) {}
  now = () => new Date(this.ms).toISOString();
  advance(ms: number) { this.ms += ms; }
  set(iso: string) { this.ms = Date.parse(iso); }
}

export class MemoryGrantStore implements GrantStore {
  readonly rows = new Map<string, Grant>();
  constructor(private readonly audit?: AuditLog) {}
  async get(id: string) { const g = this.rows.get(id); return g && clone(g); }
  async create(g: Grant) { if (this.rows.has(g.id)) return 'exists' as const; this.rows.set(g.id, clone(g)); return 'created' as const; }
  async update(next: Grant, audit: AuditEntryInput[] = []) {
    const cur = this.rows.get(next.id);
    if (!cur || cur.version !== next.version - 1) throw new StaleGrantError(next.id);
    this.rows.set(next.id, clone(next));
    for (const e of audit) await this.audit!.append(e);
  }
  private all() { return [...this.rows.values()].map(clone); }
  async listByRequester(a: string) { return this.all().filter((g) => g.requesterAccountId === a); }
  async listHeldByRequesterAndGroup(a: string, gid: string) { return this.all().filter((g) => g.requesterAccountId === a && g.groupId === gid && ['GRANTING', 'ACTIVE', 'REVOKING', 'FAILED'].includes(g.status)); }
  async listByStatus(s: GrantStatus, before?: string) {
    return this.all().filter((g) => g.status === s && (!before || Date.parse(g.endsAt ?? g.requestedAt) <= Date.parse(before)))
      .sort((a, b) => Date.parse(a.endsAt ?? a.requestedAt) - Date.parse(b.endsAt ?? b.requestedAt));
  }
  async listByGroupAndStatus(gid: string, s: GrantStatus) { return this.all().filter((g) => g.groupId === gid && g.status === s); }
  async listRequestedBetween(from: string, to: string) { return this.all().filter((g) => g.requestedAt >= from && g.requestedAt <= to); }
}

export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  private static hash(prevHash: string, seq: number, e: AuditEntryInput) {
    const { at, action, actor, grantId, issueKey, requesterAccountId, groupId, detail, oktaRequestId } = e;
    return createHash('sha256').update(prevHash + JSON.stringify({ seq, at, action, actor, grantId, issueKey, requesterAccountId, groupId, detail, oktaRequestId })).digest('hex');
  }
  async append(e: AuditEntryInput) {
    const prevHash = this.entries.at(-1)?.hash ?? 'genesis';
    const seq = this.entries.length + 1;
    const entry = { ...e, seq, prevHash, hash: MemoryAuditLog.hash(prevHash, seq, e) };
    this.entries.push(entry);
    return entry;
  }
  async listByGrant(id: string) { return this.entries.filter((e) => e.grantId === id); }
  async query(q: AuditQuery) {
    return { entries: this.entries.filter((e) => (!q.groupId || e.groupId === q.groupId) && (!q.issueKey || e.issueKey === q.issueKey)
      && (!q.requesterAccountId || e.requesterAccountId === q.requesterAccountId) && (!q.from || e.at >= q.from) && (!q.to || e.at <= q.to)) };
  }
  async verify() {
    let prev = 'genesis';
    for (const [i, e] of this.entries.entries()) {
      if (e.seq !== i + 1 || e.prevHash !== prev || e.hash !== MemoryAuditLog.hash(prev, e.seq, e)) return { ok: false as const, brokenAt: i + 1 };
      prev = e.hash;
    }
    return { ok: true as const, count: this.entries.length };
  }
  actions(grantId?: string) { return this.entries.filter((e) => !grantId || e.grantId === grantId).map((e) => e.action); }
}

export class MemoryConfigStore implements ConfigStore {
  connection?: OktaConnection = { domain: 'atko.okta.com', auth: { method: 'api-token' } };
  secrets: OktaSecrets = { apiToken: 'test-token' };
  policy: PolicySettings = clone(DEFAULT_POLICY);
  allowlist: GroupPolicy[] = [];
  async getConnection() { return this.connection && clone(this.connection); }
  async saveConnection(c: OktaConnection) { this.connection = clone(c); }
  async getSecrets() { return clone(this.secrets); }
  async saveSecrets(s: OktaSecrets) { this.secrets = clone(s); }
  async getPolicy() { return clone(this.policy); }
  async savePolicy(p: PolicySettings) { this.policy = clone(p); }
  async getAllowlist() { return clone(this.allowlist); }
  async saveAllowlist(g: GroupPolicy[]) { this.allowlist = clone(g); }
}

export class MemoryHealthStore implements HealthStore {
  sweeps: Array<{ at: string; summary: Record<string, number> }> = [];
  errors: Array<{ at: string; message: string }> = [];
  unmanaged?: { at: string; byGroup: Record<string, string[]> };
  async recordSweep(at: string, summary: Record<string, number>) { this.sweeps.push({ at, summary }); }
  async lastSweep() { return this.sweeps.at(-1); }
  async recordOktaError(at: string, message: string) { this.errors.push({ at, message }); }
  async oktaErrorsSince(since: string) { return this.errors.filter((e) => e.at >= since); }
  async recordUnmanagedMembers(at: string, byGroup: Record<string, string[]>) { this.unmanaged = { at, byGroup: clone(byGroup) }; }
  async unmanagedMembers() { return this.unmanaged; }
}

export class MemoryLedger implements RequestLedger {
  readonly keys = new Set<string>();
  async claim(k: string) { if (this.keys.has(k)) return false; this.keys.add(k); return true; }
  async release(k: string) { this.keys.delete(k); }
}

/** A directory with programmable users, groups and failures; records every write. */
export class FakeDirectory implements Directory {
  users: Array<DirectoryUser> = [];
  groups = new Map<string, DirectoryGroup & { ruleTargeted?: boolean; adminRole?: boolean }>();
  memberships = new Set<string>();
  writes: Array<{ op: 'add' | 'remove'; userId: string; groupId: string; requestId: string }> = [];
  /** Errors thrown by the next calls of a method, in order. */
  failNext: Partial<Record<keyof Directory, DirectoryError[]>> = {};
  private seq = 0;
  private maybeFail(m: keyof Directory) { const e = this.failNext[m]?.shift(); if (e) throw e; }
  private find(pred: (u: DirectoryUser) => boolean) {
    const matches = this.users.filter(pred);
    const active = matches.filter((u) => u.status === 'ACTIVE');
    if (active.length === 1) return { ok: true as const, user: active[0] };
    if (active.length > 1) return { ok: false as const, code: 'USER.AMBIGUOUS' as const, message: 'ambiguous' };
    if (matches.length > 0) return { ok: false as const, code: 'USER.NOT_ACTIVE' as const, message: 'not active' };
    return { ok: false as const, code: 'USER.NOT_FOUND' as const, message: 'not found' };
  }
  async findActiveUserByEmail(email: string) { this.maybeFail('findActiveUserByEmail'); return this.find((u) => u.email.toLowerCase() === email.toLowerCase()); }
  async findActiveUserByLogin(login: string) { this.maybeFail('findActiveUserByLogin'); return this.find((u) => u.login === login); }
  async checkGroupEligible(id: string) {
    this.maybeFail('checkGroupEligible');
    const g = this.groups.get(id);
    if (!g) return { ok: false as const, code: 'GROUP.NOT_FOUND' as const, message: 'The group no longer exists in Okta.' };
    if (g.type !== 'OKTA_GROUP') return { ok: false as const, code: 'GROUP.NOT_OKTA_GROUP' as const, message: 'Not an Okta group.' };
    if (g.ruleTargeted) return { ok: false as const, code: 'GROUP.RULE_TARGETED' as const, message: 'A group rule manages this group.' };
    if (g.adminRole) return { ok: false as const, code: 'GROUP.HAS_ADMIN_ROLE' as const, message: 'This group holds an Okta admin role.' };
    return { ok: true as const, group: { id: g.id, name: g.name, type: g.type } };
  }
  async searchGroups(q: string) { return [...this.groups.values()].filter((g) => g.name.toLowerCase().startsWith(q.toLowerCase())); }
  async isMember(u: string, g: string) { this.maybeFail('isMember'); return this.memberships.has(`${u}|${g}`); }
  async listMemberIds(g: string) { this.maybeFail('listMemberIds'); return [...this.memberships].filter((m) => m.endsWith(`|${g}`)).map((m) => m.split('|')[0]); }
  async addMember(u: string, g: string) {
    this.maybeFail('addMember');
    const requestId = `req-${++this.seq}`;
    this.memberships.add(`${u}|${g}`); this.writes.push({ op: 'add', userId: u, groupId: g, requestId });
    return { requestId };
  }
  async removeMember(u: string, g: string) {
    this.maybeFail('removeMember');
    const requestId = `req-${++this.seq}`;
    const had = this.memberships.delete(`${u}|${g}`); this.writes.push({ op: 'remove', userId: u, groupId: g, requestId });
    return { requestId, outcome: had ? 'removed' as const : 'already-gone' as const };
  }
  async testConnection() { return { orgName: 'Atko', missingScopes: [] }; }
}

export class FakeJira implements IssueTracker, Notifier, PermissionChecker {
  issues = new Map<string, IssueSnapshot>();
  users = new Map<string, JiraUser & { admin?: boolean }>();
  comments: Array<{ issueKey: string; message: Message; text: string }> = [];
  notifications: Array<{ issueKey: string; to: string[]; subject: string }> = [];
  transitions: Array<{ issueKey: string; name: string }> = [];
  /** Issue key -> who moved it into the approval status, and when. */
  approvals = new Map<string, { accountId: string; at: string }>();
  availableTransitions = new Set<string>(['Done']);
  failComments = 0;
  async getIssue(k: string) { const i = this.issues.get(k); return i && clone(i); }
  async getUser(a: string) { const u = this.users.get(a); return u && clone(u); }
  async lastTransitionInto(k: string) { return this.approvals.get(k); }
  /** Moves the issue into `status` as `by`, at `at`. */
  moveTo(k: string, status: string, by: string, at: string) {
    this.issues.get(k)!.statusName = status;
    if (status === 'Approved') this.approvals.set(k, { accountId: by, at });
  }
  async comment(issueKey: string, message: Message) {
    if (this.failComments > 0) { this.failComments--; throw new Error('Jira is unavailable'); }
    this.comments.push({ issueKey, message, text: messageText(message) });
  }
  async transition(issueKey: string, name: string) {
    if (!this.availableTransitions.has(name)) return 'unavailable' as const;
    this.transitions.push({ issueKey, name }); return 'done' as const;
  }
  async notify(issueKey: string, to: string[], subject: string) { this.notifications.push({ issueKey, to, subject }); }
  async isJiraAdmin(a: string) { return !!this.users.get(a)?.admin; }
  commentsOn(k: string) { return this.comments.filter((c) => c.issueKey === k).map((c) => c.text); }
}

export function messageText(m: Message): string {
  const inline = (i: any) => ('mention' in i ? `@${i.mention}` : i.text);
  return m.blocks.map((b) => ('paragraph' in b ? b.paragraph.map(inline).join('')
    : [b.table.head.join(' | '), ...b.table.rows.map((r) => r.map((c) => c.map(inline).join('')).join(' | '))].join('\n'))).join('\n');
}

export class FakeQueue implements WorkQueue {
  items: Array<{ item: WorkItem; delaySeconds: number }> = [];
  async enqueue(items: WorkItem[], delaySeconds = 0) { for (const item of items) this.items.push({ item, delaySeconds }); }
  take() { const all = this.items; this.items = []; return all; }
}

export function makeDeps(start = '2026-11-22T09:00:00.000Z') {
  const clock = new FakeClock(Date.parse(start));
  const auditLog = new MemoryAuditLog();
  const directory = new FakeDirectory();
  const config = new MemoryConfigStore();
  const deps = {
    clock, grants: new MemoryGrantStore(auditLog), audit: auditLog, config, health: new MemoryHealthStore(),
    ledger: new MemoryLedger(), jira: new FakeJira(), directory, queue: new FakeQueue(),
  };
  const app: AppDeps = {
    clock, grants: deps.grants, audit: deps.audit, config, health: deps.health, ledger: deps.ledger,
    directory: async () => {
      if (!config.connection) throw new DirectoryError('configuration', 'Okta is not connected yet.');
      return directory;
    },
    directoryFor: () => directory,
    issues: deps.jira, notifier: deps.jira, permissions: deps.jira, queue: deps.queue,
  };
  return { ...deps, app };
}
