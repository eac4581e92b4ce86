/**
 * Everything the issue panel shows, in one read: the issue's grant, what the viewer may do with it
 * and why not, its audit history and the requester's other running grants. Times stay ISO; the UI
 * formats them in the viewer's time zone, which is part of the answer. Free text (a grant's reason,
 * audit details) is put in words here (./panel-words): names for ids, local times, and the technical
 * part behind "Details"; the stored audit and the CSV keep the original text.
 */
import { isAccessType } from '../../domain/access-request';
import { grantIdForIssue, isTerminal, type Grant } from '../../domain/grant';
import { endedWhilePending } from '../end-pending-request';
import { currentRequest } from '../request-edits';
import { decideExtension, type GroupPolicy, type PolicySettings } from '../../domain/policy';
import {
  UI_ERRORS,
  type ActionDto,
  type ApprovalState,
  type GrantDto,
  type GrantsPageDto,
  type HistoryEntryDto,
  type OtherGrantDto,
  type PanelData,
  type PersonDto,
} from '../../shared/panel-contract';
import type { AppDeps } from '../deps';
import { approverPanel } from './approver-view';
import { refuse, type Outcome } from '../errors';
import { APP_ACTOR_NAME } from '../format';
import { OKTA_GROUP_ID } from '../../shared/vocabulary';
import { readRequesterGrants, VIEW_ROWS, type GrantRow } from '../view-access';
import { accountIdsIn, splitForPeople, type Glossary } from './panel-words';

/** Who is looking, and at which issue: both from the invocation context, never from a payload. */
export interface PanelCaller {
  accountId: string;
  issue: { id: string; key: string };
}

export type PanelDeps = Pick<AppDeps, 'clock' | 'grants' | 'audit' | 'config' | 'issues' | 'permissions' | 'approvers'>;

export const APP_ACTOR: PersonDto = { accountId: 'app', displayName: APP_ACTOR_NAME };
const HISTORY_LIMIT = 50;
/** What the panel calls a person Jira cannot name, and a group that left the allowlist: never their ids. */
const UNKNOWN_USER = 'Unknown user';
const NOT_ALLOWLISTED = 'A group no longer on the allowlist';
const groupWords = (groupId: string, allowlist: GroupPolicy[]): string =>
  allowlist.find((g) => g.groupId === groupId)?.displayName ?? NOT_ALLOWLISTED;
const RESTRICTED_NOTE =
  "The history of this grant and the requester's other access are shown to the requester and to Jira admins.";

export async function loadPanel(deps: PanelDeps, caller: PanelCaller): Promise<PanelData> {
  const now = deps.clock.now();
  const [policy, allowlist, viewer, isAdmin, grant] = await Promise.all([
    deps.config.getPolicy(),
    deps.config.getAllowlist(),
    deps.issues.getUser(caller.accountId),
    deps.permissions.isJiraAdmin(caller.accountId),
    // The issue's request as it stands: a requester's edit while it waited recorded a new one.
    currentRequest(deps, caller.issue.id).then((r) => r.current),
  ]);
  const names = new NameBook(deps);
  const timeZone = viewer?.timeZone ?? 'UTC';
  if (viewer) names.remember(viewer.accountId, viewer.displayName);

  if (!grant) {
    const issue = await deps.issues.getIssue(caller.issue.key, policy);
    const accessType = typeof issue?.accessType === 'string' && issue.accessType !== '' ? issue.accessType : undefined;
    const isRequester = !!issue?.reporterAccountId && issue.reporterAccountId === caller.accountId;
    const base = { now, issueKey: caller.issue.key, accessType, viewer: { timeZone, isRequester, isAdmin } };
    if (!accessType && !issue?.adminGroup) return { ...base, state: 'not-a-request' };
    const privileged = isRequester || isAdmin;
    const state = isAccessType(accessType) && accessType !== 'New access' ? 'no-grant-expected' : 'no-grant-yet';
    const requester = privileged ? issue?.reporterAccountId : undefined;
    // A View access issue shows what its reply lists, paged; other issues the requester's running grants.
    const lists = !requester
      ? {}
      : accessType === 'View access'
        ? { grants: await firstGrantsPage(deps, requester) }
        : { otherGrants: await runningGrants(deps, requester, undefined, allowlist) };
    return { ...base, state, ...lists, ...(privileged ? {} : { restrictedNote: RESTRICTED_NOTE }) };
  }

  const isRequester = grant.requesterAccountId === caller.accountId;
  const privileged = isRequester || isAdmin;
  const group = allowlist.find((g) => g.groupId === grant.groupId);
  const glossary = (people: Map<string, string>): Glossary => ({
    groupName: (id) => allowlist.find((g) => g.groupId === id)?.displayName,
    personName: (id) => people.get(id),
    timeZone,
    now,
  });
  const [dto, history, otherGrants, approving] = await Promise.all([
    grantDto(grant, group, allowlist, policy, names, glossary),
    privileged ? historyOf(deps, grant.id, names, glossary) : Promise.resolve(undefined),
    privileged ? runningGrants(deps, grant.requesterAccountId, grant.id, allowlist) : Promise.resolve(undefined),
    approverPanel(deps, grant, group, policy, caller.accountId),
  ]);
  if (approving.progress) {
    const p = approving.progress;
    dto.approval = {
      ...dto.approval,
      given: p.given,
      needed: p.needed,
      approvedBy: await Promise.all(p.approvedBy.map((a) => names.person(a))),
      policy: p.policy,
    };
  }
  return {
    now,
    issueKey: caller.issue.key,
    state: 'grant',
    viewer: { timeZone, isRequester, isAdmin },
    grant: dto,
    actions: { ...actionsFor(grant, group, policy, now, { isRequester, isAdmin }), ...approving.actions },
    ...(approving.approver ? { approver: approving.approver } : {}),
    history,
    otherGrants,
    ...(privileged ? {} : { restrictedNote: RESTRICTED_NOTE }),
  };
}

