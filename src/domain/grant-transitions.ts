/**
 * How a grant changes: one function per intention, each pure, each returning the next grant and the
 * audit records the step implies. The app writes a step as one unit (src/app/grant-lifecycle), so a
 * grant and the record of how it got there exist together or not at all.
 *
 * Field resets live here, not at call sites: a step that starts or finishes Okta work clears the
 * attempt count and last error; a step that ends the grant stamps its end. `version` is left alone:
 * it is the store's optimistic-concurrency counter, bumped by the writer.
 */
import {
  canTransition,
  grantIdForIssue,
  IllegalTransitionError,
  type EndReason,
  type Grant,
  type GrantStatus,
} from './grant';
import type { Approval } from './approval-policy';
import type { RemovalDecision } from './policy';

/** The audit actions a grant step may imply (a subset of the audit vocabulary, checked where written). */
export type GrantRecordAction =
  | 'WITHDRAWN'
  | 'DENIED'
  | 'APPROVED'
  | 'GRANT_STARTED'
  | 'MEMBERSHIP_ADDED'
  | 'MEMBERSHIP_ALREADY_PRESENT'
  | 'ACTIVE'
  | 'EXTENDED'
  | 'REVOKE_STARTED'
  | 'REMOVED_EXTERNALLY'
  | 'MEMBERSHIP_REMOVED'
  | 'MEMBERSHIP_KEPT'
  | 'ENDED'
  | 'OKTA_RETRY'
  | 'OKTA_RECOVERED'
  | 'FAILED'
  | 'CANCELLED'
  | 'START_SCHEDULED';

/** One audit record of a step; the writer adds the time and the grant's own fields. */
export interface GrantRecord {
  action: GrantRecordAction;
  actor: string;
  detail: string;
  oktaRequestId?: string;
}

export interface GrantStep {
  grant: Grant;
  records: GrantRecord[];
}

/** The actor of the app's own work (expiry, drift, Okta retries). */
export const APP_ACTOR = 'app';

/** `from` narrows a step to the statuses it is meant for, within what the state machine allows. */
function move(g: Grant, to: GrantStatus, now: string, changes: Partial<Grant>, from?: readonly GrantStatus[]): Grant {
  if (!canTransition(g.status, to) || (from && !from.includes(g.status)))
    throw new IllegalTransitionError(g.status, to);
  return { ...g, ...changes, status: to, updatedAt: now };
}

/** A change within a status; `allowed` names the statuses in which it makes sense. */
function within(g: Grant, allowed: readonly GrantStatus[], now: string, changes: Partial<Grant>): Grant {
  if (!allowed.includes(g.status)) throw new IllegalTransitionError(g.status, g.status);
  return { ...g, ...changes, status: g.status, updatedAt: now };
}

const OKTA_WORK_RESET = { attempts: 0, lastError: undefined, nextAttemptAt: undefined } as const;

// ---- request ----

export interface NewRequest {
  issueId: string;
  issueKey: string;
  projectKey: string;
  requesterAccountId: string;
  groupId: string;
  changeType?: string;
  requestedEnd?: string;
  plannedStart?: string;
  plannedEnd?: string;
  emergency: boolean;
  /** 1 for the issue's first request; the next after a withdrawal. */
  requestNumber: number;
  /** How many history entries the issue had when its fields were read for this snapshot. */
  historySeen?: number;
  /** Who raised it, when that is not the requester (see Grant.raisedBy). */
  raisedBy?: string;
  /** Raised by an Automation rule (see Grant.raisedByRule). */
  raisedByRule?: { actor: string; rule?: string };
  requestedHours?: number;
}

/**
 * A New access request as recorded: the snapshot of the issue (requester, group, duration driver,
 * requested end) that the grant is made from; the issue's fields are never read for it again.
 */
