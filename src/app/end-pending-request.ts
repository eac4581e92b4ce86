/**
 * A request that waits for approval, ended by a person: an admin cancels it (with a reason) or its
 * requester withdraws it from the panel. Both end it WITHDRAWN with nothing replacing it, and the issue
 * says so once. The issue's request then stays ended: a later approval or edit grants nothing, and the
 * worker says that once (`tellEndedRequest`), asking for a new issue.
 */
import type { Grant } from '../domain/grant';
import { cancelByAdmin, PENDING_END_CODES, withdrawByRequester } from '../domain/grant-transitions';
import { historySince } from '../domain/request-integrity';
import type { AppDeps } from './deps';
import { refuse, type Outcome } from './errors';
import { formatInZone } from './format';
import { commit, retryOnStale } from './grant-lifecycle';
import { groupLabel } from './messages';
import { tell, tellUnlessOwed } from './deliver-notice';
import type { Message, MessageInline } from './ports';

export type PendingEnd = { kind: 'cancel'; actor: string; reason: string } | { kind: 'withdraw'; actor: string };

export const PENDING_ERRORS = { notPending: 'REQUEST.NOT_PENDING', noGrant: 'GRANT.NOT_FOUND' } as const;

/** Was this request ended by a person while it waited (cancelled or withdrawn from the panel)? */
export const endedWhilePending = (g: Grant): boolean =>
  g.status === 'WITHDRAWN' &&
  !g.supersededBy &&
  (g.reasonCode === PENDING_END_CODES.cancelled || g.reasonCode === PENDING_END_CODES.withdrawn);

/** Why a request that no longer waits cannot be cancelled or withdrawn, and what to do instead. */
function notPending(g: Grant): string {
  switch (g.status) {
    case 'GRANTING':
    case 'ACTIVE':
      return 'This request was already approved and access is being granted or is active. End the access instead (Revoke, or Relinquish for the requester).';
    case 'WITHDRAWN':
      return 'This request was already withdrawn or cancelled.';
    default:
      return `This request no longer waits for approval (it is ${g.status}); there is nothing to cancel.`;
  }
}

/**
 * Ends the request if it still waits; re-reads and decides again when another writer (the worker
 * granting it, a second click) got there first. The issue is told once.
 */
export async function endPendingRequest(
  deps: AppDeps,
  grantId: string,
  end: PendingEnd,
): Promise<Outcome<{ grant: Grant }>> {
  const result = await retryOnStale(async (): Promise<Outcome<{ grant: Grant }>> => {
    const g = await deps.grants.get(grantId);
    if (!g) return refuse(PENDING_ERRORS.noGrant, 'There is no such request.');
    if (g.status !== 'REQUESTED') return refuse(PENDING_ERRORS.notPending, notPending(g));
    const now = deps.clock.now();
    const step = end.kind === 'cancel' ? cancelByAdmin(g, end, now) : withdrawByRequester(g, end, now);
    return { ok: true, grant: await commit(deps.grants, step) };
  });
  if (!result.ok) return result;
  await tellEnded(deps, result.grant);
  return result;
}

const p = (...inlines: MessageInline[]) => ({ paragraph: inlines });
const t = (text: string, strong = false): MessageInline => (strong ? { text, strong } : { text });

async function context(deps: AppDeps, g: Grant) {
  const [allowlist, requester] = await Promise.all([
    deps.config.getAllowlist(),
    deps.issues.getUser(g.requesterAccountId).catch(() => undefined),
  ]);
  return { group: groupLabel(g.groupId, allowlist), when: formatInZone(g.endedAt, requester?.timeZone ?? 'UTC') };
}

/** What ended it, in words: "cancelled by <admin> on <date>: <reason>" or "withdrawn by the requester on <date>". */
function endedWords(g: Grant, when: string): MessageInline[] {
  return g.reasonCode === PENDING_END_CODES.cancelled
    ? [t('was cancelled by '), { mention: g.endedBy ?? 'app' }, t(` on ${when}: ${g.reason ?? 'no reason given'}.`)]
    : [t('was withdrawn by '), { mention: g.endedBy ?? g.requesterAccountId }, t(` (the requester) on ${when}.`)];
}

/** A comment on the issue; an email too when an admin cancelled it and the policy sends emails. Each once. */
async function tellEnded(deps: AppDeps, g: Grant): Promise<void> {
  const { group, when } = await context(deps, g);
  const message: Message = {
    blocks: [
      p({ mention: g.requesterAccountId }, t(' the request for '), t(group, true), t(' '), ...endedWords(g, when)),
      p(
        t(
          'Nothing was granted, and moving this issue to the approval status now grants nothing. Raise a new issue if access is still needed.',
        ),
      ),
    ],
  };
  const key = `pending-ended:${g.id}`;
  const email = g.reasonCode === PENDING_END_CODES.cancelled && (await deps.config.getPolicy()).notifyByEmail;
  await tell(deps, key, {
    issueKey: g.issueKey,
    comment: message,
    ...(email ? { email: { to: [g.requesterAccountId], subject: `Request cancelled: ${group}` } } : {}),
  });
}

/**
 * The worker met a request ended while it waited. If the issue was approved or edited after the end,
 * say once that this grants nothing; a job queued before the end (the cancel comment said it all)
 * stays silent.
 */
export async function tellEndedRequest(deps: AppDeps, g: Grant): Promise<void> {
  if (!g.endedAt) return;
  const policy = await deps.config.getPolicy();
  const history = await deps.issues.history(g.issueKey, policy);
  const since = historySince(history, { at: g.endedAt }).filter(
    (h) => h.statusTo === policy.approvalStatusName || h.fields.length > 0,
  );
  if (since.length === 0) return;
  await tellUnlessOwed(deps, `after-pending-ended:${g.id}`, async () => {
    const { group, when } = await context(deps, g);
    const approved = since.some((h) => h.statusTo === policy.approvalStatusName);
    return {
      issueKey: g.issueKey,
      comment: {
        blocks: [
          p(t(approved ? 'This approval grants nothing.' : 'Changes to this request are not applied.', true)),
          p(t('The request for '), t(group, true), t(' '), ...endedWords(g, when)),
          p(t('Raise a new issue if access is still needed.')),
        ],
      },
    };
  });
}
