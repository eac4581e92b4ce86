/**
 * The invariants checked after every command (docs/architecture.md, "Guarantees proven by property
 * tests"). Each failure names its invariant and carries the data that broke it.
 */
import { holdsMembership, mayHoldAppMembership, type Grant } from '../../src/domain/grant';
import type { AuditEntry } from '../../src/app/ports';
import {
  believedApprovals,
  countApprovals,
  MANAGED,
  mayApproveSomeStep,
  MAX_EXTENSIONS,
  MAX_LIFETIME_HOURS,
  relevantLog,
  standingMove,
  standsOn,
  tallyNow,
  valuesAt,
  type Entry,
  type Harness,
  type IssueModel,
  type Model,
} from './harness';

const HOUR = 3_600_000;
/** Expiry lag allowed: the exact-time expiry event is queued by a sweep up to 15 min ahead; the sweep runs every 5 min. */
export const EXPIRY_LAG_MS = 6 * 60_000;

export function fail(invariant: string, message: string, data?: unknown): never {
  throw new Error(
    `invariant ${invariant} broken: ${message}${data === undefined ? '' : `\n${JSON.stringify(data, null, 1)}`}`,
  );
}

/** Okta 503s injected but not yet served. */
export const pendingFaults = (h: Harness, m: Model): number =>
  m.faultsInjected - h.sb.okta.requests.filter((r) => r.status === 503).length;

/** Queue events whose last delivery asked for another one (a retry is scheduled). */
export function pendingRetries(h: Harness): number {
  const last = new Map<string, string>();
  for (const d of h.sb.events.deliveries) last.set(d.eventId, d.outcome);
  return [...last.values()].filter((o) => o !== 'ok').length;
}

/**
 * Settled and nothing in flight: product events are not held, every injected Okta fault was served,
 * and no queue event waits for a retry. Only then must GRANTING/REVOKING be gone and membership be
 * exactly what the model says.
 */
export const isQuiet = (h: Harness, m: Model): boolean =>
  !m.held && pendingFaults(h, m) === 0 && pendingRetries(h) === 0;

/** What the runs exercised, printed with the timing so a suite that stopped reaching states shows it. */
export const coverage = {
  commands: 0,
  checksQuiet: 0,
  checksWith: new Map<string, number>(),
  /** Panel Approve / Deny answers, by outcome ("approve ok", "deny refused", ...). */
  decisions: new Map<string, number>(),
};

const started = (g: Grant) => holdsMembership(g.status) || g.firstStartedAt !== undefined;
export const startedNow = started;

/**
 * Invariant 1 for a grant that started in a group asking for approval, without emergency: the approvals
 * it started on (`approvals`, written at the start) are ones the model believes in (a panel press it saw
 * accepted, or a move of that person into "Approved" after the recording on Jira's record), none voided
 * by a later request-field edit, and the model's own count of them meets the group's steps with none
 * to spare; the audit trail has one APPROVED entry per counted approval, by its approver, after the
 * REQUESTED entry (any other APPROVED entry is an approval voided since, named by an APPROVAL_VOIDED
 * entry); `approvedBy` is the last counted approval.
 */
