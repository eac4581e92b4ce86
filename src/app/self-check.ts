/**
 * The installation self-check (docs/adr/0014-install-self-check.md). On install, on a major upgrade
 * and when an admin asks, the app proves on the real platform what it cannot prove offline: the
 * storage semantics its correctness rests on (through its own storage code), a delayed queue event's
 * round trip, its Jira fields and every Jira route it calls, and (when connected) the Okta reads it
 * needs. Each result says pass / fail / what it saw and is kept in health. A failed storage check
 * pauses new grants: the grant worker asks `pauseIfSelfCheckFailed` before it starts one; revocations
 * never ask.
 */
import { isAheadOfItsChain, pauseStart, resumeStart } from '../domain/grant-transitions';
import type { Grant } from '../domain/grant';
import { MINUTE_MS } from '../domain/policy';
import {
  CHECKS,
  judgeConditionOnExisting,
  judgeConditionOnMissing,
  judgeCreateOnly,
  pausesGrants,
  settleChecks,
  type CheckId,
  type CheckResult,
  type SelfCheckRun,
  type SelfCheckTrigger,
} from '../domain/self-check';
import type { AppDeps } from './deps';
import { commit } from './grant-lifecycle';
import { DirectoryError, IssueTrackerError, StaleGrantError, type Directory } from './ports';
import type { WorkResult } from './work-result';

/** The delayed event's delay: long enough to be a real delay, short enough to watch on the page. */
export const QUEUE_PROBE_DELAY_SECONDS = 10;
/** A paused request looks again this often (and at once when a self-check passes). */
export const PAUSE_RECHECK_MS = 15 * MINUTE_MS;

/** The reason a paused request carries (the dashboard and the panel show it). */
export const GRANTS_PAUSED_REASON =
  "New grants are paused: the app's self-check found that Forge storage does not behave as the app needs. A Jira admin must open Diagnostics on the Okta JIT Access admin page and send its report to support. Nothing was granted; this request waits and goes on by itself once the self-check passes.";

/** A user search that can match nobody (reserved domain, RFC 2606). */
const NO_SUCH_EMAIL = 'jit-self-check@example.invalid';

export interface SelfCheckOutcome {
  run: SelfCheckRun;
  /** Jira answered 401/403: right after install the app's account may not be ready yet (Forge says retry). */
  jiraAuthRefused: boolean;
}

export async function runSelfCheck(
  deps: AppDeps,
  input: { trigger: SelfCheckTrigger; actor?: string; appVersion?: string },
): Promise<SelfCheckOutcome> {
  const startedAt = deps.clock.now();
  const runId = `${startedAt.replace(/[^0-9]/g, '').slice(0, 14)}-${Math.floor(deps.random() * 36 ** 6).toString(36)}`;
  const previous = await deps.health.lastSelfCheck();

  const storage = await storageChecks(deps, runId);
  const [queue, jira, okta] = await Promise.all([queueCheck(deps, runId), jiraChecks(deps), oktaChecks(deps)]);
  const run: SelfCheckRun = {
    runId,
    trigger: input.trigger,
    ...(input.actor ? { actor: input.actor } : {}),
    ...(input.appVersion ? { appVersion: input.appVersion } : {}),
    startedAt,
    finishedAt: deps.clock.now(),
    checks: [...storage, queue.result, ...jira.results, ...okta],
    ...(queue.probe ? { queueProbe: queue.probe } : {}),
  };
  await deps.health.recordSelfCheck(run);
  await onPauseChange(deps, previous, run);
  return { run, jiraAuthRefused: jira.authRefused };
}

/** Runs the three storage checks in a key space of their own, then removes it. */
async function storageChecks(deps: AppDeps, space: string): Promise<CheckResult[]> {
  const probe = deps.probes.storage;
  try {
    const createOnly = await guarded('storage.create-only', async () => judgeCreateOnly(await probe.createOnly(space)));
    const existing = await guarded('storage.condition-existing', async () =>
      judgeConditionOnExisting(await probe.conditionOnExisting(space)),
    );
    const missing = await guarded('storage.condition-missing', async () =>
      judgeConditionOnMissing(await probe.conditionOnMissing(space)),
    );
    return [createOnly, existing, missing];
  } finally {
    await probe.cleanUp(space);
  }
}

/** A check that threw instead of answering did not prove its assumption: it fails with what it saw. */
async function guarded(id: CheckId, run: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await run();
  } catch (e) {
    return { id, status: 'fail', saw: `The check could not complete: ${messageOf(e)}` };
  }
}

