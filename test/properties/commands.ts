/**
 * The commands fast-check interleaves. Each acts on the real app through the sandbox (Jira driver,
 * panel resolvers, Okta emulator, virtual clock), updates the model with what it did, then checks
 * every invariant. `toString` is what a counterexample prints, so it names everything needed to
 * read (and replay) the run.
 */
import fc from 'fast-check';
import type { Grant } from '../../src/domain/grant';
import {
  currentValues,
  mayApproveSomeStep,
  PEOPLE,
  relevantLog,
  tallyNow,
  USERS,
  type GroupName,
  type Harness,
  type IssueModel,
  type Model,
  type PersonName,
  type UserName,
} from './harness';
import { checkInvariants, coverage, fail, startedNow } from './invariants';

type Cmd = fc.AsyncCommand<Model, Harness, false>;
/** Who acts: a named person, or whoever is the issue's reporter right now. */
type Actor = PersonName | 'requester';
const ACCESS_TYPES = ['New access', 'Extend access', 'View access'] as const;
const GROUPS: GroupName[] = ['linux', 'windows', 'database', 'appGroup'];

const live = (m: Model) => m.issues.some((i) => !i.deleted);
const pickLive = (m: Model, n: number): IssueModel | undefined => {
  const xs = m.issues.filter((i) => !i.deleted);
  return xs.length === 0 ? undefined : xs[n % xs.length];
};
/** Names the issue a command resolved to in the run's trace (its last entry). */
const traced = (m: Model, i: IssueModel): IssueModel => {
  m.trace[m.trace.length - 1] += ` [${i.key}]`;
  return i;
};
const accountOf = (h: Harness, who: Actor, issue?: IssueModel) =>
  who === 'requester' ? h.sb.jira.issue(issue!.key).reporter : h.w.jira[who];

/** After every command: the app has seen the events not held, which sets first-seen values. */
function noteSeen(h: Harness, m: Model): void {
  if (m.held) return;
  for (const i of m.issues) if (!i.deleted && !i.firstSeen) i.firstSeen = currentValues(h, i);
}

async function finish(h: Harness, m: Model): Promise<void> {
  m.steps++;
  noteSeen(h, m);
  await checkInvariants(h, m);
}

class CreateIssue implements Cmd {
  constructor(
    readonly by: UserName,
    readonly accessType: (typeof ACCESS_TYPES)[number],
    readonly group: GroupName,
    readonly changeType: 'Standard' | 'Emergency',
  ) {}
  check = () => true;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const fields = {
      accessType: this.accessType,
      adminGroup: this.accessType === 'View access' ? undefined : h.w.groups[this.group],
      changeType: this.changeType,
    };
    const r = await h.sb.jira.createIssue({
      projectKey: h.w.projectKey,
      summary: 'Access request',
      reporter: h.w.jira[this.by],
      fields,
    });
    m.trace[m.trace.length - 1] += ` [${r.key}]`;
    m.issues.push({
      key: r.key,
      id: r.id,
      deleted: false,
      created: {
        reporter: h.w.jira[this.by],
        accessType: this.accessType,
        adminGroup: fields.adminGroup ?? null,
        changeType: this.changeType,
      },
    });
    await finish(h, m);
  }
  toString = () =>
    `create(${this.by}, ${this.accessType}, ${this.accessType === 'View access' ? '-' : this.group}, ${this.changeType})`;
}

class EditField implements Cmd {
  constructor(
    readonly issue: number,
    readonly by: Actor,
    readonly field: 'adminGroup' | 'accessType' | 'changeType',
    readonly value: string,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const i = traced(m, pickLive(m, this.issue)!);
    const value = this.field === 'adminGroup' ? h.w.groups[this.value as GroupName] : this.value;
    await h.sb.jira.updateFields(i.key, { [this.field]: value }, accountOf(h, this.by, i));
    await finish(h, m);
  }
  toString = () => `edit(#${this.issue}, by ${this.by}, ${this.field} = ${this.value})`;
}

