/**
 * The panel's buttons. Each one checks, on the server, that the grant named is this issue's grant and
 * that the caller may act on it (requester: extend, relinquish, withdraw; Jira admin: revoke), then delegates
 * to the lifecycle use case every other path uses, and answers with the panel as it now stands.
 */
import { grantIdForIssue, type Grant } from '../../domain/grant';
import { denyByApprover, recordApproval } from '../../domain/grant-transitions';
import type { GroupPolicy, PolicySettings } from '../../domain/policy';
import { GRANT_STATUS_LABELS } from '../../shared/vocabulary';
import { UI_ERRORS, type PanelActionResult } from '../../shared/panel-contract';
import type { AppDeps } from '../deps';
import { refuse, type Outcome, type Refusal } from '../errors';
import { endPendingRequest } from '../end-pending-request';
import { extendAccess } from '../extend-access';
import { formatInZone } from '../format';
import { requestRevocation } from '../revoke-grant';
import { commit, retryOnStale } from '../grant-lifecycle';
import { currentRequest } from '../request-edits';
import { approverStanding, awaitsApprovals } from './approver-view';
import { loadPanel, type PanelCaller } from './load-panel';

export type PanelActionOutcome = Outcome<{ data: PanelActionResult }>;

/** requester: the grant's requester; admin: a Jira admin; approver: anyone (policy decides, after). */
type Role = 'requester' | 'admin' | 'approver';

/** The grant the caller may act on, or the refusal that says why not. */
async function authorize(deps: AppDeps, caller: PanelCaller, grantId: string, role: Role): Promise<Grant | Refusal> {
  // Checked before any read: a crafted payload learns nothing about other issues' grants.
  if (!isIssueGrantId(grantId, caller.issue.id)) {
    return refuse(UI_ERRORS.wrongGrant, 'That grant does not belong to this issue. Reload the issue and try again.');
  }
  const grant = await deps.grants.get(grantId);
  if (!grant) return refuse(UI_ERRORS.noGrant, 'This issue has no access grant yet.');
  if (grant.issueId !== caller.issue.id)
    return refuse(UI_ERRORS.wrongGrant, 'That grant does not belong to this issue. Reload the issue and try again.');
  if (role === 'requester' && grant.requesterAccountId !== caller.accountId) {
    return refuse(UI_ERRORS.notRequester, 'Only the person who requested this access can do that.');
  }
  if (role === 'admin' && !(await deps.permissions.isJiraAdmin(caller.accountId))) {
    return refuse(UI_ERRORS.notAdmin, "Only Jira admins can revoke someone else's access.");
  }
  return grant;
}

/** The issue's first request, or a later one recorded after an edit withdrew the one before. */
function isIssueGrantId(grantId: string, issueId: string): boolean {
  const first = grantIdForIssue(issueId);
  return (
    grantId === first || (grantId.startsWith(`${first}-r`) && /^[1-9][0-9]{0,3}$/.test(grantId.slice(first.length + 2)))
  );
}

const isRefusal = (x: Grant | Refusal): x is Refusal => 'ok' in x && x.ok === false;

async function answer(deps: AppDeps, caller: PanelCaller, notice: string): Promise<PanelActionOutcome> {
  return { ok: true, data: { notice, panel: await loadPanel(deps, caller) } };
}

export async function extendFromPanel(
  deps: AppDeps,
  caller: PanelCaller,
  grantId: string,
): Promise<PanelActionOutcome> {
  const grant = await authorize(deps, caller, grantId, 'requester');
  if (isRefusal(grant)) return grant;
  const result = await extendAccess(deps, {
    requesterAccountId: grant.requesterAccountId,
    groupId: grant.groupId,
    actor: caller.accountId,
    issueKey: grant.issueKey,
    grantId: grant.id,
  });
  if (!result.ok) return refuse(result.code, result.message);
  const tz = (await deps.issues.getUser(caller.accountId))?.timeZone ?? 'UTC';
  return answer(deps, caller, `Extended: your access now ends ${formatInZone(result.grant.endsAt, tz)}.`);
}

export async function relinquishFromPanel(
  deps: AppDeps,
  caller: PanelCaller,
  grantId: string,
): Promise<PanelActionOutcome> {
  const grant = await authorize(deps, caller, grantId, 'requester');
  if (isRefusal(grant)) return grant;
  const result = await requestRevocation(deps, { grantId: grant.id, actor: caller.accountId, reason: 'RELINQUISHED' });
  if (!result.ok) return refuse(result.code, result.message);
  return answer(
    deps,
    caller,
    'Done: your membership is being removed from the Okta group. The issue gets a comment when it is gone.',
  );
}

