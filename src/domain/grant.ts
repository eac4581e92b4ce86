/**
 * A grant is one time-bound membership of one Okta group for one requester, born from one Jira issue.
 * The state machine below is the single source of which moves are legal. Grants change only through
 * the intention-named steps in grant-transitions.ts, which check it, and the app writes those steps in
 * one place (src/app/grant-lifecycle), so every store write goes through the state machine.
 */
import type { Approval } from './approval-policy';

export const GRANT_STATUSES = [
  'REQUESTED',
  'GRANTING',
  'ACTIVE',
  'REVOKING',
  'EXPIRED',
  'REVOKED',
  'REMOVED_EXTERNALLY',
  'DENIED',
  'FAILED',
  'WITHDRAWN',
] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

/** Why a grant ended (or is ending): expiry, the requester giving it up, an admin, or drift. */
export const END_REASONS = [
  'EXPIRED',
  'RELINQUISHED',
  'REVOKED_BY_ADMIN',
  'REMOVED_EXTERNALLY',
  // The request issue entered one of the admin's ending statuses (resolved or cancelled: ADR 0025).
  'ISSUE_RESOLVED',
] as const;
export type EndReason = (typeof END_REASONS)[number];

export interface Grant {
  id: string;
  issueId: string;
  issueKey: string;
  projectKey: string;
  requesterAccountId: string;
  groupId: string;
  /** Okta user id, known once the requester has been resolved. */
  oktaUserId?: string;
  status: GrantStatus;
  requestedAt: string;
  /** The duration driver value at request time (e.g. Emergency): the snapshot the grant is sized by. */
  changeType?: string;
  /** The requested end as the issue said when the request was recorded (never read from the issue again). */
  requestedEnd?: string;
  /** The change window as the issue said when the request was recorded (ADR 0025). */
  plannedStart?: string;
  plannedEnd?: string;
  /**
   * Set while an approved request waits for its planned start (status REQUESTED): the start it waits
   * for. Stored as the grant entity's `startsAt`, the range the sweep reads due starts by.
   */
  scheduledStartAt?: string;
  /** How many entries the issue's history had when the request was recorded (what "after" means for it). */
  historySeen?: number;
  /** Who raised the request, when not the requester (a reporter handed over by an edit): may not approve it. */
  raisedBy?: string;
  /**
   * Raised by a Jira Automation rule (ADR 0026): the account the rule ran as and the rule's name, for
   * the audit trail. The account is also `raisedBy` (when not the requester), so it may not approve.
   */
  raisedByRule?: { actor: string; rule?: string };
  /** Hours asked for (an Automation rule's input), counted from when access starts; caps still apply. */
  requestedHours?: number;
  /** Which request of its issue this is: 1 for the first; a requester's edit while waiting records the next. */
  requestNumber?: number;
  /** Set when WITHDRAWN: the grant id of the request that replaced this one. */
  supersededBy?: string;
  emergency: boolean;
  /** Who gave the approval that completed the request (the last one, when several were needed). */
  approvedBy?: string;
  /**
   * Approvals recorded for this request: panel approvals as given, and status moves once counted.
   * Whether each still counts (not voided by a later edit, its author still eligible) is decided anew
   * each time (src/domain/approval-policy).
   */
  approvals?: Approval[];
  /** First time the membership became ACTIVE; the lifetime cap counts from here. */
  firstStartedAt?: string;
  startedAt?: string;
  endsAt?: string;
  endedAt?: string;
  /**
   * When the end was asked for: the grant entered REVOKING (expiry, relinquish, admin revoke, drift), or
   * an admin retried a failed removal. With endsAt it says when the membership was due to go (the later
   * of the two), which is what "overdue" counts from.
   */
  endRequestedAt?: string;
  endReason?: EndReason;
  /** Who ended it: the requester, an admin's account id, or 'app' for expiry and drift. */
  endedBy?: string;
  extensions: number;
  /** Extend access issues already applied to this grant (each applies once, whatever redelivery). */
  extendedVia?: string[];
  /** The user was already a member before this grant: the app must never remove that membership. */
  preexistingMembership: boolean;
  reminderSentAt?: string;
  /** Okta calls attempted for the current GRANTING/REVOKING step, and what went wrong last. */
  attempts: number;
  lastError?: string;
  /** When the current step's live retry chain tries next; work arriving before it is a duplicate. */
  nextAttemptAt?: string;
  /** Human reason when DENIED or FAILED: what happened and what to do. */
  reason?: string;
  /** Stable code of that reason (e.g. GRANT.NOT_ALLOWLISTED), for the audit trail. */
  reasonCode?: string;
  /** Optimistic-concurrency counter: every write must name the version it read. */
  version: number;
  updatedAt: string;
}

