/**
 * The app's vocabularies, one list each, and the words people see for them. Codes stay in the data,
 * the audit trail and the CSV export; both UIs show the labels from here. Every label table is a
 * `Record` over its list, so a code added to a list without a label fails the type check.
 *
 * Grant statuses, end reasons, access types and the Okta group id pattern belong to the domain and are
 * re-exported from there (the UIs import only src/shared). Audit actions are owned here because the
 * UIs label them; the ports' `AuditAction` and the stored-entry schema derive from this list.
 */
import type { EndReason, GrantStatus } from '../domain/grant';
import type { ApprovalMode } from '../domain/policy';

export { END_REASONS, GRANT_STATUSES, type EndReason, type GrantStatus } from '../domain/grant';
export { ACCESS_TYPES, OKTA_GROUP_ID, type AccessType } from '../domain/access-request';
export { APPROVAL_MODES, type ApprovalMode } from '../domain/policy';
export { ISSUE_PROPERTY_KEY, type AccessIssueProperty } from '../domain/issue-property';

// ---------------------------------------------------------------- audit actions

/** Every action the audit trail records. Stored entries are parsed against this list: never remove one. */
export const AUDIT_ACTIONS = [
  'REQUESTED',
  'AWAITING_APPROVAL',
  'APPROVED',
  'DENIED',
  'GRANT_STARTED',
  'MEMBERSHIP_ADDED',
  'MEMBERSHIP_ALREADY_PRESENT',
  'ACTIVE',
  'REMINDED',
  'EXTENDED',
  'EXTEND_REFUSED',
  'REVOKE_STARTED',
  'MEMBERSHIP_REMOVED',
  'MEMBERSHIP_KEPT',
  'ENDED',
  'REMOVED_EXTERNALLY',
  'UNMANAGED_MEMBER_FOUND',
  'OKTA_RETRY',
  'OKTA_RECOVERED',
  'FAILED',
  'VIEWED',
  'EDIT_IGNORED',
  'CONFIG_CHANGED',
  'EMERGENCY_USED',
  'APPROVAL_REFUSED',
  'CLOSE_OUT_SKIPPED',
  'WITHDRAWN',
  'APPROVAL_VOIDED',
  'CANCELLED',
  'AUTOMATION_REFUSED',
  'REVIEW_OPENED',
  'REVIEW_SELF_CLOSE_REFUSED',
  'REVIEW_RESOLVED',
  'REVIEW_REOPENED',
  'START_SCHEDULED',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_ACTION_LABELS: Record<AuditAction, string> = {
  REQUESTED: 'Requested',
  AWAITING_APPROVAL: 'Waiting for approval',
  APPROVED: 'Approved',
  DENIED: 'Denied',
  GRANT_STARTED: 'Granting started',
  MEMBERSHIP_ADDED: 'Added to the Okta group',
  MEMBERSHIP_ALREADY_PRESENT: 'Already a member',
  ACTIVE: 'Active',
  REMINDED: 'Reminded',
  EXTENDED: 'Extended',
  EXTEND_REFUSED: 'Extension refused',
  REVOKE_STARTED: 'Removal started',
  MEMBERSHIP_REMOVED: 'Removed from the Okta group',
  MEMBERSHIP_KEPT: 'Membership kept',
  ENDED: 'Ended',
  REMOVED_EXTERNALLY: 'Removed outside the app',
  UNMANAGED_MEMBER_FOUND: 'Member without a grant found',
  OKTA_RETRY: 'Okta retrying',
  OKTA_RECOVERED: 'Okta answered again',
  FAILED: 'Failed',
  VIEWED: 'Access listed',
  EDIT_IGNORED: 'Edit ignored',
  CONFIG_CHANGED: 'Settings changed',
  EMERGENCY_USED: 'Emergency path used',
  APPROVAL_REFUSED: 'Approval refused',
  CLOSE_OUT_SKIPPED: 'Issue left open',
  WITHDRAWN: 'Withdrawn',
  APPROVAL_VOIDED: 'Approval voided',
  CANCELLED: 'Cancelled by an administrator',
  AUTOMATION_REFUSED: 'Refused (Automation rule)',
  REVIEW_OPENED: 'Break-glass review opened',
  REVIEW_SELF_CLOSE_REFUSED: 'Own review close refused',
  REVIEW_RESOLVED: 'Break-glass review resolved',
  REVIEW_REOPENED: 'Break-glass review re-opened',
  START_SCHEDULED: 'Starts at the planned start',
};

// ---------------------------------------------------------------- grant statuses

export const GRANT_STATUS_LABELS: Record<GrantStatus, string> = {
  REQUESTED: 'Requested',
  GRANTING: 'Granting',
  ACTIVE: 'Active',
  REVOKING: 'Removing',
  EXPIRED: 'Expired',
  REVOKED: 'Revoked',
  REMOVED_EXTERNALLY: 'Removed in Okta',
  DENIED: 'Denied',
  FAILED: 'Failed',
  WITHDRAWN: 'Withdrawn',
};

/** How a grant ended, as a phrase after "Ended" (the admin's name is added where known). */
export const END_REASON_LABELS: Record<EndReason, string> = {
  EXPIRED: 'time ran out',
  RELINQUISHED: 'given up by the requester',
  REVOKED_BY_ADMIN: 'revoked by an administrator',
  REMOVED_EXTERNALLY: 'removed in Okta outside this app',
  ISSUE_RESOLVED: 'the request issue was resolved or cancelled',
};

export const APPROVAL_MODE_LABELS: Record<ApprovalMode, string> = {
  none: 'None',
  status: 'Approval required',
};

// ---------------------------------------------------------------- coded texts

/** A stable error code at the start of a text, as the lifecycle writes refusals: `GRANT.NOT_ALLOWLISTED: ...`. */
const CODE_PREFIX = /^[A-Z][A-Z0-9_]*(?:\.[A-Z][A-Z0-9_]*)+:\s*/;

/**
 * The words of an audit detail or reason without a leading error code, for people. The code stays in
 * the stored entry and in the CSV export.
 */
export const withoutCode = (text: string): string => text.replace(CODE_PREFIX, '');
