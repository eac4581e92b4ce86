/**
 * An in-process stand-in for one Jira Cloud site, as the app sees it through @forge/api.
 *
 * How calls reach it: `asApp().requestJira(route`...`)` and `asUser(...).requestJira(...)` in
 * @forge/api 8.3 (out/api/fetch.js, `__fetchProduct`) call
 *   global.__forge_fetch__({ type: 'fpp', provider: 'app' | 'user', remote: 'jira', accountId }, path, init)
 * - `asApp()`            → provider 'app', no accountId.
 * - `asUser()`           → provider 'user', accountId undefined: the platform acts as the invocation's
 *                          principal (the user who opened the UI / called the resolver). Nothing in
 *                          `__forge_runtime__` carries that accountId (appContext has none); the
 *                          platform knows it from the invocation token.
 * - `asUser(accountId)`  → provider 'user', `target.accountId = accountId` ("user impersonation",
 *                          @forge/api 5.3.0). On the platform this needs impersonation rights for the
 *                          scope (`permissions.scopes[].allowImpersonation`, which @forge/manifest 13.7
 *                          still describes as "not yet supported"), so apps must not rely on it.
 * The sandbox resolves `asAccountId = target.accountId ?? currentInvocation().principal` and calls
 * `handle({ method, path, body, asAccountId })`; `asAccountId` undefined means "as the app".
 *
 * Driver API (tests act as people in Jira): addUser, deactivateUser, addProject, createIssue,
 * updateFields, transition; Jira groups (addJiraGroup, addUserToJiraGroup), project roles
 * (setProjectRole) and who may transition issues (restrictTransitions).
 * Views for assertions: issue, comments, notifications, events, requests, unhandled, specViolations
 * (every request and response is checked against Jira's platform OpenAPI document: spec-check.ts).
 *
 * Groups, roles and permissions, as Jira Cloud has them: groups are site-wide, with a name and a
 * groupId (a UUID); project roles are defined site-wide with numeric ids ("Administrators" is 10002,
 * as in Jira's API examples; new ones follow) and each project has its own actors per role (users
 * and groups). TRANSITION_ISSUES is everyone's unless restrictTransitions names who holds it in a
 * project; the app's user always holds it (the emulator's assumption: apps' users get project
 * permissions through the atlassian-addons-project-access role). Only Jira admins (and the app's
 * user, unless `appIsAdmin: false`) read roles: GET /role needs Administer Jira, the project role
 * reads Administer Projects or Administer Jira (project admins are not modelled).
 *
 * Workflow (one for every project):
 *   To Do ──Start(11)──▶ In Progress
 *   To Do | In Progress ──Approve(21)──▶ Approved
 *   To Do | In Progress | Approved ──Done(31)──▶ Done
 *   In Progress | Approved | Done ──Reopen(41)──▶ To Do
 */

import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadJiraSpec } from './spec-check';

export interface JiraEmulatorOptions {
  /** Virtual clock, ISO instant. */
  now: () => string;
  appId: string;
  environmentId: string;
  siteUrl?: string;
  onEvent?: (e: ForgeIssueEvent) => void;
  /**
   * Whether the app's own user holds the ADMINISTER global permission (GET /mypermissions as the app).
   * Default true: Jira puts app users in the `atlassian-addons-admin` group, which holds "Administer
   * Jira" on most sites. This is exactly why an admin check must never be asked as the app.
   */
  appIsAdmin?: boolean;
  /**
   * The issue entity property paths the installed app asked Jira to index (its `jira:entityProperty`
   * modules). Only these can be searched with `issue.property[key].path` or their alias, as in Jira.
   */
  indexedProperties?: IndexedEntityProperty[];
}

/** One `jira:entityProperty` module of entity type issue, as the manifest declares it. */
export interface IndexedEntityProperty {
  propertyKey: string;
  values: Array<{ path: string; type: 'number' | 'string' | 'text' | 'user' | 'date'; searchAlias?: string }>;
}

type PropertyType = IndexedEntityProperty['values'][number]['type'];
type JqlValue = { kind: 'text'; text: string } | { kind: 'fn'; name: string };
type JqlClause =
  | { kind: 'empty'; fieldId: string; not: boolean }
  | { kind: 'date'; field: 'created' | 'updated'; op: '>=' | '>' | '<=' | '<'; offsetMs: number }
  | {
      kind: 'property';
      propertyKey: string;
      path: string;
      type: PropertyType;
      op: '=' | '!=' | '>=' | '>' | '<=' | '<' | 'in' | 'is empty' | 'is not empty';
      values: JqlValue[];
    }
  | { kind: 'assignee'; op: '=' | '!=' | 'is empty' | 'is not empty'; value?: JqlValue }
  | { kind: 'label'; label: string };

export interface EmulatedUser {
  accountId: string;
  displayName: string;
  email?: string;
  emailVisible: boolean;
  timeZone: string;
  admin: boolean;
  active: boolean;
  accountType: 'atlassian' | 'app';
}

export interface AddUserInput {
  accountId?: string;
  displayName: string;
  email?: string;
  emailVisible?: boolean;
  timeZone?: string;
  admin?: boolean;
}

/** Request-field values as the driver speaks them (null clears). */
export interface IssueFieldInput {
  accessType?: string | null;
  adminGroup?: string | null;
  /** Option value of "Change type": Emergency | Standard | Normal. */
  changeType?: string | null;
  /** ISO instant for "Requested end". */
  requestedEnd?: string | null;
  /** ISO instants for "Planned start" / "Planned end" (date-time fields, as a JSM change's). */
  plannedStart?: string | null;
  plannedEnd?: string | null;
}

export interface CreateIssueInput {
  projectKey: string;
  issueType?: string;
  summary: string;
  reporter: string;
  fields?: IssueFieldInput;
}

export interface ChangeItem {
  field: string;
  /** 'jira' for system fields, 'custom' for custom fields; for the app's own fields see `appFieldChangeType`. */
  fieldtype?: string;
  fieldId: string;
  from: string | null;
  /** '' when the field had no value (the spec's example; `from` is null then). */
  fromString: string;
  to: string | null;
  /** '' when the change left the field without a value (`to` is null then). */
  toString: string;
}

/**
 * A Forge product event, shaped as platform-notes.md describes (no custom-field values).
 * `eventId` is the sandbox's own bookkeeping id: the payload Forge delivers has no such field.
 */
export interface ForgeIssueEvent {
  eventType: 'avi:jira:created:issue' | 'avi:jira:updated:issue' | 'avi:jira:commented:issue';
  selfGenerated: boolean;
  atlassianId: string;
  timestamp: number;
  issue: { id: string; key: string; fields: Record<string, unknown> };
  changelog?: { id: string; items: ChangeItem[] };
  comment?: { id: string; author: { accountId: string }; body: unknown; created: string; updated: string };
  associatedUsers?: Array<{ accountId: string }>;
  eventId: string;
}

export interface EmulatedComment {
  id: string;
  author: string;
  body: AdfNode;
  /** Plain-text rendering for assertions: paragraphs/rows on their own lines, mentions as @Name. */
  text: string;
  created: string;
}

export interface EmulatedNotification {
  subject?: string;
  textBody?: string;
  htmlBody?: string;
  /** Resolved recipient account ids. */
  to: string[];
  /** The request body as sent. */
  request: unknown;
  sentBy: string;
  at: string;
}

interface ChangelogEntry {
  id: string;
  author: string;
  created: string;
  items: ChangeItem[];
}

interface IssueState {
  id: string;
  key: string;
  projectKey: string;
  issueType: string;
  summary: string;
  reporter: string;
  creator: string;
  assignee: string | null;
  created: string;
  updated: string;
  statusId: string;
  /** Custom field values by field id (select: option id). */
  values: Record<string, string | undefined>;
  comments: EmulatedComment[];
  changelog: ChangelogEntry[];
  notifications: EmulatedNotification[];
  /** Issue entity properties by key, each value as stored (JSON). */
  properties: Map<string, unknown>;
  /** System fields an issue created through REST may carry (the break-glass review, ADR 0027). */
  description?: AdfNode;
  /** YYYY-MM-DD. */
  dueDate?: string;
  labels: string[];
  /** Set by a transition into a done-category status, cleared by one out of it (Jira's usual workflow). */
  resolution: { id: string; name: string } | null;
}

export interface HandleRequest {
  method: string;
  path: string;
  body?: unknown;
  asAccountId?: string;
  /** The request's headers as the app set them (checked: Content-Type of a body); absent: not checked. */
  headers?: HeadersInit;
}

