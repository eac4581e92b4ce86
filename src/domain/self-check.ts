/**
 * The installation self-check, judged. Adapters observe what the platform did (how KVS answered each
 * write, when a delayed queue event arrived, what Jira and Okta answered); these pure functions decide
 * pass / fail / pending from the observations and say, in words for an admin and for support, what
 * was seen. A failed storage check pauses new grants: the app's correctness rests on those semantics
 * (docs/adr/0014-install-self-check.md, docs/platform-assumptions.md).
 */

export type CheckGroup = 'storage' | 'queue' | 'jira' | 'okta';
/** pending: the answer is still on its way (the delayed queue event); skipped: not applicable (Okta not connected). */
export type CheckStatus = 'pass' | 'fail' | 'pending' | 'skipped';

export const CHECK_IDS = [
  'storage.create-only',
  'storage.condition-existing',
  'storage.condition-missing',
  'queue.delayed-event',
  'jira.fields',
  'jira.scopes',
  'okta.token',
  'okta.user-search',
  'okta.group-read',
  'okta.rules-roles',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

/** What each check proves, and what of the app rests on it (shown next to the result). */
export const CHECKS: Record<CheckId, { group: CheckGroup; title: string; reliesOn: string }> = {
  'storage.create-only': {
    group: 'storage',
    title: 'Create-only write on an existing key is refused',
    reliesOn:
      'Once-only steps (a request recorded once per issue, each comment and audit number taken once) use create-only writes.',
  },
  'storage.condition-existing': {
    group: 'storage',
    title: 'Conditional write on an existing item',
    reliesOn: 'A grant is written only at the version it was read at, so two workers never overwrite each other.',
  },
  'storage.condition-missing': {
    group: 'storage',
    title: 'Condition on an item that does not exist yet',
    reliesOn:
      'Each grant step and its audit entries are one transaction; a new entry is conditioned on its number being free.',
  },
  'queue.delayed-event': {
    group: 'queue',
    title: 'Delayed queue event arrives',
    reliesOn: 'Grants, revocations and exact-time expiries run as queue events, some delayed to a moment.',
  },
  'jira.fields': {
    group: 'jira',
    title: "Jira lists the app's own custom fields",
    reliesOn: 'Requests are read from the Access type and Admin group fields, found by their Forge module.',
  },
  'jira.scopes': {
    group: 'jira',
    title: 'Every Jira call the app makes is allowed',
    reliesOn: 'Reading issues and users, commenting, transitioning and notifying run as the app.',
  },
  'okta.token': {
    group: 'okta',
    title: "Okta accepts the app's credentials",
    reliesOn: 'Every Okta call.',
  },
  'okta.user-search': {
    group: 'okta',
    title: 'Okta user search',
    reliesOn: 'Finding the requester in Okta by email or login.',
  },
  'okta.group-read': {
    group: 'okta',
    title: 'Okta group read',
    reliesOn: 'Finding and checking groups before they are allowlisted and granted.',
  },
  'okta.rules-roles': {
    group: 'okta',
    title: 'Okta group rules and admin roles reads',
    reliesOn: 'Refusing groups that rules manage or that hold admin roles.',
  },
};

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  /** What the check saw, for a person (and for support). */
  saw: string;
  /** One line per sub-step (each Jira route, each reason), when there are several. */
  details?: string[];
}

export type SelfCheckTrigger = 'installed' | 'upgraded' | 'admin';

/** One run of the self-check, as stored in health. */
export interface SelfCheckRun {
  runId: string;
  trigger: SelfCheckTrigger;
  /** Who started it (the admin, or the installer/upgrader when the platform says). */
  actor?: string;
  appVersion?: string;
  startedAt: string;
  finishedAt: string;
  checks: CheckResult[];
  /** The delayed queue event this run pushed; absent when the push itself failed. */
  queueProbe?: { sentAt: string; delaySeconds: number };
}

// ---------------------------------------------------------------- storage observations

/** How KVS answered one write. */
export type WriteAnswer =
  | { outcome: 'written' }
  /** A 4xx other than 429: KVS says it wrote nothing. */
  | { outcome: 'refused'; status: number; code: string }
  /** Anything else (5xx, 429, network, a non-KVS error): the write's outcome is unknown. */
  | { outcome: 'error'; status?: number; code?: string; message: string };

