/**
 * The worker's approval check for a waiting request: counts its approvals against its group's steps
 * (src/app/approvals), says once what does not count and why, keeps a counted status move on the
 * request while more approvals are needed, and answers either the approvals that complete it or that
 * it still waits.
 */
import { refusalWords, type Approval, type RefusedWhy } from '../domain/approval-policy';
import type { Grant } from '../domain/grant';
import { recordApproval } from '../domain/grant-transitions';
import type { GroupPolicy, PolicySettings } from '../domain/policy';
import type { HistoryEntry } from '../domain/request-integrity';
import { approverNameLookup, readApprovals, type SetAside } from './approvals';
import type { AppDeps } from './deps';
import { commit } from './grant-lifecycle';
import * as say from './messages';
import { tell } from './deliver-notice';
import { auditGrant, noticeStep } from './notices';
import type { IssueSnapshot } from './ports';
import { fieldWords } from './request-edits';

export type Weighed =
  | { complete: true; approvals: Approval[]; needed: number }
  | { complete: false; grant: Grant; given: number; needed: number };

export async function weighApprovals(
  deps: AppDeps,
  g: Grant,
  group: GroupPolicy,
  policy: PolicySettings,
  issue: IssueSnapshot | undefined,
  history: readonly HistoryEntry[],
): Promise<Weighed> {
  const status = policy.approvalStatusName;
  const reading = await readApprovals(deps, g, group, issue, history, status);
  const { steps, gathered, tally } = reading;
  for (const s of gathered.setAside) await tellSetAside(deps, g, s, status);
  if (tally.refused.length > 0) {
    const name = await approverNameLookup(deps, steps);
    for (const r of tally.refused)
      await tellRefused(deps, g, r.approval, r.why, refusalWords(r.why, steps, tally.step, name));
  }
  if (tally.complete) return { complete: true, approvals: tally.counted, needed: tally.needed };
  // A status move that counts but does not complete the request is kept on it, so it still counts
  // (and shows) while the other approvals come, whatever the issue's status does meanwhile.
  const move = gathered.unrecordedMove;
  // The move itself, not another approval by the same person at the same instant (a panel press).
  const counted =
    move &&
    tally.counted.find(
      (c) => c.via === 'status' && c.by === move.by && c.at === move.at && c.historyAt === move.historyAt,
    );
  let current = g;
  if (move && counted) {
    const given = tally.counted.indexOf(counted) + 1;
    current = await commit(
      deps.grants,
      recordApproval(g, move, { given, needed: tally.needed, statusName: status }, deps.clock.now()),
    );
  }
  return { complete: false, grant: current, given: tally.given, needed: tally.needed };
}

async function tellRefused(deps: AppDeps, g: Grant, a: Approval, why: RefusedWhy, message: string): Promise<void> {
  // Once per approval given (a person moving the issue again, or pressing again, is told again).
  const key = `approval-refused:${g.id}:${a.by}:${a.at}`;
  await noticeStep(deps.ledger, key, 'audit', () =>
    auditGrant(deps.audit, g, deps.clock.now(), 'APPROVAL_REFUSED', a.by, message),
  );
  await tell(deps, key, {
    issueKey: g.issueKey,
    comment: say.refused(why === 'requester' ? g.requesterAccountId : undefined, 'Approval not accepted.', message),
  });
}

async function tellSetAside(deps: AppDeps, g: Grant, s: SetAside, status: string): Promise<void> {
  const a = s.approval;
  const again =
    a.via === 'status'
      ? `To approve it, move the issue out of "${status}" and back, or use Approve in the Okta access panel.`
      : 'To approve the request as recorded, use Approve in the Okta access panel again.';
  if (s.why === 'before-request') {
    const key = `approval-before-request:${g.id}:${a.at}`;
    await tell(deps, key, {
      issueKey: g.issueKey,
      comment: say.refused(
        undefined,
        'Approval needed again.',
        `The issue was moved to "${status}" before this app recorded the request, so that move cannot approve it. ${again}`,
      ),
    });
    return;
  }
  const key = `approval-voided:${g.id}:${a.by}:${a.at}:${a.historyAt}`;
  const what = fieldWords(s.edit.fields);
  await noticeStep(deps.ledger, key, 'audit', () =>
    auditGrant(
      deps.audit,
      g,
      deps.clock.now(),
      'APPROVAL_VOIDED',
      s.edit.by,
      `The approval by ${a.by} at ${a.at} no longer counts: ${what} changed after it (by ${s.edit.by}).`,
    ),
  );
  await tell(deps, key, {
    issueKey: g.issueKey,
    comment: say.refused(
      undefined,
      'Approval needed again.',
      `${what} changed after this request was approved, so the approval no longer counts (the change itself is not applied). ${again}`,
    ),
  });
}