/** A request the app sent, or a response the emulator gave, that Jira's published API does not allow. */
export interface JiraSpecViolation {
  method: string;
  /** Path and query as requested. */
  path: string;
  /** The spec's operation, when the request matched one. */
  operationId?: string;
  where: 'request' | 'response';
  /** The response status, for a response violation. */
  status?: number;
  reason: string;
}
export interface HandleResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface InjectedFailure {
  method?: string;
  /** Matches when the path (without query) includes this string. */
  pathIncludes?: string;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export type AdfNode = {
  type: string;
  attrs?: Record<string, unknown>;
  content?: AdfNode[];
  text?: string;
  marks?: Array<{ type: string; attrs?: Record<string, unknown> }>;
  version?: number;
};

export const STATUSES = {
  TODO: { id: '10000', name: 'To Do', category: { id: 2, key: 'new', colorName: 'blue-gray', name: 'To Do' } },
  IN_PROGRESS: {
    id: '3',
    name: 'In Progress',
    category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  },
  APPROVED: {
    id: '10001',
    name: 'Approved',
    category: { id: 4, key: 'indeterminate', colorName: 'yellow', name: 'In Progress' },
  },
  DONE: { id: '10002', name: 'Done', category: { id: 3, key: 'done', colorName: 'green', name: 'Done' } },
} as const;
type StatusDef = (typeof STATUSES)[keyof typeof STATUSES];
const ALL_STATUSES: StatusDef[] = Object.values(STATUSES);

export const TRANSITIONS: Array<{ id: string; name: string; from: string[]; to: string }> = [
  { id: '11', name: 'Start', from: [STATUSES.TODO.id], to: STATUSES.IN_PROGRESS.id },
  { id: '21', name: 'Approve', from: [STATUSES.TODO.id, STATUSES.IN_PROGRESS.id], to: STATUSES.APPROVED.id },
  {
    id: '31',
    name: 'Done',
    from: [STATUSES.TODO.id, STATUSES.IN_PROGRESS.id, STATUSES.APPROVED.id],
    to: STATUSES.DONE.id,
  },
  {
    id: '41',
    name: 'Reopen',
    from: [STATUSES.IN_PROGRESS.id, STATUSES.APPROVED.id, STATUSES.DONE.id],
    to: STATUSES.TODO.id,
  },
];

export const FIELD_IDS = {
  changeType: 'customfield_10050',
  requestedEnd: 'customfield_10051',
  plannedStart: 'customfield_10052',
  plannedEnd: 'customfield_10053',
  accessType: 'customfield_10100',
  adminGroup: 'customfield_10101',
} as const;

/** The date-time custom fields the driver sets (Requested end; a change's planned start and end). */
const DATE_TIME_FIELDS = [
  { key: 'requestedEnd', id: FIELD_IDS.requestedEnd, name: 'Requested end' },
  { key: 'plannedStart', id: FIELD_IDS.plannedStart, name: 'Planned start' },
  { key: 'plannedEnd', id: FIELD_IDS.plannedEnd, name: 'Planned end' },
] as const;

export const CHANGE_TYPE_OPTIONS = [
  { id: '10200', value: 'Emergency' },
  { id: '10201', value: 'Standard' },
  { id: '10202', value: 'Normal' },
];

const ISSUE_TYPES: Record<string, { id: string; description: string; hierarchyLevel: number }> = {
  Task: { id: '10001', description: 'A small, distinct piece of work.', hierarchyLevel: 0 },
  'Service Request': { id: '10002', description: 'Requests for access and services.', hierarchyLevel: 0 },
};

/** Jira's timestamp format: 2026-11-22T09:00:00.000+0000. */
export function jiraDateTime(iso: string): string {
  return new Date(iso).toISOString().replace('Z', '+0000');
}

const INLINE = new Set(['text', 'mention', 'hardBreak', 'emoji', 'inlineCard', 'date', 'status']);
const BLOCK = new Set([
  'paragraph',
  'heading',
  'bulletList',
  'orderedList',
  'table',
  'rule',
  'codeBlock',
  'blockquote',
  'panel',
]);
const MARKS = new Set(['strong', 'em', 'code', 'strike', 'underline', 'link', 'subsup', 'textColor']);

/** Validates an ADF document the way Jira's comment API does (structure, node and mark types). */
export function validateAdf(doc: unknown): string | undefined {
  const d = doc as AdfNode;
  if (!d || typeof d !== 'object' || d.type !== 'doc') return 'body must be an ADF document (type "doc")';
  if (d.version !== 1) return 'ADF document version must be 1';
  if (!Array.isArray(d.content)) return 'doc.content must be an array';
  const blockList = (nodes: unknown, where: string, allowed: Set<string>): string | undefined => {
    if (!Array.isArray(nodes)) return `${where}.content must be an array`;
    for (const n of nodes) {
      const err = node(n as AdfNode, where, allowed);
      if (err) return err;
    }
    return undefined;
  };
  const node = (n: AdfNode, where: string, allowed: Set<string>): string | undefined => {
    if (!n || typeof n !== 'object' || typeof n.type !== 'string') return `${where}: node without a type`;
    if (!allowed.has(n.type)) return `${where}: node type "${n.type}" is not allowed here`;
    const at = `${where}>${n.type}`;
    switch (n.type) {
      case 'text':
        if (typeof n.text !== 'string' || n.text.length === 0) return `${at}: text must be a non-empty string`;
        for (const m of n.marks ?? []) {
          if (!MARKS.has(m?.type)) return `${at}: unknown mark "${m?.type}"`;
          if (m.type === 'link' && typeof m.attrs?.href !== 'string') return `${at}: link mark needs attrs.href`;
        }
        return undefined;
      case 'mention':
        if (typeof n.attrs?.id !== 'string' || n.attrs.id.length === 0) return `${at}: mention needs attrs.id`;
        return undefined;
      case 'hardBreak':
      case 'rule':
      case 'emoji':
      case 'inlineCard':
      case 'date':
      case 'status':
        return undefined;
      case 'paragraph':
      case 'heading':
        return n.content === undefined ? undefined : blockList(n.content, at, INLINE);
      case 'codeBlock':
        return n.content === undefined ? undefined : blockList(n.content, at, new Set(['text']));
      case 'bulletList':
      case 'orderedList':
        return blockList(n.content, at, new Set(['listItem']));
      case 'listItem':
      case 'blockquote':
      case 'panel':
        return blockList(n.content, at, new Set(['paragraph', 'bulletList', 'orderedList', 'codeBlock']));
      case 'table':
        if (!Array.isArray(n.content) || n.content.length === 0) return `${at}: a table needs rows`;
        return blockList(n.content, at, new Set(['tableRow']));
      case 'tableRow':
        if (!Array.isArray(n.content) || n.content.length === 0) return `${at}: a row needs cells`;
        return blockList(n.content, at, new Set(['tableHeader', 'tableCell']));
      case 'tableHeader':
      case 'tableCell':
        if (!Array.isArray(n.content) || n.content.length === 0) return `${at}: a cell needs block content`;
        return blockList(
          n.content,
          at,
          new Set(['paragraph', 'bulletList', 'orderedList', 'heading', 'codeBlock', 'rule', 'panel', 'blockquote']),
        );
      default:
        return `${at}: unsupported node`;
    }
  };
  return blockList(d.content, 'doc', BLOCK);
}

/**
 * The issue entity properties a manifest asks Jira to index (its `jira:entityProperty` modules of
 * entity type issue, the default), for `indexedProperties`.
 */
export function loadIndexedProperties(manifestPath: string): IndexedEntityProperty[] {
  const doc = parseYaml(readFileSync(manifestPath, 'utf8')) as {
    modules?: Record<string, Array<IndexedEntityProperty & { entityType?: string }> | undefined>;
  };
  return (doc.modules?.['jira:entityProperty'] ?? [])
    .filter((m) => (m.entityType ?? 'issue') === 'issue')
    .map((m) => ({ propertyKey: m.propertyKey, values: m.values.map((v) => ({ ...v })) }));
}

/**
 * A JQL date operand or an indexed date value as epoch ms: "2026-11-30", "2026-11-30 14:00" (UTC in
 * the emulator) or an ISO 8601 instant; undefined when it is none of them.
 */
function jqlDate(text: string): number | undefined {
  const short = /^(\d{4})[-/](\d{2})[-/](\d{2})(?: (\d{2}):(\d{2}))?$/.exec(text);
  if (short) return Date.UTC(+short[1], +short[2] - 1, +short[3], +(short[4] ?? 0), +(short[5] ?? 0));
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

const jiraError = (status: number, ...messages: string[]): HandleResponse => ({
  status,
  body: { errorMessages: messages, errors: {} },
});

export class JiraEmulator {
  readonly events: ForgeIssueEvent[] = [];
  /** Requests nothing here serves (404): a test can assert this stays empty. */
  readonly unhandled: string[] = [];
  /** Every request handled, for assertions on who asked what. */
  readonly requests: HandleRequest[] = [];
  /**
   * Requests the app sent and responses the emulator gave that Jira's platform OpenAPI document does
   * not allow (sandbox/jira/spec-check.ts). The shared test hooks fail a test that leaves any here.
   */
  readonly specViolations: JiraSpecViolation[] = [];
  private readonly spec = loadJiraSpec();
  /**
   * The `fieldtype` of changelog items (in events and GET changelog alike) for the app's own Forge fields
   * (Access type, Admin group). Jira's changelog says 'custom' for custom fields; what it says for a
   * Forge app's fields is not documented, so a test may set another value, or undefined to leave it out.
   */
  appFieldChangeType: string | undefined = 'custom';
  readonly siteUrl: string;
  readonly appUser: EmulatedUser;

  private readonly users = new Map<string, EmulatedUser>();
  private readonly projects = new Map<string, { id: string; key: string; name: string; nextNumber: number }>();
  private readonly issues = new Map<string, IssueState>();
  private readonly failures: InjectedFailure[] = [];
  /** Jira groups by name. */
  private readonly groups = new Map<string, { name: string; groupId: string; members: Set<string> }>();
  /** Project role definitions (site-wide) by id. */
  private readonly roles = new Map<number, { id: number; name: string; description: string }>([
    [
      10002,
      { id: 10002, name: 'Administrators', description: 'A project role that represents administrators in a project' },
    ],
  ]);
  /** Role actors per project key, then role id. */
  private readonly roleActors = new Map<string, Map<number, { accountIds: string[]; groups: string[] }>>();
  /** Projects where only these accounts hold TRANSITION_ISSUES (absent: everyone). */
  private readonly transitioners = new Map<string, Set<string>>();
  /**
   * Configuration the admin page's pickers read (addSelectField, addWorkflowStatus): select-list fields
   * besides Change type, by field id, and statuses a project's workflow has besides the shared four,
   * each with the transition that leads into it. Issues never move into those statuses here: they
   * exist for the configuration reads (fields, options, project statuses, /status, workflows).
   */
  private readonly extraSelectFields = new Map<
    string,
    { name: string; contextId: string; options: Array<{ id: string; value: string; disabled: boolean }> }
  >();
  private readonly extraStatuses = new Map<
    string,
    Array<{ statusId: string; name: string; transition: { id: string; name: string } }>
  >();
  private readonly extraStatusIds = new Map<string, string>();
  private readonly defaultAssignees = new Map<string, string | null>();
  /** Issue links (POST /issueLink): Jira keeps one link per type and pair. */
  private readonly links: Array<{ id: string; type: string; inward: string; outward: string }> = [];
  private catalogSeq = { field: 10060, context: 10400, option: 10300, status: 10010, transition: 100 };
  private seq = {
    user: 0,
    project: 10000,
    issue: 10000,
    changelog: 10000,
    comment: 10000,
    event: 0,
    group: 0,
    role: 10002,
    actor: 10200,
  };

  constructor(private readonly opts: JiraEmulatorOptions) {
    this.siteUrl = opts.siteUrl ?? 'https://sandbox.atlassian.net';
    // Forge app users have account ids of this form (prefix 712020: is Atlassian's app-user namespace).
    this.appUser = {
      accountId: `712020:${opts.appId}`,
      displayName: 'Okta JIT Access for Jira',
      emailVisible: false,
      timeZone: 'UTC',
      admin: opts.appIsAdmin ?? true,
      active: true,
      accountType: 'app',
    };
    this.users.set(this.appUser.accountId, this.appUser);
  }

  // ------------------------------------------------------------------ driver

  addUser(input: AddUserInput): EmulatedUser {
    const accountId =
      input.accountId ??
      `557058:${String(++this.seq.user).padStart(8, '0')}-0000-4000-8000-${Date.now().toString(16).padStart(12, '0').slice(-12)}`;
    if (this.users.has(accountId)) throw new Error(`user ${accountId} exists`);
    const user: EmulatedUser = {
      accountId,
      displayName: input.displayName,
      email: input.email,
      emailVisible: input.emailVisible ?? true,
      timeZone: input.timeZone ?? 'UTC',
      admin: input.admin ?? false,
      active: true,
      accountType: 'atlassian',
    };
    this.users.set(accountId, user);
    return user;
  }

  /** Deactivates an account (Jira's "Remove from site"): it can no longer act, and searches leave it out. */
  deactivateUser(accountId: string): void {
    this.requireUser(accountId).active = false;
  }

  /** Creates a Jira group (names are unique whatever their case); its groupId is a UUID. */
  addJiraGroup(name: string): { name: string; groupId: string } {
    if (!name.trim()) throw new Error('a group needs a name');
    if ([...this.groups.keys()].some((n) => n.toLowerCase() === name.toLowerCase()))
      throw new Error(`group ${name} exists`);
    const n = ++this.seq.group;
    const groupId = `${(0x5e000000 + n).toString(16)}-${n.toString(16).padStart(4, '0')}-4000-8000-${n.toString(16).padStart(12, '0')}`;
    this.groups.set(name, { name, groupId, members: new Set() });
    return { name, groupId };
  }

  addUserToJiraGroup(accountId: string, groupName: string): void {
    this.requireUser(accountId);
    this.requireGroup(groupName).members.add(accountId);
  }

  /**
   * Sets who acts in `roleName` in the project (replacing its actors there), defining the role on the
   * site first if it is new (as Jira's "Project roles" admin page would). Answers the role's id.
   */
  setProjectRole(
    projectKey: string,
    roleName: string,
    actors: { accountIds?: string[]; groups?: string[] },
  ): { id: number; name: string } {
    if (!this.projects.has(projectKey)) throw new Error(`no project ${projectKey}`);
    for (const a of actors.accountIds ?? []) this.requireUser(a);
    for (const g of actors.groups ?? []) this.requireGroup(g);
    let role = [...this.roles.values()].find((r) => r.name === roleName);
    if (!role) {
      if (!roleName.trim()) throw new Error('a role needs a name');
      role = { id: ++this.seq.role, name: roleName, description: `A project role named ${roleName}` };
      this.roles.set(role.id, role);
    }
    const byRole = this.roleActors.get(projectKey) ?? new Map();
    byRole.set(role.id, {
      accountIds: [...new Set(actors.accountIds ?? [])],
      groups: [...new Set(actors.groups ?? [])],
    });
    this.roleActors.set(projectKey, byRole);
    return { id: role.id, name: role.name };
  }

  /**
   * Only `accountIds` hold TRANSITION_ISSUES in the project (Jira's permission scheme); undefined gives
   * it back to everyone. Those without it see no transitions and cannot move issues.
   */
  restrictTransitions(projectKey: string, accountIds: string[] | undefined): void {
    if (!this.projects.has(projectKey)) throw new Error(`no project ${projectKey}`);
    if (accountIds === undefined) this.transitioners.delete(projectKey);
    else {
      for (const a of accountIds) this.requireUser(a);
      this.transitioners.set(projectKey, new Set(accountIds));
    }
  }

  addProject(input: { key: string; name: string }): { id: string; key: string; name: string } {
    if (this.projects.has(input.key)) throw new Error(`project ${input.key} exists`);
    const p = { id: String(++this.seq.project), key: input.key, name: input.name, nextNumber: 1 };
    this.projects.set(p.key, p);
    return { id: p.id, key: p.key, name: p.name };
  }

  createIssue(input: CreateIssueInput): { id: string; key: string; event: ForgeIssueEvent } {
    const project = this.projects.get(input.projectKey);
    if (!project) throw new Error(`no project ${input.projectKey}`);
    this.requireUser(input.reporter);
    const issueType = input.issueType ?? 'Task';
    if (!ISSUE_TYPES[issueType]) throw new Error(`no issue type ${issueType}`);
    const now = this.opts.now();
    const issue: IssueState = {
      id: String(++this.seq.issue),
      key: `${project.key}-${project.nextNumber++}`,
      projectKey: project.key,
      issueType,
      summary: input.summary,
      reporter: input.reporter,
      creator: input.reporter,
      assignee: null,
      created: now,
      updated: now,
      statusId: STATUSES.TODO.id,
      values: {},
      comments: [],
      changelog: [],
      notifications: [],
      properties: new Map(),
      labels: [],
      resolution: null,
    };
    for (const c of this.fieldChanges(issue, input.fields ?? {}))
      issue.values[c.fieldId] = c.to ?? (c.toString || undefined);
    this.issues.set(issue.key, issue);
    const event = this.emit('avi:jira:created:issue', issue, input.reporter);
    return { id: issue.id, key: issue.key, event };
  }

  /** Edits request fields as `byAccountId`. Undefined when nothing changed (Jira sends no event then). */
  updateFields(key: string, fields: IssueFieldInput, byAccountId: string): ForgeIssueEvent | undefined {
    const issue = this.requireIssue(key);
    this.requireUser(byAccountId);
    const items = this.fieldChanges(issue, fields);
    if (items.length === 0) return undefined;
    for (const c of items) issue.values[c.fieldId] = c.to ?? (c.toString || undefined);
    return this.recordChange(issue, byAccountId, items);
  }

  /** Changes the reporter as `byAccountId`, as Jira's Edit does. Undefined when it is unchanged. */
  setReporter(key: string, reporterAccountId: string, byAccountId: string): ForgeIssueEvent | undefined {
    const issue = this.requireIssue(key);
    this.requireUser(byAccountId);
    const to = this.requireUser(reporterAccountId);
    if (issue.reporter === reporterAccountId) return undefined;
    const from = this.users.get(issue.reporter);
    const item: ChangeItem = {
      field: 'reporter',
      fieldtype: 'jira',
      fieldId: 'reporter',
      from: issue.reporter,
      fromString: from?.displayName ?? '',
      to: reporterAccountId,
      toString: to.displayName,
    };
    issue.reporter = reporterAccountId;
    return this.recordChange(issue, byAccountId, [item]);
  }

  /** Assigns the issue (null: unassigns) as `byAccountId`, as Jira's Assign does. Undefined when unchanged. */
  assign(key: string, assigneeAccountId: string | null, byAccountId: string): ForgeIssueEvent | undefined {
    const issue = this.requireIssue(key);
    this.requireUser(byAccountId);
    const to = assigneeAccountId === null ? undefined : this.requireUser(assigneeAccountId);
    if (issue.assignee === assigneeAccountId) return undefined;
    const from = issue.assignee === null ? undefined : this.users.get(issue.assignee);
    const item: ChangeItem = {
      field: 'assignee',
      fieldtype: 'jira',
      fieldId: 'assignee',
      from: issue.assignee,
      fromString: from?.displayName ?? '',
      to: assigneeAccountId,
      toString: to?.displayName ?? '',
    };
    issue.assignee = assigneeAccountId;
    return this.recordChange(issue, byAccountId, [item]);
  }

  /** Moves the issue into `statusName` through a workflow transition. Undefined when none leads there. */
  transition(key: string, statusName: string, byAccountId: string): ForgeIssueEvent | undefined {
    const issue = this.requireIssue(key);
    this.requireUser(byAccountId);
    const target = ALL_STATUSES.find((s) => s.name === statusName);
    if (!target) throw new Error(`no status ${statusName}`);
    if (!this.mayTransition(issue.projectKey, this.requireUser(byAccountId)))
      throw new Error(`${byAccountId} may not transition issues in ${issue.projectKey}`);
    const t = TRANSITIONS.find((x) => x.to === target.id && x.from.includes(issue.statusId));
    if (!t) return undefined;
    return this.applyTransition(issue, t, byAccountId);
  }

  /** Makes the next matching request(s) fail, e.g. { status: 429, headers: { 'retry-after': '7' } }. */
  failNext(f: InjectedFailure): void {
    this.failures.push({ times: 1, ...f });
  }

  /** Ends every injected failure still pending (an outage that is over). */
  clearFailures(): void {
    this.failures.splice(0);
  }

  /**
   * Adds a single-choice select list custom field (schema type `option`) with one global context and
   * these option values (`disabled` ones as Jira lists them after an admin disables an option).
   */
  addSelectField(name: string, values: Array<string | { value: string; disabled?: boolean }>): { id: string } {
    if (!name.trim()) throw new Error('a field needs a name');
    const id = `customfield_${++this.catalogSeq.field}`;
    const options = values.map((v) => {
      const o = typeof v === 'string' ? { value: v } : v;
      return { id: String(++this.catalogSeq.option), value: o.value, disabled: o.disabled ?? false };
    });
    this.extraSelectFields.set(id, { name, contextId: String(++this.catalogSeq.context), options });
    return { id };
  }

  /**
   * Gives the project's workflow one more status, `statusName`, and a global transition
   * `transitionName` into it (a status of that name already on the site keeps its id).
   */
  addWorkflowStatus(projectKey: string, statusName: string, transitionName: string): void {
    if (!this.projects.has(projectKey)) throw new Error(`no project ${projectKey}`);
    if (ALL_STATUSES.some((s) => s.name === statusName)) throw new Error(`${statusName} is a status of every project`);
    let statusId = this.extraStatusIds.get(statusName);
    if (!statusId) {
      statusId = String(++this.catalogSeq.status);
      this.extraStatusIds.set(statusName, statusId);
    }
    const list = this.extraStatuses.get(projectKey) ?? [];
    if (list.some((x) => x.name === statusName)) throw new Error(`${projectKey} has ${statusName} already`);
    list.push({
      statusId,
      name: statusName,
      transition: { id: String(++this.catalogSeq.transition), name: transitionName },
    });
    this.extraStatuses.set(projectKey, list);
  }

  // ------------------------------------------------------------------ views

  issue(key: string) {
    const i = this.requireIssue(key);
    return {
      id: i.id,
      key: i.key,
      projectKey: i.projectKey,
      issueType: i.issueType,
      summary: i.summary,
      reporter: i.reporter,
      creator: i.creator,
      assignee: i.assignee,
      created: i.created,
      updated: i.updated,
      status: this.status(i.statusId).name,
      fields: {
        accessType: i.values[FIELD_IDS.accessType],
        adminGroup: i.values[FIELD_IDS.adminGroup],
        changeType: CHANGE_TYPE_OPTIONS.find((o) => o.id === i.values[FIELD_IDS.changeType])?.value,
        requestedEnd: i.values[FIELD_IDS.requestedEnd],
        plannedStart: i.values[FIELD_IDS.plannedStart],
        plannedEnd: i.values[FIELD_IDS.plannedEnd],
      },
      changelog: structuredClone(i.changelog),
    };
  }

  /** The project's default assignee (Jira's "Project lead" / "Unassigned" setting); null: unassigned. */
  setDefaultAssignee(projectKey: string, accountId: string | null): void {
    if (!this.projects.has(projectKey)) throw new Error(`no project ${projectKey}`);
    if (accountId !== null) this.requireUser(accountId);
    this.defaultAssignees.set(projectKey, accountId);
  }

  /** Issues of a project, oldest first (to find what the app created). */
  issuesOf(projectKey: string): string[] {
    return [...this.issues.values()].filter((i) => i.projectKey === projectKey).map((i) => i.key);
  }

  /** The system fields a REST-created issue carries, and its links, for assertions. */
  issueExtras(key: string) {
    const i = this.requireIssue(key);
    return {
      description: i.description ? this.renderText(i.description) : undefined,
      descriptionAdf: structuredClone(i.description),
      dueDate: i.dueDate,
      labels: [...i.labels],
      resolution: i.resolution?.name ?? null,
      links: this.links
        .filter((l) => l.inward === i.key || l.outward === i.key)
        .map((l) => ({ type: l.type, inward: l.inward, outward: l.outward })),
    };
  }

  comments(key: string): EmulatedComment[] {
    return structuredClone(this.requireIssue(key).comments);
  }
  notifications(key: string): EmulatedNotification[] {
    return structuredClone(this.requireIssue(key).notifications);
  }
  /** An issue's entity property as stored (undefined when not set). */
  issueProperty(key: string, propertyKey: string): unknown {
    return structuredClone(this.requireIssue(key).properties.get(propertyKey));
  }
  user(accountId: string): EmulatedUser | undefined {
    return this.users.get(accountId);
  }

  /** Fields as GET /rest/api/3/field lists them. */
  fieldDefinitions() {
    const ext = (moduleKey: string) =>
      `ari:cloud:ecosystem::extension/${this.opts.appId}/${this.opts.environmentId}/static/${moduleKey}`;
    const sys = (id: string, name: string, type: string, extra: Record<string, unknown> = {}) => ({
      id,
      key: id,
      name,
      custom: false,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: [id],
      schema: { type, system: id, ...extra },
    });
    const custom = (id: string, name: string, schema: Record<string, unknown>) => ({
      id,
      key: id,
      name,
      custom: true,
      orderable: true,
      navigable: true,
      searchable: true,
      clauseNames: [`cf[${id.slice('customfield_'.length)}]`, name],
      schema: { ...schema, customId: Number(id.slice('customfield_'.length)) },
    });
    return [
      sys('summary', 'Summary', 'string'),
      sys('issuetype', 'Issue Type', 'issuetype'),
      sys('project', 'Project', 'project'),
      sys('status', 'Status', 'status'),
      sys('reporter', 'Reporter', 'user'),
      sys('creator', 'Creator', 'user'),
      sys('assignee', 'Assignee', 'user'),
      sys('created', 'Created', 'datetime'),
      sys('updated', 'Updated', 'datetime'),
      sys('comment', 'Comment', 'comments-page'),
      custom(FIELD_IDS.changeType, 'Change type', {
        type: 'option',
        custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select',
      }),
      custom(FIELD_IDS.requestedEnd, 'Requested end', {
        type: 'datetime',
        custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime',
      }),
      ...DATE_TIME_FIELDS.filter((f) => f.key !== 'requestedEnd').map((f) =>
        custom(f.id, f.name, {
          type: 'datetime',
          custom: 'com.atlassian.jira.plugin.system.customfieldtypes:datetime',
        }),
      ),
      custom(FIELD_IDS.accessType, 'Access type', { type: 'string', custom: ext('access-type') }),
      custom(FIELD_IDS.adminGroup, 'Admin group', { type: 'string', custom: ext('admin-group') }),
      ...[...this.extraSelectFields].map(([id, f]) =>
        custom(id, f.name, { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' }),
      ),
    ];
  }

  // ------------------------------------------------------------------ REST

  /**
   * Serves one REST call. The request is checked against Jira's published API before it is served and
   * the response after (injected failures included): what the spec does not allow is recorded in
   * `specViolations`, and the call is still served as Jira would (Jira ignores, say, an unknown query
   * parameter), so the test sees the app's behaviour and the hooks report the violation.
   */
  handle(req: HandleRequest): HandleResponse {
    const headers = req.headers === undefined ? undefined : new Headers(req.headers);
    const plain: Record<string, string> = {};
    headers?.forEach((v, k) => (plain[k] = v));
    this.requests.push(structuredClone({ ...req, ...(headers ? { headers: plain } : {}) }));
    const method = req.method.toUpperCase();
    const url = new URL(req.path, this.siteUrl);
    const check = this.spec.checkRequest(method, url, req.body, headers && headers.get('content-type'));
    const record = (where: JiraSpecViolation['where'], reason: string, status?: number) =>
      this.specViolations.push({
        method,
        path: req.path,
        ...(check.operation ? { operationId: check.operation.operationId } : {}),
        where,
        ...(status === undefined ? {} : { status }),
        reason,
      });
    for (const reason of check.problems) record('request', reason);
    const res = this.serve(req, method, url);
    if (check.operation)
      for (const reason of this.spec.checkResponse(check.operation, res.status, res.body))
        record('response', reason, res.status);
    return res;
  }

  private serve(req: HandleRequest, method: string, url: URL): HandleResponse {
    const path = decodeURIComponent(url.pathname);
    const q = url.searchParams;

    const failure = this.failures.find(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (f.pathIncludes === undefined || path.includes(f.pathIncludes)),
    );
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0) this.failures.splice(this.failures.indexOf(failure), 1);
      return {
        status: failure.status,
        body: failure.body ?? { errorMessages: [`Injected failure ${failure.status}`], errors: {} },
        headers: failure.headers,
      };
    }

    let caller: EmulatedUser;
    if (req.asAccountId === undefined) caller = this.appUser;
    else {
      const u = this.users.get(req.asAccountId);
      if (!u || !u.active || u.accountType !== 'atlassian')
        return jiraError(401, 'Client must be authenticated to access this resource.');
      caller = u;
    }

    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/rest/api/3/field') return { status: 200, body: this.fieldDefinitions() };
    if (method === 'GET' && path === '/rest/api/3/myself') return { status: 200, body: this.userJson(caller, true) };
    if (method === 'GET' && path === '/rest/api/3/user') return this.getUser(q);
    if (method === 'GET' && path === '/rest/api/3/mypermissions') return this.myPermissions(q, caller);
    if (method === 'GET' && path === '/rest/api/3/user/groups') return this.userGroups(q);
    if (method === 'GET' && path === '/rest/api/3/user/search') return this.userSearch(q);
    if (method === 'GET' && path === '/rest/api/3/groups/picker') return this.groupsPicker(q);
    if (method === 'GET' && path === '/rest/api/3/group/bulk') return this.groupBulk(q);
    if (method === 'GET' && path === '/rest/api/3/role') return this.allRoles(caller);
    if ((m = path.match(/^\/rest\/api\/3\/field\/([^/]+)\/context$/)) && method === 'GET')
      return this.fieldContexts(m[1], q, caller);
    if ((m = path.match(/^\/rest\/api\/3\/field\/([^/]+)\/context\/([^/]+)\/option$/)) && method === 'GET')
      return this.contextOptions(m[1], m[2], q, caller);
    if (method === 'GET' && path === '/rest/api/3/project/search') return this.projectSearch(q);
    if ((m = path.match(/^\/rest\/api\/3\/project\/([^/]+)\/statuses$/)) && method === 'GET')
      return this.projectStatuses(m[1]);
    if (method === 'GET' && path === '/rest/api/3/status') return this.allStatuses();
    if (method === 'POST' && path === '/rest/api/3/workflows') return this.readWorkflows(req.body, caller);
    if ((m = path.match(/^\/rest\/api\/3\/project\/([^/]+)\/role$/)) && method === 'GET')
      return this.projectRoles(m[1], caller);
    if ((m = path.match(/^\/rest\/api\/3\/project\/([^/]+)\/role\/([^/]+)$/)) && method === 'GET')
      return this.projectRole(m[1], m[2], caller);
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)$/)) && method === 'GET') return this.getIssue(m[1], q);
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)$/)) && method === 'PUT')
      return this.editIssue(m[1], req.body, caller);
    if (method === 'POST' && path === '/rest/api/3/issue') return this.createIssueRest(req.body, caller);
    if (method === 'POST' && path === '/rest/api/3/issueLink') return this.linkIssues(req.body, caller);
    if (method === 'POST' && path === '/rest/api/3/search/jql') return this.searchJql(req.body, caller);
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)\/changelog$/)) && method === 'GET')
      return this.getChangelog(m[1], q);
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)\/comment$/))) {
      if (method === 'GET') return this.getComments(m[1], q);
      if (method === 'POST') return this.postComment(m[1], req.body, caller);
    }
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)\/transitions$/))) {
      if (method === 'GET') return this.getTransitions(m[1], caller);
      if (method === 'POST') return this.postTransition(m[1], req.body, caller);
    }
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)\/properties\/([^/]+)$/))) {
      if (method === 'GET') return this.getIssueProperty(m[1], m[2]);
      if (method === 'PUT') return this.putIssueProperty(m[1], m[2], req.body, caller);
    }
    if ((m = path.match(/^\/rest\/api\/3\/issue\/([^/]+)\/notify$/)) && method === 'POST')
      return this.postNotify(m[1], req.body, caller);

    this.unhandled.push(`${method} ${req.path}`);
    return jiraError(404, `No Jira REST resource serves ${method} ${path} in the emulator.`);
  }

  private findIssue(idOrKey: string): IssueState | undefined {
    return this.issues.get(idOrKey.toUpperCase()) ?? [...this.issues.values()].find((i) => i.id === idOrKey);
  }

  private noIssue(): HandleResponse {
    return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
  }

  private getIssue(idOrKey: string, q: URLSearchParams): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    const all = this.issueFieldsJson(issue);
    const requested = (q.get('fields') ?? '*navigable')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const fields: Record<string, unknown> = {};
    const wantsAll = requested.some((f) => f === '*all' || f === '*navigable');
    for (const [id, v] of Object.entries(all)) {
      if (wantsAll ? !requested.includes(`-${id}`) : requested.includes(id)) fields[id] = v;
    }
    return {
      status: 200,
      body: {
        expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
        id: issue.id,
        self: `${this.siteUrl}/rest/api/3/issue/${issue.id}`,
        key: issue.key,
        fields,
      },
    };
  }

  /**
   * POST /rest/api/3/search/jql, Jira's enhanced search (SearchAndReconcileRequestBean in, results
   * out): `issues`, `isLast`, and `nextPageToken` only when another page follows (Jira leaves it out
   * on the last page). `fields` defaults to the id alone; `maxResults` to 50, at most 100 per page when
   * fields are asked for (5000 for ids and keys only). The JQL is what `parseJql` understands; anything
   * else is a 400, as Jira answers a query it cannot run.
   */
  private searchJql(body: unknown, caller: EmulatedUser): HandleResponse {
    const invalid = () => jiraError(400, 'Invalid request payload. Refer to the REST API documentation and try again.');
    if (!body || typeof body !== 'object' || Array.isArray(body)) return invalid();
    const b = body as Record<string, unknown>;
    const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    const known: Record<string, (v: unknown) => boolean> = {
      jql: (v) => v === undefined || typeof v === 'string',
      nextPageToken: (v) => v === undefined || v === null || typeof v === 'string',
      maxResults: (v) => v === undefined || Number.isInteger(v),
      fields: strings,
      properties: strings,
      expand: (v) => v === undefined || typeof v === 'string',
      fieldsByKeys: (v) => v === undefined || typeof v === 'boolean',
      reconcileIssues: (v) => v === undefined || (Array.isArray(v) && v.every((x) => Number.isInteger(x))),
    };
    for (const [k, v] of Object.entries(b)) if (!known[k] || !known[k](v)) return invalid();
    const jql = ((b.jql as string | undefined) ?? '').trim();
    const query = this.parseJql(jql);
    if ('status' in query) return query;

    const requested = ((b.fields as string[] | undefined) ?? ['id']).map((f) => f.trim()).filter(Boolean);
    const idsOnly = requested.every((f) => f === 'id' || f === 'key');
    const maxResults = Math.min(idsOnly ? 5000 : 100, Math.max(1, (b.maxResults as number | undefined) ?? 50));
    let startAt = 0;
    const token = b.nextPageToken as string | null | undefined;
    if (token) {
      let decoded: { jql?: unknown; at?: unknown } | undefined;
      try {
        decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { jql?: unknown; at?: unknown };
      } catch {
        decoded = undefined;
      }
      if (!decoded || decoded.jql !== jql || !Number.isInteger(decoded.at) || (decoded.at as number) < 0)
        return jiraError(400, 'The provided next page token is invalid or expired.');
      startAt = decoded.at as number;
    }

    const nowMs = Date.parse(this.opts.now());
    const matches = [...this.issues.values()]
      .filter((i) =>
        query.clauses.every((c) => {
          if (c.kind === 'property' || c.kind === 'assignee') return this.matchesClause(i, c, caller, nowMs);
          if (c.kind === 'label') return i.labels.includes(c.label);
          if (c.kind === 'empty') {
            const v = i.values[c.fieldId];
            const empty = v === undefined || v === '';
            return c.not ? !empty : empty;
          }
          const t = Date.parse(c.field === 'created' ? i.created : i.updated);
          const bound = nowMs + c.offsetMs;
          return c.op === '>=' ? t >= bound : c.op === '>' ? t > bound : c.op === '<=' ? t <= bound : t < bound;
        }),
      )
      .sort((x, y) => {
        for (const o of query.orderBy) {
          const d =
            o.field === 'key'
              ? x.projectKey.localeCompare(y.projectKey) || Number(x.key.split('-')[1]) - Number(y.key.split('-')[1])
              : Date.parse(o.field === 'created' ? x.created : x.updated) -
                Date.parse(o.field === 'created' ? y.created : y.updated);
          if (d !== 0) return o.desc ? -d : d;
        }
        return Number(x.id) - Number(y.id);
      });
    const page = matches.slice(startAt, startAt + maxResults);
    const isLast = startAt + page.length >= matches.length;
    const wantsAll = requested.some((f) => f === '*all' || f === '*navigable');
    // Entity properties asked for by key come back under `properties` (IssueBean), those the issue has.
    const propertyKeys = (b.properties as string[] | undefined) ?? [];
    const propertiesOf = (i: IssueState) => {
      const held = propertyKeys.filter((k) => i.properties.has(k));
      return held.length
        ? { properties: Object.fromEntries(held.map((k) => [k, structuredClone(i.properties.get(k))])) }
        : {};
    };
    const issues = page.map((i) => {
      if (idsOnly) return { id: i.id, ...(requested.includes('key') ? { key: i.key } : {}), ...propertiesOf(i) };
      const fields: Record<string, unknown> = {};
      for (const [id, v] of Object.entries(this.issueFieldsJson(i)))
        if (wantsAll ? !requested.includes(`-${id}`) : requested.includes(id)) fields[id] = v;
      return {
        expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
        id: i.id,
        self: `${this.siteUrl}/rest/api/3/issue/${i.id}`,
        key: i.key,
        fields,
        ...propertiesOf(i),
      };
    });
    return {
      status: 200,
      body: {
        issues,
        isLast,
        ...(isLast
          ? {}
          : { nextPageToken: Buffer.from(JSON.stringify({ jql, at: startAt + page.length })).toString('base64url') }),
      },
    };
  }

  /**
   * The JQL the emulator runs: clauses joined by AND, each one of
   * - `cf[N] is [not] EMPTY` (or NULL; also `customfield_N`);
   * - `created|updated <op> "-25h"` (a relative date: m, h, d or w, op one of >= > <= <);
   * - an indexed issue entity property, `issue.property[key].path` or its `searchAlias`, with
   *   `=`, `!=`, `IN (...)`, `IS [NOT] EMPTY`, and for date and number types `>= > <= <`; values are
   *   quoted or bare strings, dates ("2026-11-30" or "2026-11-30 14:00", UTC) and the functions
   *   now(), startOfDay(), endOfDay(), startOfMonth(), endOfMonth() (UTC days and months; Jira counts
   *   them in the searcher's time zone) and currentUser() (user type);
   * - `assignee = currentUser()` (or an account id), `!=`, `IS [NOT] EMPTY`;
   * then an optional `ORDER BY created|updated|key [ASC|DESC], ...`. A query without a clause is
   * unbounded, which the enhanced search refuses; anything else is refused as Jira refuses bad JQL
   * (a path the app did not ask Jira to index does not exist for JQL).
   */
  private parseJql(
    jql: string,
  ):
    { clauses: JqlClause[]; orderBy: Array<{ field: 'created' | 'updated' | 'key'; desc: boolean }> } | HandleResponse {
    const bad = (why: string) => jiraError(400, `Error in the JQL Query: ${why} (the emulator's JQL: see parseJql).`);
    const tokens = jql.match(/cf\[\d+\]|"[^"]*"|'[^']*'|>=|<=|!=|[<>=,()]|[^\s<>=!,()"']+/gi) ?? [];
    if (tokens.join('').replace(/\s+/g, '') !== jql.replace(/\s+/g, ''))
      return bad('the query has characters the emulator cannot read');
    let at = 0;
    const peek = () => tokens[at]?.toLowerCase();
    const take = (word: string) => (peek() === word ? (at++, true) : false);
    const clauses: JqlClause[] = [];
    const fieldIds = new Set(this.fieldDefinitions().map((f) => f.id));
    const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
    const FUNCTIONS = ['now', 'startofday', 'endofday', 'startofmonth', 'endofmonth', 'currentuser'];
    // One operand: a quoted or bare string, or one of the functions above with empty parentheses.
    const value = (): JqlValue | string => {
      const raw = tokens[at++];
      if (raw === undefined || raw === '(' || raw === ')' || raw === ',')
        return `expecting a value but got '${raw ?? 'the end'}'`;
      if (/^["']/.test(raw)) return { kind: 'text', text: raw.slice(1, -1) };
      if (peek() === '(') {
        if (!FUNCTIONS.includes(raw.toLowerCase())) return `the function '${raw}' is not supported by the emulator`;
        at++;
        if (!take(')')) return `the emulator's function ${raw}() takes no arguments`;
        return { kind: 'fn', name: raw.toLowerCase() };
      }
      return { kind: 'text', text: raw };
    };
    const property = (field: string) => {
      const m = /^issue\.property\[([^\]]+)\]\.(.+)$/i.exec(field);
      for (const p of this.opts.indexedProperties ?? [])
        for (const v of p.values)
          if (m ? m[1] === p.propertyKey && m[2] === v.path : v.searchAlias?.toLowerCase() === field.toLowerCase())
            return { propertyKey: p.propertyKey, path: v.path, type: v.type };
      return undefined;
    };
    while (at < tokens.length && peek() !== 'order') {
      if (clauses.length > 0 && !take('and')) return bad(`expecting AND or ORDER BY but got '${tokens[at]}'`);
      const field = tokens[at++];
      if (field === undefined) return bad('expecting a field name at the end of the query');
      const lower = field.toLowerCase();
      if (lower === 'created' || lower === 'updated') {
        const op = tokens[at++];
        if (op !== '>=' && op !== '>' && op !== '<=' && op !== '<')
          return bad(`the operator '${op ?? ''}' is not supported by the emulator for field '${field}'`);
        const raw = (tokens[at++] ?? '').replace(/^["']|["']$/g, '');
        const rel = /^([-+]?)(\d+)([mhdw])$/.exec(raw);
        if (!rel)
          return bad(
            `date value '${raw}' for field '${field}' is invalid (the emulator reads relative dates such as "-25h")`,
          );
        clauses.push({
          kind: 'date',
          field: lower,
          op,
          offsetMs: (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNIT_MS[rel[3]],
        });
        continue;
      }
      if (lower === 'labels') {
        if (!take('=')) return bad(`the emulator supports only labels = "value"`);
        const v = value();
        if (typeof v === 'string') return bad(v);
        if (v.kind !== 'text') return bad('labels cannot be compared with a function');
        clauses.push({ kind: 'label', label: v.text });
        continue;
      }
      if (lower === 'assignee') {
        if (take('is')) {
          const not = take('not');
          if (!take('empty') && !take('null')) return bad(`expecting EMPTY after IS${not ? ' NOT' : ''}`);
          clauses.push({ kind: 'assignee', op: not ? 'is not empty' : 'is empty' });
          continue;
        }
        const op = tokens[at++];
        if (op !== '=' && op !== '!=') return bad(`the emulator supports =, != and IS [NOT] EMPTY for assignee`);
        const v = value();
        if (typeof v === 'string') return bad(v);
        if (v.kind === 'fn' && v.name !== 'currentuser') return bad(`assignee cannot be compared with ${v.name}()`);
        clauses.push({ kind: 'assignee', op, value: v });
        continue;
      }
      const prop = property(field);
      if (prop) {
        const ordered = prop.type === 'date' || prop.type === 'number';
        if (take('is')) {
          const not = take('not');
          if (!take('empty') && !take('null')) return bad(`expecting EMPTY after IS${not ? ' NOT' : ''}`);
          clauses.push({ kind: 'property', ...prop, op: not ? 'is not empty' : 'is empty', values: [] });
          continue;
        }
        if (take('in')) {
          if (!take('(')) return bad(`expecting '(' after IN`);
          const values: JqlValue[] = [];
          do {
            const v = value();
            if (typeof v === 'string') return bad(v);
            values.push(v);
          } while (take(','));
          if (!take(')')) return bad(`expecting ')' to close the IN list`);
          clauses.push({ kind: 'property', ...prop, op: 'in', values });
          continue;
        }
        const op = tokens[at++];
        if (op !== '=' && op !== '!=' && op !== '>=' && op !== '>' && op !== '<=' && op !== '<')
          return bad(`the operator '${op ?? ''}' is not supported by the emulator for field '${field}'`);
        if (!ordered && op !== '=' && op !== '!=')
          return bad(`the operator '${op}' is not supported by the ${prop.type} field '${field}'`);
        const v = value();
        if (typeof v === 'string') return bad(v);
        const problem = this.propertyOperandProblem(prop.type, v);
        if (problem) return bad(`${problem} for field '${field}'`);
        clauses.push({ kind: 'property', ...prop, op, values: [v] });
        continue;
      }
      if (/^issue\.property\[/i.test(field) || !/^(cf\[\d+\]|customfield_\d+)$/i.test(field))
        return jiraError(400, `Field '${field}' does not exist or you do not have permission to view it.`);
      const cf = /^cf\[(\d+)\]$/i.exec(field) ?? /^customfield_(\d+)$/i.exec(field);
      if (!cf || !fieldIds.has(`customfield_${cf[1]}`))
        return jiraError(400, `Field '${field}' does not exist or you do not have permission to view it.`);
      if (!take('is')) return bad(`the emulator supports only IS [NOT] EMPTY for field '${field}'`);
      const not = take('not');
      if (!take('empty') && !take('null')) return bad(`expecting EMPTY after IS${not ? ' NOT' : ''}`);
      clauses.push({ kind: 'empty', fieldId: `customfield_${cf[1]}`, not });
    }
    const orderBy: Array<{ field: 'created' | 'updated' | 'key'; desc: boolean }> = [];
    if (take('order')) {
      if (!take('by')) return bad("expecting 'by' after 'order'");
      do {
        const f = peek();
        if (f !== 'created' && f !== 'updated' && f !== 'key')
          return bad(`the emulator orders by created, updated or key only, not '${tokens[at] ?? ''}'`);
        at++;
        const desc = take('desc');
        if (!desc) take('asc');
        orderBy.push({ field: f, desc });
      } while (take(','));
    }
    if (at < tokens.length) return bad(`unexpected '${tokens[at]}'`);
    if (clauses.length === 0)
      return jiraError(
        400,
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      );
    return { clauses, orderBy: orderBy.length ? orderBy : [{ field: 'created', desc: true }] };
  }

  /** Why an operand cannot be compared with a property of this type (undefined: it can). */
  private propertyOperandProblem(type: PropertyType, v: JqlValue): string | undefined {
    const dateFns = ['now', 'startofday', 'endofday', 'startofmonth', 'endofmonth'];
    if (v.kind === 'fn') {
      if (type === 'date' && dateFns.includes(v.name)) return undefined;
      if (type === 'user' && v.name === 'currentuser') return undefined;
      return `the function ${v.name}() cannot be used with a ${type} property`;
    }
    if (type === 'date' && jqlDate(v.text) === undefined) return `date value '${v.text}' is invalid`;
    if (type === 'number' && !Number.isFinite(Number(v.text))) return `number value '${v.text}' is invalid`;
    return undefined;
  }

  /** Whether an issue matches a property or assignee clause, for `caller` at `nowMs`. */
  private matchesClause(
    i: IssueState,
    c: Extract<JqlClause, { kind: 'property' | 'assignee' }>,
    caller: EmulatedUser,
    nowMs: number,
  ): boolean {
    const operand = (v: JqlValue): string | number => {
      if (v.kind === 'text') return v.text;
      if (v.name === 'currentuser') return caller.accountId;
      const d = new Date(nowMs);
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      switch (v.name) {
        case 'startofday':
          return day;
        case 'endofday':
          return day + 86_400_000 - 1;
        case 'startofmonth':
          return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
        case 'endofmonth':
          return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1;
        default:
          return nowMs;
      }
    };
    if (c.kind === 'assignee') {
      if (c.op === 'is empty') return i.assignee === null;
      if (c.op === 'is not empty') return i.assignee !== null;
      const equal = i.assignee !== null && i.assignee === operand(c.value!);
      return c.op === '=' ? equal : !equal;
    }
    // The indexed value: what the path names inside the stored property (a missing one is EMPTY).
    let held: unknown = i.properties.get(c.propertyKey);
    for (const part of c.path.split('.'))
      held = held && typeof held === 'object' ? (held as Record<string, unknown>)[part] : undefined;
    const present = held !== undefined && held !== null && held !== '';
    if (c.op === 'is empty') return !present;
    if (c.op === 'is not empty') return present;
    // Jira drops values it cannot index as the declared type: they match no comparison.
    const indexed = !present
      ? undefined
      : c.type === 'date'
        ? typeof held === 'string'
          ? jqlDate(held)
          : undefined
        : c.type === 'number'
          ? typeof held === 'number'
            ? held
            : undefined
          : typeof held === 'string' || typeof held === 'number'
            ? String(held)
            : undefined;
    const compare = (v: JqlValue): number | undefined => {
      if (indexed === undefined) return undefined;
      const o = operand(v);
      if (c.type === 'date') {
        const ms = typeof o === 'number' ? o : jqlDate(o);
        return ms === undefined ? undefined : (indexed as number) - ms;
      }
      if (c.type === 'number') return (indexed as number) - Number(o);
      return indexed === String(o) ? 0 : 1;
    };
    if (c.op === 'in') return c.values.some((v) => compare(v) === 0);
    const d = compare(c.values[0]);
    // A != clause does not match an issue without the value, as in Jira.
    if (d === undefined) return false;
    switch (c.op) {
      case '=':
        return d === 0;
      case '!=':
        return d !== 0;
      case '>=':
        return d >= 0;
      case '>':
        return d > 0;
      case '<=':
        return d <= 0;
      default:
        return d < 0;
    }
  }

  private getChangelog(idOrKey: string, q: URLSearchParams): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
    const maxResults = Math.min(100, Math.max(1, Number(q.get('maxResults') ?? 100) || 100));
    const page = issue.changelog.slice(startAt, startAt + maxResults);
    const isLast = startAt + page.length >= issue.changelog.length;
    const self = `${this.siteUrl}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt}`;
    return {
      status: 200,
      body: {
        self,
        maxResults,
        startAt,
        total: issue.changelog.length,
        isLast,
        ...(isLast
          ? {}
          : {
              nextPage: `${this.siteUrl}/rest/api/3/issue/${issue.key}/changelog?maxResults=${maxResults}&startAt=${startAt + maxResults}`,
            }),
        values: page.map((c) => ({
          id: c.id,
          author: this.userJson(this.users.get(c.author)!, false),
          created: jiraDateTime(c.created),
          items: structuredClone(c.items),
        })),
      },
    };
  }

  private getComments(idOrKey: string, q: URLSearchParams): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    const startAt = Math.max(0, Number(q.get('startAt') ?? 0) || 0);
    const maxResults = Math.min(5000, Math.max(1, Number(q.get('maxResults') ?? 5000) || 5000));
    // orderBy accepts "created" (Jira's documentation), with + or - for the direction.
    const orderBy = q.get('orderBy');
    if (orderBy !== null && !/^[+-]?created$/.test(orderBy))
      return jiraError(
        400,
        `The value '${orderBy}' is not valid for orderBy. Valid values are created, +created, -created.`,
      );
    const ordered = orderBy?.startsWith('-') ? [...issue.comments].reverse() : issue.comments;
    return {
      status: 200,
      body: {
        startAt,
        maxResults,
        total: issue.comments.length,
        comments: ordered.slice(startAt, startAt + maxResults).map((c) => this.commentJson(issue, c)),
      },
    };
  }

  private postComment(idOrKey: string, body: unknown, caller: EmulatedUser): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    const b = body as { body?: unknown } | undefined;
    if (!b || typeof b !== 'object' || b.body === undefined)
      return { status: 400, body: { errorMessages: [], errors: { comment: 'Comment body can not be empty!' } } };
    const invalid = validateAdf(b.body);
    if (invalid) return jiraError(400, 'INVALID_INPUT', invalid);
    const text = this.renderText(b.body as AdfNode);
    if (text.length > 32767)
      return {
        status: 400,
        body: {
          errorMessages: [],
          errors: { comment: 'The entered text is too long. It exceeds the allowed limit of 32,767 characters.' },
        },
      };
    const now = this.opts.now();
    const c: EmulatedComment = {
      id: String(++this.seq.comment),
      author: caller.accountId,
      body: structuredClone(b.body as AdfNode),
      text,
      created: now,
    };
    issue.comments.push(c);
    issue.updated = now;
    // Forge's comment event; a comment is not a field change, so there is no changelog.
    this.emit('avi:jira:commented:issue', issue, caller.accountId, undefined, {
      id: c.id,
      author: { accountId: caller.accountId },
      body: structuredClone(c.body),
      created: jiraDateTime(now),
      updated: jiraDateTime(now),
    });
    return { status: 201, body: this.commentJson(issue, c) };
  }

  /** getIssueProperty: `{ key, value }`; 404 for a missing issue or property. */
  private getIssueProperty(idOrKey: string, propertyKey: string): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    if (!issue.properties.has(propertyKey))
      return jiraError(404, `The property with key '${propertyKey}' does not exist.`);
    return { status: 200, body: { key: propertyKey, value: structuredClone(issue.properties.get(propertyKey)) } };
  }

  /**
   * setIssueProperty, as Jira documents it: the body is the value (valid, non-empty JSON of at most
   * 32768 bytes), the key at most 255 characters; 201 when created, 200 when replaced, 404 for an
   * issue that does not exist, 403 for a caller who may not edit it. Setting a property is not an
   * issue edit: no changelog entry, no `updated` change, no issue event.
   */
  private putIssueProperty(idOrKey: string, propertyKey: string, body: unknown, caller: EmulatedUser): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    // Editing is approximated by the emulator's one project permission (who may transition issues).
    if (!this.mayTransition(issue.projectKey, caller))
      return jiraError(403, 'You do not have permission to edit this issue.');
    if (propertyKey.length > 255) return jiraError(400, 'The property key cannot be longer than 255 characters.');
    if (body === undefined || body === null || body === '')
      return jiraError(400, 'The property value cannot be empty.');
    if (Buffer.byteLength(JSON.stringify(body), 'utf8') > 32768)
      return jiraError(400, 'The property value cannot be longer than 32768 bytes.');
    const existed = issue.properties.has(propertyKey);
    issue.properties.set(propertyKey, structuredClone(body));
    return { status: existed ? 200 : 201, body: undefined };
  }

  /**
   * POST /rest/api/3/issue with the fields the emulator knows: project, issuetype, summary, description
   * (ADF), duedate, assignee, labels. Anything else is refused as Jira refuses a field that is not on the
   * create screen. Without an assignee, the project's default assignee (setDefaultAssignee) gets it.
   */
  private createIssueRest(body: unknown, caller: EmulatedUser): HandleResponse {
    const fields = (body as { fields?: Record<string, unknown> } | undefined)?.fields;
    if (!fields || typeof fields !== 'object') return jiraError(400, 'Request body has no fields.');
    const errors: Record<string, string> = {};
    const known = new Set(['project', 'issuetype', 'summary', 'description', 'duedate', 'assignee', 'labels']);
    for (const k of Object.keys(fields))
      if (!known.has(k)) errors[k] = `Field '${k}' cannot be set. It is not on the appropriate screen, or unknown.`;
    const ref = fields.project as { key?: unknown; id?: unknown } | undefined;
    const project = [...this.projects.values()].find((p) => p.key === ref?.key || p.id === ref?.id);
    if (!project) errors.project = 'Specify a valid project ID or key';
    const typeRef = fields.issuetype as { id?: unknown; name?: unknown } | undefined;
    const typeName = Object.entries(ISSUE_TYPES).find(([n, t]) => t.id === typeRef?.id || n === typeRef?.name)?.[0];
    if (!typeName) errors.issuetype = 'Specify a valid issue type';
    const summary = fields.summary;
    if (typeof summary !== 'string' || !summary.trim()) errors.summary = 'You must specify a summary of the issue.';
    else if (summary.length > 255) errors.summary = 'Summary must be less than 255 characters.';
    if (fields.description !== undefined) {
      const problem = validateAdf(fields.description);
      if (problem) errors.description = `Operation value must be an Atlassian Document: ${problem}`;
    }
    const due = fields.duedate;
    if (due !== undefined && (typeof due !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(due)))
      errors.duedate = "Error parsing date string. Expected format 'yyyy-MM-dd'.";
    const labels = fields.labels;
    if (
      labels !== undefined &&
      (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || !l || /\s/.test(l) || l.length > 255))
    )
      errors.labels = 'Labels cannot contain spaces and must be at most 255 characters.';
    let assignee: string | null | undefined;
    if (fields.assignee !== undefined) {
      const id = (fields.assignee as { accountId?: unknown } | null)?.accountId;
      const u = typeof id === 'string' ? this.users.get(id) : undefined;
      if (!u || !u.active || u.accountType !== 'atlassian')
        errors.assignee = `User '${String(id)}' cannot be assigned issues.`;
      else assignee = u.accountId;
    }
    if (Object.keys(errors).length > 0 || !project || !typeName)
      return { status: 400, body: { errorMessages: [], errors } };
    const now = this.opts.now();
    const issue: IssueState = {
      id: String(++this.seq.issue),
      key: `${project.key}-${project.nextNumber++}`,
      projectKey: project.key,
      issueType: typeName,
      summary: summary as string,
      reporter: caller.accountId,
      creator: caller.accountId,
      assignee: assignee ?? this.defaultAssignees.get(project.key) ?? null,
      created: now,
      updated: now,
      statusId: STATUSES.TODO.id,
      values: {},
      comments: [],
      changelog: [],
      notifications: [],
      properties: new Map(),
      ...(fields.description !== undefined ? { description: structuredClone(fields.description) as AdfNode } : {}),
      ...(typeof due === 'string' ? { dueDate: due } : {}),
      labels: [...new Set((labels as string[] | undefined) ?? [])],
      resolution: null,
    };
    this.issues.set(issue.key, issue);
    this.emit('avi:jira:created:issue', issue, caller.accountId);
    return {
      status: 201,
      body: { id: issue.id, key: issue.key, self: `${this.siteUrl}/rest/api/3/issue/${issue.id}` },
    };
  }

  /** PUT /rest/api/3/issue/{key}: the emulator edits the due date only (what the app moves). */
  private editIssue(idOrKey: string, body: unknown, caller: EmulatedUser): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    const fields = (body as { fields?: Record<string, unknown> } | undefined)?.fields;
    if (!fields || typeof fields !== 'object' || Object.keys(fields).length === 0)
      return jiraError(400, 'Request body has no fields to edit.');
    for (const k of Object.keys(fields))
      if (k !== 'duedate')
        return {
          status: 400,
          body: { errorMessages: [], errors: { [k]: `Field '${k}' cannot be set by the emulator's editIssue.` } },
        };
    const due = fields.duedate;
    if (due !== null && (typeof due !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(due)))
      return { status: 400, body: { errorMessages: [], errors: { duedate: "Expected format 'yyyy-MM-dd'." } } };
    const before = issue.dueDate ?? null;
    if (before === due) return { status: 204 };
    issue.dueDate = due ?? undefined;
    this.recordChange(issue, caller.accountId, [
      {
        field: 'duedate',
        fieldtype: 'jira',
        fieldId: 'duedate',
        from: before,
        fromString: before ?? '',
        to: due,
        toString: due ?? '',
      },
    ]);
    return { status: 204 };
  }

  /** POST /rest/api/3/issueLink: link types Relates, Blocks, Duplicate, Cloners (Jira's defaults). */
  private linkIssues(body: unknown, caller: EmulatedUser): HandleResponse {
    const b = body as
      | {
          type?: { name?: unknown; id?: unknown };
          inwardIssue?: { key?: unknown; id?: unknown };
          outwardIssue?: { key?: unknown; id?: unknown };
        }
      | undefined;
    const types: Record<string, string> = {
      '10000': 'Blocks',
      '10001': 'Cloners',
      '10002': 'Duplicate',
      '10003': 'Relates',
    };
    const type = Object.values(types).find((n) => n === b?.type?.name) ?? types[String(b?.type?.id)];
    if (!type) return jiraError(404, 'No issue link type with name or id found.');
    const issueOf = (r: { key?: unknown; id?: unknown } | undefined) =>
      typeof r?.key === 'string' ? this.findIssue(r.key) : typeof r?.id === 'string' ? this.findIssue(r.id) : undefined;
    const inward = issueOf(b?.inwardIssue);
    const outward = issueOf(b?.outwardIssue);
    if (!inward || !outward) return jiraError(404, 'Issue does not exist or you do not have permission to see it.');
    if (!this.links.some((l) => l.type === type && l.inward === inward.key && l.outward === outward.key))
      this.links.push({ id: String(10100 + this.links.length), type, inward: inward.key, outward: outward.key });
    void caller;
    return { status: 201 };
  }

  private getTransitions(idOrKey: string, caller: EmulatedUser): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    // Without TRANSITION_ISSUES Jira lists no transitions at all.
    const available = this.mayTransition(issue.projectKey, caller)
      ? TRANSITIONS.filter((t) => t.from.includes(issue.statusId))
      : [];
    return {
      status: 200,
      body: {
        expand: 'transitions',
        transitions: available.map((t) => ({
          id: t.id,
          name: t.name,
          to: this.statusJson(t.to),
          hasScreen: false,
          isGlobal: false,
          isInitial: false,
          isAvailable: true,
          isConditional: false,
          isLooped: false,
        })),
      },
    };
  }

  private postTransition(idOrKey: string, body: unknown, caller: EmulatedUser): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    const id = (body as { transition?: { id?: unknown } } | undefined)?.transition?.id;
    if (typeof id !== 'string' && typeof id !== 'number') return jiraError(400, 'Missing transition id.');
    const t = TRANSITIONS.find((x) => x.id === String(id) && x.from.includes(issue.statusId));
    if (!t || !this.mayTransition(issue.projectKey, caller))
      return jiraError(400, `Transition id '${id}' is not valid for this issue.`);
    this.applyTransition(issue, t, caller.accountId);
    return { status: 204 };
  }

  private postNotify(idOrKey: string, body: unknown, caller: EmulatedUser): HandleResponse {
    const issue = this.findIssue(idOrKey);
    if (!issue) return this.noIssue();
    const b = body as
      { subject?: unknown; textBody?: unknown; htmlBody?: unknown; to?: Record<string, unknown> } | undefined;
    if (!b || typeof b !== 'object') return jiraError(400, 'Request body is missing.');
    for (const k of ['subject', 'textBody', 'htmlBody'] as const) {
      if (b[k] !== undefined && typeof b[k] !== 'string')
        return { status: 400, body: { errorMessages: [], errors: { [k]: `${k} must be a string.` } } };
    }
    if (b.textBody === undefined && b.htmlBody === undefined)
      return jiraError(400, 'The notification has no body: send textBody or htmlBody.');
    const to = b.to;
    if (!to || typeof to !== 'object') return jiraError(400, 'No recipients were defined for notification.');
    const known = new Set(['reporter', 'assignee', 'watchers', 'voters', 'users', 'groups', 'groupIds']);
    for (const k of Object.keys(to))
      if (!known.has(k)) return jiraError(400, `Unrecognized field "${k}" in notification recipients.`);
    const recipients = new Set<string>();
    if (to.reporter === true) recipients.add(issue.reporter);
    if (to.assignee === true && issue.assignee) recipients.add(issue.assignee);
    if (to.users !== undefined) {
      if (!Array.isArray(to.users)) return jiraError(400, 'to.users must be an array.');
      for (const u of to.users as Array<{ accountId?: unknown }>) {
        if (typeof u?.accountId !== 'string') return jiraError(400, 'Each user recipient needs an accountId.');
        if (!this.users.has(u.accountId)) return jiraError(400, `User with accountId '${u.accountId}' does not exist.`);
        recipients.add(u.accountId);
      }
    }
    if (recipients.size === 0 && !to.watchers && !to.voters && !to.groups && !to.groupIds)
      return jiraError(400, 'No recipients were defined for notification.');
    issue.notifications.push({
      subject: b.subject as string | undefined,
      textBody: b.textBody as string | undefined,
      htmlBody: b.htmlBody as string | undefined,
      to: [...recipients],
      request: structuredClone(body),
      sentBy: caller.accountId,
      at: this.opts.now(),
    });
    return { status: 204 };
  }

  private getUser(q: URLSearchParams): HandleResponse {
    const id = q.get('accountId');
    if (!id) return jiraError(400, 'The query parameter accountId is required.');
    const u = this.users.get(id);
    if (!u) return jiraError(404, 'Specified user does not exist or you do not have required permissions');
    return { status: 200, body: this.userJson(u, true) };
  }

  private myPermissions(q: URLSearchParams, caller: EmulatedUser): HandleResponse {
    const keys = (q.get('permissions') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (keys.length === 0) return jiraError(400, 'The permissions query parameter is required.');
    // The context: an issue (its project), a project, or none (global: "in any project").
    let projectKey: string | undefined;
    const issueRef = q.get('issueKey') ?? q.get('issueId');
    const projectRef = q.get('projectKey') ?? q.get('projectId');
    if (issueRef) {
      const issue = this.findIssue(issueRef);
      if (!issue) return this.noIssue();
      projectKey = issue.projectKey;
    } else if (projectRef) {
      const project = this.findProject(projectRef);
      if (!project) return this.noProject(projectRef);
      projectKey = project.key;
    }
    const inProject = (u: EmulatedUser, allows: (key: string, u: EmulatedUser) => boolean) =>
      projectKey !== undefined
        ? allows(projectKey, u)
        : this.projects.size === 0 || [...this.projects.keys()].some((k) => allows(k, u));
    const known: Record<
      string,
      { id: string; name: string; type: string; description: string; has: (u: EmulatedUser) => boolean }
    > = {
      ADMINISTER: {
        id: '0',
        name: 'Administer Jira',
        type: 'GLOBAL',
        description:
          'Create and administer projects, issue types, fields, workflows, and schemes for all projects. Users with this permission can perform most administration tasks, except: managing users, importing data, and editing system email settings.',
        has: (u) => u.admin,
      },
      BROWSE_PROJECTS: {
        id: '10',
        name: 'Browse Projects',
        type: 'PROJECT',
        description: 'Ability to browse projects and the issues within them.',
        has: () => true,
      },
      TRANSITION_ISSUES: {
        id: '46',
        name: 'Transition Issues',
        type: 'PROJECT',
        description: 'Ability to transition issues.',
        has: (u) => inProject(u, (k, x) => this.mayTransition(k, x)),
      },
    };
    const permissions: Record<string, unknown> = {};
    for (const k of keys) {
      const p = known[k];
      if (!p) return jiraError(404, `Permission '${k}' does not exist.`);
      permissions[k] = {
        id: p.id,
        key: k,
        name: p.name,
        type: p.type,
        description: p.description,
        havePermission: p.has(caller),
      };
    }
    return { status: 200, body: { permissions } };
  }

  /** GET /rest/api/3/user/groups: the user's groups ({ name, groupId, self }), by name. */
  private userGroups(q: URLSearchParams): HandleResponse {
    const id = q.get('accountId');
    if (!id) return jiraError(400, 'The query parameter accountId is required.');
    if (!this.users.has(id))
      return jiraError(404, 'Specified user does not exist or you do not have required permissions');
    const groups = [...this.groups.values()]
      .filter((g) => g.members.has(id))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((g) => this.groupJson(g));
    return { status: 200, body: groups };
  }

  /**
   * GET /rest/api/3/user/search: active users whose display name (or a word of it) or visible email
   * starts with `query`, any case; app accounts included, as Jira does. `query` (or `accountId`) is
   * required, not both.
   */
  private userSearch(q: URLSearchParams): HandleResponse {
    const query = q.get('query');
    const accountId = q.get('accountId');
    if (q.has('property')) return jiraError(400, 'The emulator does not search by user property.');
    if (query !== null && accountId !== null) return jiraError(400, 'Specify either query or accountId, not both.');
    if (!query && !accountId) return jiraError(400, "The query parameter 'query' is required.");
    const page = this.page(q, 50);
    if ('status' in page) return page;
    const needle = (query ?? '').toLowerCase();
    const matches = [...this.users.values()]
      .filter((u) => u.active)
      .filter((u) =>
        accountId !== null
          ? u.accountId === accountId
          : u.displayName.toLowerCase().startsWith(needle) ||
            u.displayName
              .toLowerCase()
              .split(/\s+/)
              .some((w) => w.startsWith(needle)) ||
            (u.emailVisible && !!u.email && u.email.toLowerCase().startsWith(needle)),
      )
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    return {
      status: 200,
      body: matches.slice(page.startAt, page.startAt + page.maxResults).map((u) => this.userJson(u, false)),
    };
  }

  /**
   * GET /rest/api/3/groups/picker: groups whose name contains `query` (case-sensitive unless
   * caseInsensitive=true, Jira's default being false), sorted, at most maxResults (default 20), as
   * FoundGroups { header, total, groups: [{ name, html, labels, groupId }] }.
   */
  private groupsPicker(q: URLSearchParams): HandleResponse {
    const query = q.get('query') ?? '';
    const insensitive = q.get('caseInsensitive') === 'true';
    const max = this.intParam(q, 'maxResults', 20);
    if (max === undefined) return jiraError(400, 'maxResults must be a number.');
    const excluded = new Set(q.getAll('exclude'));
    const excludedIds = new Set(q.getAll('excludeId'));
    const at = (name: string) => (insensitive ? name.toLowerCase().indexOf(query.toLowerCase()) : name.indexOf(query));
    const found = [...this.groups.values()]
      .filter((g) => !excluded.has(g.name) && !excludedIds.has(g.groupId) && at(g.name) >= 0)
      .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
    const shown = found.slice(0, Math.max(0, max));
    const esc = (x: string) =>
      x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    return {
      status: 200,
      body: {
        header: `Showing ${shown.length} of ${found.length} matching groups`,
        total: found.length,
        groups: shown.map((g) => {
          const i = at(g.name);
          const html =
            query.length === 0
              ? esc(g.name)
              : `${esc(g.name.slice(0, i))}<b>${esc(g.name.slice(i, i + query.length))}</b>${esc(g.name.slice(i + query.length))}`;
          return { name: g.name, html, labels: [], groupId: g.groupId };
        }),
      },
    };
  }

  /** GET /rest/api/3/group/bulk: groups by exact name and/or id (none: all), paged. */
  private groupBulk(q: URLSearchParams): HandleResponse {
    const page = this.page(q, 50);
    if ('status' in page) return page;
    const names = q.getAll('groupName');
    const ids = q.getAll('groupId');
    const all = [...this.groups.values()]
      .filter((g) => (names.length === 0 && ids.length === 0) || names.includes(g.name) || ids.includes(g.groupId))
      .sort((a, b) => a.name.localeCompare(b.name));
    const values = all.slice(page.startAt, page.startAt + page.maxResults);
    return {
      status: 200,
      body: {
        maxResults: page.maxResults,
        startAt: page.startAt,
        total: all.length,
        isLast: page.startAt + values.length >= all.length,
        values: values.map((g) => ({ name: g.name, groupId: g.groupId })),
      },
    };
  }

  // ------------------------------------------------------------------ configuration reads (admin pickers)

  /** The select-list custom fields and their single global context: Change type and those added. */
  private selectFields(): Map<
    string,
    { name: string; contextId: string; options: Array<{ id: string; value: string; disabled: boolean }> }
  > {
    return new Map([
      [
        FIELD_IDS.changeType,
        {
          name: 'Change type',
          contextId: '10400',
          options: CHANGE_TYPE_OPTIONS.map((o) => ({ ...o, disabled: false })),
        },
      ],
      ...this.extraSelectFields,
    ]);
  }

  /** A custom field's contexts, as far as the emulator models them: one global context each. */
  private contextsOf(fieldId: string): Array<{ id: string; name: string }> | undefined {
    const select = this.selectFields().get(fieldId);
    if (select) return [{ id: select.contextId, name: `Default Configuration Scheme for ${select.name}` }];
    const field = this.fieldDefinitions().find((f) => f.id === fieldId);
    if (!field || !field.custom) return undefined;
    return [
      {
        id: String(10500 + Number(fieldId.slice('customfield_'.length)) - 10000),
        name: `Default Configuration Scheme for ${field.name}`,
      },
    ];
  }

  private paged<T>(all: T[], q: URLSearchParams, defaultMax: number, selfPath: string): HandleResponse {
    const page = this.page(q, defaultMax);
    if ('status' in page) return page;
    const values = all.slice(page.startAt, page.startAt + page.maxResults);
    const isLast = page.startAt + values.length >= all.length;
    return {
      status: 200,
      body: {
        self: `${this.siteUrl}${selfPath}?startAt=${page.startAt}&maxResults=${page.maxResults}`,
        ...(isLast
          ? {}
          : {
              nextPage: `${this.siteUrl}${selfPath}?startAt=${page.startAt + values.length}&maxResults=${page.maxResults}`,
            }),
        maxResults: page.maxResults,
        startAt: page.startAt,
        total: all.length,
        isLast,
        values,
      },
    };
  }

  /** GET /rest/api/3/field/{fieldId}/context: Administer Jira only; 404 for a field that is not custom. */
  private fieldContexts(fieldId: string, q: URLSearchParams, caller: EmulatedUser): HandleResponse {
    if (!caller.admin)
      return jiraError(403, 'You are not authorized to perform this action. Administrator privileges are required.');
    const contexts = this.contextsOf(fieldId);
    if (!contexts) return jiraError(404, 'The custom field was not found.');
    return this.paged(
      contexts.map((c) => ({ id: c.id, name: c.name, description: '', isGlobalContext: true, isAnyIssueType: true })),
      q,
      50,
      `/rest/api/3/field/${fieldId}/context`,
    );
  }

  /** GET /rest/api/3/field/{fieldId}/context/{contextId}/option: 400 when the field takes no options. */
  private contextOptions(fieldId: string, contextId: string, q: URLSearchParams, caller: EmulatedUser): HandleResponse {
    if (!caller.admin)
      return jiraError(403, 'You are not authorized to perform this action. Administrator privileges are required.');
    const contexts = this.contextsOf(fieldId);
    if (!contexts) return jiraError(404, 'The custom field was not found.');
    if (!contexts.some((c) => c.id === contextId)) return jiraError(404, 'The context was not found.');
    const select = this.selectFields().get(fieldId);
    if (!select) return jiraError(400, "The custom field doesn't support options.");
    return this.paged(
      select.options.map((o) => ({ id: o.id, value: o.value, disabled: o.disabled })),
      q,
      100,
      `/rest/api/3/field/${fieldId}/context/${contextId}/option`,
    );
  }

  /**
   * GET /rest/api/3/project/search: projects whose key or name contains `query` (any case), or with one
   * of `keys`, ordered by key or name, paged; `expand=issueTypes` adds each project's issue types.
   */
  private projectSearch(q: URLSearchParams): HandleResponse {
    const query = (q.get('query') ?? '').toLowerCase();
    const keys = new Set(q.getAll('keys').map((k) => k.toUpperCase()));
    const orderBy = q.get('orderBy') ?? 'key';
    const field = orderBy.replace(/^[+-]/, '');
    if (field !== 'key' && field !== 'name')
      return jiraError(400, `The emulator does not order projects by ${orderBy}.`);
    const expand = new Set((q.get('expand') ?? '').split(',').map((x) => x.trim()));
    const found = [...this.projects.values()]
      .filter((p) => keys.size === 0 || keys.has(p.key))
      .filter((p) => !query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query))
      .sort((a, b) => (orderBy.startsWith('-') ? -1 : 1) * a[field].localeCompare(b[field]));
    return this.paged(
      found.map((p) => ({
        ...this.projectJson(p.key),
        ...(expand.has('issueTypes')
          ? {
              issueTypes: Object.keys(ISSUE_TYPES).map((name) => this.issueTypeJson(name)),
            }
          : {}),
      })),
      q,
      50,
      '/rest/api/3/project/search',
    );
  }

  /** The statuses of the project's workflow (the shared four, then those added), as `statusJson` renders them. */
  private workflowStatusesOf(projectKey: string) {
    const extra = (this.extraStatuses.get(projectKey) ?? []).map((x) => ({
      self: `${this.siteUrl}/rest/api/3/status/${x.statusId}`,
      description: '',
      iconUrl: `${this.siteUrl}/images/icons/statuses/generic.png`,
      name: x.name,
      id: x.statusId,
      statusCategory: {
        self: `${this.siteUrl}/rest/api/3/statuscategory/4`,
        ...STATUSES.IN_PROGRESS.category,
      },
    }));
    return [...ALL_STATUSES.map((s) => this.statusJson(s.id)), ...extra];
  }

  /** GET /rest/api/3/project/{projectIdOrKey}/statuses: every issue type's statuses (one workflow per project). */
  private projectStatuses(projectRef: string): HandleResponse {
    const project = this.findProject(projectRef);
    if (!project) return this.noProject(projectRef);
    return {
      status: 200,
      body: Object.keys(ISSUE_TYPES).map((name) => ({
        self: `${this.siteUrl}/rest/api/3/issuetype/${ISSUE_TYPES[name].id}`,
        id: ISSUE_TYPES[name].id,
        name,
        subtask: false,
        statuses: this.workflowStatusesOf(project.key),
      })),
    };
  }

  /** GET /rest/api/3/status: the statuses of every active workflow, each once. */
  private allStatuses(): HandleResponse {
    const seen = new Map<string, ReturnType<JiraEmulator['workflowStatusesOf']>[number]>();
    for (const key of [...this.projects.keys()].sort())
      for (const st of this.workflowStatusesOf(key)) if (!seen.has(st.id)) seen.set(st.id, st);
    if (this.projects.size === 0) for (const st of ALL_STATUSES) seen.set(st.id, this.statusJson(st.id));
    return { status: 200, body: [...seen.values()] };
  }

  /**
   * POST /rest/api/3/workflows (readWorkflows): the workflows the given projects and issue types use,
   * with their statuses and transitions. Administer Jira only (403 otherwise); pairs naming no project
   * or issue type of a project add nothing.
   */
  private readWorkflows(body: unknown, caller: EmulatedUser): HandleResponse {
    if (!caller.admin)
      return jiraError(403, 'You are not authorized to perform this action. Administrator privileges are required.');
    const b = (body ?? {}) as { projectAndIssueTypes?: Array<{ projectId?: unknown; issueTypeId?: unknown }> };
    const pairs = Array.isArray(b.projectAndIssueTypes) ? b.projectAndIssueTypes : [];
    const typeIds = new Set(Object.values(ISSUE_TYPES).map((t) => t.id));
    const projects = [
      ...new Set(pairs.filter((p) => typeIds.has(String(p.issueTypeId))).map((p) => String(p.projectId))),
    ]
      .map((id) => [...this.projects.values()].find((p) => p.id === id))
      .filter((p): p is NonNullable<typeof p> => !!p)
      .sort((a, b) => a.key.localeCompare(b.key));
    const category = (key: string) => (key === 'new' ? 'TODO' : key === 'done' ? 'DONE' : 'IN_PROGRESS');
    const statuses = new Map<string, { id: string; name: string; category: string }>();
    const workflows = projects.map((p, i) => {
      const extra = this.extraStatuses.get(p.key) ?? [];
      const own = [
        ...ALL_STATUSES.map((st) => ({ id: st.id, name: st.name, category: category(st.category.key) })),
        ...extra.map((x) => ({ id: x.statusId, name: x.name, category: 'IN_PROGRESS' })),
      ];
      for (const st of own) statuses.set(st.id, st);
      return {
        id: `0f5e${String(i).padStart(4, '0')}-0000-4000-8000-${p.id.padStart(12, '0')}`,
        name: `${p.key}: Software Simplified Workflow`,
        description: '',
        isEditable: true,
        scope: { type: 'GLOBAL' },
        version: { id: `1f5e${String(i).padStart(4, '0')}-0000-4000-8000-${p.id.padStart(12, '0')}`, versionNumber: 1 },
        statuses: own.map((st) => ({ statusReference: st.id, deprecated: false, properties: {} })),
        transitions: [
          ...TRANSITIONS.map((t) => ({
            id: t.id,
            name: t.name,
            description: '',
            type: 'DIRECTED',
            from: t.from.map((statusReference) => ({ statusReference })),
            to: { statusReference: t.to },
            actions: [],
            validators: [],
            triggers: [],
            properties: {},
          })),
          ...extra.map((x) => ({
            id: x.transition.id,
            name: x.transition.name,
            description: '',
            type: 'GLOBAL',
            from: [],
            to: { statusReference: x.statusId },
            actions: [],
            validators: [],
            triggers: [],
            properties: {},
          })),
        ],
      };
    });
    return {
      status: 200,
      body: {
        statuses: [...statuses.values()].map((st) => ({
          id: st.id,
          name: st.name,
          description: '',
          scope: { type: 'GLOBAL' },
          statusCategory: st.category,
          statusReference: st.id,
        })),
        workflows,
      },
    };
  }

  /** GET /rest/api/3/role: every project role on the site (Administer Jira only). */
  private allRoles(caller: EmulatedUser): HandleResponse {
    if (!caller.admin)
      return jiraError(403, 'You are not authorized to perform this action. Administrator privileges are required.');
    return {
      status: 200,
      body: [...this.roles.values()].map((r) => ({
        self: `${this.siteUrl}/rest/api/3/role/${r.id}`,
        name: r.name,
        id: r.id,
        description: r.description,
        actors: [], // no default actors in the emulator
      })),
    };
  }

  /** GET /rest/api/3/project/{projectIdOrKey}/role: { roleName: self } for every role on the site. */
  private projectRoles(projectRef: string, caller: EmulatedUser): HandleResponse {
    const project = this.findProject(projectRef);
    // Administer Projects or Administer Jira; Jira answers as if the project did not exist otherwise.
    if (!project || !caller.admin) return this.noProject(projectRef);
    const body: Record<string, string> = {};
    for (const r of this.roles.values())
      body[r.name] = `${this.siteUrl}/rest/api/3/project/${project.key}/role/${r.id}`;
    return { status: 200, body };
  }

  /** GET /rest/api/3/project/{projectIdOrKey}/role/{id}: the role with its actors in the project. */
  private projectRole(projectRef: string, idText: string, caller: EmulatedUser): HandleResponse {
    const project = this.findProject(projectRef);
    if (!project || !caller.admin) return this.noProject(projectRef);
    if (!/^\d+$/.test(idText)) return jiraError(400, `The project role id '${idText}' is not a number.`);
    const role = this.roles.get(Number(idText));
    if (!role) return jiraError(404, `No project role found with id ${idText}.`);
    const actors = this.roleActors.get(project.key)?.get(role.id) ?? { accountIds: [], groups: [] };
    let actorId = this.seq.actor;
    const list = [
      ...actors.accountIds.map((a) => {
        const u = this.users.get(a)!;
        return {
          id: ++actorId,
          displayName: u.displayName,
          type: 'atlassian-user-role-actor',
          actorUser: { accountId: u.accountId },
        };
      }),
      ...actors.groups.map((name) => {
        const g = this.groups.get(name)!;
        return {
          id: ++actorId,
          displayName: g.name,
          name: g.name,
          type: 'atlassian-group-role-actor',
          actorGroup: { name: g.name, displayName: g.name, groupId: g.groupId },
        };
      }),
    ].sort((a, b) => a.displayName.localeCompare(b.displayName));
    return {
      status: 200,
      body: {
        self: `${this.siteUrl}/rest/api/3/project/${project.key}/role/${role.id}`,
        name: role.name,
        id: role.id,
        description: role.description,
        actors: list,
      },
    };
  }

  private findProject(idOrKey: string) {
    return this.projects.get(idOrKey.toUpperCase()) ?? [...this.projects.values()].find((p) => p.id === idOrKey);
  }

  private noProject(ref: string): HandleResponse {
    return jiraError(404, `No project could be found with key '${ref}'.`);
  }

  /** TRANSITION_ISSUES in the project: the app's user always; others unless restrictTransitions left them out. */
  private mayTransition(projectKey: string, u: EmulatedUser): boolean {
    if (u.accountId === this.appUser.accountId) return true;
    const only = this.transitioners.get(projectKey);
    return !only || only.has(u.accountId);
  }

  /** startAt / maxResults of a paged read, or the 400 Jira answers for a non-number. */
  private page(q: URLSearchParams, defaultMax: number): { startAt: number; maxResults: number } | HandleResponse {
    const startAt = this.intParam(q, 'startAt', 0);
    const maxResults = this.intParam(q, 'maxResults', defaultMax);
    if (startAt === undefined || maxResults === undefined)
      return jiraError(400, 'startAt and maxResults must be numbers.');
    return { startAt: Math.max(0, startAt), maxResults: Math.min(1000, Math.max(0, maxResults)) };
  }

  private intParam(q: URLSearchParams, name: string, fallback: number): number | undefined {
    const v = q.get(name);
    if (v === null || v === '') return fallback;
    return /^-?\d+$/.test(v) ? Number(v) : undefined;
  }

  // ------------------------------------------------------------------ shapes

  private groupJson(g: { name: string; groupId: string }) {
    return { name: g.name, groupId: g.groupId, self: `${this.siteUrl}/rest/api/3/group?groupId=${g.groupId}` };
  }

  private requireGroup(name: string) {
    const g = this.groups.get(name);
    if (!g) throw new Error(`no Jira group ${name}`);
    return g;
  }

  private requireIssue(key: string): IssueState {
    const i = this.findIssue(key);
    if (!i) throw new Error(`no issue ${key}`);
    return i;
  }

  private requireUser(accountId: string): EmulatedUser {
    const u = this.users.get(accountId);
    if (!u) throw new Error(`no user ${accountId}`);
    return u;
  }

  private status(id: string): StatusDef {
    return ALL_STATUSES.find((s) => s.id === id)!;
  }

  private statusJson(id: string) {
    const s = this.status(id);
    return {
      self: `${this.siteUrl}/rest/api/3/status/${s.id}`,
      description: '',
      iconUrl: `${this.siteUrl}/images/icons/statuses/generic.png`,
      name: s.name,
      id: s.id,
      statusCategory: { self: `${this.siteUrl}/rest/api/3/statuscategory/${s.category.id}`, ...s.category },
    };
  }

  /**
   * A user as Jira renders one: `User` (GET /user, /myself: with `locale`) or `UserDetails` (a comment's
   * or changelog entry's author, search hits, issue fields: no `locale`, which that schema does not have).
   */
  private userJson(u: EmulatedUser, withLocale: boolean) {
    return {
      self: `${this.siteUrl}/rest/api/3/user?accountId=${encodeURIComponent(u.accountId)}`,
      accountId: u.accountId,
      accountType: u.accountType,
      ...(u.email && u.emailVisible ? { emailAddress: u.email } : {}),
      avatarUrls: {
        '48x48': `https://avatar.example/${u.accountId}/48`,
        '24x24': `https://avatar.example/${u.accountId}/24`,
        '16x16': `https://avatar.example/${u.accountId}/16`,
        '32x32': `https://avatar.example/${u.accountId}/32`,
      },
      displayName: u.displayName,
      active: u.active,
      timeZone: u.timeZone,
      ...(withLocale ? { locale: 'en_US' } : {}),
    };
  }

  private projectJson(key: string) {
    const p = this.projects.get(key)!;
    return {
      self: `${this.siteUrl}/rest/api/3/project/${p.id}`,
      id: p.id,
      key: p.key,
      name: p.name,
      projectTypeKey: 'software',
      simplified: false,
      avatarUrls: {},
    };
  }

  private issueTypeJson(name: string) {
    const t = ISSUE_TYPES[name];
    return {
      self: `${this.siteUrl}/rest/api/3/issuetype/${t.id}`,
      id: t.id,
      description: t.description,
      iconUrl: `${this.siteUrl}/images/icons/issuetypes/task.svg`,
      name,
      subtask: false,
      hierarchyLevel: t.hierarchyLevel,
    };
  }

  private issueFieldsJson(i: IssueState): Record<string, unknown> {
    const user = (id: string | null) => (id ? this.userJson(this.users.get(id)!, false) : null);
    const changeTypeId = i.values[FIELD_IDS.changeType];
    const option = CHANGE_TYPE_OPTIONS.find((o) => o.id === changeTypeId);
    const end = i.values[FIELD_IDS.requestedEnd];
    return {
      summary: i.summary,
      issuetype: this.issueTypeJson(i.issueType),
      project: this.projectJson(i.projectKey),
      status: this.statusJson(i.statusId),
      reporter: user(i.reporter),
      creator: user(i.creator),
      assignee: user(i.assignee),
      created: jiraDateTime(i.created),
      updated: jiraDateTime(i.updated),
      [FIELD_IDS.changeType]: option
        ? { self: `${this.siteUrl}/rest/api/3/customFieldOption/${option.id}`, value: option.value, id: option.id }
        : null,
      [FIELD_IDS.requestedEnd]: end ? jiraDateTime(end) : null,
      ...Object.fromEntries(
        DATE_TIME_FIELDS.filter((f) => f.key !== 'requestedEnd').map((f) => {
          const v = i.values[f.id];
          return [f.id, v ? jiraDateTime(v) : null];
        }),
      ),
      [FIELD_IDS.accessType]: i.values[FIELD_IDS.accessType] ?? null,
      [FIELD_IDS.adminGroup]: i.values[FIELD_IDS.adminGroup] ?? null,
      description: i.description ? structuredClone(i.description) : null,
      duedate: i.dueDate ?? null,
      labels: [...i.labels],
      resolution: i.resolution
        ? { self: `${this.siteUrl}/rest/api/3/resolution/${i.resolution.id}`, ...i.resolution, description: '' }
        : null,
    };
  }

  private commentJson(issue: IssueState, c: EmulatedComment) {
    const author = this.userJson(this.users.get(c.author)!, false);
    return {
      self: `${this.siteUrl}/rest/api/3/issue/${issue.id}/comment/${c.id}`,
      id: c.id,
      author,
      body: structuredClone(c.body),
      updateAuthor: author,
      created: jiraDateTime(c.created),
      updated: jiraDateTime(c.created),
      jsdPublic: true,
    };
  }

  /** Field changes (changelog items) that `input` would make; throws on values Jira would reject. */
  private fieldChanges(issue: IssueState, input: IssueFieldInput): ChangeItem[] {
    const items: ChangeItem[] = [];
    const plain = (fieldId: string, name: string, v: string | null | undefined) => {
      if (v === undefined) return;
      const before = issue.values[fieldId] ?? null;
      const after = v === null || v === '' ? null : v;
      if (before === after) return;
      items.push({
        field: name,
        ...(this.appFieldChangeType === undefined ? {} : { fieldtype: this.appFieldChangeType }),
        fieldId,
        from: null,
        fromString: before ?? '',
        to: null,
        toString: after ?? '',
      });
    };
    plain(FIELD_IDS.accessType, 'Access type', input.accessType);
    plain(FIELD_IDS.adminGroup, 'Admin group', input.adminGroup);
    if (input.changeType !== undefined) {
      const before = CHANGE_TYPE_OPTIONS.find((o) => o.id === issue.values[FIELD_IDS.changeType]);
      const after =
        input.changeType === null ? undefined : CHANGE_TYPE_OPTIONS.find((o) => o.value === input.changeType);
      if (input.changeType !== null && !after) throw new Error(`"${input.changeType}" is not an option of Change type`);
      if (before?.id !== after?.id) {
        items.push({
          field: 'Change type',
          fieldtype: 'custom',
          fieldId: FIELD_IDS.changeType,
          from: before?.id ?? null,
          fromString: before?.value ?? '',
          to: after?.id ?? null,
          toString: after?.value ?? '',
        });
      }
    }
    for (const f of DATE_TIME_FIELDS) {
      const v = input[f.key];
      if (v === undefined) continue;
      if (v !== null && Number.isNaN(Date.parse(v))) throw new Error(`"${v}" is not a date-time`);
      const before = issue.values[f.id] ?? null;
      const after = v === null ? null : new Date(v).toISOString();
      if (before !== after) {
        items.push({
          field: f.name,
          fieldtype: 'custom',
          fieldId: f.id,
          from: before,
          fromString: before ? jiraDateTime(before) : '',
          to: after,
          toString: after ? jiraDateTime(after) : '',
        });
      }
    }
    // Stored value: select and date-time keep theirs in `to` (option id, ISO), app fields in `toString`
    // ('' for none: the empty side of a change is "" in the string forms, as in the spec's own
    // getChangeLogs example, and null in `from` / `to`).
    return items;
  }

  private applyTransition(issue: IssueState, t: (typeof TRANSITIONS)[number], byAccountId: string): ForgeIssueEvent {
    const from = this.status(issue.statusId);
    const to = this.status(t.to);
    issue.statusId = to.id;
    const items: ChangeItem[] = [
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: from.id,
        fromString: from.name,
        to: to.id,
        toString: to.name,
      },
    ];
    // Jira's default workflow sets the resolution on the way into Done and clears it on the way out.
    const before = issue.resolution;
    issue.resolution = to.category.key === 'done' ? (before ?? { id: '10000', name: 'Done' }) : null;
    if ((before?.id ?? null) !== (issue.resolution?.id ?? null))
      items.push({
        field: 'resolution',
        fieldtype: 'jira',
        fieldId: 'resolution',
        from: before?.id ?? null,
        fromString: before?.name ?? '',
        to: issue.resolution?.id ?? null,
        toString: issue.resolution?.name ?? '',
      });
    return this.recordChange(issue, byAccountId, items);
  }

  private recordChange(issue: IssueState, byAccountId: string, items: ChangeItem[]): ForgeIssueEvent {
    const now = this.opts.now();
    issue.updated = now;
    const entry: ChangelogEntry = { id: String(++this.seq.changelog), author: byAccountId, created: now, items };
    issue.changelog.push(entry);
    return this.emit('avi:jira:updated:issue', issue, byAccountId, { id: entry.id, items: structuredClone(items) });
  }

  private emit(
    eventType: ForgeIssueEvent['eventType'],
    issue: IssueState,
    actor: string,
    changelog?: ForgeIssueEvent['changelog'],
    comment?: ForgeIssueEvent['comment'],
  ): ForgeIssueEvent {
    // Forge event payloads carry users as { accountId } only (no names or emails).
    const ref = (id: string | null) => (id ? { accountId: id } : null);
    const associated = [...new Set([issue.reporter, issue.creator, issue.assignee].filter((x): x is string => !!x))];
    const event: ForgeIssueEvent = {
      eventType,
      selfGenerated: actor === this.appUser.accountId,
      atlassianId: actor,
      timestamp: Date.parse(this.opts.now()),
      issue: {
        id: issue.id,
        key: issue.key,
        fields: {
          summary: issue.summary,
          issuetype: this.issueTypeJson(issue.issueType),
          creator: ref(issue.creator),
          created: jiraDateTime(issue.created),
          project: this.projectJson(issue.projectKey),
          reporter: ref(issue.reporter),
          assignee: ref(issue.assignee),
          updated: jiraDateTime(issue.updated),
          status: this.statusJson(issue.statusId),
        },
      },
      ...(changelog ? { changelog } : {}),
      ...(comment ? { comment } : {}),
      associatedUsers: associated.map((accountId) => ({ accountId })),
      eventId: `jira-event-${++this.seq.event}`,
    };
    this.events.push(event);
    this.opts.onEvent?.(structuredClone(event));
    return event;
  }

  /** Plain text of an ADF doc: blocks and table rows on their own lines, cells joined by " | ". */
  renderText(doc: AdfNode): string {
    const inline = (n: AdfNode): string => {
      switch (n.type) {
        case 'text':
          return n.text ?? '';
        case 'mention': {
          const id = String(n.attrs?.id ?? '');
          const name = this.users.get(id)?.displayName ?? String(n.attrs?.text ?? id).replace(/^@/, '');
          return `@${name}`;
        }
        case 'hardBreak':
          return '\n';
        default:
          return (n.content ?? []).map(inline).join('');
      }
    };
    const block = (n: AdfNode): string[] => {
      switch (n.type) {
        case 'paragraph':
        case 'heading':
        case 'codeBlock':
          return [(n.content ?? []).map(inline).join('')];
        case 'table':
          return (n.content ?? []).map((row) =>
            (row.content ?? []).map((cell) => (cell.content ?? []).flatMap(block).join(' ')).join(' | '),
          );
        case 'bulletList':
        case 'orderedList':
          return (n.content ?? []).flatMap((li) => (li.content ?? []).flatMap(block).map((l) => `- ${l}`));
        case 'rule':
          return ['---'];
        default:
          return (n.content ?? []).flatMap(block);
      }
    };
    return (doc.content ?? []).flatMap(block).join('\n');
  }

  /**
   * Deletes an issue as `byAccountId` (Jira's Delete: the issue, its comments and changelog go, and
   * every read of it answers 404 from now on). No product event: Forge sends avi:jira:deleted:issue
   * only to apps that subscribe to it, and manifest.yml does not.
   */
  deleteIssue(key: string, byAccountId: string): void {
    const issue = this.requireIssue(key);
    this.requireUser(byAccountId);
    this.issues.delete(issue.key);
  }
}
