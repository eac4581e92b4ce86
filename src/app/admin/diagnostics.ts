/**
 * Diagnostics on the admin page: the last self-check in full (each check, what it saw, the report for
 * support) and a run on demand (ADR 0014). The dashboard shows the same result in short.
 */
import {
  CHECKS,
  overallState,
  pausesGrants,
  summarize,
  supportReport,
  type CheckResult,
  type SelfCheckRun,
} from '../../domain/self-check';
import type { DashboardSelfCheck, DiagnosticsView, SelfCheckRunView } from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { lastSelfCheck, runSelfCheck } from '../self-check';
import { displayNames, ok, type AdminOutcome } from './shared';

export async function getDiagnostics(deps: AppDeps): Promise<AdminOutcome<DiagnosticsView>> {
  const last = await lastSelfCheck(deps);
  return ok({ now: deps.clock.now(), ...(last ? { lastRun: await runView(deps, last.run, last.checks) } : {}) });
}

export async function runDiagnostics(deps: AppDeps, actor: string): Promise<AdminOutcome<DiagnosticsView>> {
  await runSelfCheck(deps, { trigger: 'admin', actor });
  return getDiagnostics(deps);
}

async function runView(deps: AppDeps, run: SelfCheckRun, checks: CheckResult[]): Promise<SelfCheckRunView> {
  const names = run.actor ? await displayNames(deps, [run.actor]) : new Map<string, string>();
  const actorName = run.actor ? names.get(run.actor) : undefined;
  return {
    runId: run.runId,
    trigger: run.trigger,
    ...(actorName ? { actorName } : {}),
    ...(run.appVersion ? { appVersion: run.appVersion } : {}),
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    state: overallState(checks),
    summary: summarize(checks),
    grantsPaused: pausesGrants(checks),
    checks: checks.map((c) => ({
      id: c.id,
      group: CHECKS[c.id].group,
      title: CHECKS[c.id].title,
      reliesOn: CHECKS[c.id].reliesOn,
      status: c.status,
      saw: c.saw,
      ...(c.details ? { details: c.details } : {}),
    })),
    supportReport: supportReport(run, checks),
  };
}

/** The dashboard's short form of the same result. */
export async function selfCheckSummary(deps: Pick<AppDeps, 'health' | 'clock'>): Promise<DashboardSelfCheck> {
  const last = await lastSelfCheck(deps);
  if (!last)
    return {
      state: 'never',
      grantsPaused: false,
      summary: 'The self-check has not run yet: run it from Diagnostics.',
      failed: [],
    };
  return {
    state: overallState(last.checks),
    grantsPaused: pausesGrants(last.checks),
    ranAt: last.run.finishedAt,
    summary: summarize(last.checks),
    failed: last.checks.filter((c) => c.status === 'fail').map((c) => ({ title: CHECKS[c.id].title, saw: c.saw })),
  };
}
