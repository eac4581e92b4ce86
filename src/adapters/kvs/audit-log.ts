/**
 * Append-only, hash-chained audit trail on the `audit` custom entity.
 *
 * Entry n lives under `audit-<n, 12 digits>` and is created with FAIL_IF_EXISTS, so two writers can
 * never both take seq n: the loser re-reads the head and tries n+1. `hash = sha256(prevHash +
 * canonical JSON of the entry)` links each entry to the one before. A plain `audit-head` key remembers
 * the last seq written, but only as a hint: after a crash between the entry and the hint, or a hint
 * that a slower writer moved backwards, the next writer probes forward with strongly consistent `get`s
 * until it finds the true head.
 */
import { createHash } from 'node:crypto';
import { Filter, FilterConditions, kvs, Sort, WhereConditions } from '@forge/kvs';
import type { AuditEntry, AuditEntryInput, AuditLog, AuditQuery } from '../../app/ports';
import { AUDIT_INDEX, AuditEntitySchema, AuditHeadSchema, auditKey, ENTITY, isoUtc, KEY, PAGE } from './keys';
import { seqIsFree } from './conditions';
import { createOnly, fromCallersCursor, readAll } from './paging';

export const GENESIS_HASH = '0'.repeat(64);
const MAX_APPEND_ATTEMPTS = 100;
const DEFAULT_QUERY_LIMIT = 50;

interface AuditEntity {
  seq: number;
  at: string;
  action: string;
  grantId?: string;
  issueKey?: string;
  requesterAccountId?: string;
  groupId?: string;
  doc: AuditEntry;
}

const audit = () => kvs.entity<AuditEntity>(ENTITY.audit);
/** Entries read per request when verifying the chain (Forge batch operations take at most 25 items). */
const VERIFY_BATCH = 25;

/** JSON with object keys sorted and undefined dropped: the same entry always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The hash covers every field of the entry except the two hashes themselves. */
export function entryHash(prevHash: string, entry: Omit<AuditEntry, 'prevHash' | 'hash'>): string {
  const { seq, at, action, actor, grantId, issueKey, requesterAccountId, groupId, detail, oktaRequestId } = entry;
  const fields = { seq, at, action, actor, grantId, issueKey, requesterAccountId, groupId, detail, oktaRequestId };
  return createHash('sha256')
    .update(prevHash + canonicalJson(fields))
    .digest('hex');
}

function toEntity(e: AuditEntry): AuditEntity {
  return {
    seq: e.seq,
    at: isoUtc(e.at),
    action: e.action,
    ...(e.grantId !== undefined ? { grantId: e.grantId } : {}),
    ...(e.issueKey !== undefined ? { issueKey: e.issueKey } : {}),
    ...(e.requesterAccountId !== undefined ? { requesterAccountId: e.requesterAccountId } : {}),
    ...(e.groupId !== undefined ? { groupId: e.groupId } : {}),
    doc: JSON.parse(JSON.stringify(e)) as AuditEntry,
  };
}