export function openRequest(r: NewRequest, now: string): Grant {
  return {
    id: grantIdForIssue(r.issueId, r.requestNumber),
    issueId: r.issueId,
    issueKey: r.issueKey,
    projectKey: r.projectKey,
    requesterAccountId: r.requesterAccountId,
    groupId: r.groupId,
    status: 'REQUESTED',
    requestedAt: now,
    changeType: r.changeType,
    ...(r.requestedEnd ? { requestedEnd: r.requestedEnd } : {}),
    ...(r.plannedStart ? { plannedStart: r.plannedStart } : {}),
    ...(r.plannedEnd ? { plannedEnd: r.plannedEnd } : {}),
    emergency: r.emergency,
    ...(r.requestNumber > 1 ? { requestNumber: r.requestNumber } : {}),
    ...(r.historySeen !== undefined ? { historySeen: r.historySeen } : {}),
    ...(r.raisedBy !== undefined && r.raisedBy !== r.requesterAccountId ? { raisedBy: r.raisedBy } : {}),
    ...(r.raisedByRule ? { raisedByRule: r.raisedByRule } : {}),
    ...(r.requestedHours !== undefined ? { requestedHours: r.requestedHours } : {}),
    extensions: 0,
    preexistingMembership: false,
    attempts: 0,
    version: 1,
    updatedAt: now,
  };
}

/** The id the request after this one (on the same issue) gets. */
export const nextRequestId = (g: Grant): string => grantIdForIssue(g.issueId, (g.requestNumber ?? 1) + 1);

/**
 * The requester changed their own request while it waited for approval: this one ends, and the issue
 * as it is now is recorded as a new request (which needs its own approval).
 */
export function withdraw(g: Grant, change: { by: string; fields: readonly string[] }, now: string): GrantStep {
  return {
    grant: move(g, 'WITHDRAWN', now, { endedAt: now, endedBy: change.by, supersededBy: nextRequestId(g) }, [
      'REQUESTED',
    ]),
    records: [
      {
        action: 'WITHDRAWN',
        actor: change.by,
        detail: `The requester changed ${change.fields.join(', ')} while the request waited for approval; it is withdrawn and the issue is recorded again as a new request.`,
      },
    ],
  };
}

/** Policy says no (at intake or in the worker): ends the request with the reason people will read. */
export function deny(g: Grant, refusal: { code: string; message: string }, now: string): GrantStep {
  return {
    grant: move(g, 'DENIED', now, {
      reason: refusal.message,
      reasonCode: refusal.code,
      endedAt: now,
      nextAttemptAt: undefined,
    }),
    records: [{ action: 'DENIED', actor: APP_ACTOR, detail: `${refusal.code}: ${refusal.message}` }],
  };
}

/** How an approval reads in the audit trail: how it was given and where it stands in the count. */
export function approvalDetail(a: Approval, statusName: string, progress: { given: number; needed: number }): string {
  const how =
    a.via === 'status' ? `Approved by moving the issue to "${statusName}"` : 'Approved in the Okta access panel';
  return progress.needed > 1 ? `${how} (approval ${progress.given} of ${progress.needed}).` : `${how}.`;
}

/**
 * One approval counted while others are still needed: kept on the request, so the panel and the
 * dashboard show it and the next count starts from it (a later edit still voids it).
 */
export function recordApproval(
  g: Grant,
  a: Approval,
  progress: { given: number; needed: number; statusName: string },
  now: string,
): GrantStep {
  return {
    grant: within(g, ['REQUESTED'], now, { approvals: [...(g.approvals ?? []), a] }),
    records: [{ action: 'APPROVED', actor: a.by, detail: approvalDetail(a, progress.statusName, progress) }],
  };
}

/** Longest reason an approver's Deny may carry. */
export const MAX_DENY_REASON = 500;

