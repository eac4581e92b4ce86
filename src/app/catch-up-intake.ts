/**
 * The hourly intake catch-up: the backstop for a request whose product event never reached the app,
 * or whose every delivery failed (Jira or storage down for longer than the trigger's four retries).
 * Jira is searched for access-request issues (Access type set) created or updated within the last
 * 25 hours, and every one intake has not answered is handed to the same intake the event would have
 * used, so recording stays idempotent: a late event, a second run, or the trigger working at the same
 * moment changes nothing twice (ADR 0013).
 *
 * Bounded per run: at most MAX_EXAMINED issues read and MAX_ANSWERED handed to intake. What is left
 * is found by the next run, since each window overlaps the last by a day; the run says so (`more`).
 */
import type { AppDeps } from './deps';
import { intakeAnswered, intakeIssueEvent, type IntakeResult } from './intake-issue-event';
import type { CatchUpRun } from './ports';

/** An hour between runs, a day of overlap: a request is looked for in 25 runs before it leaves the window. */
export const CATCH_UP_WINDOW_HOURS = 25;
/** Issues handed to intake per run at most (each costs a few Jira reads and writes). */
export const MAX_ANSWERED = 200;
/** Issues examined per run at most (an answered one costs a few storage reads, no Jira call). */
export const MAX_EXAMINED = 1000;
const PAGE_SIZE = 100;

export interface CatchUpOptions {
  maxAnswered?: number;
  maxExamined?: number;
  pageSize?: number;
}

/** Intake outcomes that leave nothing for this run to have done: already done, or not a request. */
const NOTHING_DONE: ReadonlySet<IntakeResult> = new Set(['duplicate', 'ignored', 'issue-gone']);

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * One run. Never throws for Jira trouble: a failed search or a failed issue is counted, kept in the
 * run's health record (which always lands) and tried again by the next run.
 */
export async function catchUpIntake(deps: AppDeps, opts: CatchUpOptions = {}): Promise<CatchUpRun> {
  const maxAnswered = opts.maxAnswered ?? MAX_ANSWERED;
  const maxExamined = opts.maxExamined ?? MAX_EXAMINED;
  const pageSize = opts.pageSize ?? PAGE_SIZE;
  const at = deps.clock.now();
  let examined = 0;
  let found = 0;
  let recorded = 0;
  let failed = 0;
  let more = false;
  let firstFailure: { issueKey: string; message: string } | undefined;
  let searchProblem: string | undefined;

  try {
    const { durationFieldName } = await deps.config.getPolicy();
    let cursor: string | undefined;
    search: do {
      const page = await deps.issues.searchRequestIssues({
        withinHours: CATCH_UP_WINDOW_HOURS,
        durationFieldName,
        limit: pageSize,
        cursor,
      });
      for (const issue of page.issues) {
        if (examined >= maxExamined || found >= maxAnswered) {
          more = true;
          break search;
        }
        examined++;
        try {
          if (await intakeAnswered(deps, issue)) continue;
          found++;
          // As a creation event: with no grant recorded, intake treats both kinds alike, and should the
          // trigger record the issue meanwhile, a repeated creation only finishes what it began.
          const outcome = await intakeIssueEvent(deps, { issueId: issue.id, issueKey: issue.key, kind: 'created' });
          if (!NOTHING_DONE.has(outcome)) recorded++;
        } catch (e) {
          failed++;
          firstFailure ??= { issueKey: issue.key, message: messageOf(e) };
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
  } catch (e) {
    searchProblem = `The hourly search for access requests the app missed failed: ${messageOf(e)} The next hourly run tries again.`;
  }

  const problems = [
    searchProblem,
    firstFailure &&
      `${failed} missed request(s) could not be recorded (${firstFailure.issueKey}: ${firstFailure.message}); the next hourly run tries again.`,
  ].filter((p): p is string => !!p);
  const run: CatchUpRun = {
    at,
    examined,
    found,
    recorded,
    failed,
    more,
    ...(problems.length ? { problem: problems.join(' ') } : {}),
  };
  await deps.health.recordCatchUp(run);
  return run;
}
