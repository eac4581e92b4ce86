/**
 * The property suite's world: one sandbox per fast-check run (the integration world() keeps one per
 * Jest test, and a run here is one of hundreds in a test), seeded like the demo, with the Windows and
 * Database groups switched to approval by status (one approval by anyone), PAM Linux Sysadmins given
 * the run's approver policy (no approval, one by anyone, the two-person rule, or two ordered steps),
 * and Ada already a member of PAM Linux Sysadmins by other means. Who is who in Jira is fixed per run:
 * Ada and Henry are in the Jira group "Security", Alice holds the project role "Administrators",
 * Neville is in neither (Henry has no Okta account: he only approves).
 *
 * The reference model lives here too: what Jira says (read from the emulator's own changelog, never
 * from the app), what the app has been shown (first-seen values), what the commands did (panel ends,
 * approvals and denials the panel accepted, injected Okta faults, held events), and the approval
 * counting itself, re-implemented here so that it checks src/domain/approval-policy rather than
 * repeating it.
 */
import { createSandbox, type Sandbox } from '../../sandbox';
import { FIELD_IDS } from '../../sandbox/jira/jira-emulator';
import { seedDemo, type DemoWorld } from '../../sandbox/seed';
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { KvsConfigStore } from '../../src/adapters/kvs/config-store';
import type { AuditEntry } from '../../src/app/ports';
import type { Grant } from '../../src/domain/grant';

export const T0 = '2026-11-22T09:00:00.000Z';
/** Who raises issues (each has an Okta account). */
export const USERS = ['neville', 'alice', 'ada'] as const;
export type UserName = (typeof USERS)[number];
/** Who may press Approve / Deny or move an issue: the users, and Henry (Jira only). */
export const PEOPLE = [...USERS, 'henry'] as const;
export type PersonName = (typeof PEOPLE)[number];
export type GroupName = 'linux' | 'windows' | 'database' | 'appGroup';
export type ManagedGroup = Exclude<GroupName, 'appGroup'>;
/** The allowlisted groups and their approval mode (appGroup is not allowlisted; linux's is the run's policy). */
export const MANAGED: Record<ManagedGroup, 'none' | 'status'> = {
  linux: 'none',
  windows: 'status',
  database: 'status',
};

/** Who may approve one step (as src/domain/approval-policy's ApproverSet; all empty: anyone who can transition). */
export interface StepSet {
  jiraGroups: string[];
  projectRoles: string[];
  accountIds: string[];
}
export interface Step {
  approvers: StepSet;
  count: number;
}
const SECURITY: StepSet = { jiraGroups: ['Security'], projectRoles: [], accountIds: [] };
const ADMINISTRATORS: StepSet = { jiraGroups: [], projectRoles: ['Administrators'], accountIds: [] };
/** What a group without steps means: one approval by anyone who can transition the issue. */
const ANYONE_ONCE: Step[] = [{ approvers: { jiraGroups: [], projectRoles: [], accountIds: [] }, count: 1 }];

/** PAM Linux Sysadmins' approver policy, chosen per run. */
export const POLICIES = {
  /** No approval at all (mode none), as before approver policies. */
  none: { approvalMode: 'none', approvalSteps: [] },
  /** Mode status, no steps: one approval by anyone but the requester. */
  anyone: { approvalMode: 'status', approvalSteps: [] },
  /** Two members of the Jira group "Security". */
  twoPerson: { approvalMode: 'status', approvalSteps: [{ approvers: SECURITY, count: 2 }] },
  /** A Security member, then a holder of the project role "Administrators". */
  sequence: {
    approvalMode: 'status',
    approvalSteps: [
      { approvers: SECURITY, count: 1 },
      { approvers: ADMINISTRATORS, count: 1 },
    ],
  },
} as const satisfies Record<string, { approvalMode: 'none' | 'status'; approvalSteps: Step[] }>;
export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];

/** Jira groups and project roles per person, fixed for the run (set up in Jira by openHarness). */
export const JIRA_GROUPS: Record<string, readonly PersonName[]> = { Security: ['ada', 'henry'] };
export const PROJECT_ROLES: Record<string, readonly PersonName[]> = { Administrators: ['alice'] };
export const MAX_LIFETIME_HOURS = 24;
export const MAX_EXTENSIONS = 2;