/** Two create-only writes of one fresh key, then two claims of one key through the app's ledger. */
export interface CreateOnlyObservation {
  first: WriteAnswer;
  second: WriteAnswer;
  /** The stored value after both is the first write's. */
  keptFirst: boolean;
  /** What the ledger answered to two claims of one fresh key (true: claimed), or the error it threw. */
  ledger: Array<boolean | { error: string }>;
}

/** A compare-and-set on an existing item: at the right version, then at a stale one. */
export interface ConditionOnExistingObservation {
  /** Item stored at version 1; a write conditioned on version 1. */
  matching: WriteAnswer;
  /** The same item, now at version 2; a write conditioned on version 1. */
  stale: WriteAnswer;
  /** The version stored afterwards (2 when both behaved). */
  storedVersion?: number;
}

/** The audit entry's condition (`seq` does not exist) on a missing item, on an existing one, and in the app's combined form. */
export interface ConditionOnMissingObservation {
  /** A write to a key never written, conditioned on `seq` not existing. */
  onMissing: WriteAnswer;
  /** The same write again, now that the item exists with a `seq`. */
  onExisting: WriteAnswer;
  /** The `seq` stored afterwards (1 when both behaved). */
  storedSeq?: number;
  /** One transaction as the app writes a grant step: an existing item at its version plus a new conditioned item. */
  combined: WriteAnswer;
}

/** The codes a third-party measurement reports Forge answers (ADR 0011); the app does not depend on them. */
export const REPORTED_CODES = {
  keyExists: { status: 409, code: 'KEY_CONFLICT' },
  conditionFailed: { status: 400, code: 'CONDITIONAL_CHECK_FAILED' },
} as const;

export function describeAnswer(a: WriteAnswer): string {
  if (a.outcome === 'written') return 'accepted';
  if (a.outcome === 'refused') return `refused with HTTP ${a.status} ${a.code}`;
  const what = [a.status !== undefined ? `HTTP ${a.status}` : undefined, a.code].filter(Boolean).join(' ');
  return `failed${what ? ` with ${what}` : ''}: ${a.message}`;
}

const codeNote = (a: WriteAnswer, expected: { status: number; code: string }): string =>
  a.outcome === 'refused' && (a.status !== expected.status || a.code !== expected.code)
    ? ` This is not the answer reported for Forge (HTTP ${expected.status} ${expected.code}); the app does not depend on the code: it reads the key back.`
    : '';

const UNKNOWN_OUTCOME =
  'the app treats an answer that is not a refusal (5xx, 429, a network error) as "outcome unknown", not as a conflict';

export function judgeCreateOnly(o: CreateOnlyObservation): CheckResult {
  const id: CheckId = 'storage.create-only';
  const details = [
    `First create-only write of a new key: ${describeAnswer(o.first)}.`,
    `Second create-only write of the same key: ${describeAnswer(o.second)}; the first value was ${o.keptFirst ? 'kept' : 'not kept'}.`,
    `Two claims of one key through the app's ledger: ${o.ledger.map((x) => (typeof x === 'boolean' ? (x ? 'claimed' : 'refused') : `error (${x.error})`)).join(', ')}.`,
  ];
  const fail = (saw: string): CheckResult => ({ id, status: 'fail', saw, details });
  if (o.first.outcome !== 'written')
    return fail(`A create-only write of a new key was not accepted (${describeAnswer(o.first)}).`);
  if (o.second.outcome === 'written')
    return fail(
      `A create-only write over an existing key was accepted${o.keptFirst ? '' : ' and replaced the stored value'}: KVS did not enforce FAIL_IF_EXISTS, so two workers could both run a once-only step (record a request, post a comment, take an audit number).`,
    );
  if (o.second.outcome === 'error')
    return fail(
      `A create-only write over an existing key ${describeAnswer(o.second)}; ${UNKNOWN_OUTCOME}, so every duplicate event would fail instead of being recognised as one.`,
    );
  if (!o.keptFirst) return fail('A create-only write over an existing key was refused, yet the stored value changed.');
  const [a, b] = o.ledger;
  if (o.ledger.length !== 2 || a !== true || b !== false)
    return fail(
      "The app's once-only ledger did not let exactly the first of two claims through (expected: claimed, then refused).",
    );
  return {
    id,
    status: 'pass',
    saw: `A second create-only write of a key was ${describeAnswer(o.second)} and the first value kept; the app's ledger let one of two claims through.${codeNote(o.second, REPORTED_CODES.keyExists)}`,
    details,
  };
}