// ---------------------------------------------------------------- actions

const NOT_YET = 'Available once the access is active.';

/** What each viewer may press, computed with the same policy code the server applies on the press. */
export function actionsFor(
  grant: Grant,
  group: GroupPolicy | undefined,
  policy: PolicySettings,
  now: string,
  viewer: { isRequester: boolean; isAdmin: boolean },
): PanelData['actions'] {
  if (isTerminal(grant.status)) return {};
  const ending: ActionDto | undefined =
    grant.status === 'REVOKING'
      ? { enabled: false, reason: 'The membership is being removed now.' }
      : grant.status === 'FAILED'
        ? { enabled: false, reason: 'This grant needs an administrator (see the reason above).' }
        : grant.status !== 'ACTIVE'
          ? { enabled: false, reason: NOT_YET }
          : undefined;
  const out: NonNullable<PanelData['actions']> = {};
  if (viewer.isRequester && grant.status === 'REQUESTED') out.withdraw = { enabled: true };
  if (viewer.isRequester) {
    out.extend = ending ?? extendAction(grant, group, policy, now);
    out.relinquish = ending ?? { enabled: true };
  } else if (viewer.isAdmin) {
    out.revoke = ending ?? { enabled: true };
  }
  return out;
}

function extendAction(
  grant: Grant,
  group: GroupPolicy | undefined,
  policy: PolicySettings,
  now: string,
): ActionDto & { newEndsAt?: string } {
  if (!group)
    return { enabled: false, reason: 'This group is no longer on the allowlist, so its grants cannot be extended.' };
  const decision = decideExtension({ grant, now, settings: policy, group, changeType: grant.changeType });
  return decision.ok ? { enabled: true, newEndsAt: decision.endsAt } : { enabled: false, reason: decision.message };
}

// ---------------------------------------------------------------- grant