/** An eligible approver says no, with a reason the requester reads: the request ends DENIED. */
export function denyByApprover(g: Grant, d: { by: string; reason: string }, now: string): GrantStep {
  const reason = d.reason.trim().slice(0, MAX_DENY_REASON);
  return {
    grant: move(
      g,
      'DENIED',
      now,
      {
        reason: `Denied by an approver: ${reason}`,
        reasonCode: 'APPROVAL.DENIED',
        endedAt: now,
        endedBy: d.by,
        nextAttemptAt: undefined,
      },
      ['REQUESTED'],
    ),
    records: [{ action: 'DENIED', actor: d.by, detail: `Denied by an approver: ${reason}` }],
  };
}

// ---- a change window's start (ADR 0025) ----

/** An APPROVED entry for each counted approval the grant has not recorded yet, with its place in the tally. */
function approvalRecords(
  g: Grant,
  approval: { approvals: Approval[]; statusName: string; needed: number } | undefined,
): GrantRecord[] {
  if (!approval) return [];
  const recorded = (a: Approval) => (g.approvals ?? []).some((r) => r.by === a.by && r.at === a.at);
  return approval.approvals.flatMap((a, i) =>
    recorded(a)
      ? []
      : [
          {
            action: 'APPROVED' as const,
            actor: a.by,
            detail: approvalDetail(a, approval.statusName, { given: i + 1, needed: approval.needed }),
          },
        ],
  );
}

/**
 * Approved (or needing none) ahead of its planned start: the request waits, REQUESTED, for `at`. Work
 * delivered before then is a duplicate of the one waiting (nextAttemptAt), and the sweep finds it by
 * its start (the entity's `startsAt`). The approvals are recorded now, so the panel and the trail show
 * them; they are weighed again at the start (an edit since still voids them).
 */
export function scheduleStart(
  g: Grant,
  s: { at: string; approval?: { approvals: Approval[]; statusName: string; needed: number } },
  now: string,
): GrantStep {
  const approvals = s.approval?.approvals ?? [];
  const records = approvalRecords(g, s.approval);
  records.push({ action: 'START_SCHEDULED', actor: APP_ACTOR, detail: `Access starts at the planned start, ${s.at}.` });
  return {
    grant: within(g, ['REQUESTED'], now, {
      scheduledStartAt: s.at,
      nextAttemptAt: s.at,
      ...(approvals.length > 0 ? { approvals } : {}),
    }),
    records,
  };
}

/** The scheduled start no longer stands (its approval was voided at the start): it waits unscheduled. */
export function unscheduleStart(g: Grant, now: string): GrantStep {
  return {
    grant: within(g, ['REQUESTED'], now, { scheduledStartAt: undefined, nextAttemptAt: undefined }),
    records: [],
  };
}

// ---- grant ----

export interface GrantStart {
  user: { id: string; login: string };
  endsAt: string;
  /**
   * Present when approvals allowed the grant: every approval counted, oldest first (the last one
   * completed it). Those not yet recorded on the grant get their audit entry here.
   */
  approval?: { approvals: Approval[]; statusName: string; needed: number };
  /** The user was a member by other means: the app will neither add nor ever remove the membership. */
  preexistingMembership: boolean;
}

/** Checks passed: the Okta user, end time and approval are fixed before Okta is written. */
export function startGranting(g: Grant, s: GrantStart, now: string): GrantStep {
  const approvals = s.approval?.approvals ?? [];
  const records = approvalRecords(g, s.approval);
  records.push(...recovered(g));
  records.push({
    action: 'GRANT_STARTED',
    actor: APP_ACTOR,
    detail: `Okta user ${s.user.id} (${s.user.login}); ends ${s.endsAt}${s.preexistingMembership ? '; already a member by other means' : ''}.`,
  });
  return {
    grant: move(g, 'GRANTING', now, {
      scheduledStartAt: undefined,
      oktaUserId: s.user.id,
      endsAt: s.endsAt,
      ...(approvals.length > 0 ? { approvedBy: approvals[approvals.length - 1].by, approvals } : {}),
      preexistingMembership: s.preexistingMembership,
      ...OKTA_WORK_RESET,
    }),
    records,
  };
}

