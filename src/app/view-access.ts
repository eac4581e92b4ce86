/**
 * View access: the requester's grants, running ones first, then those requested in the last 90 days,
 * newest first. Every read is bounded by what is shown (ADR 0002, "Bounded View access reads"): the
 * running grants come from an index that holds only open grants, the rest from one page of the
 * requester's grants in the window; a requester's older history is never read.
 */
import { RUNNING_STATUSES, type Grant } from '../domain/grant';
import { GRANT_STATUS_LABELS } from '../shared/vocabulary';
import type { GroupPolicy } from '../domain/policy';
import type { AppDeps } from './deps';
import { formatInZone } from './format';
import { tell } from './deliver-notice';
import { noticeStep } from './notices';
import * as say from './messages';
import { StaleCursorError, type Message, type MessageInline } from './ports';

const DAY_MS = 86_400_000;
const RUNNING = new Set(RUNNING_STATUSES);
/** Ended grants are listed when they were requested within this many days (ADR 0002). */
export const VIEW_WINDOW_DAYS = 90;
/** Rows in a View access reply, and in each page of the panel's list. */
export const VIEW_ROWS = 25;
/**
 * Items the reply reads to count what it does not show: one KVS page. Beyond it the reply says
 * "at least N more" rather than read on (ADR 0002).
 */
const REPLY_COUNT_READ = 100;

export interface GrantRow {
  grant: Grant;
  groupName: string;
  running: boolean;
}

type ReadDeps = Pick<AppDeps, 'grants' | 'config' | 'clock'>;

/** One read of the requester's grants: running ones (first page only), then one page of the window. */
export interface GrantsRead {
  rows: GrantRow[];
  /** Where the window continues; undefined when it was read to its end. */
  nextCursor?: string;
  /** Some status held more running grants than were read. */
  runningMore: boolean;
  /** The cursor given was refused, so these rows are the first page again. */
  restarted?: boolean;
}

/**
 * The first page: running grants, then the newest `limit` grants of the window that are not running
 * (`limit` items read, plus the running ones). Later pages (`cursor`): the window only, skipping
 * running grants (the first page listed them).
 */
export async function readRequesterGrants(
  deps: ReadDeps,
  requesterAccountId: string,
  page: { limit: number; cursor?: string },
): Promise<GrantsRead> {
  try {
    return await readGrantsPage(deps, requesterAccountId, page);
  } catch (e) {
    // A cursor the store no longer accepts (stale, altered, invented): the list starts again.
    if (!(e instanceof StaleCursorError) || page.cursor === undefined) throw e;
    return { ...(await readGrantsPage(deps, requesterAccountId, { limit: page.limit })), restarted: true };
  }
}

async function readGrantsPage(
  deps: ReadDeps,
  requesterAccountId: string,
  page: { limit: number; cursor?: string },
): Promise<GrantsRead> {
  const since = new Date(Date.parse(deps.clock.now()) - VIEW_WINDOW_DAYS * DAY_MS).toISOString();
  const first = page.cursor === undefined;
  const [windowPage, running, allowlist] = await Promise.all([
    deps.grants.pageByRequester(requesterAccountId, {
      since,
      limit: page.limit,
      ...(first ? {} : { cursor: page.cursor }),
    }),
    first
      ? deps.grants.listRunningByRequester(requesterAccountId, VIEW_ROWS)
      : Promise.resolve({ grants: [], more: false }),
    deps.config.getAllowlist(),
  ]);
  // Both reads are index queries (eventually consistent) and may see one grant at two versions.
  const latest = new Map<string, Grant>();
  for (const g of [...running.grants, ...windowPage.grants]) {
    const seen = latest.get(g.id);
    if (!seen || g.version > seen.version) latest.set(g.id, g);
  }
  const row = (g: Grant): GrantRow => ({
    grant: g,
    groupName: say.groupLabel(g.groupId, allowlist as GroupPolicy[]),
    running: RUNNING.has(g.status),
  });
  const runningRows = first
    ? [...latest.values()]
        .filter((g) => RUNNING.has(g.status))
        .sort((a, b) => Date.parse(b.requestedAt) - Date.parse(a.requestedAt))
        .map(row)
    : [];
  const endedRows = windowPage.grants
    .map((g) => latest.get(g.id)!)
    .filter((g) => !RUNNING.has(g.status))
    .map(row);
  return {
    rows: [...runningRows, ...endedRows],
    ...(windowPage.nextCursor ? { nextCursor: windowPage.nextCursor } : {}),
    runningMore: running.more,
  };
}