function checkApprovalsAtStart(
  h: Harness,
  m: Model,
  g: Grant,
  log: readonly Entry[],
  requested: AuditEntry,
  approved: AuditEntry[],
  voided: AuditEntry[],
): void {
  const given = g.approvals ?? [];
  const panel = m.panelApprovals.get(g.id) ?? [];
  const steps = h.stepsOf(g.groupId);
  const data = { grant: g, steps, log, panelAccepted: panel, approved, voided };
  if (given.length === 0) fail('1', `grant ${g.id} started in a group that needs approval, on no approval`, data);
  // A status move counts while it is the issue's standing move into "Approved", or once kept on the request.
  const standing = standingMove(g, log);
  const kept = m.keptMoves.get(g.id) ?? new Set<number>();
  for (const a of given) {
    const known =
      a.via === 'panel'
        ? panel.some((p) => p.by === a.by && p.historyAt === a.historyAt && p.at === a.at)
        : log[a.historyAt]?.statusTo === 'Approved' &&
          log[a.historyAt].author === a.by &&
          (('move' in standing && standing.move.historyAt === a.historyAt) || kept.has(a.historyAt));
    if (!known)
      fail(
        '1',
        `grant ${g.id} started on an approval by ${a.by} (${a.via}, entry ${a.historyAt}) that ${a.via === 'panel' ? 'the panel never accepted' : 'is neither the standing move into "Approved" on Jira\'s record nor a move seen kept on the request'}`,
        { ...data, standing, kept: [...kept] },
      );
    if (!standsOn(log, a.historyAt))
      fail(
        '1',
        `grant ${g.id} started on an approval by ${a.by} (${a.via}, entry ${a.historyAt}) that a later request-field edit voided`,
        data,
      );
  }
  const tally = countApprovals({
    steps,
    approvals: given,
    requester: g.requesterAccountId,
    raisedBy: g.raisedBy,
    matches: h.matches,
  });
  if (!tally.complete || tally.counted.length !== given.length)
    fail(
      '1',
      `grant ${g.id} started on approvals that do not meet its group's steps: the model counts ${tally.counted.length} of the ${given.length} given (${tally.needed} needed${tally.complete ? '' : `, step ${tally.step + 1} of ${steps.length} still open`})`,
      { ...data, counted: tally.counted },
    );
  if (approved.some((e) => e.seq < requested.seq || Date.parse(e.at) < Date.parse(requested.at)))
    fail('1', `grant ${g.id} has an APPROVED entry before its REQUESTED entry`, { ...data, requested });
  // The entry says how the approval was given (src/domain/grant-transitions approvalDetail).
  const viaOf = (e: AuditEntry) => (e.detail.startsWith('Approved in the Okta access panel') ? 'panel' : 'status');
  const left = [...approved];
  for (const c of tally.counted) {
    const k = left.findIndex((e) => e.actor === c.by && viaOf(e) === c.via);
    if (k < 0) fail('1', `grant ${g.id}: the ${c.via} approval by ${c.by} that counted has no APPROVED entry`, data);
    left.splice(k, 1);
  }
  const said = voidedAuthors(voided);
  for (const e of left) {
    const k = said.indexOf(e.actor);
    if (k < 0) fail('1', `grant ${g.id} has an APPROVED entry by ${e.actor} that neither counted nor was voided`, data);
    said.splice(k, 1);
  }
  const last = tally.counted[tally.counted.length - 1];
  if (g.approvedBy !== last.by)
    fail('1', `grant ${g.id} names ${g.approvedBy} as its approver, not ${last.by} (the last approval counted)`, data);
}

/** Whose approvals the APPROVAL_VOIDED entries say no longer count (src/app/weigh-approvals tellSetAside). */
const voidedAuthors = (voided: AuditEntry[]) => voided.map((v) => /^The approval by (\S+) at /.exec(v.detail)?.[1]);

/**
 * For every request in a group asking for approval: an APPROVED entry is only ever by someone who may
 * approve a step (not the requester, not who raised it); while it waits, the panel approvals on it are
 * the presses the panel accepted, in order, and (when quiet, on Jira's record now `log`) each one a
 * request-field edit voided since has been said, by its own APPROVAL_VOIDED entry; the status moves
 * kept on it are moves into "Approved" on Jira's record (remembered: they may count later); and a request is
 * DENIED by an approver exactly when the panel accepted a Deny for it, then never holds membership,
 * with one DENIED entry by that approver.
 */