/** Must the worker add the membership in Okta? Not when the user already had it by other means. */
export const needsMembershipAdd = (g: Grant): boolean => !g.preexistingMembership;

/**
 * The membership is in place: ACTIVE from now. `addRequestId` is Okta's id of the add, when the app
 * made one (a pre-existing membership is recorded as left alone instead).
 */
export function activate(g: Grant, now: string, addRequestId?: string): GrantStep {
  const membership: GrantRecord = needsMembershipAdd(g)
    ? {
        action: 'MEMBERSHIP_ADDED',
        actor: APP_ACTOR,
        detail: `Added to Okta group ${g.groupId}.`,
        oktaRequestId: addRequestId,
      }
    : {
        action: 'MEMBERSHIP_ALREADY_PRESENT',
        actor: APP_ACTOR,
        detail: 'Already a member by other means; membership left as it was and will not be removed by the app.',
      };
  return {
    grant: move(g, 'ACTIVE', now, { startedAt: now, firstStartedAt: g.firstStartedAt ?? now, ...OKTA_WORK_RESET }),
    records: [...recovered(g), membership, { action: 'ACTIVE', actor: APP_ACTOR, detail: `Active until ${g.endsAt}.` }],
  };
}

// ---- while active ----

export interface Extension {
  endsAt: string;
  extensions: number;
  maxExtensions: number;
  actor: string;
  /** The issue the extension was asked from (for the record). */
  viaIssueKey: string;
  /** An Extend access issue applies once: remembered on the grant. */
  requestIssueKey?: string;
}

/** A later end time, within policy (decided by decideExtension); a new end earns a new reminder. */
export function extend(g: Grant, e: Extension, now: string): GrantStep {
  return {
    grant: within(g, ['ACTIVE'], now, {
      endsAt: e.endsAt,
      extensions: e.extensions,
      reminderSentAt: undefined,
      ...(e.requestIssueKey ? { extendedVia: [...(g.extendedVia ?? []), e.requestIssueKey] } : {}),
    }),
    records: [
      {
        action: 'EXTENDED',
        actor: e.actor,
        detail: `Extended from ${g.endsAt} to ${e.endsAt} (extension ${e.extensions} of ${e.maxExtensions}) via ${e.viaIssueKey}.`,
      },
    ],
  };
}

/** The reminder went out (the panel shows it; the notice ledger is what prevents a second one). */
export function markReminded(g: Grant, now: string): GrantStep {
  return { grant: within(g, ['ACTIVE'], now, { reminderSentAt: now }), records: [] };
}

// ---- ending ----

const REVOKE_DETAIL: Record<Exclude<EndReason, 'REMOVED_EXTERNALLY'>, (g: Grant) => string> = {
  EXPIRED: (g) => `End time ${g.endsAt} reached.`,
  RELINQUISHED: () => 'Relinquished by the requester.',
  REVOKED_BY_ADMIN: () => 'Revoked by an administrator.',
  ISSUE_RESOLVED: () => 'The request issue was resolved or cancelled.',
};

/** An admin's own words appended to a record's detail, bounded like a cancellation reason. */
const withNote = (detail: string, note?: string): string => {
  const n = note?.trim().slice(0, MAX_CANCEL_REASON);
  return n ? `${detail.replace(/\.$/, '')}: ${n}` : detail;
};

/**
 * Every end starts here: expiry, relinquish, admin revoke and drift (the member was removed in Okta
 * by hand). REVOKING is written before Okta is called, so the intent survives a crash.
 */
export function beginRevocation(g: Grant, reason: EndReason, actor: string, now: string, note?: string): GrantStep {
  const record: GrantRecord =
    reason === 'REMOVED_EXTERNALLY'
      ? {
          action: 'REMOVED_EXTERNALLY',
          actor,
          detail: `Okta group ${g.groupId} no longer has this member; someone removed it outside the app.`,
        }
      : { action: 'REVOKE_STARTED', actor, detail: withNote(REVOKE_DETAIL[reason](g), note) };
  return {
    grant: move(g, 'REVOKING', now, { endReason: reason, endedBy: actor, endRequestedAt: now, ...OKTA_WORK_RESET }, [
      'ACTIVE',
    ]),
    records: [record],
  };
}

