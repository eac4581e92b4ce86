/**
 * Ports the use cases need, shaped by the use cases (not by KVS, Okta or Jira). Adapters in
 * src/adapters implement them; tests exercise those adapters on the sandbox (no in-memory fakes).
 */
import type { ApproverFacts } from '../../domain/approval-policy';
import type { Grant, GrantStatus } from '../../domain/grant';
import type { GroupPolicy, PolicySettings } from '../../domain/policy';
import type { HistoryEntry } from '../../domain/request-integrity';
import type { Notice } from '../../domain/notice';
import type { Review } from '../../domain/break-glass-review';
import type {
  ConditionOnExistingObservation,
  ConditionOnMissingObservation,
  CreateOnlyObservation,
  SelfCheckRun,
} from '../../domain/self-check';

export interface Clock {
  /** ISO-8601 UTC instant. */
  now(): string;
}

/** Raised by GrantStore.update when someone else wrote the grant since it was read. */
export class StaleGrantError extends Error {
  readonly code = 'STORE.STALE_GRANT';
  constructor(readonly grantId: string) {
    super(`Grant ${grantId} changed since it was read`);
  }
}

/** A page of a bounded grant query, and where the next one starts (none: nothing more). */
export interface GrantPage {
  grants: Grant[];
  nextCursor?: string;
}

export interface GrantStore {
  get(id: string): Promise<Grant | undefined>;
  /** Creates only once: 'exists' when a grant with that id is already stored (duplicate event). */
  create(grant: Grant): Promise<'created' | 'exists'>;
  /**
   * Writes `next` only if the stored version is still `next.version - 1`; throws StaleGrantError
   * otherwise. Only src/app/grant-lifecycle calls it, with a step from src/domain/grant-transitions.
   * `audit` entries are appended to the audit trail in the same atomic write: a step and its record
   * exist together or not at all.
   */
  update(next: Grant, audit?: AuditEntryInput[]): Promise<void>;
  /**
   * Every grant of the requester, oldest request first. Its cost grows with the requester's whole
   * history: for tools (the demo) and tests, never for a request path (View access and the panel use
   * the two bounded reads below).
   */
  listByRequester(accountId: string): Promise<Grant[]>;
  /**
   * The requester's running grants (REQUESTED, GRANTING, ACTIVE, REVOKING), newest request first, at
   * most `limitPerStatus` of each status (`more` when a status had more). The cost follows the
   * requester's running grants, not their history.
   */
  listRunningByRequester(accountId: string, limitPerStatus: number): Promise<{ grants: Grant[]; more: boolean }>;
  /**
   * One page of the requester's grants (any status) requested at or after `since`, newest request
   * first: at most `limit` items read. `nextCursor` continues the same query; it may come back even
   * when the next page turns out empty.
   */
  pageByRequester(accountId: string, page: { since: string; limit: number; cursor?: string }): Promise<GrantPage>;
  /**
   * The requester's grants for a group that hold, are taking or giving up, or may still hold the
   * membership (GRANTING, ACTIVE, REVOKING, FAILED), each read fresh (strongly consistent). The cost
   * follows how many grants of the group are open, not the requester's history.
   */
  listHeldByRequesterAndGroup(accountId: string, groupId: string): Promise<Grant[]>;
  /** Grants in `status`, optionally only those whose endsAt <= `endsAtOrBefore`, oldest end first. */
  listByStatus(status: GrantStatus, endsAtOrBefore?: string): Promise<Grant[]>;
  /**
   * At most `limit` grants in `status`, oldest end first (for REQUESTED: oldest request first, the
   * request time standing in for the end); `more` when there were more. One bounded read.
   */
  pageByStatus(status: GrantStatus, limit: number): Promise<{ grants: Grant[]; more: boolean }>;
  /**
   * One page of `status`, oldest end first, continuing from `cursor` (a cursor this method returned,
   * possibly in an earlier invocation). A cursor KVS no longer accepts is StaleCursorError.
   */
  pageByStatusFrom(status: GrantStatus, limit: number, cursor?: string): Promise<GrantPage>;
  /**
   * At most `limit` requests waiting for their planned start (ADR 0025) whose start is at or before
   * `startsAtOrBefore`, earliest start first; `more` when there were more. One bounded read of what is due.
   */
  pageScheduledStarts(startsAtOrBefore: string, limit: number): Promise<{ grants: Grant[]; more: boolean }>;
  listByGroupAndStatus(groupId: string, status: GrantStatus): Promise<Grant[]>;
  listRequestedBetween(fromIso: string, toIso: string): Promise<Grant[]>;
  /**
   * At most `limit` grants requested between `fromIso` and `toIso` (both included), newest request
   * first; `more` when there were more. Reads ceil(limit / 100) pages at most.
   */
  pageRequestedBetween(fromIso: string, toIso: string, limit: number): Promise<{ grants: Grant[]; more: boolean }>;
}