class SetReporter implements Cmd {
  constructor(
    readonly issue: number,
    readonly to: UserName,
    readonly by: Actor,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const i = traced(m, pickLive(m, this.issue)!);
    await h.sb.jira.setReporter(i.key, h.w.jira[this.to], accountOf(h, this.by, i));
    await finish(h, m);
  }
  toString = () => `setReporter(#${this.issue}, to ${this.to}, by ${this.by})`;
}

/** The issue's grants, newest request first (the panel shows the newest). */
const grantsOf = (h: Harness, i: IssueModel): Grant[] =>
  h
    .grants()
    .filter((g) => g.issueKey === i.key)
    .sort((a, b) => (b.requestNumber ?? 1) - (a.requestNumber ?? 1));

/** The panel on the issue, acting on the issue's current request (its newest grant). */
class Panel implements Cmd {
  constructor(
    readonly issue: number,
    readonly action: 'relinquish' | 'extend' | 'revoke',
    readonly by: Actor,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const i = traced(m, pickLive(m, this.issue)!);
    const mine = grantsOf(h, i);
    const grantId = mine[0]?.id ?? `grant-${i.id}`;
    const payload = this.action === 'revoke' ? { grantId, confirm: true } : { grantId };
    const r = await h.sb.app.invoke<{ ok: boolean }>(`panel/${this.action}`, payload, {
      accountId: accountOf(h, this.by, i),
      extension: { issue: { id: i.id, key: i.key }, project: { key: h.w.projectKey } },
    });
    if (r.ok && this.action !== 'extend') m.endedByPanel.add(grantId);
    await finish(h, m);
  }
  toString = () => `panel(#${this.issue}, ${this.action}, by ${this.by})`;
}

/**
 * The model's answer to an Approve or Deny press, before it is made: refused (and why) or accepted.
 * Only the current request, still waiting, in a group asking for approval, without emergency, can be
 * acted on; who may act is then the model's own reading of the policy (src/domain is not asked).
 */
function expectedAnswer(
  h: Harness,
  m: Model,
  i: IssueModel,
  g: Grant | undefined,
  newest: Grant | undefined,
  accountId: string,
  action: 'approve' | 'deny',
): { ok: true } | { ok: false; why: string } {
  if (!g) return { ok: false, why: 'the issue has no request yet' };
  if (g !== newest) return { ok: false, why: `${g.id} was replaced by ${newest!.id}` };
  if (g.status !== 'REQUESTED') return { ok: false, why: `${g.id} is ${g.status}` };
  if (h.modeOf(g.groupId) !== 'status' || g.emergency) return { ok: false, why: `${g.id} needs no approval` };
  if (accountId === g.requesterAccountId) return { ok: false, why: 'the requester' };
  if (accountId === g.raisedBy) return { ok: false, why: 'who raised the request' };
  const steps = h.stepsOf(g.groupId);
  if (action === 'deny')
    return mayApproveSomeStep(h, steps, g, accountId) ? { ok: true } : { ok: false, why: 'may approve no step' };
  const tally = tallyNow(h, m, g, relevantLog(h, i));
  if (tally.problem) fail('1', tally.problem, g);
  if (tally.counted.some((c) => c.by === accountId)) return { ok: false, why: 'already counted' };
  if (tally.complete) return { ok: false, why: 'already has every approval it needs' };
  if (!h.matches(steps[tally.step].approvers, accountId))
    return { ok: false, why: `may not approve step ${tally.step + 1} of ${steps.length}` };
  return { ok: true };
}

/** Who the model picks: someone who may approve the request now, someone who may not, or someone already counted. */
type Picked = 'eligible' | 'ineligible' | 'approver';
const isPicked = (by: string): by is Picked => by === 'eligible' || by === 'ineligible' || by === 'approver';