export interface Harness {
  sb: Sandbox;
  w: DemoWorld;
  policy: PolicyName;
  /** A group's approval mode in this run (undefined: not allowlisted). */
  modeOf(groupId: string): 'none' | 'status' | undefined;
  /** A group's approval steps in this run (none stored: one approval by anyone). */
  stepsOf(groupId: string): readonly Step[];
  /** Does this person match a step's approver set (Jira groups and roles as set up for the run)? */
  matches(set: StepSet, accountId: string): boolean;
  grants(): Grant[];
  audit(): AuditEntry[];
  verifyAudit(): Promise<{ ok: true; count: number } | { ok: false; brokenAt: number }>;
  close(): Promise<void>;
}

export async function openHarness(policy: PolicyName = 'none'): Promise<Harness> {
  const sb = await createSandbox({ now: T0 });
  try {
    const w = await seedDemo(sb, { closeOutTransitionName: 'Done' });
    const modes: Record<ManagedGroup, 'none' | 'status'> = { ...MANAGED, linux: POLICIES[policy].approvalMode };
    const nameOf = (groupId: string) => (Object.keys(modes) as ManagedGroup[]).find((n) => w.groups[n] === groupId);
    // The app's config store, as the admin page saves it (test/integration/world.ts setGroup).
    await sb.app.run(async () => {
      const c = new KvsConfigStore();
      const list = await c.getAllowlist();
      await c.saveAllowlist(
        list.map((g) => {
          const name = nameOf(g.groupId);
          if (!name) return g;
          const steps = name === 'linux' ? POLICIES[policy].approvalSteps : [];
          return { ...g, approvalMode: modes[name], ...(steps.length > 0 ? { approvalSteps: [...steps] } : {}) };
        }),
      );
    });
    sb.okta.addMember(w.groups.linux, w.okta.ada);
    for (const [group, members] of Object.entries(JIRA_GROUPS)) {
      sb.jira.addJiraGroup(group);
      for (const p of members) sb.jira.addUserToJiraGroup(w.jira[p], group);
    }
    for (const [role, holders] of Object.entries(PROJECT_ROLES))
      sb.jira.setProjectRole(w.projectKey, role, { accountIds: holders.map((p) => w.jira[p]) });
    const inList = (lists: Record<string, readonly PersonName[]>, names: readonly string[], accountId: string) =>
      names.some((n) => (lists[n] ?? []).some((p) => w.jira[p] === accountId));
    return {
      sb,
      w,
      policy,
      modeOf: (groupId) => {
        const name = nameOf(groupId);
        return name ? modes[name] : undefined;
      },
      stepsOf: (groupId) => {
        const steps: readonly Step[] = nameOf(groupId) === 'linux' ? POLICIES[policy].approvalSteps : [];
        return steps.length > 0 ? steps : ANYONE_ONCE;
      },
      // An open set is anyone who can transition the issue: everyone here (no command restricts it).
      matches: (set, accountId) =>
        (set.jiraGroups.length === 0 && set.projectRoles.length === 0 && set.accountIds.length === 0) ||
        set.accountIds.includes(accountId) ||
        inList(JIRA_GROUPS, set.jiraGroups, accountId) ||
        inList(PROJECT_ROLES, set.projectRoles, accountId),
      grants: () => sb.kvs.entity('grant').map((e) => e.value.doc as Grant),
      audit: () =>
        sb.kvs
          .entity('audit')
          .map((e) => e.value.doc as AuditEntry)
          .sort((a, b) => a.seq - b.seq),
      verifyAudit: () => sb.app.run(() => new KvsAuditLog().verify()),
      close: () => sb.close(),
    };
  } catch (e) {
    await sb.close();
    throw e;
  }
}

// ------------------------------------------------------------------ the model

/** The request fields of an issue (what a request snapshots). */
export interface Values {
  reporter: string;
  accessType: string | null;
  adminGroup: string | null;
  changeType: string | null;
}

/** One changelog entry that matters to a request: a request-field edit and/or a status move. */
export interface Entry {
  author: string;
  /** When Jira recorded it (ISO). */
  at: string;
  fields: string[];
  statusTo?: string;
  set: Partial<Values>;
}

export interface IssueModel {
  key: string;
  id: string;
  created: Values;
  /** The values the app first saw (the first delivered event reads the issue as it is then). */
  firstSeen?: Values;
  deleted: boolean;
  /** The changelog as it was when the issue was deleted (Jira forgets it). */
  logAtDeletion?: Entry[];
}