/**
 * An admin retries a FAILED grant's removal (or takes back what a failed start may have added). The
 * original end reason and who ended it are kept: the retry finishes the same end.
 */
export function retryRemoval(g: Grant, actor: string, now: string, note?: string): GrantStep {
  return {
    grant: move(
      g,
      'REVOKING',
      now,
      {
        endReason: g.endReason ?? 'REVOKED_BY_ADMIN',
        endedBy: g.endedBy ?? actor,
        endRequestedAt: now,
        ...OKTA_WORK_RESET,
      },
      ['FAILED'],
    ),
    records: [
      {
        action: 'REVOKE_STARTED',
        actor,
        detail: withNote('Removal retried by an administrator after a failure.', note),
      },
    ],
  };
}

/** What the removal step did with the membership (src/app/grant-lifecycle/take-back-membership). */
export type RemovalOutcome =
  | { kind: 'removed' | 'already-gone'; oktaRequestId?: string }
  | { kind: 'kept'; why: Extract<RemovalDecision, { remove: false }>['why'] }
  /** The member was removed outside the app (drift): there is nothing for the app to remove. */
  | { kind: 'removed-externally' }
  /** The grant never learned its Okta user (nothing can have been added). */
  | { kind: 'no-okta-user' };

/** The record of what happened to the membership, if there is anything to say. */
export function membershipRecord(g: Grant, outcome: RemovalOutcome): GrantRecord | undefined {
  switch (outcome.kind) {
    case 'removed':
      return {
        action: 'MEMBERSHIP_REMOVED',
        actor: APP_ACTOR,
        detail: `Removed from Okta group ${g.groupId}.`,
        oktaRequestId: outcome.oktaRequestId,
      };
    case 'already-gone':
      return {
        action: 'MEMBERSHIP_REMOVED',
        actor: APP_ACTOR,
        detail: `Okta group ${g.groupId} no longer had this member (confirmed by a read).`,
        oktaRequestId: outcome.oktaRequestId,
      };
    case 'kept':
      return {
        action: 'MEMBERSHIP_KEPT',
        actor: APP_ACTOR,
        detail:
          outcome.why === 'PREEXISTING'
            ? 'Membership pre-existed this grant: left in place.'
            : 'Another active grant for this group still needs the membership: left in place.',
      };
    case 'removed-externally':
    case 'no-okta-user':
      return undefined;
  }
}

const END_STATUS: Record<EndReason, GrantStatus> = {
  EXPIRED: 'EXPIRED',
  RELINQUISHED: 'REVOKED',
  REVOKED_BY_ADMIN: 'REVOKED',
  REMOVED_EXTERNALLY: 'REMOVED_EXTERNALLY',
  ISSUE_RESOLVED: 'REVOKED',
};

/** The one way a revocation ends: the membership outcome and the end, recorded together. */
export function finishRevocation(g: Grant, outcome: RemovalOutcome, now: string): GrantStep {
  const reason: EndReason = g.endReason ?? 'EXPIRED';
  const membership = membershipRecord(g, outcome);
  return {
    grant: move(g, END_STATUS[reason], now, { endReason: reason, endedAt: now, ...OKTA_WORK_RESET }),
    records: [
      ...recovered(g),
      ...(membership ? [membership] : []),
      { action: 'ENDED', actor: g.endedBy ?? APP_ACTOR, detail: `Grant ended (${reason}).` },
    ],
  };
}

// ---- Okta trouble ----