export async function revokeFromPanel(
  deps: AppDeps,
  caller: PanelCaller,
  grantId: string,
): Promise<PanelActionOutcome> {
  const grant = await authorize(deps, caller, grantId, 'admin');
  if (isRefusal(grant)) return grant;
  const result = await requestRevocation(deps, {
    grantId: grant.id,
    actor: caller.accountId,
    reason: 'REVOKED_BY_ADMIN',
  });
  if (!result.ok) return refuse(result.code, result.message);
  return answer(
    deps,
    caller,
    'Revoked: the membership is being removed from the Okta group. The requester is told on the issue.',
  );
}

export async function withdrawFromPanel(
  deps: AppDeps,
  caller: PanelCaller,
  grantId: string,
): Promise<PanelActionOutcome> {
  const grant = await authorize(deps, caller, grantId, 'requester');
  if (isRefusal(grant)) return grant;
  const result = await endPendingRequest(deps, grant.id, { kind: 'withdraw', actor: caller.accountId });
  if (!result.ok) return refuse(result.code, result.message);
  return answer(
    deps,
    caller,
    'Withdrawn: this request will not be granted, not even if the issue is approved later. Raise a new issue if you need access.',
  );
}

/**
 * The waiting request an approver acts on: it must still be the issue's current request (a
 * requester's edit may have replaced it since the panel loaded) and still waiting, in a group that
 * asks for approval. Answers the standing, or the refusal that says why not.
 */
async function waitingRequest(
  deps: AppDeps,
  caller: PanelCaller,
  grantId: string,
): Promise<{ grant: Grant; group: GroupPolicy; policy: PolicySettings } | Refusal> {
  const grant = await authorize(deps, caller, grantId, 'approver');
  if (isRefusal(grant)) return grant;
  const { current } = await currentRequest(deps, caller.issue.id);
  if (current?.id !== grant.id)
    return refuse(
      UI_ERRORS.stale,
      'This request was replaced by a newer one since the panel loaded (its requester changed it). The panel now shows the current request.',
    );
  if (grant.status !== 'REQUESTED')
    return refuse(
      UI_ERRORS.notPending,
      `This request no longer waits for approval (it is ${GRANT_STATUS_LABELS[grant.status].toLowerCase()}). Nothing was changed.`,
    );
  const [policy, allowlist] = await Promise.all([deps.config.getPolicy(), deps.config.getAllowlist()]);
  const group = allowlist.find((x) => x.groupId === grant.groupId);
  if (!awaitsApprovals(grant, group))
    return refuse(UI_ERRORS.notPending, 'This request needs no approval. Nothing was changed.');
  return { grant, group, policy };
}

export async function approveFromPanel(
  deps: AppDeps,
  caller: PanelCaller,
  grantId: string,
): Promise<PanelActionOutcome> {
  // Read, decide and write again if another approver or the worker changed the request meanwhile.
  const notice = await retryOnStale(async (): Promise<string | Refusal> => {
    const w = await waitingRequest(deps, caller, grantId);
    if ('ok' in w) return w;
    const s = await approverStanding(deps, w.grant, w.group, w.policy, caller.accountId);
    if (!s.approve.ok) return refuse(UI_ERRORS.notApprover, s.approve.message);
    const { tally } = s.reading;
    const now = deps.clock.now();
    const approval = { by: caller.accountId, at: now, via: 'panel' as const, historyAt: s.historyLength };
    const progress = { given: tally.given + 1, needed: tally.needed, statusName: w.policy.approvalStatusName };
    await commit(deps.grants, recordApproval(w.grant, approval, progress, now));
    // The worker counts again (with the issue's status move, if any) and grants when the count is met.
    await deps.queue.enqueue([{ kind: 'grant', grantId: w.grant.id }]);
    return progress.given >= progress.needed
      ? 'Approved: that was the last approval needed, so access is being granted now.'
      : `Approved (${progress.given} of ${progress.needed}). The request waits for the next approval: ${s.policyWords}.`;
  });
  if (typeof notice !== 'string') return notice;
  return answer(deps, caller, notice);
}

export async function denyFromPanel(
  deps: AppDeps,
  caller: PanelCaller,
  input: { grantId: string; reason: string },
): Promise<PanelActionOutcome> {
  const denied = await retryOnStale(async (): Promise<true | Refusal> => {
    const w = await waitingRequest(deps, caller, input.grantId);
    if ('ok' in w) return w;
    const s = await approverStanding(deps, w.grant, w.group, w.policy, caller.accountId);
    if (!s.deny.ok) return refuse(UI_ERRORS.notApprover, s.deny.message);
    await commit(
      deps.grants,
      denyByApprover(w.grant, { by: caller.accountId, reason: input.reason }, deps.clock.now()),
    );
    // The worker tells the requester on the issue (once), as for every other refusal.
    await deps.queue.enqueue([{ kind: 'grant', grantId: w.grant.id }]);
    return true;
  });
  if (denied !== true) return denied;
  return answer(deps, caller, 'Denied: the request is closed and the requester is told why on the issue.');
}