function checkDecisions(h: Harness, m: Model, g: Grant, audit: AuditEntry[], log: Entry[], quiet: boolean): void {
  const steps = h.stepsOf(g.groupId);
  const mine = (action: AuditEntry['action']) => audit.filter((a) => a.grantId === g.id && a.action === action);
  for (const e of mine('APPROVED'))
    if (!mayApproveSomeStep(h, steps, g, e.actor))
      fail('1', `${g.id} has an APPROVED entry by ${e.actor}, who may approve no step of its group`, { grant: g, e });
  if (g.status === 'REQUESTED') {
    // Status moves kept on the waiting request, each a move into "Approved" on Jira's record.
    const { problem } = believedApprovals(m, g, log);
    if (problem) fail('1', problem, { grant: g, log });
    for (const a of g.approvals ?? [])
      if (a.via === 'status') m.keptMoves.set(g.id, (m.keptMoves.get(g.id) ?? new Set()).add(a.historyAt));
    const onGrant = (g.approvals ?? []).filter((a) => a.via === 'panel').map((a) => `${a.by} at entry ${a.historyAt}`);
    const accepted = (m.panelApprovals.get(g.id) ?? []).map((a) => `${a.by} at entry ${a.historyAt}`);
    if (JSON.stringify(onGrant) !== JSON.stringify(accepted))
      fail('1', `${g.id} waits with panel approvals other than those the panel accepted`, {
        onGrant,
        accepted,
        grant: g,
      });
    if (quiet) {
      const said = voidedAuthors(mine('APPROVAL_VOIDED'));
      for (const a of (m.panelApprovals.get(g.id) ?? []).filter((x) => !standsOn(log, x.historyAt))) {
        const k = said.indexOf(a.by);
        if (k < 0)
          fail('1', `${g.id}: the panel approval by ${a.by} at entry ${a.historyAt} was voided by an edit, unsaid`, {
            grant: g,
            log,
            voided: mine('APPROVAL_VOIDED'),
          });
        said.splice(k, 1);
      }
    }
  }
  const denier = m.deniedByApprover.get(g.id);
  if (denier === undefined && g.reasonCode !== 'APPROVAL.DENIED') return;
  const denied = mine('DENIED');
  if (
    denier === undefined ||
    g.reasonCode !== 'APPROVAL.DENIED' ||
    g.status !== 'DENIED' ||
    g.firstStartedAt !== undefined ||
    g.endedBy !== denier ||
    denied.length !== 1 ||
    denied[0].actor !== denier ||
    !mayApproveSomeStep(h, steps, g, denier) ||
    mine('GRANT_STARTED').length > 0
  )
    fail(
      '1',
      `${g.id}: a request denied by an approver must be DENIED exactly when the panel accepted a Deny, never start, and have one DENIED entry by that approver, who may approve a step`,
      { grant: g, panelDenier: denier, denied },
    );
}

