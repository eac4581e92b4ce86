/**
 * A request is what the issue said when the app recorded it, and an approval is bound to that request.
 * Pure rules over the history (who changed a request field, who moved the issue into the
 * approval status, and when); the app reads the history, these decide.
 */

/** The issue fields a request is made of. Any change to one after recording is an edit of the request. */
export const REQUEST_FIELDS = [
  'reporter',
  'accessType',
  'adminGroup',
  'durationDriver',
  'requestedEnd',
  'plannedStart',
  'plannedEnd',
] as const;
export type RequestField = (typeof REQUEST_FIELDS)[number];

/** One history entry (changelog), reduced to what these rules need. */
export interface HistoryEntry {
  at: string;
  by: string;
  /** The request fields this entry changed. */
  fields: readonly RequestField[];
  /** The status the entry moved the issue into, if it was a transition. */
  statusTo?: string;
}

const after = (a: string, b: string) => Date.parse(a) >= Date.parse(b);

/**
 * When a request was recorded: how many history entries the issue had then (`historySeen`, read before
 * the fields), and the time. History is append-only, so position tells "after" exactly, with no
 * clock skew between Jira and the app; the time is the fallback for requests recorded without it.
 */
export interface Recorded {
  at: string;
  historySeen?: number;
}

/** The history entries made after the request was recorded, oldest first. */
export const historySince = (history: readonly HistoryEntry[], rec: Recorded): HistoryEntry[] =>
  rec.historySeen !== undefined ? history.slice(rec.historySeen) : history.filter((h) => after(h.at, rec.at));

/** Entries that changed request fields after the request was recorded, oldest first. */
export const requestEditsSince = (history: readonly HistoryEntry[], rec: Recorded): HistoryEntry[] =>
  historySince(history, rec).filter((h) => h.fields.length > 0);

export type EditVerdict =
  | { kind: 'none' }
  /** Every edit is the requester's and the request still waits: it is withdrawn and recorded again. */
  | { kind: 'withdraw'; by: string; fields: RequestField[] }
  /** Someone else edited, or the request is past waiting: the edit is not applied (said once per `count`). */
  | { kind: 'not-applied'; by: string[]; fields: RequestField[]; count: number };

/**
 * What to do about edits made to a request's fields since it was recorded. Only the requester may
 * change their own request, and only while it waits; a mix of editors is treated as someone else's
 * edit (the new request would otherwise carry values its requester did not choose).
 */
export function judgeEdits(
  request: { status: string; requesterAccountId: string },
  edits: readonly HistoryEntry[],
): EditVerdict {
  if (edits.length === 0) return { kind: 'none' };
  const fields = [...new Set(edits.flatMap((e) => e.fields))];
  const by = [...new Set(edits.map((e) => e.by))];
  if (request.status === 'REQUESTED' && by.length === 1 && by[0] === request.requesterAccountId) {
    return { kind: 'withdraw', by: by[0], fields };
  }
  return { kind: 'not-applied', by, fields, count: edits.length };
}

export interface ApprovalMove {
  by: string;
  at: string;
  /** Its position in the history (what a later edit is compared with). */
  index: number;
}

export type ApprovalStanding =
  /** Nothing to count: the issue is not in the approval status, or never entered it. */
  | { kind: 'none' }
  /** The issue entered the approval status before the app recorded the request (a late event). */
  | { kind: 'before-request'; move: ApprovalMove }
  /** A request field changed after the approval: it was for something else. */
  | { kind: 'voided'; move: ApprovalMove; edit: HistoryEntry }
  /** Given after the request was recorded, for the request unchanged since (who gave it is checked by policy). */
  | { kind: 'given'; move: ApprovalMove };

/**
 * Does the last move into the approval status approve this request? Only if it was made after
 * the request was recorded, and no request field changed since (in the same entry or a later one).
 */
export function approvalStanding(args: {
  recorded: Recorded;
  approvalStatus: string;
  statusNow: string;
  history: readonly HistoryEntry[];
}): ApprovalStanding {
  if (args.statusNow !== args.approvalStatus) return { kind: 'none' };
  let lastIndex = -1;
  args.history.forEach((h, i) => {
    if (h.statusTo === args.approvalStatus) lastIndex = i;
  });
  if (lastIndex < 0) return { kind: 'none' };
  const last = args.history[lastIndex];
  const move = { by: last.by, at: last.at, index: lastIndex };
  if (!historySince(args.history, args.recorded).includes(last)) return { kind: 'before-request', move };
  const edit = args.history.slice(lastIndex).find((h) => h.fields.length > 0);
  if (edit) return { kind: 'voided', move, edit };
  return { kind: 'given', move };
}

/** Words for request fields in comments. */
export const REQUEST_FIELD_WORDS: Record<RequestField, string> = {
  reporter: 'Reporter',
  accessType: 'Access type',
  adminGroup: 'Admin group',
  durationDriver: 'the duration field',
  requestedEnd: 'Requested end',
  plannedStart: 'the planned start',
  plannedEnd: 'the planned end',
};