export function judgeConditionOnExisting(o: ConditionOnExistingObservation): CheckResult {
  const id: CheckId = 'storage.condition-existing';
  const details = [
    `Write conditioned on the stored version: ${describeAnswer(o.matching)}.`,
    `Write conditioned on a stale version: ${describeAnswer(o.stale)}.`,
    `Version stored afterwards: ${o.storedVersion ?? 'none'}.`,
  ];
  const fail = (saw: string): CheckResult => ({ id, status: 'fail', saw, details });
  if (o.matching.outcome !== 'written')
    return fail(
      `A write conditioned on the version actually stored was not accepted (${describeAnswer(o.matching)}): no grant could change.`,
    );
  if (o.stale.outcome === 'written')
    return fail(
      'A write conditioned on a stale version was accepted: KVS did not enforce the condition, so two workers could overwrite each other’s grant changes.',
    );
  if (o.stale.outcome === 'error')
    return fail(`A write conditioned on a stale version ${describeAnswer(o.stale)}; ${UNKNOWN_OUTCOME}.`);
  if (o.storedVersion !== 2)
    return fail(
      `After one accepted and one refused write the stored version is ${o.storedVersion ?? 'missing'}, not 2.`,
    );
  return {
    id,
    status: 'pass',
    saw: `A write at the stored version was accepted; one at a stale version was ${describeAnswer(o.stale)} and changed nothing.${codeNote(o.stale, REPORTED_CODES.conditionFailed)}`,
    details,
  };
}

export function judgeConditionOnMissing(o: ConditionOnMissingObservation): CheckResult {
  const id: CheckId = 'storage.condition-missing';
  const details = [
    `"seq does not exist" on an item never written: ${describeAnswer(o.onMissing)}.`,
    `The same condition once the item exists: ${describeAnswer(o.onExisting)}.`,
    `seq stored afterwards: ${o.storedSeq ?? 'none'}.`,
    `A grant-step-shaped transaction (an item at its version plus a new conditioned item): ${describeAnswer(o.combined)}.`,
  ];
  const fail = (saw: string): CheckResult => ({ id, status: 'fail', saw, details });
  if (o.onMissing.outcome !== 'written' || o.combined.outcome !== 'written')
    return fail(
      `A condition "seq does not exist" on an item that does not exist yet was not met (${describeAnswer(o.onMissing.outcome !== 'written' ? o.onMissing : o.combined)}). The app adds every new audit entry with that condition inside the grant's transaction, so every grant step with audit entries, grants and revocations alike, would be refused. Send the support report: this needs an app change (ADR 0011, section 2).`,
    );
  if (o.onExisting.outcome === 'written')
    return fail(
      'A condition "seq does not exist" on an item that has a seq was met: two writers could take the same audit number and break the audit chain.',
    );
  if (o.onExisting.outcome === 'error')
    return fail(
      `A condition "seq does not exist" on an item that has a seq ${describeAnswer(o.onExisting)}; ${UNKNOWN_OUTCOME}.`,
    );
  if (o.storedSeq !== 1) return fail(`The stored seq is ${o.storedSeq ?? 'missing'} afterwards, not 1.`);
  return {
    id,
    status: 'pass',
    saw: `"seq does not exist" held on an item not yet written and failed once it existed (${describeAnswer(o.onExisting)}); a grant-step-shaped transaction was accepted.`,
    details,
  };
}

// ---------------------------------------------------------------- queue

/** How long after its due time a delayed event may arrive before the check calls it lost. */
export const QUEUE_GRACE_MS = 15 * 60_000;
/** Forge rounds delays to whole seconds; an arrival this much early still counts as on time. */
const EARLY_TOLERANCE_MS = 1_000;