function pickPerson(
  h: Harness,
  m: Model,
  i: IssueModel,
  g: Grant | undefined,
  newest: Grant | undefined,
  kind: Picked,
  action: 'approve' | 'deny',
  n: number,
): PersonName {
  const counted = g ? tallyNow(h, m, g, relevantLog(h, i)).counted : [];
  const fits = PEOPLE.filter((p) =>
    kind === 'approver'
      ? counted.some((c) => c.by === h.w.jira[p])
      : expectedAnswer(h, m, i, g, newest, h.w.jira[p], action).ok === (kind === 'eligible'),
  );
  return fits.length > 0 ? fits[n % fits.length] : 'ada';
}

/** Issues whose current request waits for approval. */
const waitingIssues = (h: Harness, m: Model): IssueModel[] =>
  m.issues.filter((x) => !x.deleted && grantsOf(h, x)[0]?.status === 'REQUESTED');

/**
 * A move in Jira's workflow. By a named person or the requester, on any issue; or by someone the model
 * picks (who may approve now, or who already has an approval counted) on an issue whose request waits.
 */
class Transition implements Cmd {
  constructor(
    readonly issue: number,
    readonly to: 'Approved' | 'To Do',
    readonly by: Actor | Picked,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    let i: IssueModel;
    let by: Actor;
    if (isPicked(this.by)) {
      const waits = waitingIssues(h, m);
      i = waits.length > 0 ? waits[this.issue % waits.length] : pickLive(m, this.issue)!;
      const mine = grantsOf(h, i);
      by = pickPerson(h, m, i, mine[0], mine[0], this.by, 'approve', this.issue);
    } else {
      i = pickLive(m, this.issue)!;
      by = this.by;
    }
    m.trace.push(`transition(${i.key}, to ${this.to}, by ${by})`);
    await h.sb.jira.transition(i.key, this.to, accountOf(h, by, i));
    await finish(h, m);
  }
  toString = () =>
    `transition(#${this.issue}${isPicked(this.by) ? ' of those waiting' : ''}, to ${this.to}, by ${this.by})`;
}

/**
 * Approve or Deny in the panel, by anyone, on the issue's current request or (stale) on the one before
 * it. The issue is picked among those whose request was replaced (stale), or else whose current
 * request waits (`waiting`, as an approver would), or among all when none is. The model predicts the
 * answer; a refusal must change nothing; an accepted Approve is remembered (who, when, the history's
 * length) and must be on the request as given; an accepted Deny ends the request.
 */
