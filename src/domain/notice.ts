/**
 * A notice the app owes someone on an issue (a comment, and an email when the policy asks for one),
 * and the one place where its delivery state changes (ADR 0020). A notice is recorded before anything
 * is sent; delivery then claims it for one attempt at a time, so duplicate deliveries, a retry racing
 * the first attempt, or the sweep's backstop never post it twice.
 *
 * Pure: the message type is the caller's (the app's Message), the store and Jira are the caller's.
 */

export const NOTICE_STATUSES = ['PENDING', 'SENT', 'UNDELIVERABLE'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/**
 * How long one delivery attempt may hold a notice. Longer than any invocation that makes one (the
 * queue consumer's 120 s timeout, a trigger's 55 s): a holder past it has crashed, and the next attempt
 * must first check whether the crashed one's comment landed.
 */
export const NOTICE_LEASE_MS = 5 * 60_000;

export interface NoticeDraft<M> {
  issueKey: string;
  comment: M;
  /** Also emailed to these accounts through Jira, with this subject. */
  email?: { to: string[]; subject: string };
}

export interface Notice<M> extends NoticeDraft<M> {
  /** What makes it once-only: the same key is the same notice, however often it is owed. */
  key: string;
  status: NoticeStatus;
  createdAt: string;
  /** PENDING: when the next attempt may start (a retry's time, or the end of an attempt's lease). */
  dueAt: string;
  attempts: number;
  /** An attempt started then and has not ended (or crashed: its lease is over). */
  inFlightSince?: string;
  commentPostedAt?: string;
  /**
   * An attempt failed before it recorded the comment as posted (a timeout, a 5xx after Jira wrote it):
   * the comment may be there, so the next attempt looks for it before posting.
   */
  commentUncertain?: boolean;
  /** Set when the email was handed to Jira, or skipped because an attempt that crashed may have sent it. */
  emailDoneAt?: string;
  sentAt?: string;
  lastError?: string;
  /** UNDELIVERABLE: why Jira will never take it (issue deleted, no permission), for the dashboard. */
  reason?: string;
  version: number;
}

const plus = (now: string, ms: number) => new Date(Date.parse(now) + ms).toISOString();

export function owe<M>(key: string, draft: NoticeDraft<M>, now: string): Notice<M> {
  return { key, ...draft, status: 'PENDING', createdAt: now, dueAt: now, attempts: 0, version: 1 };
}

export interface Attempt<M> {
  notice: Notice<M>;
  /**
   * An earlier attempt started and never ended: its comment may have landed, and its email may have
   * gone. The comment is looked for before it is posted again; the email is not sent again (Jira
   * offers no way to ask, and a missing courtesy email beats a doubled one: the comment is the record).
   */
  resumesCrashed: boolean;
}

/** Claims the notice for one attempt; undefined when it is not owed or another attempt holds it. */
export function startAttempt<M>(n: Notice<M>, now: string): Attempt<M> | undefined {
  if (n.status !== 'PENDING') return undefined;
  if (n.inFlightSince !== undefined && Date.parse(n.dueAt) > Date.parse(now)) return undefined;
  const resumesCrashed = n.inFlightSince !== undefined || n.commentUncertain === true;
  return {
    resumesCrashed,
    notice: {
      ...n,
      attempts: n.attempts + 1,
      inFlightSince: now,
      dueAt: plus(now, NOTICE_LEASE_MS),
      ...(resumesCrashed && n.email && !n.emailDoneAt && n.commentPostedAt ? { emailDoneAt: now } : {}),
      version: n.version + 1,
    },
  };
}

export function commentPosted<M>(n: Notice<M>, now: string): Notice<M> {
  return { ...n, commentPostedAt: now, version: n.version + 1 };
}

export function emailDone<M>(n: Notice<M>, now: string): Notice<M> {
  return { ...n, emailDoneAt: now, version: n.version + 1 };
}

export function delivered<M>(n: Notice<M>, now: string): Notice<M> {
  const { inFlightSince: _attempt, lastError: _error, ...rest } = n;
  return { ...rest, status: 'SENT', sentAt: now, dueAt: now, version: n.version + 1 };
}

/** The comment went, and nothing else was owed: posted and delivered in one change. */
export function commentDelivered<M>(n: Notice<M>, now: string): Notice<M> {
  return delivered({ ...n, commentPostedAt: now }, now);
}

/**
 * Jira could not take it now: the attempt ends, and the next may start at `retryAt`. If the comment was
 * not recorded as posted, its fate is unknown (Jira may have written it before failing to answer).
 */
export function retryLater<M>(n: Notice<M>, now: string, retryAt: string, error: string): Notice<M> {
  const { inFlightSince: _attempt, ...rest } = n;
  return {
    ...rest,
    ...(n.commentPostedAt ? {} : { commentUncertain: true }),
    dueAt: retryAt,
    lastError: error,
    version: n.version + 1,
  };
}

/** Jira answered for good (the issue is gone, the app may not comment): recorded, never retried. */
export function undeliverable<M>(n: Notice<M>, now: string, reason: string): Notice<M> {
  const { inFlightSince: _attempt, ...rest } = n;
  return { ...rest, status: 'UNDELIVERABLE', reason, dueAt: now, version: n.version + 1 };
}

/**
 * A PENDING notice whose next attempt was due this long ago has no live retry chain (the queue
 * delivers a retry within 900 s of its time, and an attempt's lease has ended): the sweep re-queues it.
 */
export const NOTICE_STALLED_AFTER_MS = 5 * 60_000;

export const isNoticeChainDead = (n: Notice<unknown>, now: string): boolean =>
  n.status === 'PENDING' && Date.parse(n.dueAt) + NOTICE_STALLED_AFTER_MS <= Date.parse(now);