/** The delayed event's result as of `now`, from when it was sent and when (if) it arrived. */
export function judgeQueue(
  probe: { sentAt: string; delaySeconds: number },
  arrivedAt: string | undefined,
  now: string,
): CheckResult {
  const id: CheckId = 'queue.delayed-event';
  const dueMs = Date.parse(probe.sentAt) + probe.delaySeconds * 1000;
  if (arrivedAt === undefined) {
    if (Date.parse(now) > dueMs + QUEUE_GRACE_MS)
      return {
        id,
        status: 'fail',
        saw: `An event pushed at ${probe.sentAt} with a ${probe.delaySeconds} s delay has not arrived ${Math.round((Date.parse(now) - dueMs) / 60_000)} minutes after it was due: queue work (grants, revocations, expiries) may not be running. Check the okta-worker function in the Forge logs.`,
      };
    return {
      id,
      status: 'pending',
      saw: `An event was pushed at ${probe.sentAt} with a ${probe.delaySeconds} s delay; waiting for it to arrive.`,
    };
  }
  const lateMs = Date.parse(arrivedAt) - dueMs;
  if (lateMs < -EARLY_TOLERANCE_MS)
    return {
      id,
      status: 'fail',
      saw: `The event arrived ${Math.round(-lateMs / 1000)} s before its ${probe.delaySeconds} s delay was up: exact-time expiries would run early and be left for the 5-minute sweep, so access may end up to 5 minutes late.`,
    };
  return {
    id,
    status: 'pass',
    saw: `The event pushed with a ${probe.delaySeconds} s delay arrived ${Math.max(0, Math.round(lateMs / 1000))} s after it was due.`,
  };
}

// ---------------------------------------------------------------- the run as a whole

/** The run's checks as of `now`: a pending queue check settled by its arrival (or its absence). */
export function settleChecks(run: SelfCheckRun, queueArrivedAt: string | undefined, now: string): CheckResult[] {
  return run.checks.map((c) =>
    c.id === 'queue.delayed-event' && c.status === 'pending' && run.queueProbe
      ? judgeQueue(run.queueProbe, queueArrivedAt, now)
      : c,
  );
}

/** New grants stop while a storage semantic the app rests on was seen to differ; revocations go on. */
export const pausesGrants = (checks: readonly CheckResult[]): boolean =>
  checks.some((c) => CHECKS[c.id].group === 'storage' && c.status === 'fail');

export type SelfCheckState = 'ok' | 'problem' | 'pending';

export function overallState(checks: readonly CheckResult[]): SelfCheckState {
  if (checks.some((c) => c.status === 'fail')) return 'problem';
  if (checks.some((c) => c.status === 'pending')) return 'pending';
  return 'ok';
}

export function summarize(checks: readonly CheckResult[]): string {
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  const failed = count('fail');
  const pending = count('pending');
  const skipped = count('skipped');
  const ran = checks.length - skipped;
  const parts = [
    failed > 0 ? `${failed} of ${ran} checks failed` : `${ran - pending} of ${ran} checks passed`,
    ...(pending > 0 ? [`${pending} still waiting`] : []),
    ...(skipped > 0 ? [`${skipped} not run`] : []),
  ];
  return parts.join(', ') + '.';
}

const TRIGGER_WORDS: Record<SelfCheckTrigger, string> = {
  installed: 'on install',
  upgraded: 'on upgrade',
  admin: 'from the admin page',
};

/**
 * The plain-text report an admin sends to support: what ran, when, and every check with what it saw.
 * It names no person, credential or Okta org (only check results, times and ids).
 */
export function supportReport(
  run: SelfCheckRun,
  checks: readonly CheckResult[],
  context: { installation?: string } = {},
): string {
  const lines = [
    'Okta JIT Access for Jira: self-check report',
    `Run ${run.runId}, ${TRIGGER_WORDS[run.trigger]}, ${run.startedAt} to ${run.finishedAt}`,
    ...(run.appVersion ? [`App version ${run.appVersion}`] : []),
    ...(context.installation ? [`Installation ${context.installation}`] : []),
    `New grants: ${pausesGrants(checks) ? 'PAUSED (a storage check failed; revocations continue)' : 'running'}`,
    `Summary: ${summarize(checks)}`,
    '',
  ];
  for (const c of checks) {
    lines.push(`[${c.status.toUpperCase()}] ${c.id}: ${CHECKS[c.id].title}`);
    lines.push(`  ${c.saw}`);
    for (const d of c.details ?? []) lines.push(`  - ${d}`);
  }
  return lines.join('\n');
}