class PanelDecision implements Cmd {
  constructor(
    readonly issue: number,
    readonly waiting: boolean,
    readonly action: 'approve' | 'deny',
    readonly by: Actor | Picked,
    readonly stale: boolean,
    readonly emptyReason: boolean,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    const present = m.issues.filter((x) => !x.deleted);
    const pool = this.stale
      ? present.filter((x) => grantsOf(h, x).length > 1)
      : this.waiting
        ? waitingIssues(h, m)
        : [];
    const i = pool.length > 0 ? pool[this.issue % pool.length] : pickLive(m, this.issue)!;
    const mine = grantsOf(h, i);
    const g = this.stale && mine.length > 1 ? mine[1] : mine[0];
    const grantId = g?.id ?? `grant-${i.id}`;
    const by: Actor = isPicked(this.by) ? pickPerson(h, m, i, g, mine[0], this.by, this.action, this.issue) : this.by;
    m.trace.push(
      `panel(${i.key}, ${this.action}${this.action === 'deny' && this.emptyReason ? ' without a reason' : ''} of ${grantId}, by ${by})`,
    );
    const accountId = accountOf(h, by, i);
    const expected: { ok: true } | { ok: false; why: string } =
      this.action === 'deny' && this.emptyReason
        ? { ok: false, why: 'no reason given' }
        : expectedAnswer(h, m, i, g, mine[0], accountId, this.action);
    const before = { grants: JSON.stringify(h.grants()), audit: h.audit().length };
    const press = { by: accountId, at: h.sb.clock.now(), historyAt: relevantLog(h, i).length };
    const payload =
      this.action === 'approve' ? { grantId } : { grantId, reason: this.emptyReason ? '  ' : 'No change ticket.' };
    const r = await h.sb.app.invoke<{ ok: boolean; error?: { code: string; message: string } }>(
      `panel/${this.action}`,
      payload,
      { accountId, extension: { issue: { id: i.id, key: i.key }, project: { key: h.w.projectKey } } },
    );
    const outcome = `${this.action} ${r.ok ? 'ok' : g !== mine[0] ? 'stale refused' : 'refused'}`;
    coverage.decisions.set(outcome, (coverage.decisions.get(outcome) ?? 0) + 1);
    if (r.ok !== expected.ok)
      fail(
        '1',
        `panel ${this.action} by ${by} on ${grantId}: the model expected ${expected.ok ? 'it accepted' : `a refusal (${expected.why})`}, the app ${r.ok ? 'accepted it' : 'refused it'}`,
        { answer: r.ok ? 'ok' : r.error, grant: g, grants: mine },
      );
    if (!r.ok) {
      if (JSON.stringify(h.grants()) !== before.grants || h.audit().length !== before.audit)
        fail('1', `a refused panel ${this.action} changed a grant or the audit trail`, {
          answer: r.error,
          before: JSON.parse(before.grants),
          after: h.grants(),
        });
    } else if (this.action === 'approve') {
      m.panelApprovals.set(grantId, [...(m.panelApprovals.get(grantId) ?? []), { ...press, via: 'panel' }]);
      const now = h.grants().find((x) => x.id === grantId);
      if (!now?.approvals?.some((a) => a.via === 'panel' && a.by === press.by && a.historyAt === press.historyAt))
        fail(
          '1',
          `an accepted Approve is not on ${grantId} as given (by ${press.by} at entry ${press.historyAt})`,
          now,
        );
    } else m.deniedByApprover.set(grantId, accountId);
    await finish(h, m);
  }
  toString = () =>
    `panel(#${this.issue}${this.stale ? ' of those replaced' : this.waiting ? ' of those waiting' : ''}, ${this.action}${this.action === 'deny' && this.emptyReason ? ' without a reason' : ''}, by ${this.by}${this.stale ? ', the request before' : ''})`;
}

class Hold implements Cmd {
  check = (m: Readonly<Model>) => !m.held;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    h.sb.holdEvents();
    m.held = true;
    await finish(h, m);
  }
  toString = () => 'holdEvents()';
}

class Release implements Cmd {
  check = (m: Readonly<Model>) => m.held;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    m.held = false;
    await h.sb.releaseEvents();
    await finish(h, m);
  }
  toString = () => 'releaseEvents()';
}

/** Delivers one of the issue's product events again, now: the newest, or an older one (out of order), held or not. */
class DeliverAgain implements Cmd {
  constructor(
    readonly issue: number,
    readonly back: number,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const i = traced(m, pickLive(m, this.issue)!);
    const events = h.sb.jira.events.filter((e) => e.issue.key === i.key);
    const event = events[Math.max(0, events.length - 1 - this.back)];
    await h.sb.jira.deliverAgain(event.eventId);
    if (!i.firstSeen) i.firstSeen = currentValues(h, i);
    await finish(h, m);
  }
  toString = () =>
    `deliverAgain(#${this.issue}, ${this.back === 0 ? 'newest event' : `event ${this.back} before the newest`})`;
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const before = h.sb.jira.requests.length;
    await h.sb.clock.advance(this.ms);
    // The hourly catch-up searched Jira and answered every request the app had not seen (its events
    // held): the app first saw those as they read now (nobody edits during an advance).
    const caughtUp = h.sb.jira.requests.slice(before).some((q) => q.path === '/rest/api/3/search/jql');
    if (m.held && caughtUp)
      for (const i of m.issues)
        if (!i.deleted && !i.firstSeen && currentValues(h, i).accessType) i.firstSeen = currentValues(h, i);
    await finish(h, m);
  }
  toString = () => `advance(${this.ms >= 3_600_000 ? `${this.ms / 3_600_000} h` : `${this.ms / 60_000} min`})`;
}