async function grantDto(
  grant: Grant,
  group: GroupPolicy | undefined,
  allowlist: GroupPolicy[],
  policy: PolicySettings,
  names: NameBook,
  glossary: (people: Map<string, string>) => Glossary,
): Promise<GrantDto> {
  const [requester, approver, endedBy] = await Promise.all([
    names.person(grant.requesterAccountId),
    grant.approvedBy ? names.person(grant.approvedBy) : Promise.resolve(undefined),
    grant.endedBy ? names.person(grant.endedBy) : Promise.resolve(undefined),
  ]);
  const approvalState: ApprovalState = grant.approvedBy
    ? 'approved'
    : grant.emergency
      ? 'emergency'
      : group?.approvalMode === 'status' && (grant.status === 'REQUESTED' || grant.status === 'DENIED')
        ? 'awaiting'
        : 'not-required';
  const shown = grant.status === 'DENIED' || grant.status === 'FAILED' || endedWhilePending(grant);
  const reason = shown
    ? splitForPeople(
        grant.reason ?? 'No reason was recorded.',
        glossary(await names.book(accountIdsIn(grant.reason ?? ''))),
      )
    : undefined;
  return {
    id: grant.id,
    issueKey: grant.issueKey,
    status: grant.status,
    groupId: grant.groupId,
    groupName: groupWords(grant.groupId, allowlist),
    groupAllowlisted: !!group,
    requester,
    requestedAt: grant.requestedAt,
    ...(grant.status === 'REQUESTED' && grant.scheduledStartAt ? { startsAt: grant.scheduledStartAt } : {}),
    ...(grant.plannedEnd ? { plannedEnd: grant.plannedEnd } : {}),
    startedAt: grant.startedAt,
    endsAt: grant.endsAt,
    endedAt: grant.endedAt,
    endReason: grant.endReason,
    endedBy,
    extensions: grant.extensions,
    maxExtensions: group?.maxExtensions,
    approval: {
      state: approvalState,
      ...(approver ? { approver } : {}),
      ...(approvalState === 'awaiting' ? { statusName: policy.approvalStatusName } : {}),
    },
    preexistingMembership: grant.preexistingMembership,
    attempts: grant.attempts,
    ...(reason ? { reason: reason.text, ...(reason.details ? { reasonDetails: reason.details } : {}) } : {}),
    nextStep: nextStep(grant, policy),
  };
}

