/** GrantStore on the `grant` custom entity (manifest.yml): one item per grant, keyed by grant id. */
import { kvs, Sort, WhereConditions } from '@forge/kvs';
import { MAY_HOLD_STATUSES, RUNNING_STATUSES, type Grant, type GrantStatus } from '../../domain/grant';
import { StaleGrantError, type AuditEntryInput, type GrantPage, type GrantStore } from '../../app/ports';
import { KvsAuditLog } from './audit-log';
import { atVersion } from './conditions';
import { ENTITY, GRANT_INDEX, GrantEntitySchema, isoUtc, toGrantEntity, type GrantEntity } from './keys';
import { createOnly, fromCallersCursor, isKvsRefusal, readAll, type Pageable } from './paging';

const grants = () => kvs.entity<GrantEntity>(ENTITY.grant);
/** Largest page KVS serves. */
const MAX_LIMIT = 100;

/** Stored items are untrusted across versions: parse, and fail loudly on a corrupt one. */
function toGrant(key: string, raw: unknown): Grant {
  const parsed = GrantEntitySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Stored grant ${key} is not readable: ${parsed.error.message}`);
  return parsed.data.doc;
}

export class KvsGrantStore implements GrantStore {
  async get(id: string): Promise<Grant | undefined> {
    const raw = await grants().get(id);
    return raw === undefined ? undefined : toGrant(id, raw);
  }

  async create(grant: Grant): Promise<'created' | 'exists'> {
    return createOnly(
      () => grants().set(grant.id, toGrantEntity(grant), { keyPolicy: 'FAIL_IF_EXISTS' }),
      async () => (await grants().get(grant.id)) !== undefined,
    );
  }

  constructor(private readonly audit = new KvsAuditLog()) {}

  async update(next: Grant, auditEntries: AuditEntryInput[] = []): Promise<void> {
    // Compare-and-set on the stored version, plus the step's audit entries (pending, under unique
    // keys: ADR 0019), in one transaction: KVS checks every condition and writes all or nothing, and
    // no other writer contends for anything but this grant.
    const append = this.audit.prepare(auditEntries);
    const tx = kvs.transact().set<GrantEntity>(next.id, toGrantEntity(next), {
      entityName: ENTITY.grant,
      conditions: atVersion(next.version - 1),
    });
    try {
      await append.addTo(tx).execute();
    } catch (e) {
      // What the refusal means is read back, not taken from its code string (ADR 0011): the grant
      // moved on (stale), or it was no conflict at all and is thrown as it came.
      if (!isKvsRefusal(e)) throw e;
      const stored = await this.get(next.id);
      if (!stored || stored.version !== next.version - 1) throw new StaleGrantError(next.id);
      throw e;
    }
    await append.committed();
  }

  // Queries are eventually consistent: callers re-`get` a grant before acting on it.

  async listByRequester(accountId: string): Promise<Grant[]> {
    return this.list(() =>
      grants()
        .query()
        .index(GRANT_INDEX.byRequester, { partition: [accountId] })
        .sort(Sort.ASC),
    );
  }

  async listRunningByRequester(accountId: string, limitPerStatus: number): Promise<{ grants: Grant[]; more: boolean }> {
    const limit = Math.min(Math.max(1, limitPerStatus), MAX_LIMIT);
    const pages = await Promise.all(
      RUNNING_STATUSES.map((status) =>
        grants()
          .query()
          // Only the running-status partitions: what the requester has open, never their history.
          .index(GRANT_INDEX.byRequesterStatus, { partition: [accountId, status] })
          .sort(Sort.DESC)
          .limit(limit)
          .getMany(),
      ),
    );
    const found = pages.flatMap((p) => p.results.map((r) => toGrant(r.key, r.value)));
    return {
      grants: found.sort((a, b) => Date.parse(b.requestedAt) - Date.parse(a.requestedAt)),
      more: pages.some((p) => !!p.nextCursor),
    };
  }

  async pageByRequester(
    accountId: string,
    page: { since: string; limit: number; cursor?: string },
  ): Promise<GrantPage> {
    const q = grants()
      .query()
      .index(GRANT_INDEX.byRequester, { partition: [accountId] })
      .where(WhereConditions.greaterThanEqualTo(isoUtc(page.since)))
      .sort(Sort.DESC)
      .limit(Math.min(Math.max(1, page.limit), MAX_LIMIT));
    const found = page.cursor ? await fromCallersCursor(() => q.cursor(page.cursor!).getMany()) : await q.getMany();
    return {
      grants: found.results.map((r) => toGrant(r.key, r.value)),
      ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
    };
  }

  /**
   * The removal decision's question, asked on every end of a grant: one query per status that may hold
   * the membership, each reading only this requester's grants of this group in that status (range
   * `status equalTo`), so the cost follows what they hold, never the group's other grants nor their
   * own ended history (ADR 0002).
   */
  async listHeldByRequesterAndGroup(accountId: string, groupId: string): Promise<Grant[]> {
    const held = (
      await Promise.all(
        MAY_HOLD_STATUSES.map((status) =>
          this.list(() =>
            grants()
              .query()
              .index(GRANT_INDEX.byRequesterGroupStatus, { partition: [accountId, groupId] })
              .where(WhereConditions.equalTo(status))
              .sort(Sort.ASC),
          ),
        ),
      )
    ).flat();
    // The index is eventually consistent; removal and ownership decisions need the stored truth.
    const fresh = await Promise.all(held.map((g) => this.get(g.id)));
    return fresh.filter(
      (g): g is Grant =>
        !!g && g.requesterAccountId === accountId && g.groupId === groupId && MAY_HOLD_STATUSES.includes(g.status),
    );
  }

  async listByStatus(status: GrantStatus, endsAtOrBefore?: string): Promise<Grant[]> {
    return this.list(() => {
      const q = grants()
        .query()
        .index(GRANT_INDEX.byStatusEnd, { partition: [status] })
        .sort(Sort.ASC);
      return endsAtOrBefore === undefined ? q : q.where(WhereConditions.lessThanEqualTo(isoUtc(endsAtOrBefore)));
    });
  }

  async pageByStatus(status: GrantStatus, limit: number): Promise<{ grants: Grant[]; more: boolean }> {
    const found = await grants()
      .query()
      .index(GRANT_INDEX.byStatusEnd, { partition: [status] })
      .sort(Sort.ASC)
      .limit(Math.min(Math.max(1, limit), MAX_LIMIT))
      .getMany();
    return { grants: found.results.map((r) => toGrant(r.key, r.value)), more: !!found.nextCursor };
  }

  async pageByStatusFrom(status: GrantStatus, limit: number, cursor?: string): Promise<GrantPage> {
    const q = grants()
      .query()
      .index(GRANT_INDEX.byStatusEnd, { partition: [status] })
      .sort(Sort.ASC)
      .limit(Math.min(Math.max(1, limit), MAX_LIMIT));
    // The cursor was kept between runs: one KVS no longer accepts becomes StaleCursorError (start over).
    const found = cursor ? await fromCallersCursor(() => q.cursor(cursor).getMany()) : await q.getMany();
    return {
      grants: found.results.map((r) => toGrant(r.key, r.value)),
      ...(found.nextCursor ? { nextCursor: found.nextCursor } : {}),
    };
  }

  async pageScheduledStarts(startsAtOrBefore: string, limit: number): Promise<{ grants: Grant[]; more: boolean }> {
    const found = await grants()
      .query()
      .index(GRANT_INDEX.byStart)
      .where(WhereConditions.lessThanEqualTo(isoUtc(startsAtOrBefore)))
      .sort(Sort.ASC)
      .limit(Math.min(Math.max(1, limit), MAX_LIMIT))
      .getMany();
    return { grants: found.results.map((r) => toGrant(r.key, r.value)), more: !!found.nextCursor };
  }

  async listByGroupAndStatus(groupId: string, status: GrantStatus): Promise<Grant[]> {
    return this.list(() =>
      grants()
        .query()
        .index(GRANT_INDEX.byGroupStatus, { partition: [groupId, status] })
        .sort(Sort.ASC),
    );
  }

  async listRequestedBetween(fromIso: string, toIso: string): Promise<Grant[]> {
    return this.list(() =>
      grants()
        .query()
        .index(GRANT_INDEX.byRequested)
        .where(WhereConditions.between(isoUtc(fromIso), isoUtc(toIso)))
        .sort(Sort.ASC),
    );
  }

  async pageRequestedBetween(
    fromIso: string,
    toIso: string,
    limit: number,
  ): Promise<{ grants: Grant[]; more: boolean }> {
    const want = Math.max(1, limit);
    const out: Grant[] = [];
    let cursor: string | undefined;
    do {
      const q = grants()
        .query()
        .index(GRANT_INDEX.byRequested)
        .where(WhereConditions.between(isoUtc(fromIso), isoUtc(toIso)))
        .sort(Sort.DESC)
        .limit(Math.min(MAX_LIMIT, want - out.length));
      const page = await (cursor ? q.cursor(cursor) : q).getMany();
      out.push(...page.results.map((r) => toGrant(r.key, r.value)));
      cursor = page.nextCursor;
    } while (cursor && out.length < want);
    return { grants: out, more: !!cursor };
  }

  private async list(query: () => Pageable<GrantEntity>): Promise<Grant[]> {
    return (await readAll(query)).map((r) => toGrant(r.key, r.value));
  }
}