export interface Model {
  issues: IssueModel[];
  held: boolean;
  /** Okta 503 responses injected so far (served ones show as 503 in the emulator's request log). */
  faultsInjected: number;
  /** Grants the panel ended (relinquish / revoke answered ok). */
  endedByPanel: Set<string>;
  /** Okta membership the app did not make (never to be removed by it). */
  preexisting: Map<string, Set<string>>;
  /** Okta users deactivated or deleted, and groups deleted, by the commands. */
  oktaGone: { users: Set<string>; deletedUsers: Set<string>; groups: Set<string> };
  /** Grants that had started before their user or group went away in Okta (they may run on; no other may start). */
  startedBeforeGone: Set<string>;
  /** The changelog each grant's issue had when the grant was first seen holding membership. */
  logWhenStarted: Map<string, Entry[]>;
  /** Approve presses the panel accepted, per grant, in order: who, when, and the history's length then. */
  panelApprovals: Map<string, ModelApproval[]>;
  /** Deny presses the panel accepted: grant id to who denied. */
  deniedByApprover: Map<string, string>;
  /** Status moves (their log entries) seen kept on a waiting request: they count even once the issue moved on. */
  keptMoves: Map<string, Set<number>>;
  /** The run as it went: each command with the issue and people it resolved to (appended to a failure). */
  trace: string[];
  steps: number;
}

export function initialModel(h: Harness): Model {
  return {
    issues: [],
    held: false,
    faultsInjected: 0,
    endedByPanel: new Set(),
    logWhenStarted: new Map(),
    panelApprovals: new Map(),
    deniedByApprover: new Map(),
    keptMoves: new Map(),
    trace: [],
    steps: 0,
    oktaGone: { users: new Set(), deletedUsers: new Set(), groups: new Set() },
    startedBeforeGone: new Set(),
    preexisting: new Map([[h.w.groups.linux, new Set([h.w.okta.ada])]]),
  };
}

const FIELD_OF: Record<string, keyof Values> = {
  reporter: 'reporter',
  [FIELD_IDS.accessType]: 'accessType',
  [FIELD_IDS.adminGroup]: 'adminGroup',
  [FIELD_IDS.changeType]: 'changeType',
};

/**
 * The issue's history as the app's rules count it: entries that change a request field or the status
 * (the Jira adapter skips every other entry, so `historySeen` indexes this list).
 */
export function relevantLog(h: Harness, issue: IssueModel): Entry[] {
  if (issue.deleted) return issue.logAtDeletion ?? [];
  const out: Entry[] = [];
  for (const e of h.sb.jira.issue(issue.key).changelog) {
    const fields: string[] = [];
    const set: Partial<Values> = {};
    let statusTo: string | undefined;
    for (const it of e.items) {
      const f = FIELD_OF[it.fieldId ?? ''];
      if (f === 'reporter') {
        fields.push(f);
        set.reporter = it.to ?? '';
      } else if (f) {
        fields.push(f);
        set[f] = it.toString ?? null;
      } else if (it.fieldId === FIELD_IDS.requestedEnd)
        fields.push('requestedEnd'); // not edited by the commands, but part of a request
      else if (it.fieldId === 'status') statusTo = it.toString ?? undefined;
    }
    if (fields.length === 0 && statusTo === undefined) continue;
    out.push({ author: e.author, at: e.created, fields, set, ...(statusTo !== undefined ? { statusTo } : {}) });
  }
  return out;
}

/** The request fields after the first `n` entries of the log. */
export function valuesAt(issue: IssueModel, log: readonly Entry[], n: number): Values {
  const v = { ...issue.created };
  for (const e of log.slice(0, n)) Object.assign(v, e.set);
  return v;
}

export function currentValues(h: Harness, issue: IssueModel): Values {
  const log = relevantLog(h, issue);
  return valuesAt(issue, log, log.length);
}

// ------------------------------------------------------------------ approvals, as the model counts them

/** One approval the model believes in: a status move (its entry in the log) or a panel press (the log's length then). */
export interface ModelApproval {
  by: string;
  at: string;
  via: 'status' | 'panel';
  historyAt: number;
}

/** Does an approval at `historyAt` still stand: no request field changed at or after it? */
export const standsOn = (log: readonly Entry[], historyAt: number): boolean =>
  !log.slice(historyAt).some((e) => e.fields.length > 0);

/**
 * The issue's last move into "Approved", when it is the issue's last status move, came at or after the
 * recording, and no request field changed since: what a status move gives while the issue sits there.
 */
export function standingMove(
  g: Pick<Grant, 'historySeen'>,
  log: readonly Entry[],
): { move: ModelApproval } | { no: string } {
  const seen = g.historySeen ?? 0;
  let last = -1;
  for (let i = 0; i < log.length; i++) if (log[i].statusTo !== undefined) last = i;
  if (last < 0 || log[last].statusTo !== 'Approved')
    return { no: 'the issue is not in "Approved" (its last status move is not into it)' };
  if (last < seen)
    return {
      no: `the move into "Approved" (entry ${last}) came before the request was recorded (historySeen ${seen})`,
    };
  if (!standsOn(log, last)) return { no: 'a request field changed after the move into "Approved"' };
  return { move: { by: log[last].author, at: log[last].at, via: 'status', historyAt: last } };
}

