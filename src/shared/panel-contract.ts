/**
 * The issue panel's and the custom fields' contract, imported by the UI resolver
 * (src/entry/ui-resolver.ts), the panel use cases (src/app/panel) and the UI Kit resources
 * (src/frontend). One list of resolver keys, one zod schema per payload, and the DTOs the resolvers
 * answer with (inside the envelope of ./envelope).
 *
 * Payloads never name the issue: the server takes it from the invocation context. A payload that
 * names a grant only does so to make sure the person acts on the grant they are looking at.
 */
import { z } from 'zod';
import { MAX_DENY_REASON } from '../domain/grant-transitions';
import { ACCESS_TYPES, type AuditAction, type EndReason, type GrantStatus } from './vocabulary';

export const PANEL_KEYS = {
  load: 'panel/load',
  extend: 'panel/extend',
  relinquish: 'panel/relinquish',
  revoke: 'panel/revoke',
  /** The requester withdraws their own request while it waits for approval. */
  withdraw: 'panel/withdraw',
  /** An eligible approver approves the request as recorded (one approval of those its group needs). */
  approve: 'panel/approve',
  /** An eligible approver denies the request, with a reason the requester reads. */
  deny: 'panel/deny',
  /** The next page of the requester's grants on a View access issue (the first comes with panel/load). */
  grants: 'panel/grants',
} as const;

export const FIELD_KEYS = {
  groups: 'field/groups',
  groupName: 'field/group-name',
} as const;

export type UiKey = (typeof PANEL_KEYS)[keyof typeof PANEL_KEYS] | (typeof FIELD_KEYS)[keyof typeof FIELD_KEYS];

/** Stable error codes the UIs may branch on (messages are for people). */
export const UI_ERRORS = {
  invalid: 'VALIDATION.INVALID',
  noUser: 'AUTH.NO_USER',
  noIssue: 'PANEL.NO_ISSUE',
  wrongGrant: 'PANEL.WRONG_GRANT',
  noGrant: 'GRANT.NOT_FOUND',
  notRequester: 'AUTH.NOT_REQUESTER',
  notAdmin: 'AUTH.NOT_ADMIN',
  notPending: 'REQUEST.NOT_PENDING',
  /** The viewer may not approve or deny this request (requester, not named by policy, step order). */
  notApprover: 'APPROVAL.NOT_ELIGIBLE',
  /** The request the panel showed was replaced or ended since it loaded. */
  stale: 'PANEL.STALE',
} as const;

/** Longest reason a Deny may carry (it goes into a comment and the audit trail). */
export { MAX_DENY_REASON };

/** The three values of the Access type field, in the order the select offers them. */
export const ACCESS_TYPE_OPTIONS = ACCESS_TYPES;

const grantId = z.string({ error: 'Name the grant.' }).regex(/^grant-[A-Za-z0-9_-]{1,64}$/, 'That is not a grant id.');

export const PayloadSchemas = {
  [PANEL_KEYS.load]: z.object({}).strict(),
  [PANEL_KEYS.extend]: z.object({ grantId }).strict(),
  [PANEL_KEYS.relinquish]: z.object({ grantId }).strict(),
  // The UI asks for confirmation first; the flag makes a stray or replayed call without it harmless.
  [PANEL_KEYS.revoke]: z.object({ grantId, confirm: z.literal(true, { error: 'Confirm the revocation.' }) }).strict(),
  // The cursor is the one a previous answer gave; the requester is the issue's, never the payload's.
  [PANEL_KEYS.withdraw]: z.object({ grantId }).strict(),
  [PANEL_KEYS.approve]: z.object({ grantId }).strict(),
  [PANEL_KEYS.deny]: z
    .object({
      grantId,
      reason: z
        .string({ error: 'Say why the request is denied.' })
        .trim()
        .min(1, 'Say why the request is denied.')
        .max(MAX_DENY_REASON, `Keep the reason under ${MAX_DENY_REASON} characters.`),
    })
    .strict(),
  [PANEL_KEYS.grants]: z
    .object({ cursor: z.string({ error: 'Give the cursor of the previous page.' }).min(1).max(4096) })
    .strict(),
  [FIELD_KEYS.groups]: z.object({}).strict(),
  [FIELD_KEYS.groupName]: z.object({ groupId: z.string().trim().min(1).max(64) }).strict(),
} as const;

export type Payload<K extends keyof typeof PayloadSchemas> = z.infer<(typeof PayloadSchemas)[K]>;

// ---------------------------------------------------------------- DTOs

export interface PersonDto {
  accountId: string;
  displayName: string;
}

/** Whether a button is offered to this viewer, whether it can be pressed, and why not. */
export interface ActionDto {
  enabled: boolean;
  /** Shown next to a disabled action: what policy says and what to do instead. */
  reason?: string;
}