async function queueCheck(
  deps: AppDeps,
  runId: string,
): Promise<{ result: CheckResult; probe?: SelfCheckRun['queueProbe'] }> {
  const id: CheckId = 'queue.delayed-event';
  const sentAt = deps.clock.now();
  try {
    await deps.queue.enqueue([{ kind: 'queue-probe', runId }], QUEUE_PROBE_DELAY_SECONDS);
  } catch (e) {
    return { result: { id, status: 'fail', saw: `The queue refused the event: ${messageOf(e)}` } };
  }
  return {
    result: {
      id,
      status: 'pending',
      saw: `An event was pushed at ${sentAt} with a ${QUEUE_PROBE_DELAY_SECONDS} s delay; waiting for it to arrive.`,
    },
    probe: { sentAt, delaySeconds: QUEUE_PROBE_DELAY_SECONDS },
  };
}

/** The queue consumer's half: the self-check's delayed event arrived. */
export async function recordQueueArrival(deps: AppDeps, runId: string): Promise<WorkResult> {
  await deps.health.recordQueueArrival(runId, deps.clock.now());
  return { done: true, note: 'self-check event arrived' };
}

async function jiraChecks(deps: AppDeps): Promise<{ results: CheckResult[]; authRefused: boolean }> {
  let authRefused = false;
  const refused = (status?: number) => {
    const yes = status === 401 || status === 403;
    if (yes) authRefused = true;
    return yes;
  };

  const fields = await guarded('jira.fields', async () => {
    const { durationFieldName } = await deps.config.getPolicy();
    try {
      const ids = await deps.probes.jira.discoverFields(durationFieldName);
      const missing = [...(ids.accessType ? [] : ['Access type']), ...(ids.adminGroup ? [] : ['Admin group'])];
      const details = [
        `Access type: ${ids.accessType ?? 'not found'}`,
        `Admin group: ${ids.adminGroup ?? 'not found'}`,
        `Duration field "${durationFieldName}": ${ids.duration ?? 'not found (every request gets the default duration)'}`,
        `Requested end: ${ids.requestedEnd ?? 'not found (optional)'}`,
      ];
      if (missing.length > 0)
        return {
          id: 'jira.fields',
          status: 'fail',
          saw: `Jira does not list the app's ${missing.join(' and ')} field${missing.length > 1 ? 's' : ''} (matched by the app's Forge module): requests cannot be read.`,
          details,
        };
      return {
        id: 'jira.fields',
        status: 'pass',
        saw: `Found Access type (${ids.accessType}) and Admin group (${ids.adminGroup}) by their Forge module.`,
        details,
      };
    } catch (e) {
      if (e instanceof IssueTrackerError) refused(e.details.status);
      throw e;
    }
  });

  const scopes = await guarded('jira.scopes', async () => {
    const answers = await deps.probes.jira.probeRoutes();
    const details = answers.map(
      (a) =>
        `${a.route}: ${a.status !== undefined ? `HTTP ${a.status}` : `no answer (${a.problem})`} (${a.purpose})${a.status === 403 && a.without403 ? `; without this permission ${a.without403}` : ''}`,
    );
    // A 403 where the app has a fallback is a note, not a failure; a 401 (a scope) always fails.
    const denied = answers.filter((a) => !(a.status === 403 && a.without403) && refused(a.status));
    const coped = answers.filter((a) => a.status === 403 && a.without403);
    const unknown = answers.filter((a) => a.status === undefined || a.status === 429 || a.status >= 500);
    if (denied.length > 0)
      return {
        id: 'jira.scopes',
        status: 'fail',
        saw: `Jira refused the app on ${denied.length} of ${answers.length} routes (401: a scope the app was not granted, or its account is not ready yet right after install; 403: a permission the app's user lacks): ${denied.map((a) => `${a.route} (HTTP ${a.status})`).join(', ')}.`,
        details,
      };
    if (unknown.length > 0)
      return {
        id: 'jira.scopes',
        status: 'fail',
        saw: `Jira gave no usable answer on ${unknown.map((a) => a.route).join(', ')} (unavailable or rate limited), so these could not be checked. Run the self-check again later.`,
        details,
      };
    return {
      id: 'jira.scopes',
      status: 'pass',
      saw:
        `All ${answers.length} Jira routes the app calls answered without 401 or 403${coped.length > 0 ? ' (but for those below)' : ''} (404 is the expected answer for the made-up issue, account and project used).` +
        (coped.length > 0
          ? ` ${coped.length} answered 403, which the app copes with: ${coped.map((a) => `${a.route} (${a.without403})`).join('; ')}.`
          : ''),
      details,
    };
  });
  return { results: [fields, scopes], authRefused };
}