/** One list of audit actions, in src/shared because both UIs label them (AUDIT_ACTIONS, AUDIT_ACTION_LABELS). */
export type AuditAction = import('../../shared/vocabulary').AuditAction;

export interface AuditEntryInput {
  at: string;
  action: AuditAction;
  /** Jira account id of the person, or 'app' for the app's own scheduled work. */
  actor: string;
  grantId?: string;
  issueKey?: string;
  requesterAccountId?: string;
  groupId?: string;
  detail: string;
  oktaRequestId?: string;
}

/**
 * An entry as read back. Writers store it pending (no number yet); the sequencer links it into the
 * hash chain later (ADR 0019). A pending entry reads as `pending: true` with seq 0 and empty hashes.
 */
export interface AuditEntry extends AuditEntryInput {
  seq: number;
  prevHash: string;
  hash: string;
  pending?: true;
}

export type AuditVerifyResult =
  /** `more`: the call stopped at its budget with `count` of `head` entries verified (checkpoint stored). */
  { ok: true; count: number; more?: { head: number } } | { ok: false; brokenAt: number };

export interface AuditQuery {
  from?: string;
  to?: string;
  requesterAccountId?: string;
  groupId?: string;
  issueKey?: string;
  limit?: number;
  cursor?: string;
}

/**
 * A paging cursor the store no longer accepts: it came back from a browser, which may keep it for
 * long, alter it or invent it (Forge documents cursors as not stable). Caller: start the list again
 * from its first page and say so; never fail the request for it.
 */
export class StaleCursorError extends Error {
  readonly code = 'STORE.STALE_CURSOR';
  constructor(options?: { cause?: unknown }) {
    super('The paging cursor is no longer valid.', options);
    this.name = 'StaleCursorError';
  }
}

export interface AuditLog {
  /** Append-only: written pending without contention, hash-chained later by the sequencer. */
  append(entry: AuditEntryInput): Promise<AuditEntry>;
  listByGrant(grantId: string): Promise<AuditEntry[]>;
  query(q: AuditQuery): Promise<{ entries: AuditEntry[]; cursor?: string }>;
  /**
   * Recomputes the chain from the stored checkpoint (or from entry 1 with `restart`), a bounded number
   * of entries per call; returns the first broken seq, if any.
   */
  verify(opts?: { restart?: boolean }): Promise<AuditVerifyResult>;
  /** The sequencer: links pending entries into the chain in order. Run only as its queue work (limit 1). */
  sequence(): Promise<{ linked: number; transactions: number }>;
  /** Asks for a sequencer run; `force` skips the "already scheduled" marker (the sweep's backstop). */
  requestSequencing(opts?: { force?: boolean }): Promise<void>;
}

export type OktaAuth = { method: 'api-token' } | { method: 'oauth'; clientId: string; keyId?: string };

export interface OktaConnection {
  domain: string;
  auth: OktaAuth;
}

/** Okta credentials, kept in secret storage; write-only from the UI. */
export interface OktaSecrets {
  apiToken?: string;
  privateKeyPem?: string;
  /**
   * The org (and service app) these credentials were entered for (`credentialTarget`). Secrets and
   * connection are two writes; binding them means a half-saved form can never send one org's
   * credentials to another.
   */
  boundTo?: string;
}

export interface ConfigStore {
  getConnection(): Promise<OktaConnection | undefined>;
  saveConnection(c: OktaConnection): Promise<void>;
  getSecrets(): Promise<OktaSecrets>;
  saveSecrets(s: OktaSecrets): Promise<void>;
  getPolicy(): Promise<PolicySettings>;
  savePolicy(p: PolicySettings): Promise<void>;
  getAllowlist(): Promise<GroupPolicy[]>;
  saveAllowlist(groups: GroupPolicy[]): Promise<void>;
}