export type ApprovalState = 'not-required' | 'emergency' | 'awaiting' | 'approved';

export interface GrantDto {
  id: string;
  issueKey: string;
  status: GrantStatus;
  groupId: string;
  groupName: string;
  /** False when the group has since been removed from the allowlist. */
  groupAllowlisted: boolean;
  requester: PersonDto;
  requestedAt: string;
  /** Approved ahead of its change window: access starts at this time, not before (ADR 0025). */
  startsAt?: string;
  /** The change window the request was recorded with, if any. */
  plannedEnd?: string;
  startedAt?: string;
  endsAt?: string;
  endedAt?: string;
  endReason?: EndReason;
  endedBy?: PersonDto;
  extensions: number;
  maxExtensions?: number;
  approval: {
    state: ApprovalState;
    /** Who gave the approval that completed the request. */
    approver?: PersonDto;
    statusName?: string;
    /** Approvals that count so far and how many the group needs (requests that need approval). */
    given?: number;
    needed?: number;
    /** Who approved so far, in order. */
    approvedBy?: PersonDto[];
    /** The group's approval policy in words ("2 approvals by members of the Jira group "Security""). */
    policy?: string;
  };
  preexistingMembership: boolean;
  /** GRANTING/REVOKING: Okta attempts so far (a retry is under way when > 0). */
  attempts: number;
  /** DENIED/FAILED: what happened, in words for people (no ids, paths, statuses or codes). */
  reason?: string;
  /** The technical side of `reason` (Okta path, HTTP status, error codes), shown only behind "Details". */
  reasonDetails?: string;
  /** DENIED/FAILED (and other end states): what the person should do next. */
  nextStep?: string;
}

export interface HistoryEntryDto {
  seq: number;
  at: string;
  action: AuditAction;
  actor: PersonDto;
  /** The stored detail in words for people: names for ids, the viewer's local time for instants. */
  detail: string;
  /** What `detail` left out for people (Okta path, status, codes, Okta request id), behind "Details". */
  details?: string;
  oktaRequestId?: string;
}

export interface OtherGrantDto {
  id: string;
  issueKey: string;
  groupName: string;
  status: GrantStatus;
  endsAt?: string;
}

/** One row of the requester's grants on a View access issue: what the View access reply's table shows. */
export interface GrantRowDto extends OtherGrantDto {
  requestedAt: string;
  /** Waiting for its planned start (ADR 0025). */
  startsAt?: string;
  startedAt?: string;
  endedAt?: string;
}

/**
 * A page of the requester's grants: running ones first (first page only), then those requested in the
 * last 90 days, newest first. `nextCursor` asks `panel/grants` for the next page; a page may come back
 * empty (then there is nothing more).
 */
export interface GrantsPageDto {
  rows: GrantRowDto[];
  nextCursor?: string;
}

export type PanelState =
  /** Neither app field is set: the panel says so and stays quiet. */
  | 'not-a-request'
  /** Extend access / View access issues have no grant of their own: the work happens on comments. */
  | 'no-grant-expected'
  /** A New access request the app has not recorded yet (event still on its way, or fields incomplete). */
  | 'no-grant-yet'
  | 'grant';

export interface PanelData {
  /** The server's clock at load time; the live countdown runs from this, not from the browser's clock. */
  now: string;
  issueKey: string;
  state: PanelState;
  accessType?: string;
  viewer: { timeZone: string; isRequester: boolean; isAdmin: boolean };
  grant?: GrantDto;
  actions?: {
    extend?: ActionDto & { newEndsAt?: string };
    relinquish?: ActionDto;
    revoke?: ActionDto;
    withdraw?: ActionDto;
    /** For a request waiting for approval: shown to everyone but the requester, enabled for eligible approvers. */
    approve?: ActionDto;
    deny?: ActionDto;
  };
  /**
   * For a request waiting for approval: whether this viewer may approve it and how, or why not
   * ("you cannot approve your own request").
   */
  approver?: { mayApprove: boolean; message: string };
  /** Audit history of this grant, oldest first; only for the requester and Jira admins. */
  history?: HistoryEntryDto[];
  /** The requester's other running grants; only for the requester and Jira admins. */
  otherGrants?: OtherGrantDto[];
  /**
   * On a View access issue, the first page of the requester's grants (what the reply lists, paged);
   * only for the requester and Jira admins. Replaces otherGrants there.
   */
  grants?: GrantsPageDto;
  /** Present when the viewer may not see history and other grants, saying who can. */
  restrictedNote?: string;
}

/** Answer of every panel action: what happened, and the panel as it is now (no second call). */
export interface PanelActionResult {
  notice: string;
  panel: PanelData;
}

export interface GroupOptionDto {
  groupId: string;
  displayName: string;
}
export interface GroupNameDto {
  groupId: string;
  displayName: string;
  allowlisted: boolean;
}