export type OktaTrouble =
  /** Okta was busy or down: the step is retried with backoff. */
  | { kind: 'transient'; step: 'grant' | 'revoke'; message: string; oktaRequestId?: string }
  /** Okta rejects the credentials while removing: retried slowly until an admin fixes them. */
  | { kind: 'connection'; message: string; oktaRequestId?: string };

/**
 * How many times a grant's checks or membership add are tried before it is FAILED (with backoff
 * doubling from 30 s to 15 min, about an hour and a half). A removal is never given up: past this
 * many attempts it is alerted and retried every 15 minutes until it is done.
 */
export const ATTEMPT_BUDGET = 10;

/**
 * The one audit record a retrying step gets: when it starts retrying (its first failed attempt). Every
 * later attempt is counted on the grant (attempts, last error, next attempt), not written to the trail.
 */
export function retryRecord(trouble: OktaTrouble, attempts: number): GrantRecord | undefined {
  if (attempts !== 1) return undefined;
  return trouble.kind === 'transient'
    ? {
        action: 'OKTA_RETRY',
        actor: APP_ACTOR,
        detail: `Okta ${trouble.step} attempt 1 failed: ${trouble.message} Retrying.`,
        oktaRequestId: trouble.oktaRequestId,
      }
    : {
        action: 'OKTA_RETRY',
        actor: APP_ACTOR,
        detail: `Removal blocked by the Okta connection: ${trouble.message} Retrying until it is fixed.`,
        oktaRequestId: trouble.oktaRequestId,
      };
}

/** The record that a retried step got through, if it had been retrying. */
const recovered = (g: Grant): GrantRecord[] =>
  g.attempts > 0
    ? [{ action: 'OKTA_RECOVERED', actor: APP_ACTOR, detail: `Okta answered after ${g.attempts} failed attempt(s).` }]
    : [];

/**
 * The current step failed for now and is tried again at `retryAt`. The grant holds the one live retry
 * chain of its step: work for it delivered before `retryAt` is a duplicate and stands down.
 */
export function retryLater(g: Grant, trouble: OktaTrouble, retryAt: string, now: string): GrantStep {
  const attempts = g.attempts + 1;
  // A step that already recorded its wait for the credentials (awaitConnection leaves the rejection
  // as lastError, uncounted) and now, probing, finds the same rejection is in the same outage: one
  // record, not two. (Seen once queue work ran concurrently: a waiting grant can be the prober.)
  const waitRecorded = trouble.kind === 'connection' && g.attempts === 0 && g.lastError === trouble.message;
  const record = waitRecorded ? undefined : retryRecord(trouble, attempts);
  return {
    grant: within(g, ['REQUESTED', 'GRANTING', 'REVOKING'], now, {
      attempts,
      lastError: trouble.message,
      nextAttemptAt: retryAt,
    }),
    records: record ? [record] : [],
  };
}

/**
 * Okta is not called while the credentials are known to be rejected: the step waits, uncounted. Its
 * first wait is recorded (as a first failed attempt would be); later ones are not.
 */
export function awaitConnection(g: Grant, message: string, retryAt: string, now: string): GrantStep {
  const first = g.attempts === 0 && g.lastError === undefined;
  return {
    grant: within(g, ['REQUESTED', 'GRANTING', 'REVOKING'], now, { lastError: message, nextAttemptAt: retryAt }),
    records: first
      ? [
          {
            action: 'OKTA_RETRY',
            actor: APP_ACTOR,
            detail: `Waiting without calling Okta, which rejects the app's credentials: ${message}`,
          },
        ]
      : [],
  };
}

/** The credentials work again: the waiting step may run now. */
export function resumeAfterConnection(g: Grant, now: string): GrantStep {
  return { grant: within(g, ['REQUESTED', 'GRANTING', 'REVOKING'], now, { nextAttemptAt: undefined }), records: [] };
}