/** Health of the scheduled work, for the admin page. */
export interface HealthStore {
  recordSweep(at: string, summary: Record<string, number>): Promise<void>;
  lastSweep(): Promise<{ at: string; summary: Record<string, number> } | undefined>;
  recordOktaError(at: string, message: string): Promise<void>;
  oktaErrorsSince(sinceIso: string): Promise<Array<{ at: string; message: string }>>;
  /** Members found in managed groups without a grant (drift), as of the last reconcile. */
  recordUnmanagedMembers(at: string, byGroup: Record<string, string[]>): Promise<void>;
  unmanagedMembers(): Promise<{ at: string; byGroup: Record<string, string[]> } | undefined>;
  /** The last hourly intake catch-up: what it found, recorded and could not do. */
  recordCatchUp(run: CatchUpRun): Promise<void>;
  lastCatchUp(): Promise<CatchUpRun | undefined>;
  /** The dashboard's counts as of the last hourly run (ADR 0022); a later one replaces it. */
  recordDashboardSummary(summary: DashboardSummary): Promise<void>;
  dashboardSummary(): Promise<DashboardSummary | undefined>;
  /** Okta rejects the app's credentials: the breaker for the whole installation, if open. */
  oktaBreaker(): Promise<OktaBreaker | undefined>;
  /** Opens it; false when it was open already (the first opening is kept). */
  openOktaBreaker(breaker: OktaBreaker): Promise<boolean>;
  /** Closes it; false when it was not open. */
  closeOktaBreaker(): Promise<boolean>;
  /** The last test of the saved Okta connection (on save, Test connection of the saved settings). */
  recordConnectionCheck(check: ConnectionCheck): Promise<void>;
  lastConnectionCheck(): Promise<ConnectionCheck | undefined>;
  /** The last self-check run (ADR 0014); a later run replaces it. */
  recordSelfCheck(run: SelfCheckRun): Promise<void>;
  lastSelfCheck(): Promise<SelfCheckRun | undefined>;
  /** The self-check's delayed queue event arrived (first arrival kept: delivery is at least once). */
  recordQueueArrival(runId: string, at: string): Promise<void>;
  queueArrival(runId: string): Promise<string | undefined>;
  /** What an admin acknowledged on the dashboard's health cards (ADR 0017); a later one replaces it. */
  recordAlertAck(ack: AlertAck): Promise<void>;
  alertAcks(): Promise<AlertAcks>;
}

/** The dashboard alerts an admin may acknowledge once their cause is resolved (ADR 0017). */
export type AcknowledgeableAlert = 'okta-errors' | 'drift';

/**
 * One acknowledgement: who, when, and what it covers. Okta errors: those recorded at or before `upTo`
 * (a connection check that passed). Drift: the members of `byGroup`, as the reconcile of `upTo` found them.
 */
export type AlertAck =
  | { alert: 'okta-errors'; by: string; at: string; upTo: string; count: number }
  | { alert: 'drift'; by: string; at: string; upTo: string; count: number; byGroup: Record<string, string[]> };

export type AlertAcks = {
  'okta-errors'?: Extract<AlertAck, { alert: 'okta-errors' }>;
  drift?: Extract<AlertAck, { alert: 'drift' }>;
};

/** One test of the saved credentials: the org that answered, or what is wrong (for a person). */
export interface ConnectionCheck {
  at: string;
  ok: boolean;
  orgName?: string;
  problem?: string;
  /** Okta's technical side of `problem` (status, error code, request id), for the admin's Details. */
  problemDetails?: string;
}

/**
 * One run of the hourly intake catch-up (access-request issues the trigger never answered). `found`:
 * issues not answered yet; `recorded`: those it answered now; `failed`: those it could not (the next
 * run tries again); `more`: it stopped at its bound and left the rest to the next run; `problem`: what
 * went wrong, for an admin (the search failing, or the first failure of an issue).
 */
/**
 * What the dashboard cannot read on every render without reading every grant (ADR 0022): counted by
 * the hourly run and read as one record, shown with its time.
 */
export interface DashboardSummary {
  asOf: string;
  /** Grants per status the dashboard lists (and REQUESTED), as of `asOf`. */
  byStatus: Partial<Record<GrantStatus, number>>;
  overdueRevocations: number;
  /** Requests per UTC day (YYYY-MM-DD) and group id requested at or before `asOf`; denied ones left out. */
  requestsByDay: Record<string, Record<string, number>>;
  /**
   * Per requester and group, their newest request of the chart window when it was DENIED with a
   * reason code (newest first, bounded): what the denied list is built from, with the requests since.
   */
  denied: DeniedRequestRecord[];
}

/** Denied requests the summary keeps (newest first): a bound on the record's size. */
export const SUMMARY_DENIED_KEPT = 100;

export type DeniedRequestRecord = Pick<
  Grant,
  'id' | 'issueKey' | 'requesterAccountId' | 'groupId' | 'status' | 'requestedAt' | 'updatedAt'
> &
  Partial<Pick<Grant, 'endedAt' | 'reason' | 'reasonCode'>>;

export interface CatchUpRun {
  at: string;
  examined: number;
  found: number;
  recorded: number;
  failed: number;
  more: boolean;
  problem?: string;
}

/** While open, Okta is called only by one probe per interval; everything else waits. */
export interface OktaBreaker {
  openedAt: string;
  message: string;
  /** Okta's request id of the rejected call, when Okta gave one. */
  requestId?: string;
}

