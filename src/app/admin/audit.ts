/**
 * The audit trail for auditors: filter by requester, group, issue and days; names resolved for
 * reading. The CSV is built from exactly the rows the page shows (auditCsv in the shared contract).
 */
import {
  LIMITS,
  type AuditOptions,
  type AuditPage,
  type AuditQueryParsed,
  type AuditRow,
  type AuditVerification,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { StaleCursorError } from '../ports';
import { APP_ACTOR_NAME } from '../format';
import { displayNames, groupLabel, ok, personLabel, wordsForAdmin, type AdminOutcome } from './shared';
import { accountIdsIn } from '../panel/panel-words';

type Deps = Pick<AppDeps, 'audit' | 'config' | 'issues' | 'grants' | 'clock'>;

const OPTIONS_DAYS = 90;

/** Said when a "Load more" cursor was refused and the list started again. */
export const AUDIT_RESTARTED = 'The list changed since it was loaded, so it starts again from the newest entry.';

export async function queryAudit(deps: Deps, input: AuditQueryParsed): Promise<AdminOutcome<AuditPage>> {
  const query = {
    requesterAccountId: input.requesterAccountId,
    groupId: input.groupId,
    issueKey: input.issueKey,
    from: input.fromDay ? `${input.fromDay}T00:00:00.000Z` : undefined,
    to: input.toDay ? `${input.toDay}T23:59:59.999Z` : undefined,
    limit: LIMITS.auditPageSize,
  };
  let restarted = false;
  const { entries, cursor } = await deps.audit.query({ ...query, cursor: input.cursor }).catch((e: unknown) => {
    if (!(e instanceof StaleCursorError)) throw e;
    restarted = true;
    return deps.audit.query(query);
  });
  const page = entries.slice(0, LIMITS.auditPageSize);
  const [allowlist, names] = await Promise.all([
    deps.config.getAllowlist(),
    displayNames(
      deps,
      page.flatMap((e) => [e.actor, e.requesterAccountId ?? '', ...accountIdsIn(e.detail)]),
    ),
  ]);
  const groupName = new Map(allowlist.map((p) => [p.groupId, p.displayName]));
  const now = deps.clock.now();
  const rows: AuditRow[] = page.map((e) => ({
    seq: e.seq,
    ...(e.pending ? { pending: true as const } : {}),
    at: e.at,
    action: e.action,
    actor: e.actor,
    actorName: e.actor === 'app' ? APP_ACTOR_NAME : names.get(e.actor),
    requesterAccountId: e.requesterAccountId,
    requesterName: e.requesterAccountId ? names.get(e.requesterAccountId) : undefined,
    groupId: e.groupId,
    groupName: e.groupId ? groupLabel(e.groupId, groupName) : undefined,
    issueKey: e.issueKey,
    grantId: e.grantId,
    detail: e.detail,
    ...detailFor(e.detail, groupName, names, now),
    oktaRequestId: e.oktaRequestId,
    hash: e.hash,
  }));
  return ok({ rows, ...(cursor ? { cursor } : {}), ...(restarted ? { restarted: AUDIT_RESTARTED } : {}) });
}

function detailFor(
  detail: string,
  groups: ReadonlyMap<string, string>,
  people: ReadonlyMap<string, string>,
  now: string,
): Pick<AuditRow, 'detailWords' | 'detailTechnical'> {
  const w = wordsForAdmin(detail, groups, people, now);
  return { detailWords: w.text, ...(w.details ? { detailTechnical: w.details } : {}) };
}

/**
 * Recomputes the hash chain, so an auditor can see that no entry was edited, removed or inserted
 * since it was written. Continues from the last verified entry (checkpoint) and stops at a budget that
 * fits one resolver call; pressing again continues. Entries still pending are not in the chain yet.
 */
export async function verifyAudit(deps: Pick<Deps, 'audit'>): Promise<AdminOutcome<AuditVerification>> {
  const r = await deps.audit.verify();
  return ok(
    r.ok
      ? {
          intact: true,
          entries: r.count,
          ...(r.more ? { more: { head: r.more.head } } : {}),
          message: r.more
            ? `No alteration found so far: entries 1 to ${r.count} of ${r.more.head} chain from the first, unaltered. Verify again to continue.`
            : `The audit trail is intact: all ${r.count} entries chain from the first, unaltered.`,
        }
      : {
          intact: false,
          brokenAt: r.brokenAt,
          message: `The audit trail is broken at entry #${r.brokenAt}: that entry or the one before it was altered, removed or inserted after it was written. Export the trail and investigate.`,
        },
  );
}

/** Choices for the filters: requesters of the last 90 days and the allowlisted groups. */
export async function auditOptions(deps: Deps): Promise<AdminOutcome<AuditOptions>> {
  const now = deps.clock.now();
  const from = new Date(Date.parse(now) - OPTIONS_DAYS * 24 * 3_600_000).toISOString();
  const [grants, allowlist] = await Promise.all([
    deps.grants.listRequestedBetween(from, now),
    deps.config.getAllowlist(),
  ]);
  const requesterIds = [...new Set(grants.map((g) => g.requesterAccountId))];
  const names = await displayNames(deps, requesterIds);
  const groups = new Map(allowlist.map((p) => [p.groupId, p.displayName]));
  for (const g of grants) if (!groups.has(g.groupId)) groups.set(g.groupId, groupLabel(g.groupId, groups));
  return ok({
    requesters: requesterIds
      .map((accountId) => ({ accountId, name: personLabel(accountId, names) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    groups: [...groups.entries()]
      .map(([groupId, name]) => ({ groupId, name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  });
}
