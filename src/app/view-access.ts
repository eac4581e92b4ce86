/** View access: the requester's grants, running ones first, then those of the last 90 days. */
import { RUNNING_STATUSES, type Grant } from '../domain/grant';
import { GRANT_STATUS_LABELS } from '../shared/vocabulary';
import type { GroupPolicy } from '../domain/policy';
import type { AppDeps } from './deps';
import { formatInZone } from './format';
import { noticeStep } from './notices';
import * as say from './messages';
import type { Message, MessageInline } from './ports';

const DAY_MS = 86_400_000;
const RUNNING = new Set(RUNNING_STATUSES);

export interface GrantRow { grant: Grant; groupName: string; running: boolean }

/** The rows the comment and the panel both show. */
export async function listRequesterGrants(deps: Pick<AppDeps, 'grants' | 'config' | 'clock'>, requesterAccountId: string): Promise<GrantRow[]> {
  const now = Date.parse(deps.clock.now());
  const [grants, allowlist] = await Promise.all([deps.grants.listByRequester(requesterAccountId), deps.config.getAllowlist()]);
  const rows = grants
    .filter((g) => RUNNING.has(g.status) || Date.parse(g.endedAt ?? g.updatedAt) >= now - 90 * DAY_MS)
    .map((g) => ({ grant: g, groupName: say.groupLabel(g.groupId, allowlist as GroupPolicy[]), running: RUNNING.has(g.status) }));
  return rows.sort((a, b) => Number(b.running) - Number(a.running) || Date.parse(b.grant.requestedAt) - Date.parse(a.grant.requestedAt));
}

/** Comments the requester's grants on the View access issue, once per `noticeKey` (and audits it). */
export async function viewAccess(deps: AppDeps, input: { issueKey: string; requesterAccountId: string; noticeKey: string }): Promise<{ rows: GrantRow[]; told: boolean }> {
  const rows = await listRequesterGrants(deps, input.requesterAccountId);
  const user = await deps.issues.getUser(input.requesterAccountId);
  const tz = user?.timeZone ?? 'UTC';
  const message: Message = rows.length === 0
    ? { blocks: [{ paragraph: [{ mention: input.requesterAccountId }, { text: ' you have no Okta access grants from the last 90 days. Raise a New access request to get one.' }] }] }
    : {
        blocks: [
          { paragraph: [{ mention: input.requesterAccountId }, { text: ` your Okta access grants (times in ${tz}):` }] },
          {
            table: {
              head: ['Group', 'Start', 'End', 'Status', 'Issue'],
              rows: rows.map(({ grant: g, groupName }) => [
                [{ text: groupName }], [{ text: formatInZone(g.startedAt, tz) }], [{ text: formatInZone(g.endedAt ?? g.endsAt, tz) }],
                [{ text: GRANT_STATUS_LABELS[g.status], strong: g.status === 'ACTIVE' }], [{ link: `/browse/${g.issueKey}`, text: g.issueKey } as MessageInline],
              ]),
            },
          },
        ],
      };
  const told = await noticeStep(deps.ledger, input.noticeKey, 'comment', () => deps.issues.comment(input.issueKey, message));
  await noticeStep(deps.ledger, input.noticeKey, 'audit', () => deps.audit.append({ at: deps.clock.now(), action: 'VIEWED', actor: input.requesterAccountId, issueKey: input.issueKey, requesterAccountId: input.requesterAccountId, detail: `Listed ${rows.length} grant(s).` }));
  return { rows, told };
}