// ---- Okta ----

export interface DirectoryUser {
  id: string;
  login: string;
  email: string;
  status: string;
}
/** An Okta user as the admin page shows it (any status): who they are and whether they can be granted. */
export interface DirectoryPerson {
  id: string;
  login: string;
  email: string;
  /** First and last name, or the login when the profile has neither. */
  name: string;
  /** Okta's status: ACTIVE, STAGED, PROVISIONED, SUSPENDED, DEPROVISIONED, ... */
  status: string;
}
export interface DirectoryGroup {
  id: string;
  name: string;
  type: string;
  /** The group's description in Okta, when it has one. */
  description?: string;
}

export type GroupEligibility =
  | { ok: true; group: DirectoryGroup }
  | {
      ok: false;
      code: 'GROUP.NOT_FOUND' | 'GROUP.NOT_OKTA_GROUP' | 'GROUP.RULE_TARGETED' | 'GROUP.HAS_ADMIN_ROLE';
      message: string;
      /**
       * What the refusal rests on, for a caller that words it for another reader (the admin page):
       * the group's Okta type, the names of the rules that target it, the admin roles it holds.
       */
      found?: { type?: string; rules?: string[]; roles?: string[] };
    };

export type UserLookup =
  | { ok: true; user: DirectoryUser }
  | { ok: false; code: 'USER.NOT_FOUND' | 'USER.AMBIGUOUS' | 'USER.NOT_ACTIVE'; message: string };

/** What an Okta write left behind for the audit trail. */
export interface DirectoryWrite {
  requestId?: string;
}

export type DirectoryErrorKind = 'transient' | 'not-found' | 'permanent' | 'configuration';

/**
 * transient: retry later (after retryAfterMs when Okta said so); not-found: the thing is gone;
 * permanent: Okta refused and will refuse again (an admin must act); configuration: the connection
 * itself is missing or broken (an admin must fix the Okta settings).
 */