const FAULT_PATHS = {
  membership: /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/,
  group: /^\/api\/v1\/groups\/[^/]+$/,
  any: /^\/api\/v1\//,
};

class OktaFault implements Cmd {
  constructor(
    readonly target: keyof typeof FAULT_PATHS,
    readonly times: number,
  ) {}
  check = () => true;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    h.sb.okta.fault({ path: FAULT_PATHS[this.target], status: 503, times: this.times });
    m.faultsInjected += this.times;
    await finish(h, m);
  }
  toString = () => `oktaFault(503 on ${this.target}, ${this.times}x)`;
}

class DeleteIssue implements Cmd {
  constructor(
    readonly issue: number,
    readonly by: UserName,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const i = traced(m, pickLive(m, this.issue)!);
    // Jira forgets the changelog; the model keeps what it said (a grant already started may still be judged).
    i.logAtDeletion = relevantLog(h, i);
    if (!i.firstSeen && !m.held) i.firstSeen = currentValues(h, i);
    await h.sb.jira.deleteIssue(i.key, h.w.jira[this.by]);
    i.deleted = true;
    await finish(h, m);
  }
  toString = () => `deleteIssue(#${this.issue}, by ${this.by})`;
}

/** Okta changes an Okta admin makes: the app hears of them only through its own reads (grant time, drift). */
class OktaUserGone implements Cmd {
  constructor(
    readonly who: 'neville' | 'alice',
    readonly how: 'deactivate' | 'delete',
  ) {}
  check = (m: Readonly<Model>) => this.how === 'deactivate' || !m.oktaGone.deletedUsers.size;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    const id = h.w.okta[this.who];
    for (const g of h.grants())
      if (g.requesterAccountId === h.w.jira[this.who] && startedNow(g)) m.startedBeforeGone.add(g.id);
    if (!m.oktaGone.users.has(id)) h.sb.okta.deactivateUser(id);
    if (this.how === 'delete' && !m.oktaGone.deletedUsers.has(id)) {
      h.sb.okta.deleteUser(id);
      m.oktaGone.deletedUsers.add(id);
    }
    m.oktaGone.users.add(id);
    await finish(h, m);
  }
  toString = () => `okta.${this.how}User(${this.who})`;
}

class OktaGroupDeleted implements Cmd {
  check = (m: Readonly<Model>) => m.oktaGone.groups.size === 0;
  async run(m: Model, h: Harness) {
    m.trace.push(this.toString());
    for (const g of h.grants()) if (g.groupId === h.w.groups.database && startedNow(g)) m.startedBeforeGone.add(g.id);
    h.sb.okta.deleteGroup(h.w.groups.database);
    m.oktaGone.groups.add(h.w.groups.database);
    await finish(h, m);
  }
  toString = () => 'okta.deleteGroup(database)';
}

const user = fc.constantFrom(...USERS);
const actor = fc.constantFrom<Actor>('requester', 'requester', ...USERS);
/** Moves and panel decisions: Henry too (a Security member without an Okta account). */
const approver = fc.constantFrom<Actor>('requester', ...PEOPLE);
const issue = fc.nat({ max: 11 });

const create = fc
  .tuple(
    user,
    fc.constantFrom(...ACCESS_TYPES, 'New access', 'New access'),
    fc.constantFrom(...GROUPS, 'windows', 'linux'),
    fc.constantFrom<'Standard' | 'Emergency'>('Standard', 'Standard', 'Emergency'),
  )
  .map(([by, t, g, c]) => new CreateIssue(by, t, g, c));