export async function checkInvariants(h: Harness, m: Model): Promise<void> {
  const { sb, w } = h;
  const grants = h.grants();
  const audit = h.audit();
  const now = Date.parse(sb.clock.now());
  const appUser = sb.jira.appUser.accountId;
  const quiet = isQuiet(h, m);
  coverage.commands++;
  if (quiet) coverage.checksQuiet++;
  const oktaOf: Record<string, string> = {
    [w.jira.neville]: w.okta.neville,
    [w.jira.alice]: w.okta.alice,
    [w.jira.ada]: w.okta.ada,
  };
  const modeOf = h.modeOf;
  const issueOf = (key: string): IssueModel | undefined => m.issues.find((i) => i.key === key);
  const entries = (grantId: string, action: AuditEntry['action']) =>
    audit.filter((a) => a.grantId === grantId && a.action === action);
  // The app's own close-out transition (after a grant ended) is not a person's move.
  const peopleOnly = (log: Entry[]): Entry[] =>
    log.map((e) => (e.author === appUser && e.fields.length === 0 ? { ...e, statusTo: undefined } : e));

  // The sandbox itself: nothing outside Okta's or Jira's API, no SDK call unserved, no queue event lost.
  const sandboxTrouble = {
    oktaViolations: sb.okta.violations,
    unhandled: sb.unhandled,
    jiraUnhandled: sb.jira.unhandled,
    jiraSpecViolations: sb.jira.specViolations,
    expiredQueueEvents: sb.events.expired,
  };
  if (Object.values(sandboxTrouble).some((x) => x.length > 0))
    fail(
      '0 (sandbox)',
      'the app made a call nothing serves, Okta or Jira does not define, or lost a queue event',
      sandboxTrouble,
    );

  for (const g of grants) {
    const issue = issueOf(g.issueKey);
    if (!issue) fail('1', `grant ${g.id} is for an issue no command created`, g);
    if (started(g) && !m.logWhenStarted.has(g.id)) m.logWhenStarted.set(g.id, relevantLog(h, issue));

    // 1. App-made membership only for a request recorded for that person and group, approved per policy.
    if (started(g)) {
      const log = peopleOnly(m.logWhenStarted.get(g.id)!);
      const requested = entries(g.id, 'REQUESTED');
      if (
        requested.length !== 1 ||
        requested[0].actor !== g.requesterAccountId ||
        requested[0].requesterAccountId !== g.requesterAccountId ||
        requested[0].groupId !== g.groupId
      ) {
        fail(
          '1',
          `grant ${g.id} holds (or held) membership without exactly one REQUESTED entry by its requester for its group`,
          { grant: g, requested },
        );
      }
      const asRecorded = valuesAt(issue, log, g.historySeen ?? 0);
      if (
        asRecorded.reporter !== g.requesterAccountId ||
        asRecorded.accessType !== 'New access' ||
        asRecorded.adminGroup !== g.groupId ||
        (asRecorded.changeType ?? undefined) !== g.changeType
      ) {
        fail('1', `grant ${g.id} is not what the issue said when it was recorded`, {
          grant: g,
          issueSaid: asRecorded,
          log,
        });
      }
      const mode = modeOf(g.groupId);
      if (mode === undefined) fail('1', `grant ${g.id} started for a group that is not allowlisted`, g);
      if (mode === 'status') {
        if (g.emergency) {
          if (asRecorded.changeType !== 'Emergency' || entries(g.id, 'EMERGENCY_USED').length !== 1)
            fail('1', `grant ${g.id} skipped approval without the emergency path`, { grant: g, asRecorded });
        } else
          checkApprovalsAtStart(
            h,
            m,
            g,
            log,
            requested[0],
            entries(g.id, 'APPROVED'),
            entries(g.id, 'APPROVAL_VOIDED'),
          );
      }
      const gone = m.oktaGone.users.has(oktaOf[g.requesterAccountId]) || m.oktaGone.groups.has(g.groupId);
      if (gone && !m.startedBeforeGone.has(g.id))
        fail('1', `grant ${g.id} started after its Okta user was deactivated or its group deleted`, g);
      if (
        g.endsAt &&
        g.firstStartedAt &&
        Date.parse(g.endsAt) > Date.parse(g.firstStartedAt) + MAX_LIFETIME_HOURS * HOUR
      ) {
        fail('1', `grant ${g.id} runs past the group's maximum lifetime`, g);
      }
      // Unextended, a grant runs at most the snapshot's duration (Emergency 4 h, else 12 h), capped by the group's maximum.
      const cap = Math.min(g.changeType === 'Emergency' ? 4 : 12, g.groupId === w.groups.database ? 8 : 12) * HOUR;
      if (g.extensions === 0 && g.endsAt && g.startedAt && Date.parse(g.endsAt) > Date.parse(g.startedAt) + cap) {
        fail('1', `grant ${g.id} runs longer than its request allows (${cap / HOUR} h)`, g);
      }
    }
    if (modeOf(g.groupId) === 'status') checkDecisions(h, m, g, audit, relevantLog(h, issue), quiet && !issue.deleted);
    // Who raised a re-recorded request is its predecessor's requester (whose own edit withdrew it).
    const predecessor =
      g.requestNumber && g.requestNumber > 1
        ? grants.find(
            (p) =>
              p.id ===
              (g.requestNumber === 2 ? g.id.replace(/-r2$/, '') : g.id.replace(/-r\d+$/, `-r${g.requestNumber! - 1}`)),
          )
        : undefined;
    const raiser =
      predecessor && predecessor.requesterAccountId !== g.requesterAccountId
        ? predecessor.requesterAccountId
        : undefined;
    if (predecessor && g.raisedBy !== raiser)
      fail('1', `request ${g.id} names ${g.raisedBy} as who raised it, not ${raiser}`, { grant: g, predecessor });
    if (g.status === 'WITHDRAWN') {
      const log = relevantLog(h, issue).slice(g.historySeen ?? 0);
      if (
        g.endedBy !== g.requesterAccountId ||
        !log.some((e) => e.fields.length > 0 && e.author === g.requesterAccountId)
      ) {
        fail('1', `request ${g.id} was withdrawn without an edit by its requester after it was recorded`, {
          grant: g,
          log,
        });
      }
    }

    // 4. Extended only by Extend access issues that named this grant's group and requester.
    const via = g.extendedVia ?? [];
    if (new Set(via).size !== via.length || via.length > g.extensions || g.extensions > MAX_EXTENSIONS)
      fail('4', `grant ${g.id} counts its extensions wrongly`, g);
    for (const k of via) {
      const ext = issueOf(k);
      if (!ext) fail('4', `grant ${g.id} was extended by ${k}, an issue no command created`, g);
      const fs = ext.firstSeen;
      const named = (v: { accessType: string | null; adminGroup: string | null; reporter: string }) =>
        v.accessType === 'Extend access' && v.adminGroup === g.groupId && v.reporter === g.requesterAccountId;
      // Or recorded again after its requester's own edit withdrew the New access request it first was.
      const withdrawn = grants.filter((x) => x.issueKey === k && x.status === 'WITHDRAWN');
      const log = relevantLog(h, ext);
      const reRecorded = withdrawn.some((x) =>
        log.some(
          (e, i) =>
            i >= (x.historySeen ?? 0) &&
            e.author === x.requesterAccountId &&
            e.fields.length > 0 &&
            named(valuesAt(ext, log, i + 1)),
        ),
      );
      if (!(fs && named(fs)) && !reRecorded)
        fail(
          '4',
          `grant ${g.id} was extended by ${k}, which was not raised as Extend access of that group by that requester`,
          { grant: g, firstSeen: fs },
        );
      if (grants.filter((x) => x.extendedVia?.includes(k)).length !== 1)
        fail(
          '3',
          `Extend issue ${k} applied to more than one grant`,
          grants.filter((x) => x.extendedVia?.includes(k)),
        );
    }
    if (entries(g.id, 'MEMBERSHIP_ADDED').length > 1)
      fail('3', `grant ${g.id} added the membership twice`, entries(g.id, 'MEMBERSHIP_ADDED'));
  }

  // 2. Okta membership of every managed group.
  for (const name of Object.keys(MANAGED) as Array<keyof typeof MANAGED>) {
    const groupId = w.groups[name];
    if (m.oktaGone.groups.has(groupId)) continue; // gone in Okta: nothing to compare (drift ends its grants)
    const actual = new Set(sb.okta.members(groupId));
    const pre = m.preexisting.get(groupId) ?? new Set<string>();
    const mine = grants.filter((g) => g.groupId === groupId);
    for (const g of mine) {
      if (
        g.status === 'ACTIVE' &&
        !m.oktaGone.deletedUsers.has(oktaOf[g.requesterAccountId]) &&
        !actual.has(oktaOf[g.requesterAccountId])
      )
        fail('2', `${g.id} is ACTIVE but ${name} lacks its member`, { grant: g, members: [...actual] });
    }
    for (const u of actual) {
      if (!pre.has(u) && !mine.some((g) => oktaOf[g.requesterAccountId] === u && mayHoldAppMembership(g))) {
        fail('2', `${u} is a member of ${name} without a running grant or pre-existing membership`, {
          members: [...actual],
          grants: mine,
        });
      }
    }
    if (!quiet) continue;
    const inFlight = mine.filter((g) => g.status === 'GRANTING' || g.status === 'REVOKING');
    if (inFlight.length > 0)
      fail('2', `nothing is in flight, yet ${inFlight.map((g) => `${g.id} is ${g.status}`).join(', ')}`, inFlight);
    // The model: which requests should be running now.
    const expected = new Set(pre);
    let lagging = false;
    for (const g of mine) {
      const issue = issueOf(g.issueKey)!;
      // A user gone from Okta: membership is theirs until the grant ends (deactivated) or gone (deleted; drift ends the grant).
      if (m.oktaGone.users.has(oktaOf[g.requesterAccountId])) {
        lagging ||= m.oktaGone.deletedUsers.has(oktaOf[g.requesterAccountId]);
        if (!m.oktaGone.deletedUsers.has(oktaOf[g.requesterAccountId]) && g.status === 'ACTIVE')
          expected.add(oktaOf[g.requesterAccountId]);
        continue;
      }
      const endsAt = g.endsAt ? Date.parse(g.endsAt) : Infinity;
      if (endsAt <= now && now < endsAt + EXPIRY_LAG_MS) {
        lagging = true;
        continue;
      }
      const ended = m.endedByPanel.has(g.id) || endsAt <= now;
      const mode = modeOf(groupId);
      const snapshotEmergency = g.changeType === 'Emergency';
      const entitled =
        g.firstStartedAt !== undefined ||
        (g.status !== 'WITHDRAWN' &&
          !m.deniedByApprover.has(g.id) &&
          !issue.deleted &&
          (mode === 'none' || snapshotEmergency || tallyNow(h, m, g, peopleOnly(relevantLog(h, issue))).complete));
      const shouldRun = entitled && !ended;
      if (shouldRun !== (g.status === 'ACTIVE')) {
        fail(
          '2',
          `the model says ${g.id} ${shouldRun ? 'should' : 'should not'} be running, the app has it ${g.status}`,
          { grant: g, endedByPanel: m.endedByPanel.has(g.id), now: sb.clock.now() },
        );
      }
      if (shouldRun) expected.add(oktaOf[g.requesterAccountId]);
    }
    if (!lagging && ([...expected].some((u) => !actual.has(u)) || [...actual].some((u) => !expected.has(u)))) {
      fail('2', `${name} members differ from the model's`, { actual: [...actual], expected: [...expected] });
    }
  }

  // 3. One outcome comment per recorded request; no issue's effect applies twice.
  for (const issue of m.issues) {
    if (issue.deleted) continue;
    const texts = sb.jira.comments(issue.key).map((c) => c.text);
    const count = (s: string) => texts.filter((t) => t.includes(s)).length;
    const mine = grants.filter((g) => g.issueKey === issue.key);
    const waitingGrants = mine.filter((g) => entries(g.id, 'AWAITING_APPROVAL').length > 0).length;
    const grantedGrants = mine.filter((g) => g.firstStartedAt !== undefined).length;
    const endedGrants = mine.filter(
      (g) => g.status === 'EXPIRED' || g.status === 'REVOKED' || g.status === 'REMOVED_EXTERNALLY',
    ).length;
    const outcome = {
      waiting: [count('is waiting for approval'), waitingGrants],
      granted: [count(' you are now a member of '), grantedGrants],
      ended: [count(' your access to '), endedGrants],
      refused: [count('Access request refused.'), mine.filter((g) => g.status === 'DENIED').length],
    };
    if (
      outcome.waiting[0] !== outcome.waiting[1] ||
      outcome.granted[0] !== outcome.granted[1] ||
      outcome.ended[0] > outcome.ended[1] ||
      (quiet && outcome.ended[0] !== outcome.ended[1]) ||
      outcome.refused[0] > outcome.refused[1]
    ) {
      fail('3', `${issue.key}: outcome comments do not match its requests ([comments, requests])`, {
        outcome,
        texts,
        grants: mine,
      });
    }
    const holding = mine.filter((g) => holdsMembership(g.status));
    if (holding.length > 1) fail('3', `${issue.key} has ${holding.length} grants holding membership at once`, holding);
    // Extend answers on an issue that never held a New access request (panel extensions comment on the grant's own issue).
    const answers = mine.length > 0 ? 0 : count('now runs until') + count('Access not extended.');
    if (answers > 1 || (quiet && issue.firstSeen?.accessType === 'Extend access' && answers !== 1)) {
      fail(
        '3',
        `${issue.key}: an Extend access issue must be answered exactly once, it was answered ${answers} times`,
        { firstSeen: issue.firstSeen, texts },
      );
    }
    const viewed = audit.filter((a) => a.issueKey === issue.key && a.action === 'VIEWED').length;
    if (viewed > 1) fail('3', `${issue.key}: a View access issue was answered ${viewed} times`, texts);
  }

  // Coverage: after how many checks some grant was in each status, had an approval, an extension by issue, a withdrawal.
  const seen = new Set<string>([
    ...grants.map((g) => g.status as string),
    ...(audit.some((x) => x.action === 'APPROVED') ? ['approved'] : []),
    ...(grants.some((g) => started(g) && (g.approvals ?? []).length >= 2) ? ['startedOnTwoApprovals'] : []),
    ...(grants.some((g) => started(g) && (g.approvals ?? []).some((a) => a.via === 'panel'))
      ? ['startedOnPanelApproval']
      : []),
    ...(audit.some((x) => x.action === 'APPROVAL_VOIDED') ? ['approvalVoided'] : []),
    ...(m.deniedByApprover.size > 0 ? ['deniedByApprover'] : []),
    ...(grants.some((g) => (g.extendedVia ?? []).length > 0) ? ['extendedViaIssue'] : []),
  ]);
  for (const k of seen) coverage.checksWith.set(k, (coverage.checksWith.get(k) ?? 0) + 1);

  // 5. The audit trail verifies.
  const verified = await h.verifyAudit();
  if (!verified.ok) fail('5', 'the audit hash chain does not verify', verified);
}
