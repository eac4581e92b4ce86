/**
 * A request is what the issue said when the app recorded it. Edits of its fields afterwards never
 * change a grant by themselves: the requester's own edit of a request still waiting for approval
 * withdraws it (the issue is then recorded again, needing its own approval); any other edit is not
 * applied, and the issue says so once, naming who edited.
 */
import { grantIdForIssue, type Grant } from '../domain/grant';
import { withdraw } from '../domain/grant-transitions';
import {
  judgeEdits,
  REQUEST_FIELD_WORDS,
  requestEditsSince,
  type EditVerdict,
  type HistoryEntry,
  type Recorded,
  type RequestField,
} from '../domain/request-integrity';
import type { AppDeps } from './deps';
import { commit } from './grant-lifecycle';
import * as say from './messages';
import { tell } from './deliver-notice';
import { noticeStep } from './notices';

/** Withdrawn requests point to the next; a chain longer than this is not a person editing. */
const MAX_REQUESTS_PER_ISSUE = 50;

/**
 * The issue's request as it stands: the last of its chain. `next` is the request number to record
 * when the chain ends in a withdrawal whose replacement was not recorded yet (a crash in between).
 */
export async function currentRequest(
  deps: Pick<AppDeps, 'grants'>,
  issueId: string,
): Promise<{ current?: Grant; next: number; replacing?: Grant }> {
  let g = await deps.grants.get(grantIdForIssue(issueId));
  if (!g) return { next: 1 };
  for (let i = 0; i < MAX_REQUESTS_PER_ISSUE && g.status === 'WITHDRAWN' && g.supersededBy; i++) {
    const replacement: Grant | undefined = await deps.grants.get(g.supersededBy);
    if (!replacement) return { next: (g.requestNumber ?? 1) + 1, replacing: g };
    g = replacement;
  }
  return { current: g, next: (g.requestNumber ?? 1) + 1 };
}

/**
 * The history as `g`'s rules read it. A rule's request is the rule's inputs, never the issue's fields
 * (ADR 0026): an edit of the reporter or the duration field of an incident neither withdraws it, nor is
 * "not applied" to it, nor voids its approval. Status moves (approvals) count as for any request.
 */
export const historyFor = (g: Grant, history: readonly HistoryEntry[]): HistoryEntry[] =>
  g.raisedByRule ? history.map((h) => (h.fields.length > 0 ? { ...h, fields: [] } : h)) : [...history];

/** When `g` was recorded, as the history rules need it. */
export const recordedOf = (g: Grant): Recorded => ({ at: g.requestedAt, historySeen: g.historySeen });

export const fieldWords = (fields: readonly RequestField[]): string =>
  fields.map((f) => REQUEST_FIELD_WORDS[f]).join(', ');

/**
 * Looks at what changed since `g` was recorded and acts on it: 'withdrawn' means the caller must now
 * record the issue again as a new request; 'not-applied' and 'none' leave the request as it was.
 */
export async function reviewEdits(
  deps: AppDeps,
  g: Grant,
  history: readonly HistoryEntry[],
): Promise<EditVerdict['kind']> {
  const verdict = judgeEdits(g, requestEditsSince(history, recordedOf(g)));
  if (verdict.kind === 'withdraw') {
    await commit(
      deps.grants,
      withdraw(g, { by: verdict.by, fields: verdict.fields.map((f) => REQUEST_FIELD_WORDS[f]) }, deps.clock.now()),
    );
    return 'withdraw';
  }
  if (verdict.kind === 'not-applied') await tellNotApplied(deps, g, verdict);
  return verdict.kind;
}

async function tellNotApplied(
  deps: AppDeps,
  g: Grant,
  v: Extract<EditVerdict, { kind: 'not-applied' }>,
): Promise<void> {
  // Once per edit seen: a later edit is said again, a redelivered event is not.
  const key = `edit-not-applied:${g.id}:${v.count}`;
  const editors = v.by;
  const what = fieldWords(v.fields);
  const stage = g.status === 'REQUESTED' ? 'it was recorded' : 'access was granted';
  await noticeStep(deps.ledger, key, 'audit', () =>
    deps.audit.append({
      at: deps.clock.now(),
      action: 'EDIT_IGNORED',
      actor: editors[editors.length - 1],
      grantId: g.id,
      issueKey: g.issueKey,
      requesterAccountId: g.requesterAccountId,
      groupId: g.groupId,
      detail: `${what} changed after ${stage} (by ${editors.join(', ')}); not applied: the request stays as recorded.`,
    }),
  );
  await tell(deps, key, {
    issueKey: g.issueKey,
    comment: say.refused(
      g.requesterAccountId,
      'Changes to this request are not applied.',
      `${what} changed after ${stage}. The request stays as it was recorded. For a different group, person or kind of request, raise a new issue.`,
    ),
  });
}