const edit = fc
  .tuple(
    issue,
    actor,
    fc.oneof(
      fc.tuple(fc.constant('adminGroup' as const), fc.constantFrom(...GROUPS)),
      fc.tuple(fc.constant('accessType' as const), fc.constantFrom(...ACCESS_TYPES)),
      fc.tuple(fc.constant('changeType' as const), fc.constantFrom('Standard', 'Emergency')),
    ),
  )
  .map(([i, by, [f, v]]) => new EditField(i, by, f, v));
const transition = fc
  .tuple(
    issue,
    fc.constantFrom<'Approved' | 'To Do'>('Approved', 'Approved', 'To Do'),
    fc.oneof(actor, approver, fc.constantFrom<Picked>('eligible', 'approver')),
  )
  .map(([i, to, by]) => new Transition(i, to, by));
const stale = fc.constantFrom(false, false, false, true);
const waiting = fc.constantFrom(true, true, true, false);
/**
 * Who presses Approve / Deny: someone the model says may (most often), may not, who already has an
 * approval counted, the requester, or anyone.
 */
const decider = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Picked>('eligible') },
  { weight: 1, arbitrary: fc.constant<Picked>('ineligible') },
  { weight: 1, arbitrary: fc.constant<Picked>('approver') },
  { weight: 2, arbitrary: approver },
);
const approve = fc
  .tuple(issue, waiting, decider, stale)
  .map(([i, w, by, st]) => new PanelDecision(i, w, 'approve', by, st, false));
const deny = fc
  .tuple(issue, waiting, decider, stale, fc.constantFrom(false, false, true))
  .map(([i, w, by, st, empty]) => new PanelDecision(i, w, 'deny', by, st, empty));
const advance = fc
  .constantFrom(30_000, 5 * 60_000, 20 * 60_000, 3_600_000, 4 * 3_600_000, 9 * 3_600_000)
  .map((ms) => new Advance(ms));

/**
 * A run's opening: a New access request for PAM Linux Sysadmins (the group with the run's approver
 * policy) by any user, then maybe one issue of any kind.
 */
export const OPENING = user.map((by) => new CreateIssue(by, 'New access', 'linux', 'Standard'));
export const FIRST = create;

/**
 * Weights: raising issues, edits and moving time double, transitions triple, Approve six times
 * (approval, and what voids it, is where the rules are).
 */
export const COMMANDS = [
  create,
  create,
  edit,
  edit,
  fc.tuple(issue, user, actor).map(([i, to, by]) => new SetReporter(i, to, by)),
  transition,
  transition,
  transition,
  fc
    .tuple(
      issue,
      fc.constantFrom<'relinquish' | 'extend' | 'revoke'>('relinquish', 'extend', 'revoke'),
      fc.constantFrom<Actor>('requester', 'alice', 'ada'),
    )
    .map(([i, a, by]) => new Panel(i, a, by)),
  approve,
  approve,
  approve,
  approve,
  approve,
  approve,
  deny,
  fc.constant(new Hold()),
  fc.constant(new Release()),
  fc.tuple(issue, fc.constantFrom(0, 0, 1, 2)).map(([i, back]) => new DeliverAgain(i, back)),
  advance,
  advance,
  fc
    .tuple(fc.constantFrom<keyof typeof FAULT_PATHS>('membership', 'group', 'any'), fc.integer({ min: 1, max: 3 }))
    .map(([t, n]) => new OktaFault(t, n)),
  fc.tuple(issue, user).map(([i, by]) => new DeleteIssue(i, by)),
  fc
    .tuple(
      fc.constantFrom<'neville' | 'alice'>('neville', 'alice'),
      fc.constantFrom<'deactivate' | 'delete'>('deactivate', 'delete'),
    )
    .map(([u, how]) => new OktaUserGone(u, how)),
  fc.constant(new OktaGroupDeleted()),
];