async function oktaChecks(deps: AppDeps): Promise<CheckResult[]> {
  const ids: CheckId[] = ['okta.token', 'okta.user-search', 'okta.group-read', 'okta.rules-roles'];
  const skipAll = (saw: string) => ids.map((id): CheckResult => ({ id, status: 'skipped', saw }));
  if (!(await deps.config.getConnection()))
    return skipAll('Okta is not connected yet: these checks run once it is (Run self-check on Diagnostics).');

  let directory: Directory;
  const token = await guarded('okta.token', async () => {
    directory = await deps.directory();
    const { orgName, missingScopes } = await directory.testConnection();
    return missingScopes.length > 0
      ? {
          id: 'okta.token',
          status: 'fail',
          saw: `Okta (${orgName}) accepted the credentials but has not granted: ${missingScopes.join(', ')}.`,
        }
      : {
          id: 'okta.token',
          status: 'pass',
          saw: `Okta (${orgName}) accepted the credentials and the scopes asked for.`,
        };
  });
  if (token.status !== 'pass')
    return [token, ...skipAll('Not run: Okta did not accept the credentials (see the check above).').slice(1)];

  const okta = directory!;
  const userSearch = await guarded('okta.user-search', async () => {
    const found = await okta.findActiveUserByEmail(NO_SUCH_EMAIL);
    return {
      id: 'okta.user-search',
      status: 'pass',
      saw: `Okta answered a user search by email (${found.ok ? 'a user matched' : 'no user matched, as expected'}).`,
    };
  });
  const groupRead = await guarded('okta.group-read', async () => {
    const groups = await okta.searchGroups('jit-self-check');
    return {
      id: 'okta.group-read',
      status: 'pass',
      saw: `Okta answered a group search (${groups.length} group${groups.length === 1 ? '' : 's'} matched).`,
    };
  });
  const allowlisted = (await deps.config.getAllowlist())[0];
  const rulesRoles: CheckResult = !allowlisted
    ? {
        id: 'okta.rules-roles',
        status: 'skipped',
        saw: 'No group is allowlisted yet: group rules and admin roles are read for the first allowlisted group.',
      }
    : await guarded('okta.rules-roles', async () => {
        const eligible = await okta.checkGroupEligible(allowlisted.groupId);
        if (!eligible.ok && eligible.code === 'GROUP.NOT_FOUND')
          return {
            id: 'okta.rules-roles',
            status: 'fail',
            saw: `The allowlisted group ${allowlisted.displayName} (${allowlisted.groupId}) is not in Okta any more, so its rules and roles could not be read: ${eligible.message}`,
          };
        return {
          id: 'okta.rules-roles',
          status: 'pass',
          saw: `Read ${allowlisted.displayName}, the group rules and its admin roles: ${eligible.ok ? 'it may be granted' : `it may not be granted now (${eligible.message})`}.`,
        };
      });
  return [token, userSearch, groupRead, rulesRoles];
}

const messageOf = (e: unknown): string =>
  e instanceof DirectoryError || e instanceof IssueTrackerError || e instanceof Error ? e.message : String(e);

// ---------------------------------------------------------------- pausing new grants

/**
 * The grant worker's guard, before it starts a grant: while the last self-check saw a storage semantic
 * differ, a new request is not started; it waits with the reason and looks again later. Revocations
 * do not ask. A request paused before is freed (its reason cleared) once the check passes.
 */
export async function pauseIfSelfCheckFailed(deps: AppDeps, g: Grant): Promise<WorkResult | undefined> {
  if (g.status !== 'REQUESTED') return undefined;
  const run = await deps.health.lastSelfCheck();
  const now = deps.clock.now();
  if (!run || !pausesGrants(run.checks)) {
    if (g.lastError === GRANTS_PAUSED_REASON) await resumeOne(deps, g, now);
    return undefined;
  }
  // Work delivered before the paused request's next look is a duplicate of its waiting chain.
  if (g.lastError === GRANTS_PAUSED_REASON && isAheadOfItsChain(g, now))
    return { done: true, note: 'paused by the self-check; looked at again later' };
  try {
    await commit(
      deps.grants,
      pauseStart(g, GRANTS_PAUSED_REASON, new Date(Date.parse(now) + PAUSE_RECHECK_MS).toISOString(), now),
    );
  } catch (e) {
    if (!(e instanceof StaleGrantError)) throw e;
    return { done: true, note: 'changed meanwhile; its own work goes on' };
  }
  return { done: false, retryAfterMs: PAUSE_RECHECK_MS, note: 'new grants paused by the self-check' };
}