export interface ModelTally {
  complete: boolean;
  /** The approvals that count, each with its step, in history order. */
  counted: Array<ModelApproval & { step: number }>;
  /** The first open step (steps.length when complete). */
  step: number;
  needed: number;
}

/**
 * The counting rules of ADR 0012, written again for the model (src/domain/approval-policy is what is
 * checked, so it is not called): in history order (ties: panel presses before status moves, then as
 * given), each approval goes to the first open step if its author may approve that step; a person counts
 * once; the requester and who raised the request never count; approvals beyond the last step are not
 * needed.
 */
export function countApprovals(args: {
  steps: readonly Step[];
  approvals: readonly ModelApproval[];
  requester: string;
  raisedBy?: string;
  matches: (set: StepSet, accountId: string) => boolean;
}): ModelTally {
  const { steps } = args;
  const ordered = args.approvals
    .map((a, i) => ({ a, i }))
    .sort(
      (x, y) =>
        x.a.historyAt - y.a.historyAt ||
        Date.parse(x.a.at) - Date.parse(y.a.at) ||
        (x.a.via === y.a.via ? 0 : x.a.via === 'panel' ? -1 : 1) ||
        x.i - y.i,
    )
    .map((x) => x.a);
  const counted: ModelTally['counted'] = [];
  let step = 0;
  for (const a of ordered) {
    if (step === steps.length) break;
    if (a.by === args.requester || a.by === args.raisedBy) continue;
    if (counted.some((c) => c.by === a.by)) continue;
    if (!args.matches(steps[step].approvers, a.by)) continue;
    counted.push({ ...a, step });
    if (counted.filter((c) => c.step === step).length === steps[step].count) step++;
  }
  return { complete: step === steps.length, counted, step, needed: steps.reduce((n, s) => n + s.count, 0) };
}

/** May this person approve some step (and so deny, ADR 0012 §7): not the requester, not who raised it. */
export const mayApproveSomeStep = (
  h: Pick<Harness, 'matches'>,
  steps: readonly Step[],
  g: Pick<Grant, 'requesterAccountId' | 'raisedBy'>,
  accountId: string,
): boolean =>
  accountId !== g.requesterAccountId &&
  accountId !== g.raisedBy &&
  steps.some((s) => h.matches(s.approvers, accountId));

/**
 * The approvals the model believes stand for a waiting request now, on Jira's record `log`: the panel
 * presses it saw accepted, the status moves the app kept on the request (the model cannot know when the
 * worker looked, so it takes those from the grant, each checked against Jira's record: a move into
 * "Approved" by that person, after the recording), and the issue's standing move into "Approved"; each
 * only while no request field changed at or after it. `problem` names a kept move Jira does not show.
 */
export function believedApprovals(
  m: Pick<Model, 'panelApprovals'>,
  g: Grant,
  log: readonly Entry[],
): { approvals: ModelApproval[]; problem?: string } {
  const seen = g.historySeen ?? 0;
  const kept = (g.approvals ?? []).filter((a) => a.via === 'status');
  for (const a of kept) {
    const e = log[a.historyAt];
    if (!e || e.statusTo !== 'Approved' || e.author !== a.by || a.historyAt < seen)
      return {
        approvals: [],
        problem: `${g.id} keeps a status approval by ${a.by} at entry ${a.historyAt}, which is no move of theirs into "Approved" after the recording on Jira's record`,
      };
  }
  const current = standingMove(g, log);
  const approvals: ModelApproval[] = [
    ...(m.panelApprovals.get(g.id) ?? []),
    ...kept.map((a) => ({ by: a.by, at: a.at, via: 'status' as const, historyAt: a.historyAt })),
    ...('move' in current && !kept.some((a) => a.historyAt === current.move.historyAt) ? [current.move] : []),
  ];
  return { approvals: approvals.filter((a) => standsOn(log, a.historyAt)) };
}

/** The model's count for a waiting request now. */
export function tallyNow(h: Harness, m: Model, g: Grant, log: readonly Entry[]): ModelTally & { problem?: string } {
  const { approvals, problem } = believedApprovals(m, g, log);
  return {
    ...countApprovals({
      steps: h.stepsOf(g.groupId),
      approvals,
      requester: g.requesterAccountId,
      raisedBy: g.raisedBy,
      matches: h.matches,
    }),
    ...(problem ? { problem } : {}),
  };
}
