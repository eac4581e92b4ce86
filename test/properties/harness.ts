/**
 * The property suite's world: one sandbox per fast-check run (the integration world() keeps one per
 * Jest test, and a run here is one of hundreds in a test), seeded like the demo, with the Windows and
 * Database groups switched to approval by status and Ada already a member of PAM Linux Sysadmins by
 * other means. The reference model lives here too: what Jira says (read from the emulator's own
 * changelog, never from the app), what the app has been shown (first-seen values), and what the
 * commands did (panel ends, injected Okta faults, held events).
 */
import { createSandbox, type Sandbox } from '../../sandbox';
import { FIELD_IDS } from '../../sandbox/jira/jira-emulator';
import { seedDemo, type DemoWorld } from '../../sandbox/seed';
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { KvsConfigStore } from '../../src/adapters/kvs/config-store';
import type { AuditEntry } from '../../src/app/ports';
import type { Grant } from '../../src/domain/grant';

export const T0 = '2026-11-22T09:00:00.000Z';
export const USERS = ['neville', 'alice', 'ada'] as const;
export type UserName = (typeof USERS)[number];
export type GroupName = 'linux' | 'windows' | 'database' | 'appGroup';
/** The allowlisted groups and their approval mode in every run (appGroup is not allowlisted). */
export const MANAGED: Record<Exclude<GroupName, 'appGroup'>, 'none' | 'status'> = {
  linux: 'none',
  windows: 'status',
  database: 'status',
};
export const MAX_LIFETIME_HOURS = 24;
export const MAX_EXTENSIONS = 2;

export interface Harness {
  sb: Sandbox;
  w: DemoWorld;
  grants(): Grant[];
  audit(): AuditEntry[];
  verifyAudit(): Promise<{ ok: true; count: number } | { ok: false; brokenAt: number }>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  const sb = await createSandbox({ now: T0 });
  try {
    const w = await seedDemo(sb, { closeOutTransitionName: 'Done' });
    await sb.app.run(async () => {
      const c = new KvsConfigStore();
      const list = await c.getAllowlist();
      await c.saveAllowlist(
        list.map((g) => {
          const name = (Object.keys(MANAGED) as Array<keyof typeof MANAGED>).find((n) => w.groups[n] === g.groupId);
          return name ? { ...g, approvalMode: MANAGED[name] } : g;
        }),
      );
    });
    sb.okta.addMember(w.groups.linux, w.okta.ada);
    return {
      sb,
      w,
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
  steps: number;
}

export function initialModel(h: Harness): Model {
  return {
    issues: [],
    held: false,
    faultsInjected: 0,
    endedByPanel: new Set(),
    logWhenStarted: new Map(),
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
    out.push({ author: e.author, fields, set, ...(statusTo !== undefined ? { statusTo } : {}) });
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

/**
 * The approval rule, on Jira's own record: the last status move is into "Approved", it came at or
 * after the recording (index >= historySeen), by someone other than the requester, and no request
 * field changed after it. Returns the approver, or why not.
 */
export function approvalOnLog(
  g: Pick<Grant, 'requesterAccountId' | 'historySeen' | 'raisedBy'>,
  log: readonly Entry[],
): { approver: string } | { no: string } {
  const seen = g.historySeen ?? 0;
  let last = -1;
  for (let i = 0; i < log.length; i++) if (log[i].statusTo !== undefined) last = i;
  if (last < 0 || log[last].statusTo !== 'Approved')
    return { no: 'the issue is not in "Approved" (its last status move is not into it)' };
  if (last < seen)
    return {
      no: `the move into "Approved" (entry ${last}) came before the request was recorded (historySeen ${seen})`,
    };
  if (log[last].author === g.requesterAccountId) return { no: 'the requester moved it into "Approved" themselves' };
  if (g.raisedBy !== undefined && log[last].author === g.raisedBy)
    return { no: 'who handed the request to its requester moved it into "Approved"' };
  const edit = log.slice(last + 1).findIndex((e) => e.fields.length > 0);
  if (edit >= 0) return { no: `a request field changed after the approval (entry ${last + 1 + edit})` };
  return { approver: log[last].author };
}