export class DirectoryError extends Error {
  constructor(
    readonly kind: DirectoryErrorKind,
    message: string,
    readonly details: {
      status?: number;
      oktaErrorCode?: string;
      retryAfterMs?: number;
      /**
       * Set when nothing was sent: the client held the call back to stay within Okta's rate limit and
       * gave it a slot `retryAfterMs` ahead; the retry is spread over `spreadMs` after that (not a failure).
       */
      paced?: { spreadMs: number };
      requestId?: string;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DirectoryError';
  }
}

export type IssueTrackerErrorKind = 'transient' | 'not-found' | 'permanent';

export interface IssueTrackerErrorDetails {
  status?: number;
  /** How long the issue tracker asked us to wait (Retry-After), when it said so. */
  retryAfterMs?: number;
}

/**
 * What an `IssueTracker` (or `Notifier`, `PermissionChecker`) call throws when the issue tracker fails.
 * transient: nothing is wrong with the request; retry later (after `retryAfterMs` when given), e.g.
 * rate limiting, an outage, a network failure; not-found: the issue or user is gone or not visible to
 * the app; stop working on it; permanent: the tracker refused and will refuse again (e.g. missing
 * permission): do not retry, record the failure so an admin can act.
 */
export class IssueTrackerError extends Error {
  constructor(
    readonly kind: IssueTrackerErrorKind,
    message: string,
    readonly details: IssueTrackerErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IssueTrackerError';
  }
}

/** What the allowlist preflight proved on a group, and what it could not prove without a real write. */
export interface GroupPreflightReport {
  proven: string[];
  notProven: string[];
}

export interface Directory {
  findActiveUserByEmail(email: string): Promise<UserLookup>;
  findActiveUserByLogin(login: string): Promise<UserLookup>;
  /**
   * Okta users (any status, deactivated ones included) whose login, email, first or last name starts
   * with `prefix`: one bounded read of at most `limit` users, for the admin page's Okta user picker.
   */
  searchUsers(prefix: string, limit: number): Promise<DirectoryPerson[]>;
  /**
   * The Okta users (any status) with exactly these logins, read in bounded batches; a login no user
   * has is simply absent from the answer.
   */
  findUsersByLogins(logins: readonly string[]): Promise<DirectoryPerson[]>;
  /**
   * Type, group rules and admin roles, as Okta answers now. `rulesMaxAgeMs` lets the rule check use
   * a listing of Okta's group rules read at most that long ago (default 0: read live); the group's type
   * and roles are always read live.
   */
  checkGroupEligible(groupId: string, options?: { rulesMaxAgeMs?: number }): Promise<GroupEligibility>;
  /**
   * The same check for groups just read (from `searchGroups`), in the same order: their type as read,
   * one rule listing for all (at most `rulesMaxAgeMs` old), and each plain group's roles read live.
   * No group is read again, so a search result costs one roles read at most.
   */
  checkGroupsEligible(
    groups: readonly DirectoryGroup[],
    options?: { rulesMaxAgeMs?: number },
  ): Promise<GroupEligibility[]>;
  searchGroups(query: string): Promise<DirectoryGroup[]>;
  isMember(userId: string, groupId: string): Promise<boolean>;
  listMemberIds(groupId: string): Promise<string[]>;
  addMember(userId: string, groupId: string): Promise<DirectoryWrite>;
  /** 'already-gone' when Okta had no such membership (confirmed by a read). */
  removeMember(userId: string, groupId: string): Promise<DirectoryWrite & { outcome: 'removed' | 'already-gone' }>;
  testConnection(): Promise<{ orgName: string; missingScopes: string[] }>;
  /**
   * The allowlist preflight (docs/adr/0008-okta-scopes-and-role.md): proves, on one group, every
   * operation the app will need on it. Throws a `DirectoryError` (403) naming what Okta refused.
   */
  preflightGroup(groupId: string): Promise<GroupPreflightReport>;
}

// ---- Jira ----

export interface IssueSnapshot {
  id: string;
  key: string;
  projectKey: string;
  reporterAccountId?: string;
  /** The assignee, read only when asked for (`getIssue` `withAssignee`, ADR 0026). */
  assigneeAccountId?: string;
  statusName: string;
  /** When the issue was created in Jira (the request's true time; events may arrive late). */
  createdAt?: string;
  accessType?: unknown;
  adminGroup?: unknown;
  /** Value of the admin-named duration field (e.g. Change type = Emergency). */
  changeType?: string;
  requestedEnd?: string;
  /** The change window's fields, when the policy names them (ADR 0025). */
  plannedStart?: string;
  plannedEnd?: string;
}

/**
 * Which fields make a request on this site: the duration field by name, and the change window's
 * date-time fields by id when the policy names them (ADR 0025). A bare name: no change window.
 */
export type RequestFieldNames =
  string | { durationFieldName: string; plannedStartFieldId?: string; plannedEndFieldId?: string };

export interface JiraUser {
  accountId: string;
  displayName: string;
  /** Absent when the user's profile visibility hides it. */
  email?: string;
  timeZone: string;
}

/** A comment, kept free of ADF so use cases stay readable; the Jira adapter renders it. */
export type MessageInline = { text: string; strong?: boolean } | { mention: string } | { link: string; text: string };
export type MessageBlock = { paragraph: MessageInline[] } | { table: { head: string[]; rows: MessageInline[][][] } };
export interface Message {
  blocks: MessageBlock[];
}

/** Failures are thrown as `IssueTrackerError` (transient / not-found / permanent). */
export interface IssueTracker {
  /** `withAssignee`: also read the assignee (an Automation rule's request for them, ADR 0026). */
  getIssue(
    issueKeyOrId: string,
    fields: RequestFieldNames,
    opts?: { withAssignee?: boolean },
  ): Promise<IssueSnapshot | undefined>;
  getUser(accountId: string): Promise<JiraUser | undefined>;
  /** Who last moved the issue into `statusName` and when, from the changelog (undefined if never). */
  lastTransitionInto(issueKey: string, statusName: string): Promise<{ accountId: string; at: string } | undefined>;
  /**
   * The issue's history, oldest first, reduced to moves between statuses and changes of request fields
   * (reporter, Access type, Admin group, the duration field named, Requested end), each with its author.
   */
  history(issueKey: string, fields: RequestFieldNames): Promise<HistoryEntry[]>;
  /**
   * This site's ids of the request fields (Access type, Admin group, the duration field named, Requested
   * end; those that exist): a changelog item with one of them as its `fieldId` edits the request.
   */
  requestFieldIds(fields: RequestFieldNames): Promise<string[]>;
  /**
   * Access-request issues (Access type set) created or updated within the last `withinHours`, oldest
   * created first, one page of at most `limit` at a time; `cursor` continues where the last page ended
   * (none: that was the last). Each snapshot holds what `getIssue` reads. A search Jira refuses is a
   * `permanent` IssueTrackerError, as is a site where the app's Access type field cannot be found.
   */
  searchRequestIssues(q: {
    withinHours: number;
    durationFieldName: string;
    limit: number;
    cursor?: string;
  }): Promise<{ issues: IssueSnapshot[]; nextCursor?: string }>;
  /**
   * Adds a comment. 'issue-gone' when the issue was deleted or hidden from the app (there is nobody
   * left to tell there); other refusals throw.
   */
  comment(issueKey: string, message: Message): Promise<'posted' | 'issue-gone'>;
  /**
   * Whether one of the issue's newest comments (at most `within`) says exactly this: how a notice whose
   * delivery crashed mid-way learns that its comment landed before posting it again.
   */
  hasRecentComment(issueKey: string, message: Message, within: number): Promise<boolean>;
  /**
   * Sets (creates or replaces) one of the issue's entity properties, as the app: writing the same
   * value again changes nothing. 'issue-gone' when the issue was deleted or is not visible to the app.
   */
  setIssueProperty(issueKeyOrId: string, propertyKey: string, value: unknown): Promise<'set' | 'issue-gone'>;
  /**
   * Request issues whose indexed access property says one of `statuses` (at most `limit`), each with
   * the property as Jira holds it and the grant it names. Jira's index is eventually consistent.
   */
  searchAccessProperties(
    statuses: readonly string[],
    limit: number,
  ): Promise<Array<{ issueId: string; grantId?: string; property: unknown }>>;
  /** 'unavailable' when no transition with that name is possible from the current status. */
  transition(issueKey: string, transitionName: string): Promise<'done' | 'unavailable'>;
}

export interface Notifier {
  notify(issueKey: string, toAccountIds: string[], subject: string, message: Message): Promise<void>;
}

export interface PermissionChecker {
  /** Jira administrator (ADMINISTER), checked as that user. */
  isJiraAdmin(accountId: string): Promise<boolean>;
  /**
   * May this user transition the issue (TRANSITION_ISSUES on it), checked as that user: the weakest
   * approver policy ("anyone who can transition the issue") asks it of a panel approver. False when
   * the account is not the caller, or outside a user context (fails closed, like isJiraAdmin).
   */
  mayTransitionIssue(accountId: string, issueKey: string): Promise<boolean>;
}

/**
 * What Jira knows about people, groups and project roles, read as the app: approver policy names
 * Jira groups, project roles and people, and the admin page picks them. Failures are thrown as
 * `IssueTrackerError`.
 */
export interface ApproverDirectory {
  /**
   * The account's Jira group names, and which of `roleNames` it holds in the project (as a user
   * actor or through a group actor). Roles not defined in the project are simply not held.
   */
  factsFor(accountId: string, projectKey: string, roleNames: readonly string[]): Promise<ApproverFacts>;
  /** Active Atlassian accounts whose name or email matches (at most 20). */
  searchPeople(query: string): Promise<Array<{ accountId: string; displayName: string }>>;
  /** Jira groups whose name matches (at most 20). */
  searchGroups(query: string): Promise<Array<{ name: string; groupId: string }>>;
  /** The project roles defined on the site. */
  listRoles(): Promise<Array<{ name: string; id: string }>>;
}

/** A field of the site, as the admin page's pickers see it. */
export interface CatalogField {
  id: string;
  name: string;
  custom: boolean;
  /** A single-choice select list (schema type `option`): one value per issue, from a list of options. */
  select: boolean;
  /** A date-time field (schema type `datetime`): what a change window's planned start/end may be (ADR 0025). */
  dateTime?: boolean;
}

export interface CatalogProject {
  id: string;
  key: string;
  name: string;
  /** The project's issue type ids, when asked for. */
  issueTypeIds?: string[];
  /** The same issue types with their names (the break-glass review's issue type picker). */
  issueTypes?: Array<{ id: string; name: string }>;
}

/**
 * What Jira lists, or why it does not: `not-found` (no such field or project) or `not-allowed` (Jira does
 * not let the app read it, e.g. workflows or field options without the Administer Jira permission).
 */
export type Listing<T> = { listed: true; items: T[] } | { listed: false; reason: 'not-found' | 'not-allowed' };

/**
 * The parts of Jira's configuration the admin page picks from and checks settings against, read as
 * the app: fields and their options, projects, statuses and workflow transitions. Failures are thrown
 * as `IssueTrackerError`.
 */
export interface JiraCatalog {
  fields(): Promise<CatalogField[]>;
  /** A custom field's options over all its contexts (one per value, disabled ones marked). */
  fieldOptions(fieldId: string): Promise<Listing<{ id: string; value: string; disabled: boolean }>>;
  /**
   * Projects by key, at most `limit`: those whose key or name contains `query`, or those with one of
   * `keys` (the ones that exist), or all; `more` when Jira has more than were read.
   */
  projects(q: {
    query?: string;
    keys?: readonly string[];
    limit: number;
    withIssueTypes?: boolean;
  }): Promise<{ projects: CatalogProject[]; more: boolean }>;
  /** The status names of the project's workflows (every issue type). */
  projectStatuses(projectKey: string): Promise<Listing<string>>;
  /** Every status of the site's active workflows. */
  allStatuses(): Promise<string[]>;
  /** The transition names of the workflows these projects and issue types use. */
  workflowTransitions(pairs: ReadonlyArray<{ projectId: string; issueTypeId: string }>): Promise<Listing<string>>;
}

/**
 * Once-only markers for work that has no grant to hang on (a View or Extend request, a refusal
 * comment): `claim` succeeds for exactly one caller per key.
 */
export interface RequestLedger {
  claim(key: string): Promise<boolean>;
  /** First writer wins: stores `value` under `key` unless a value is there already; returns the one kept. */
  remember(key: string, value: string): Promise<string>;
  release(key: string): Promise<void>;
  /** Whether `key` is claimed (or holds a remembered value): a read, never a claim. */
  isClaimed(key: string): Promise<boolean>;
  /** The value remembered under `key`, if any: a read, never a write. */
  recall(key: string): Promise<string | undefined>;
}

/** A notice the app owes on an issue (ADR 0020). */
export type OwedNotice = Notice<Message>;

/**
 * The notice outbox: every comment and email the app owes is recorded here before it is sent, and
 * delivered from here until Jira takes it or refuses it for good.
 */
export interface NoticeOutbox {
  /** Records a new notice; 'exists' when one with its key was recorded before (it is the same notice). */
  create(notice: OwedNotice): Promise<'created' | 'exists'>;
  /** Strongly consistent. */
  get(key: string): Promise<OwedNotice | undefined>;
  /** Compare-and-set on `version - 1`; StaleNoticeError when another attempt changed it first. */
  update(next: OwedNotice): Promise<void>;
  /** PENDING notices whose next attempt was due at or before `dueBy`, oldest first (eventually consistent). */
  listDue(dueBy: string, limit: number): Promise<OwedNotice[]>;
  /** The newest UNDELIVERABLE notices, for the dashboard, and whether there are more. */
  listUndeliverable(limit: number): Promise<{ notices: OwedNotice[]; more: boolean }>;
}

export class StaleNoticeError extends Error {
  constructor(readonly key: string) {
    super(`Notice ${key} was changed by another attempt`);
    this.name = 'StaleNoticeError';
  }
}

// ---- async work ----

/**
 * Work for the queue consumer. `grant`: carry a REQUESTED/GRANTING grant to ACTIVE. `revoke`: carry a
 * REVOKING grant to its end. `expire`: end an ACTIVE grant if it is due (sent with a delay that lands
 * at its end time; a grant extended meanwhile is left alone).
 */
export type WorkItem =
  | { kind: 'grant'; grantId: string }
  | { kind: 'revoke'; grantId: string }
  | { kind: 'expire'; grantId: string }
  /**
   * Several due expiries of one Okta lane in one event, ended one by one (ADR 0031): Forge takes 500
   * events a minute per installation, so one event per expiry made a mass expiry wait for the queue.
   */
  | { kind: 'expire-many'; grantIds: string[] }
  /** Deliver the notice recorded under `key` (ADR 0020). */
  | { kind: 'notice'; key: string }
  /**
   * Remind the requester that the grant ends at `endsAt` (ADR 0023): the sweep finds it due, the worker
   * re-reads the grant and sends it; a grant extended or ended since is left alone.
   */
  | { kind: 'remind'; grantId: string; endsAt: string }
  /** The sweep carries on with the next minute's push budget (ADR 0023). */
  | { kind: 'sweep' }
  /** The self-check's delayed event (ADR 0014): its arrival is recorded, nothing else happens. */
  | { kind: 'queue-probe'; runId: string }
  /** Open the emergency grant's review issue, or move its due date to the grant's end (ADR 0027). */
  | { kind: 'review'; grantId: string };

export interface WorkQueue {
  enqueue(items: WorkItem[], delaySeconds?: number): Promise<void>;
  /** Each item with its own delay (0-900 s), pushed in as few pushes as Forge allows (50 a push). */
  enqueueEach(entries: ReadonlyArray<{ item: WorkItem; delaySeconds?: number }>): Promise<void>;
}

/**
 * Forge refuses queue pushes beyond 500 events per minute per installation (ADR 0023). The sweep's
 * fan-out takes its events from this shared budget first, so overlapping sweeps (and the sweep's own
 * continuation) together stay under the limit, with headroom for the pushes other work makes.
 */
export interface PushBudget {
  /** Grants up to `wanted` events to push now (0 when this minute's budget is spent). */
  take(wanted: number): Promise<number>;
}

/** Small values the sweep keeps between runs (where its bounded backstop reads continue). */
export interface SweepState {
  get(name: string): Promise<string | undefined>;
  /** `undefined` clears it. Last writer wins: overlapping runs at worst re-read a page. */
  set(name: string, value: string | undefined): Promise<void>;
}

// ---- the installation self-check (ADR 0014) ----

/**
 * Exercises, on the real KVS and through the app's own storage code, the semantics the app rests on.
 * Each call works in its own key space (`space`, one per run) and reports what KVS answered; it never
 * throws for an answer, only the observation says what happened. `cleanUp` removes the space.
 */
export interface StorageProbe {
  createOnly(space: string): Promise<CreateOnlyObservation>;
  conditionOnExisting(space: string): Promise<ConditionOnExistingObservation>;
  conditionOnMissing(space: string): Promise<ConditionOnMissingObservation>;
  cleanUp(space: string): Promise<void>;
}

/** What Jira answered one route the app uses, called once harmlessly as the app. */
export interface RouteAnswer {
  /** `GET /rest/api/3/field`, with placeholders as the app sends them. */
  route: string;
  /** What the app uses it for. */
  purpose: string;
  /** HTTP status; undefined when Jira could not be reached. */
  status?: number;
  /** Why there is no status (network, proxy). */
  problem?: string;
  /**
   * Set when the app copes with a 403 here (it needs a Jira permission the app's user may lack, and
   * the app falls back): what the fallback is. A 401 (a missing scope) still fails.
   */
  without403?: string;
}

export interface JiraProbe {
  /** The ids Jira lists for the app's own fields and the admin-named ones, read fresh (no cache). */
  discoverFields(
    durationFieldName: string,
  ): Promise<{ accessType?: string; adminGroup?: string; duration?: string; requestedEnd?: string }>;
  /** Every Jira route the app calls, each once, in a form that changes nothing. */
  probeRoutes(): Promise<RouteAnswer[]>;
}

// ---- break-glass review (ADR 0027) ----

/** Raised by ReviewStore.update when another attempt wrote the review since it was read. */
export class StaleReviewError extends Error {
  constructor(readonly grantId: string) {
    super(`Review of ${grantId} was changed by another attempt`);
    this.name = 'StaleReviewError';
  }
}

/** The reviews emergency grants owe, recorded before Jira is asked for anything. */
export interface ReviewStore {
  /** Create-only under the grant id: 'exists' when the review was owed before (it is the same review). */
  create(review: Review): Promise<'created' | 'exists'>;
  /** Strongly consistent. */
  get(grantId: string): Promise<Review | undefined>;
  /** Compare-and-set on `version - 1`; StaleReviewError when another attempt changed it first. */
  update(next: Review): Promise<void>;
  /** The review whose Jira issue has this key (an index read: eventually consistent; re-`get` before acting). */
  findByIssue(issueKey: string): Promise<Review | undefined>;
  /** OPENING reviews whose next attempt was due at or before `dueBy`, oldest first (the sweep's backstop). */
  listOpeningDue(dueBy: string, limit: number): Promise<Review[]>;
  /** Unresolved reviews in Jira, soonest due first, and whether there are more (one bounded read). */
  listOpen(limit: number): Promise<{ reviews: Review[]; more: boolean }>;
  /** Reviews Jira has not taken yet, next attempt first, and whether there are more (one bounded read). */
  listOpening(limit: number): Promise<{ reviews: Review[]; more: boolean }>;
}

/** What the app files in Jira for a review. Failures are thrown as `IssueTrackerError`. */
export interface ReviewIssueInput {
  projectKey: string;
  issueTypeId: string;
  summary: string;
  description: Message;
  /** YYYY-MM-DD. */
  dueDate: string;
  /** Unset: the project's default assignee. */
  assigneeAccountId?: string;
  label: string;
}

export interface ReviewTracker {
  /** The request issue's summary (why access was needed), or undefined when the issue is gone. */
  summaryOf(issueKey: string): Promise<string | undefined>;
  /** Creates the issue; answers its key. */
  createIssue(input: ReviewIssueInput): Promise<string>;
  /** The key of an issue carrying `label`, if Jira has one (how a crashed attempt's issue is found again). */
  findByLabel(label: string): Promise<string | undefined>;
  /** Links the review to the request issue ("Relates"). Linking twice is harmless: Jira keeps one link. */
  link(reviewIssueKey: string, requestIssueKey: string): Promise<void>;
  /** Moves the due date. 'issue-gone' when the issue was deleted or hidden from the app. */
  setDueDate(issueKey: string, dueDate: string): Promise<'set' | 'issue-gone'>;
  /**
   * Moves the issue back to a status outside the done category, through one of its available
   * transitions: 'done', 'not-done-already' (it is open), or 'unavailable' (no such transition).
   */
  reopen(issueKey: string): Promise<'done' | 'not-done-already' | 'unavailable'>;
}
