/**
 * The commands fast-check interleaves. Each acts on the real app through the sandbox (Jira driver,
 * panel resolvers, Okta emulator, virtual clock), updates the model with what it did, then checks
 * every invariant. `toString` is what a counterexample prints, so it names everything needed to
 * read (and replay) the run.
 */
import fc from 'fast-check';
import {
  currentValues,
  relevantLog,
  USERS,
  type GroupName,
  type Harness,
  type IssueModel,
  type Model,
  type UserName,
} from './harness';
import { checkInvariants, startedNow } from './invariants';

type Cmd = fc.AsyncCommand<Model, Harness, false>;
/** Who acts: a named user, or whoever is the issue's reporter right now. */
type Actor = UserName | 'requester';
const ACCESS_TYPES = ['New access', 'Extend access', 'View access'] as const;
const GROUPS: GroupName[] = ['linux', 'windows', 'database', 'appGroup'];

const live = (m: Model) => m.issues.some((i) => !i.deleted);
const pickLive = (m: Model, n: number): IssueModel | undefined => {
  const xs = m.issues.filter((i) => !i.deleted);
  return xs.length === 0 ? undefined : xs[n % xs.length];
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
    const i = pickLive(m, this.issue)!;
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
    const i = pickLive(m, this.issue)!;
    await h.sb.jira.setReporter(i.key, h.w.jira[this.to], accountOf(h, this.by, i));
    await finish(h, m);
  }
  toString = () => `setReporter(#${this.issue}, to ${this.to}, by ${this.by})`;
}

class Transition implements Cmd {
  constructor(
    readonly issue: number,
    readonly to: 'Approved' | 'To Do',
    readonly by: Actor,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    const i = pickLive(m, this.issue)!;
    await h.sb.jira.transition(i.key, this.to, accountOf(h, this.by, i));
    await finish(h, m);
  }
  toString = () => `transition(#${this.issue}, to ${this.to}, by ${this.by})`;
}

/** The panel on the issue, acting on the issue's current request (its newest grant). */
class Panel implements Cmd {
  constructor(
    readonly issue: number,
    readonly action: 'relinquish' | 'extend' | 'revoke',
    readonly by: Actor,
  ) {}
  check = live;
  async run(m: Model, h: Harness) {
    const i = pickLive(m, this.issue)!;
    const mine = h
      .grants()
      .filter((g) => g.issueKey === i.key)
      .sort((a, b) => (b.requestNumber ?? 1) - (a.requestNumber ?? 1));
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

class Hold implements Cmd {
  check = (m: Readonly<Model>) => !m.held;
  async run(m: Model, h: Harness) {
    h.sb.holdEvents();
    m.held = true;
    await finish(h, m);
  }
  toString = () => 'holdEvents()';
}

class Release implements Cmd {
  check = (m: Readonly<Model>) => m.held;
  async run(m: Model, h: Harness) {
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
    const i = pickLive(m, this.issue)!;
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
    const i = pickLive(m, this.issue)!;
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
    for (const g of h.grants()) if (g.groupId === h.w.groups.database && startedNow(g)) m.startedBeforeGone.add(g.id);
    h.sb.okta.deleteGroup(h.w.groups.database);
    m.oktaGone.groups.add(h.w.groups.database);
    await finish(h, m);
  }
  toString = () => 'okta.deleteGroup(database)';
}

const user = fc.constantFrom(...USERS);
const actor = fc.constantFrom<Actor>('requester', 'requester', ...USERS);
const issue = fc.nat({ max: 11 });

const create = fc
  .tuple(
    user,
    fc.constantFrom(...ACCESS_TYPES, 'New access', 'New access'),
    fc.constantFrom(...GROUPS, 'windows', 'linux'),
    fc.constantFrom<'Standard' | 'Emergency'>('Standard', 'Standard', 'Emergency'),
  )
  .map(([by, t, g, c]) => new CreateIssue(by, t, g, c));

const transition = fc
  .tuple(issue, fc.constantFrom<'Approved' | 'To Do'>('Approved', 'Approved', 'To Do'), actor)
  .map(([i, to, by]) => new Transition(i, to, by));
const advance = fc
  .constantFrom(30_000, 5 * 60_000, 20 * 60_000, 3_600_000, 4 * 3_600_000, 9 * 3_600_000)
  .map((ms) => new Advance(ms));

/** A run's opening: issues raised. */
export const FIRST = create;

/** Weights: raising issues and moving time double, transitions triple (approval is where the rules are). */
export const COMMANDS = [
  create,
  create,
  fc
    .tuple(
      issue,
      actor,
      fc.oneof(
        fc.tuple(fc.constant('adminGroup' as const), fc.constantFrom(...GROUPS)),
        fc.tuple(fc.constant('accessType' as const), fc.constantFrom(...ACCESS_TYPES)),
        fc.tuple(fc.constant('changeType' as const), fc.constantFrom('Standard', 'Emergency')),
      ),
    )
    .map(([i, by, [f, v]]) => new EditField(i, by, f, v)),
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