/** Has the step's retry chain died (its next attempt is long overdue, or it never had one and stalled)? */
export function isRetryChainDead(g: Pick<Grant, 'nextAttemptAt' | 'updatedAt'>, now: string, graceMs: number): boolean {
  const since = g.nextAttemptAt ?? g.updatedAt;
  return Date.parse(now) - Date.parse(since) >= graceMs;
}

/** Is work delivered now for this grant a duplicate of its live retry chain (due later)? */
export const isAheadOfItsChain = (g: Pick<Grant, 'nextAttemptAt'>, now: string, toleranceMs = 1_000): boolean =>
  g.nextAttemptAt !== undefined && Date.parse(now) < Date.parse(g.nextAttemptAt) - toleranceMs;

/**
 * The grant or its removal cannot go on without an admin: FAILED, with the reason people will read.
 * `before` are records of what the step did first (a membership taken back, say).
 */
export function fail(g: Grant, message: string, now: string, before: GrantRecord[] = []): GrantStep {
  return {
    // Nothing retries a FAILED grant by itself: it keeps its attempt count for people, not a next attempt.
    grant: move(g, 'FAILED', now, { reason: message, lastError: message, nextAttemptAt: undefined }),
    records: [...before, { action: 'FAILED', actor: APP_ACTOR, detail: message }],
  };
}

// ---- a pending request ended by a person ----

/** Reason codes of a request that a person ended while it waited (kept on the grant for messages). */
export const PENDING_END_CODES = { cancelled: 'REQUEST.CANCELLED', withdrawn: 'REQUEST.WITHDRAWN' } as const;

/** The longest reason an admin may give for a cancellation (it is shown on the issue and in the trail). */
export const MAX_CANCEL_REASON = 500;

/**
 * An admin cancels a request that waits for approval. It ends WITHDRAWN with nothing replacing it
 * (no `supersededBy`): the issue's request stays ended, and a later approval grants nothing.
 */
export function cancelByAdmin(g: Grant, c: { actor: string; reason: string }, now: string): GrantStep {
  const reason = c.reason.trim().slice(0, MAX_CANCEL_REASON);
  return {
    grant: move(
      g,
      'WITHDRAWN',
      now,
      { endedAt: now, endedBy: c.actor, reason, reasonCode: PENDING_END_CODES.cancelled },
      ['REQUESTED'],
    ),
    records: [
      {
        action: 'CANCELLED',
        actor: c.actor,
        detail: `Cancelled by an administrator while it waited for approval: ${reason}`,
      },
    ],
  };
}

/**
 * The requester withdraws their own request while it waits for approval (from the panel). Unlike
 * `withdraw` (an edit by the requester), nothing replaces it: the issue's request stays ended.
 */
export function withdrawByRequester(g: Grant, w: { actor: string }, now: string): GrantStep {
  return {
    grant: move(
      g,
      'WITHDRAWN',
      now,
      {
        endedAt: now,
        endedBy: w.actor,
        reason: 'Withdrawn by the requester.',
        reasonCode: PENDING_END_CODES.withdrawn,
      },
      ['REQUESTED'],
    ),
    records: [
      {
        action: 'WITHDRAWN',
        actor: w.actor,
        detail: 'Withdrawn by the requester while it waited for approval; nothing was granted.',
      },
    ],
  };
}

// ---- new grants paused by the self-check ----

/**
 * The installation self-check saw a storage semantic the app rests on differ (ADR 0014): the request is
 * not started and waits, with the reason for people, and is looked at again at `retryAt`. No audit
 * record: the write must succeed even when the failed semantic is the one audit entries need.
 */
export function pauseStart(g: Grant, reason: string, retryAt: string, now: string): GrantStep {
  return { grant: within(g, ['REQUESTED'], now, { lastError: reason, nextAttemptAt: retryAt }), records: [] };
}

/** The self-check passes again: the paused request may start now. */
export function resumeStart(g: Grant, now: string): GrantStep {
  return {
    grant: within(g, ['REQUESTED'], now, { lastError: undefined, nextAttemptAt: undefined }),
    records: [],
  };
}