const TRANSITIONS: Record<GrantStatus, readonly GrantStatus[]> = {
  // WITHDRAWN: the requester changed the request while it waited; a new request replaces it.
  REQUESTED: ['GRANTING', 'DENIED', 'FAILED', 'WITHDRAWN'],
  GRANTING: ['ACTIVE', 'DENIED', 'FAILED'],
  // Every end goes through REVOKING, drift included: one removal path (architecture rule 5).
  ACTIVE: ['REVOKING'],
  REVOKING: ['EXPIRED', 'REVOKED', 'REMOVED_EXTERNALLY', 'FAILED'],
  EXPIRED: [],
  REVOKED: [],
  REMOVED_EXTERNALLY: [],
  DENIED: [],
  WITHDRAWN: [],
  // An admin may retry a failed removal (or take back what a failed start may have added).
  FAILED: ['REVOKING'],
};

export function canTransition(from: GrantStatus, to: GrantStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export class IllegalTransitionError extends Error {
  readonly code = 'GRANT.ILLEGAL_TRANSITION';
  constructor(
    readonly from: GrantStatus,
    readonly to: GrantStatus,
  ) {
    super(`A grant cannot move from ${from} to ${to}`);
  }
}

export const isTerminal = (s: GrantStatus): boolean => TRANSITIONS[s].length === 0;
/** Membership the app is responsible for exists (or is being created or removed). */
export const holdsMembership = (s: GrantStatus): boolean => s === 'ACTIVE' || s === 'REVOKING' || s === 'GRANTING';

/**
 * May this grant hold a membership the app created? Running grants do; so does a FAILED removal (it
 * has an end reason), whose membership stays until an admin retries or removes it by hand.
 */
export const mayHoldAppMembership = (g: Pick<Grant, 'status' | 'endReason' | 'oktaUserId'>): boolean =>
  holdsMembership(g.status) || (g.status === 'FAILED' && g.endReason !== undefined && g.oktaUserId !== undefined);

/** The named status sets, each derived from the state machine's list (no hand-kept copies). */
/** Membership the app is responsible for exists, or is being created or removed. */
export const HOLDING_STATUSES: readonly GrantStatus[] = GRANT_STATUSES.filter(holdsMembership);
/** Holding, or FAILED (a failed removal still holds the membership): what a sibling check must see. */
export const MAY_HOLD_STATUSES: readonly GrantStatus[] = GRANT_STATUSES.filter(
  (s) => holdsMembership(s) || s === 'FAILED',
);
/** Still under way for the requester: not ended, not failed. */
export const RUNNING_STATUSES: readonly GrantStatus[] = GRANT_STATUSES.filter((s) => !isTerminal(s) && s !== 'FAILED');
/** Work the queue worker carries forward; the sweep re-queues it when it stalls. */
export const WORKER_STATUSES: readonly GrantStatus[] = GRANT_STATUSES.filter(
  (s) => s === 'REQUESTED' || s === 'GRANTING' || s === 'REVOKING',
);

/**
 * One request at a time per issue: its id is derived from the issue id and the request's number, so a
 * duplicate event finds the same grant, and a withdrawn request points to the next (`supersededBy`).
 */
export const grantIdForIssue = (issueId: string, requestNumber = 1): string =>
  requestNumber <= 1 ? `grant-${issueId}` : `grant-${issueId}-r${requestNumber}`;