/** What the person should do next, per state; undefined when nothing is needed. */
export function nextStep(grant: Grant, policy: PolicySettings): string | undefined {
  switch (grant.status) {
    case 'REQUESTED':
      return grant.emergency
        ? 'Access is being granted.'
        : `If this group needs approval, the approvers it names must approve it: in this panel, or by moving this issue to "${policy.approvalStatusName}".`;
    case 'GRANTING':
      return grant.attempts > 0
        ? `Okta did not answer (attempt ${grant.attempts}); the app keeps retrying. Nothing to do yet.`
        : 'Access is being granted in Okta.';
    case 'REVOKING':
      return grant.attempts > 0
        ? `Okta did not answer (attempt ${grant.attempts}); the app keeps retrying the removal.`
        : 'The membership is being removed in Okta.';
    case 'DENIED':
      return 'This request will not be processed again. Fix what the reason says, then raise a new New access request.';
    case 'FAILED':
      return grant.endReason
        ? 'The app could not remove the membership. Jira admins see this on the Okta JIT Access admin page; an Okta administrator may need to remove it by hand. Until then the membership may still be in place.'
        : 'Access was not granted. Jira admins see this on the Okta JIT Access admin page; once they have fixed the cause, raise a new New access request.';
    case 'EXPIRED':
    case 'REVOKED':
    case 'REMOVED_EXTERNALLY':
      return 'This grant has ended. Raise a New access request if you need access again.';
    case 'WITHDRAWN':
      return 'This request ended before it was granted; nothing was granted, and approving the issue now grants nothing. Raise a new issue if access is still needed.';
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------- history and other grants

async function historyOf(
  deps: PanelDeps,
  grantId: string,
  names: NameBook,
  glossary: (people: Map<string, string>) => Glossary,
): Promise<HistoryEntryDto[]> {
  // Chain order, then entries not yet sequenced (ADR 0019), as listByGrant returns them.
  const entries = (await deps.audit.listByGrant(grantId)).slice(-HISTORY_LIMIT);
  const [actors, people] = await Promise.all([
    Promise.all(entries.map((e) => names.person(e.actor))),
    // Accounts named inside details ("changed ... (by 557058:...)") are shown by name too.
    names.book(entries.flatMap((e) => accountIdsIn(e.detail))),
  ]);
  const words = glossary(people);
  return entries.map((e, i) => {
    const said = splitForPeople(e.detail, words, e.oktaRequestId ? [`Okta request id: ${e.oktaRequestId}.`] : []);
    return {
      seq: e.seq,
      at: e.at,
      action: e.action,
      actor: actors[i],
      detail: said.text,
      ...(said.details ? { details: said.details } : {}),
      ...(e.oktaRequestId ? { oktaRequestId: e.oktaRequestId } : {}),
    };
  });
}

/** Running grants only: read from the index of open grants, whatever the requester's history. */
async function runningGrants(
  deps: PanelDeps,
  requesterAccountId: string,
  exceptId: string | undefined,
  allowlist: GroupPolicy[],
): Promise<OtherGrantDto[]> {
  const { grants } = await deps.grants.listRunningByRequester(requesterAccountId, VIEW_ROWS);
  return grants
    .filter((g) => g.id !== exceptId)
    .map((g) => ({
      id: g.id,
      issueKey: g.issueKey,
      groupName: groupWords(g.groupId, allowlist),
      status: g.status,
      endsAt: g.endsAt,
    }));
}

const rowDto = ({ grant: g, groupName }: GrantRow) => ({
  id: g.id,
  issueKey: g.issueKey,
  // The View access rows name a group by id once it left the allowlist: the panel never shows an id.
  groupName: OKTA_GROUP_ID.test(groupName) ? NOT_ALLOWLISTED : groupName,
  status: g.status,
  requestedAt: g.requestedAt,
  ...(g.status === 'REQUESTED' && g.scheduledStartAt ? { startsAt: g.scheduledStartAt } : {}),
  ...(g.startedAt ? { startedAt: g.startedAt } : {}),
  ...(g.endsAt ? { endsAt: g.endsAt } : {}),
  ...(g.endedAt ? { endedAt: g.endedAt } : {}),
});

/** The first page of the View access list: running grants, then VIEW_ROWS items of the window. */
async function firstGrantsPage(deps: PanelDeps, requesterAccountId: string): Promise<GrantsPageDto> {
  const read = await readRequesterGrants(deps, requesterAccountId, { limit: VIEW_ROWS });
  return { rows: read.rows.map(rowDto), ...(read.nextCursor ? { nextCursor: read.nextCursor } : {}) };
}

/**
 * `panel/grants`: the next page of the list a View access issue's panel shows. The requester is the
 * issue's (its grant's, or its reporter's), never the payload's; only they and Jira admins may page.
 */
export async function loadGrantsPage(
  deps: PanelDeps,
  caller: PanelCaller,
  cursor: string,
): Promise<Outcome<{ data: GrantsPageDto }>> {
  const [grant, isAdmin] = await Promise.all([
    deps.grants.get(grantIdForIssue(caller.issue.id)),
    deps.permissions.isJiraAdmin(caller.accountId),
  ]);
  const requester =
    grant?.requesterAccountId ??
    (await deps.issues.getIssue(caller.issue.key, await deps.config.getPolicy()))?.reporterAccountId;
  if (!requester) return refuse(UI_ERRORS.noIssue, 'This issue has no requester whose access could be listed.');
  if (requester !== caller.accountId && !isAdmin)
    return refuse(UI_ERRORS.notRequester, "Only the requester and Jira admins see the requester's access.");
  const read = await readRequesterGrants(deps, requester, { limit: VIEW_ROWS, cursor });
  return {
    ok: true,
    data: { rows: read.rows.map(rowDto), ...(read.nextCursor ? { nextCursor: read.nextCursor } : {}) },
  };
}

// ---------------------------------------------------------------- people

/**
 * Display names for account ids, each looked up once per load. A name is decoration: when Jira cannot
 * say, the panel says "Unknown user" (Jira's own words) rather than failing, and never shows the id.
 * Only id and display name leave the server.
 */
class NameBook {
  private readonly cache = new Map<string, Promise<PersonDto>>();
  constructor(private readonly deps: Pick<AppDeps, 'issues'>) {}
  remember(accountId: string, displayName: string) {
    this.cache.set(accountId, Promise.resolve({ accountId, displayName }));
  }
  /** Display names of several accounts at once, for text that names them. */
  async book(accountIds: string[]): Promise<Map<string, string>> {
    const people = await Promise.all([...new Set(accountIds)].map((id) => this.person(id)));
    return new Map(people.map((p) => [p.accountId, p.displayName]));
  }
  person(accountId: string): Promise<PersonDto> {
    if (accountId === 'app') return Promise.resolve(APP_ACTOR);
    let p = this.cache.get(accountId);
    if (!p) {
      p = this.deps.issues
        .getUser(accountId)
        .then((u) => ({ accountId, displayName: u?.displayName ?? UNKNOWN_USER }))
        .catch(() => ({ accountId, displayName: UNKNOWN_USER }));
      this.cache.set(accountId, p);
    }
    return p;
  }
}