async function resumeOne(deps: AppDeps, g: Grant, now: string): Promise<Grant | undefined> {
  try {
    return await commit(deps.grants, resumeStart(g, now));
  } catch (e) {
    if (!(e instanceof StaleGrantError)) throw e;
    return undefined;
  }
}

/** Entering or leaving the paused state is recorded; leaving it sends the paused requests on at once. */
async function onPauseChange(deps: AppDeps, previous: SelfCheckRun | undefined, run: SelfCheckRun): Promise<void> {
  const was = !!previous && pausesGrants(previous.checks);
  const is = pausesGrants(run.checks);
  if (was === is) return;
  const failed = run.checks.filter((c) => c.status === 'fail' && CHECKS[c.id].group === 'storage');
  await deps.audit
    .append({
      at: deps.clock.now(),
      action: 'CONFIG_CHANGED',
      actor: run.actor ?? 'app',
      detail: is
        ? `New grants paused by the self-check (run ${run.runId}): ${failed.map((c) => CHECKS[c.id].title).join('; ')}. Revocations continue.`
        : `New grants resumed: the self-check (run ${run.runId}) passed its storage checks.`,
    })
    // The health record is the self-check's record of truth; an audit write refused by the very
    // semantic that failed must not hide the result from the admin.
    .catch(() => undefined);
  if (is) return;
  const now = deps.clock.now();
  const paused = (await deps.grants.listByStatus('REQUESTED')).filter((g) => g.lastError === GRANTS_PAUSED_REASON);
  for (const g of paused) {
    const fresh = await deps.grants.get(g.id);
    if (!fresh || fresh.lastError !== GRANTS_PAUSED_REASON) continue;
    if (await resumeOne(deps, fresh, now)) await deps.queue.enqueue([{ kind: 'grant', grantId: g.id }]);
  }
}

// ---------------------------------------------------------------- reading the result

/** The last run with its queue check settled as of now (arrived, still on its way, or lost). */
export async function lastSelfCheck(
  deps: Pick<AppDeps, 'health' | 'clock'>,
): Promise<{ run: SelfCheckRun; checks: CheckResult[] } | undefined> {
  const run = await deps.health.lastSelfCheck();
  if (!run) return undefined;
  const arrived = run.queueProbe ? await deps.health.queueArrival(run.runId) : undefined;
  return { run, checks: settleChecks(run, arrived, deps.clock.now()) };
}

// ---------------------------------------------------------------- install and upgrade

/** Forge retries a trigger that asks for it at most four times (life-cycle events reference). */
const MAX_INSTALL_RETRIES = 4;

/**
 * Installed or upgraded (a major version): recorded in the audit trail once, then the self-check.
 * Right after install the app's account may not yet have its Jira permissions (Forge's life-cycle
 * reference: 401/403 from asApp(), retry with a delay): then `retryAfterSeconds` asks for the whole
 * check again, backing off 5, 25, 125, 625 s as Forge's own example does.
 */
export async function afterInstallOrUpgrade(
  deps: AppDeps,
  e: { kind: 'installed' | 'upgraded'; eventType: string; actor?: string; appVersion?: string; retryCount: number },
): Promise<{ run: SelfCheckRun; retryAfterSeconds?: number }> {
  if (e.retryCount === 0) {
    await deps.audit.append({
      at: deps.clock.now(),
      action: 'CONFIG_CHANGED',
      actor: e.actor ?? 'app',
      detail: `${e.eventType} (version ${e.appVersion ?? 'unknown'}); the self-check runs now.`,
    });
  }
  const { run, jiraAuthRefused } = await runSelfCheck(deps, {
    trigger: e.kind,
    actor: e.actor,
    appVersion: e.appVersion,
  });
  const retry = e.kind === 'installed' && jiraAuthRefused && e.retryCount < MAX_INSTALL_RETRIES;
  return { run, ...(retry ? { retryAfterSeconds: 5 ** (e.retryCount + 1) } : {}) };
}