/** What a reply leaves out: an exact count, or a lower bound when counting would read on. */
export interface NotShown {
  count: number;
  atLeast: boolean;
}

/** The rows a View access reply shows (at most VIEW_ROWS) and what it leaves out. */
export async function listRequesterGrants(
  deps: ReadDeps,
  requesterAccountId: string,
): Promise<{ rows: GrantRow[]; notShown?: NotShown }> {
  const read = await readRequesterGrants(deps, requesterAccountId, { limit: REPLY_COUNT_READ });
  const rows = read.rows.slice(0, VIEW_ROWS);
  const count = read.rows.length - rows.length;
  const atLeast = !!read.nextCursor || read.runningMore;
  return { rows, ...(count > 0 || atLeast ? { notShown: { count, atLeast } } : {}) };
}

/** "and 12 more", "and at least 75 more", or "and more" (a cursor, but nothing counted past the rows). */
export function notShownText(n: NotShown): string {
  if (n.count === 0) return 'and more';
  return `and ${n.atLeast ? 'at least ' : ''}${n.count} more`;
}

/** Comments the requester's grants on the View access issue, once per `noticeKey` (and audits it). */
export async function viewAccess(
  deps: AppDeps,
  input: { issueKey: string; requesterAccountId: string; noticeKey: string },
): Promise<{ rows: GrantRow[]; notShown?: NotShown; told: boolean }> {
  const { rows, notShown } = await listRequesterGrants(deps, input.requesterAccountId);
  const user = await deps.issues.getUser(input.requesterAccountId);
  const tz = user?.timeZone ?? 'UTC';
  const more = notShown ? `${notShownText(notShown)}: open the Okta access panel on this issue.` : undefined;
  const message: Message =
    rows.length === 0 && !notShown
      ? {
          blocks: [
            {
              paragraph: [
                { mention: input.requesterAccountId },
                {
                  text: ` you have no Okta access grants from the last ${VIEW_WINDOW_DAYS} days. Raise a New access request to get one.`,
                },
              ],
            },
          ],
        }
      : {
          blocks: [
            {
              paragraph: [
                { mention: input.requesterAccountId },
                { text: ` your Okta access grants (times in ${tz}):` },
              ],
            },
            {
              table: {
                head: ['Group', 'Start', 'End', 'Status', 'Issue'],
                rows: rows.map(({ grant: g, groupName }) => [
                  [{ text: groupName }],
                  [
                    {
                      // Approved ahead of its change window: the wait is the start (ADR 0025).
                      text:
                        g.status === 'REQUESTED' && g.scheduledStartAt
                          ? `starts at ${formatInZone(g.scheduledStartAt, tz)}`
                          : formatInZone(g.startedAt, tz),
                    },
                  ],
                  [{ text: formatInZone(g.endedAt ?? g.endsAt, tz) }],
                  [{ text: GRANT_STATUS_LABELS[g.status], strong: g.status === 'ACTIVE' }],
                  [{ link: `/browse/${g.issueKey}`, text: g.issueKey } as MessageInline],
                ]),
              },
            },
            ...(more ? [{ paragraph: [{ text: more }] }] : []),
          ],
        };
  const told = await tell(deps, input.noticeKey, { issueKey: input.issueKey, comment: message });
  const detail = `Listed ${rows.length} grant(s)${notShown ? `, ${notShownText(notShown)} not listed` : ''}.`;
  await noticeStep(deps.ledger, input.noticeKey, 'audit', () =>
    deps.audit.append({
      at: deps.clock.now(),
      action: 'VIEWED',
      actor: input.requesterAccountId,
      issueKey: input.issueKey,
      requesterAccountId: input.requesterAccountId,
      detail,
    }),
  );
  return { rows, ...(notShown ? { notShown } : {}), told };
}