function parseEntity(key: string, raw: unknown): AuditEntity {
  const parsed = AuditEntitySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Stored audit entry ${key} is not readable: ${parsed.error.message}`);
  return parsed.data as AuditEntity;
}

/** The pieces of an atomic "state change + its audit entries" write (see KvsGrantStore.update). */
export interface PreparedAppend {
  entries: AuditEntry[];
  /** Adds the entry writes to a transaction; each only succeeds if its sequence number is still free. */
  addTo(tx: TransactionBuilderLike): TransactionBuilderLike;
  /** After the transaction committed: move the head hint on. */
  committed(): Promise<void>;
  /** After a refused transaction: whether another writer now holds one of these sequence numbers. */
  taken(): Promise<boolean>;
}
type TransactionBuilderLike = ReturnType<typeof kvs.transact>;

export class KvsAuditLog implements AuditLog {
  /** Chains `inputs` onto the current head, for a caller that writes them inside its own transaction. */
  async prepare(inputs: AuditEntryInput[]): Promise<PreparedAppend> {
    let head = await this.probeForward(await this.readHint());
    const entries: AuditEntry[] = inputs.map((input) => {
      const base = { ...input, seq: head.seq + 1 };
      const entry: AuditEntry = { ...base, prevHash: head.hash, hash: entryHash(head.hash, base) };
      head = { seq: entry.seq, hash: entry.hash };
      return entry;
    });
    // A condition on an item that does not exist yet: Forge does not document how it is evaluated.
    // If Forge failed it, every step with entries would be refused loudly, never half-written; the
    // form that needs no such guess (a chain head that always exists) is ADR 0011, section 2, and the
    // install self-check proves this one on each installation (ADR 0014).
    const free = seqIsFree<AuditEntity>();
    return {
      entries,
      addTo: (tx) =>
        entries.reduce(
          (t, e) => t.set<AuditEntity>(auditKey(e.seq), toEntity(e), { entityName: ENTITY.audit, conditions: free }),
          tx,
        ),
      committed: async () => {
        if (entries.length > 0) await kvs.set(KEY.auditHead, { seq: head.seq, hash: head.hash });
      },
      taken: async () =>
        (await Promise.all(entries.map(async (e) => (await audit().get(auditKey(e.seq))) !== undefined))).some(Boolean),
    };
  }

  async append(input: AuditEntryInput): Promise<AuditEntry> {
    let head = await this.readHint();
    for (let attempt = 0; attempt < MAX_APPEND_ATTEMPTS; attempt++) {
      head = await this.probeForward(head);
      const base = { ...input, seq: head.seq + 1 };
      const entry: AuditEntry = { ...base, prevHash: head.hash, hash: entryHash(head.hash, base) };
      const key = auditKey(entry.seq);
      const outcome = await createOnly(
        () => audit().set(key, toEntity(entry), { keyPolicy: 'FAIL_IF_EXISTS' }),
        async () => (await audit().get(key)) !== undefined,
      );
      if (outcome === 'exists') continue; // another writer took this seq: find the new head
      // Only a hint: losing this write (crash) or a concurrent writer overtaking it costs extra probes.
      await kvs.set(KEY.auditHead, { seq: entry.seq, hash: entry.hash });
      return entry;
    }
    throw new Error(`Audit append gave up after ${MAX_APPEND_ATTEMPTS} write conflicts`);
  }

  async listByGrant(grantId: string): Promise<AuditEntry[]> {
    const rows = await readAll(() =>
      audit()
        .query()
        .index(AUDIT_INDEX.byGrant, { partition: [grantId] })
        .sort(Sort.ASC),
    );
    return rows.map((r) => parseEntity(r.key, r.value).doc);
  }

  /**
   * Newest first. The most selective index the query allows carries it (issue > requester > group >
   * time); the other criteria become filters. KVS applies filters after picking a page, so this reads
   * on until it has `limit` entries or runs out, asking each time only for what is still missing so
   * the returned cursor never skips an entry.
   */
  async query(q: AuditQuery): Promise<{ entries: AuditEntry[]; cursor?: string }> {
    const limit = Math.min(Math.max(1, q.limit ?? DEFAULT_QUERY_LIMIT), PAGE);
    const criteria: Array<['issueKey' | 'requesterAccountId' | 'groupId', string | undefined, string]> = [
      ['issueKey', q.issueKey, AUDIT_INDEX.byIssue],
      ['requesterAccountId', q.requesterAccountId, AUDIT_INDEX.byRequester],
      ['groupId', q.groupId, AUDIT_INDEX.byGroup],
    ];
    const lead = criteria.find(([, v]) => v !== undefined);
    const rest = criteria.filter((c) => c !== lead && c[1] !== undefined);
    let filter: ReturnType<Filter<AuditEntity>['and']> | undefined;
    for (const [prop, value] of rest)
      filter = (filter ?? new Filter<AuditEntity>()).and(prop, FilterConditions.equalTo(value!));
    const range =
      q.from !== undefined && q.to !== undefined
        ? WhereConditions.between(isoUtc(q.from), isoUtc(q.to))
        : q.from !== undefined
          ? WhereConditions.greaterThanEqualTo(isoUtc(q.from))
          : q.to !== undefined
            ? WhereConditions.lessThanEqualTo(isoUtc(q.to))
            : undefined;

    const entries: AuditEntry[] = [];
    let cursor = q.cursor;
    do {
      let b = lead
        ? audit()
            .query()
            .index(lead[2], { partition: [lead[1]] })
        : audit().query().index(AUDIT_INDEX.byTime);
      b = b.sort(Sort.DESC).limit(limit - entries.length);
      if (range) b = b.where(range);
      if (filter) b = b.filters(filter);
      if (cursor) b = b.cursor(cursor);
      // Only the caller's cursor can be stale; the ones this loop follows are fresh.
      const page =
        cursor !== undefined && cursor === q.cursor ? await fromCallersCursor(() => b.getMany()) : await b.getMany();
      entries.push(...page.results.map((r) => parseEntity(r.key, r.value).doc));
      cursor = page.nextCursor;
    } while (cursor && entries.length < limit);
    return { entries, ...(cursor ? { cursor } : {}) };
  }

  /**
   * Walks seq 1..head with strongly consistent reads, recomputing each hash and checking the link to
   * the previous entry and that the indexed attributes still agree with the hashed document. Reads
   * VERIFY_BATCH entries per request (batch get), so a long trail fits in one resolver call.
   */
  async verify(): Promise<{ ok: true; count: number } | { ok: false; brokenAt: number }> {
    const hint = await this.readHint();
    let prev = GENESIS_HASH;
    let seq = 1;
    for (;;) {
      const keys = Array.from({ length: VERIFY_BATCH }, (_, i) => ({
        key: auditKey(seq + i),
        entityName: ENTITY.audit,
      }));
      const { successfulKeys } = await kvs.batchGet<unknown>(keys);
      const byKey = new Map(successfulKeys.map((r) => [r.key, r.value]));
      let ended = false;
      for (let i = 0; i < VERIFY_BATCH; i++, seq++) {
        const raw = byKey.get(auditKey(seq));
        if (raw === undefined) {
          ended = true;
          break;
        }
        const parsed = AuditEntitySchema.safeParse(raw);
        if (!parsed.success) return { ok: false, brokenAt: seq };
        const { doc, ...indexed } = parsed.data;
        const { prevHash, hash, ...fields } = doc;
        const consistent =
          doc.seq === seq &&
          indexed.seq === seq &&
          indexed.action === doc.action &&
          indexed.at === isoUtc(doc.at) &&
          indexed.grantId === doc.grantId &&
          indexed.issueKey === doc.issueKey &&
          indexed.requesterAccountId === doc.requesterAccountId &&
          indexed.groupId === doc.groupId;
        if (!consistent || prevHash !== prev || entryHash(prev, fields) !== hash) return { ok: false, brokenAt: seq };
        prev = hash;
      }
      if (ended) break;
    }
    const count = seq - 1;
    // An entry missing below the recorded head means something was deleted (or a later one exists).
    if (hint.seq > count) return { ok: false, brokenAt: count + 1 };
    const after = await audit().get(auditKey(count + 2));
    if (after !== undefined) return { ok: false, brokenAt: count + 1 };
    return { ok: true, count };
  }

  private async readHint(): Promise<{ seq: number; hash: string }> {
    const parsed = AuditHeadSchema.safeParse(await kvs.get(KEY.auditHead));
    return parsed.success ? parsed.data : { seq: 0, hash: GENESIS_HASH };
  }

  /** From a (possibly stale) head, follows stored entries to the last one. */
  private async probeForward(from: { seq: number; hash: string }): Promise<{ seq: number; hash: string }> {
    let head = from;
    for (;;) {
      const raw = await audit().get(auditKey(head.seq + 1));
      if (raw === undefined) return head;
      const e = parseEntity(auditKey(head.seq + 1), raw);
      head = { seq: e.doc.seq, hash: e.doc.hash };
    }
  }
}
