/**
 * The review an emergency grant owes (issue 14 §4, ADR 0027): a Jira issue, linked to the request,
 * due at the grant's end, that someone other than the person who had access must resolve.
 *
 * Like a notice (ADR 0020) the review is recorded before Jira is asked for anything, under a once-only
 * key (the grant id), and opened by one attempt at a time under a lease; an attempt that finds an
 * expired lease (or an earlier attempt whose outcome was lost) first looks for the issue the earlier
 * one may have created, by its label, before creating another. Pure: no I/O, `now` is an argument.
 */

/** Where the review is filed and who it goes to (PolicySettings.breakGlassReview; unset: no reviews). */
export interface BreakGlassReviewSettings {
  projectKey: string;
  issueTypeId: string;
  /** The issue type's name when it was picked, for the admin page (the id is what is sent). */
  issueTypeName?: string;
  /** A named Jira user, or whoever the project assigns new issues to by default. */
  assignee: { kind: 'project-default' } | { kind: 'user'; accountId: string };
}

/** OPENING: owed, the issue not yet created and linked; OPEN: in Jira, unresolved; RESOLVED: closed by another. */
export const REVIEW_STATUSES = ['OPENING', 'OPEN', 'RESOLVED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Longer than any invocation that opens a review (queue consumer: 120 s): a holder past it crashed. */
export const REVIEW_LEASE_MS = 5 * 60_000;
/** An OPENING review whose next attempt was due this long ago has no live retry chain: the sweep re-queues it. */
export const REVIEW_STALLED_AFTER_MS = 5 * 60_000;

export interface Review {
  /** The once-only key: one review per emergency grant. */
  grantId: string;
  requestIssueKey: string;
  subjectAccountId: string;
  groupId: string;
  groupName: string;
  startedAt: string;
  /** The grant's end; the review is due then (its Jira due date is that day, UTC). */
  endsAt: string;
  /** Okta's request ids of the membership changes, for the auditor. */
  oktaRequestIds: string[];
  settings: BreakGlassReviewSettings;
  status: ReviewStatus;
  createdAt: string;
  /** OPENING: when the next attempt may start (a retry's time, or the end of an attempt's lease). OPEN/RESOLVED: the grant's end. */
  dueAt: string;
  attempts: number;
  inFlightSince?: string;
  /** An attempt failed before it recorded the issue it created: the issue may exist, so look before creating. */
  uncertain?: boolean;
  reviewIssueKey?: string;
  linkedAt?: string;
  lastError?: string;
  resolvedBy?: string;
  resolvedAt?: string;
  /** How often the subject tried to close their own review (each refused and re-opened). */
  refusals: number;
  version: number;
}

export type ReviewFacts = Pick<
  Review,
  | 'grantId'
  | 'requestIssueKey'
  | 'subjectAccountId'
  | 'groupId'
  | 'groupName'
  | 'startedAt'
  | 'endsAt'
  | 'oktaRequestIds'
>;

const plus = (now: string, ms: number) => new Date(Date.parse(now) + ms).toISOString();

export function oweReview(facts: ReviewFacts, settings: BreakGlassReviewSettings, now: string): Review {
  return { ...facts, settings, status: 'OPENING', createdAt: now, dueAt: now, attempts: 0, refusals: 0, version: 1 };
}

/**
 * The label that finds a review again (JQL `labels = "…"`): Jira labels take no spaces, and grant ids
 * are `grant-<issue id>[-r<n>]`.
 */
export const reviewLabel = (grantId: string): string => `okta-jit-review-${grantId}`;

/** Jira's due date is a date: the UTC day of the grant's end (the description gives the exact time). */
export const reviewDueDate = (endsAt: string): string => endsAt.slice(0, 10);

/** Jira caps a summary at 255 characters. */
export function reviewSummary(r: Pick<Review, 'groupName' | 'requestIssueKey'>, subjectName: string): string {
  const s = `Break-glass review: ${r.groupName} for ${subjectName} (${r.requestIssueKey})`;
  return s.length <= 255 ? s : `${s.slice(0, 254)}…`;
}

export interface ReviewAttempt {
  review: Review;
  /** An earlier attempt may have created the issue: look for it (by label) before creating one. */
  mayExist: boolean;
}

/** Claims the review for one opening attempt; undefined when it is open already or another attempt holds it. */
export function startOpening(r: Review, now: string): ReviewAttempt | undefined {
  if (r.status !== 'OPENING') return undefined;
  if (r.inFlightSince !== undefined && Date.parse(r.dueAt) > Date.parse(now)) return undefined;
  return {
    mayExist: r.reviewIssueKey === undefined && (r.inFlightSince !== undefined || r.uncertain === true),
    review: {
      ...r,
      attempts: r.attempts + 1,
      inFlightSince: now,
      dueAt: plus(now, REVIEW_LEASE_MS),
      version: r.version + 1,
    },
  };
}

/** The issue exists (created now, or found from an earlier attempt): recorded before it is linked. */
export function issueCreated(r: Review, issueKey: string): Review {
  const { uncertain: _u, ...rest } = r;
  return { ...rest, reviewIssueKey: issueKey, version: r.version + 1 };
}

/** Linked to the request: open, due at the grant's end. */
export function opened(r: Review, now: string): Review {
  const { inFlightSince: _a, lastError: _e, ...rest } = r;
  return { ...rest, status: 'OPEN', linkedAt: now, dueAt: r.endsAt, version: r.version + 1 };
}

/** Jira could not take it now: the attempt ends; if the issue was not recorded, it may exist. */
export function retryOpeningLater(r: Review, retryAt: string, error: string): Review {
  const { inFlightSince: _a, ...rest } = r;
  return {
    ...rest,
    ...(r.reviewIssueKey === undefined ? { uncertain: true } : {}),
    dueAt: retryAt,
    lastError: error.slice(0, 500),
    version: r.version + 1,
  };
}

export const isReviewChainDead = (r: Review, now: string): boolean =>
  r.status === 'OPENING' && Date.parse(r.dueAt) + REVIEW_STALLED_AFTER_MS <= Date.parse(now);

/** A change of a review issue, as the product event tells it. */
export interface ReviewIssueChange {
  /** Who made the change (the event's user). */
  actor: string;
  /** The change moved the issue into a status of the done category, or set a resolution. */
  enteredDone: boolean;
  /** The change moved the issue out of the done category, or cleared the resolution. */
  leftDone: boolean;
}

export type ReviewVerdict =
  | { kind: 'ignore' }
  /** The person who had access closed their own review: refuse (comment) and re-open it. */
  | { kind: 'refuse-self-resolution' }
  /** Someone else resolved it: recorded (who, when) in the review and the audit trail. */
  | { kind: 'resolved'; review: Review }
  /** Re-opened after it was resolved: open again until someone other than the subject resolves it. */
  | { kind: 'reopened'; review: Review };

export function judgeReviewChange(r: Review, change: ReviewIssueChange, at: string): ReviewVerdict {
  // The issue exists but is not linked yet: the subject still may not close it; anyone else's close
  // waits for the opening to finish (the next change of the issue is judged then).
  if (r.status === 'OPENING' && !(r.reviewIssueKey && change.enteredDone && change.actor === r.subjectAccountId))
    return { kind: 'ignore' };
  if (change.enteredDone) {
    if (change.actor === r.subjectAccountId) return { kind: 'refuse-self-resolution' };
    if (r.status === 'RESOLVED') return { kind: 'ignore' };
    return {
      kind: 'resolved',
      review: { ...r, status: 'RESOLVED', resolvedBy: change.actor, resolvedAt: at, version: r.version + 1 },
    };
  }
  if (change.leftDone && r.status === 'RESOLVED') {
    const { resolvedBy: _b, resolvedAt: _a, ...rest } = r;
    return { kind: 'reopened', review: { ...rest, status: 'OPEN', version: r.version + 1 } };
  }
  return { kind: 'ignore' };
}

export const refusalCounted = (r: Review): Review => ({ ...r, refusals: r.refusals + 1, version: r.version + 1 });
