/**
 * Append-only, hash-chained audit trail on the `audit` custom entity, written and sequenced apart
 * (ADR 0019).
 *
 * Writers store an entry *pending* under a unique key (`audit-p-<at>-<random id>`), inside the same
 * transaction as the change it records, so concurrent writers never touch a common item. A single
 * sequencer (queue work with `concurrency: {key: 'audit-sequencer', limit: 1}`) later moves pending
 * entries, in key order (`at`, then the id), to `audit-<n, 12 digits>` with `hash = sha256(prevHash +
 * canonical JSON of the entry)`, in transactions that also compare-and-set the chain head (entity
 * `audit-chain`, key `head`): a second sequencer despite the limit loses that condition and retries on
 * the new head; a crash leaves a transaction either whole or absent.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Filter, FilterConditions, kvs, Sort, WhereConditions } from '@forge/kvs';
import type { AuditEntry, AuditEntryInput, AuditLog, AuditQuery, AuditVerifyResult } from '../../app/ports';
import {
  AUDIT_CHAIN_KEY,
  AUDIT_INDEX,
  AuditEntitySchema,
  AuditHeadSchema,
  auditKey,
  ENTITY,
  isoUtc,
  KEY,
  PAGE,
  pendingAuditKey,
} from './keys';
import { createOnly, fromCallersCursor, isKvsRefusal, readAll } from './paging';

export const GENESIS_HASH = '0'.repeat(64);
const DEFAULT_QUERY_LIMIT = 50;
/** Forge transactions take at most 25 operations: two per entry (delete pending, create linked) + the head. */
export const SEQUENCE_BATCH = 12;
/** Transactions per sequencer run; what is left is linked by the run the next write (or sweep) asks for. */
const MAX_BATCHES_PER_RUN = 100;
/** Entries verified per call: 100 batch reads, well inside a 25 s resolver call at 100 ms per request. */
export const VERIFY_PER_CALL = 2_500;
/** The "sequencer scheduled" marker lives this long, so a push lost after it was set delays linking only this much. */
const MARKER_TTL_SECONDS = 60;

type Indexed = {
  at: string;
  action: string;
  grantId?: string;
  issueKey?: string;
  requesterAccountId?: string;
  groupId?: string;
  order: string;
};
type PendingDoc = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash' | 'pending'>;
type AuditEntity = Indexed &
  ({ chain: 'pending'; doc: PendingDoc } | { chain: 'linked'; seq: number; doc: AuditEntry });
interface ChainItem {
  seq: number;
  hash: string;
}

const audit = () => kvs.entity<AuditEntity>(ENTITY.audit);
const chain = () => kvs.entity<ChainItem>(ENTITY.auditChain);
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

function indexedOf(e: AuditEntryInput, order: string): Indexed {
  return {
    at: isoUtc(e.at),
    action: e.action,
    ...(e.grantId !== undefined ? { grantId: e.grantId } : {}),
    ...(e.issueKey !== undefined ? { issueKey: e.issueKey } : {}),
    ...(e.requesterAccountId !== undefined ? { requesterAccountId: e.requesterAccountId } : {}),
    ...(e.groupId !== undefined ? { groupId: e.groupId } : {}),
    order,
  };
}

function parseEntity(key: string, raw: unknown): AuditEntity {
  const parsed = AuditEntitySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Stored audit entry ${key} is not readable: ${parsed.error.message}`);
  return parsed.data as AuditEntity;
}

/** What readers see: a linked entry as stored, a pending one flagged, without number or hashes. */
function toEntry(e: AuditEntity): AuditEntry {
  return e.chain === 'linked' ? e.doc : { ...e.doc, seq: 0, prevHash: '', hash: '', pending: true };
}

/**
 * Counts this instance's writes: entries one invocation writes within one millisecond keep their
 * order. Across instances it means nothing, and the random id decides (ADR 0019, ordering rule).
 */
let writerTick = 0;

function pendingEntity(input: AuditEntryInput): { key: string; value: AuditEntity } {
  const key = pendingAuditKey(isoUtc(input.at), ++writerTick, randomUUID());
  const doc = JSON.parse(JSON.stringify(input)) as PendingDoc;
  return { key, value: { ...indexedOf(input, key), chain: 'pending', doc } };
}

/** The pieces of an atomic "state change + its audit entries" write (see KvsGrantStore.update). */
export interface PreparedAppend {
  entries: AuditEntry[];
  /** Adds the pending entries to a transaction: unique keys, so they never conflict. */
  addTo(tx: TransactionBuilderLike): TransactionBuilderLike;
  /** After the transaction committed: make sure a sequencer run will link them. */
  committed(): Promise<void>;
}
type TransactionBuilderLike = ReturnType<typeof kvs.transact>;

/** Pushes one sequencer run as queue work (src/adapters/queue); absent in tests that sequence by hand. */
/** Pushes one sequencer run, `delaySeconds` from now. */
export type SequencerTrigger = (delaySeconds: number) => Promise<void>;
/**
 * A writer's push asks for the run a moment later, so one run links what many concurrent workers write
 * in that moment: with 30 workers in flight and no delay, a run started (and found little) after almost
 * every revocation (measured: 1,003 runs for 1,000 revocations, ADR 0029). Entries show as pending a
 * few seconds longer. The backstop's and a full run's own pushes are not delayed.
 */
const COALESCE_DELAY_SECONDS = 3;

export class KvsAuditLog implements AuditLog {
  constructor(private readonly trigger?: SequencerTrigger) {}

  prepare(inputs: AuditEntryInput[]): PreparedAppend {
    const items = inputs.map(pendingEntity);
    return {
      entries: items.map((i) => toEntry(i.value)),
      addTo: (tx) => items.reduce((t, i) => t.set<AuditEntity>(i.key, i.value, { entityName: ENTITY.audit }), tx),
      committed: async () => {
        if (items.length > 0) await this.requestSequencing();
      },
    };
  }

  async append(input: AuditEntryInput): Promise<AuditEntry> {
    const item = pendingEntity(input);
    await audit().set(item.key, item.value);
    await this.requestSequencing();
    return toEntry(item.value);
  }

  /**
   * Coalesced: the first writer after a sequencer run starts creates a short-lived marker and pushes
   * one run; later writers see the marker and push nothing. Never fails the caller, whose write has
   * committed: a lost push leaves entries pending until the marker expires or the sweep's backstop.
   */
  async requestSequencing(opts: { force?: boolean } = {}): Promise<void> {
    if (!this.trigger) return;
    try {
      if (!opts.force) {
        if ((await kvs.get(KEY.auditSequencerScheduled)) !== undefined) return;
        await kvs.set(
          KEY.auditSequencerScheduled,
          { scheduled: true },
          { keyPolicy: 'FAIL_IF_EXISTS', ttl: { value: MARKER_TTL_SECONDS, unit: 'SECONDS' } },
        );
      }
      await this.trigger(opts.force ? 0 : COALESCE_DELAY_SECONDS);
    } catch (e) {
      if (isKvsRefusal(e)) return; // another writer set the marker first: its run will link ours
      console.warn('audit: could not schedule the sequencer; the sweep will', String((e as Error)?.message ?? e));
    }
  }

  /**
   * Links pending entries into the chain, SEQUENCE_BATCH per transaction, in key order. Idempotent:
   * a rerun after a crash finds the head and the pending entries as the last whole transaction left
   * them. Safe against a second concurrent run: each transaction is conditional on the head it read.
   */
  async sequence(): Promise<{ linked: number; transactions: number }> {
    // While this run links, writers see the marker and push nothing: their entries are linked here.
    // Then the marker goes, and one more pass picks up what committed before it went; a write that
    // commits after finds no marker and pushes the next run. So nothing waits for the sweep unless a
    // push is lost (or the index had not yet shown an entry: ADR 0019).
    const first = await this.linkPending(await this.readOrCreateHead(), MAX_BATCHES_PER_RUN);
    await kvs.delete(KEY.auditSequencerScheduled);
    const second = await this.linkPending(first.head, MAX_BATCHES_PER_RUN - first.transactions);
    const transactions = first.transactions + second.transactions;
    // Stopped at its budget with entries possibly left: the next run is this run's to ask for.
    if (transactions >= MAX_BATCHES_PER_RUN) await this.requestSequencing({ force: true });
    return { linked: first.linked + second.linked, transactions };
  }

  /** Links pending entries onto `head` in key order, up to `maxBatches` transactions. */
  private async linkPending(
    from: ChainItem,
    maxBatches: number,
  ): Promise<{ head: ChainItem; linked: number; transactions: number }> {
    let head = from;
    let linked = 0;
    let transactions = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const page = await audit()
        .query()
        .index(AUDIT_INDEX.byChain, { partition: ['pending'] })
        .sort(Sort.ASC)
        .limit(SEQUENCE_BATCH)
        .getMany();
      if (page.results.length === 0) break;
      // The index is eventually consistent: it may still list an entry another run already moved.
      // A strongly consistent read after the head was read drops those (ones moved later move the head).
      const { successfulKeys } = await kvs.batchGet<unknown>(
        page.results.map((r) => ({ key: r.key, entityName: ENTITY.audit })),
      );
      const live = successfulKeys
        .map((r) => ({ key: r.key, entity: parseEntity(r.key, r.value) }))
        .filter((r) => r.entity.chain === 'pending')
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      if (live.length === 0) {
        // Only stale index rows: re-read the head in case another run moved them, and stop; anything
        // still pending is picked up by the next run.
        break;
      }
      let next = head;
      const isStillPending = new Filter<AuditEntity>().and('chain', FilterConditions.equalTo('pending'));
      let tx = kvs.transact();
      for (const { key, entity } of live) {
        const base = { ...(entity.doc as PendingDoc), seq: next.seq + 1 };
        const doc: AuditEntry = { ...base, prevHash: next.hash, hash: entryHash(next.hash, base) };
        tx = tx.delete(key, { entityName: ENTITY.audit, conditions: isStillPending }).set<AuditEntity>(
          auditKey(doc.seq),
          {
            ...indexedOf(doc, key),
            seq: doc.seq,
            chain: 'linked',
            doc: JSON.parse(JSON.stringify(doc)) as AuditEntry,
          },
          { entityName: ENTITY.audit },
        );
        next = { seq: doc.seq, hash: doc.hash };
      }
      tx = tx.set<ChainItem>(AUDIT_CHAIN_KEY.head, next, {
        entityName: ENTITY.auditChain,
        conditions: new Filter<ChainItem>().and('seq', FilterConditions.equalTo(head.seq)),
      });
      try {
        await tx.execute();
      } catch (e) {
        if (!isKvsRefusal(e)) throw e;
        // Another run moved the head (or linked one of these): harmless, go on from the new head.
        const moved = await this.readOrCreateHead();
        if (moved.seq === head.seq) throw e;
        head = moved;
        continue;
      }
      head = next;
      linked += live.length;
      transactions++;
      if (!page.nextCursor && live.length === page.results.length && page.results.length < SEQUENCE_BATCH) break;
    }
    return { head, linked, transactions };
  }

  async listByGrant(grantId: string): Promise<AuditEntry[]> {
    const rows = await readAll(() =>
      audit()
        .query()
        .index(AUDIT_INDEX.byGrant, { partition: [grantId] })
        .sort(Sort.ASC),
    );
    // Chain order, then the entries still pending in the sequencer's order.
    return rows
      .map((r) => parseEntity(r.key, r.value))
      .sort((a, b) =>
        a.chain === 'linked' && b.chain === 'linked'
          ? a.seq - b.seq
          : a.chain === 'linked'
            ? -1
            : b.chain === 'linked'
              ? 1
              : a.order < b.order
                ? -1
                : a.order > b.order
                  ? 1
                  : 0,
      )
      .map(toEntry);
  }

  /**
   * Newest first, pending entries included (by time). The most selective index the query allows
   * carries it (issue > requester > group > time); the other criteria become filters. KVS applies
   * filters after picking a page, so this reads on until it has `limit` entries or runs out, asking
   * each time only for what is still missing so the returned cursor never skips an entry.
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
      entries.push(...page.results.map((r) => toEntry(parseEntity(r.key, r.value))));
      cursor = page.nextCursor;
    } while (cursor && entries.length < limit);
    return { entries, ...(cursor ? { cursor } : {}) };
  }

  /**
   * Verifies the chain within a budget of VERIFY_PER_CALL entries per call, so a 100,000-entry trail
   * never needs one long call. Two stored checkpoints (entity `audit-chain`):
   * - `verified`: the last seq (and its hash) a verification accepted. New entries are walked from
   *   there first, so what the sequencer linked since is checked on the next call.
   * - `rescan`: a second walk from entry 1 that uses what is left of the budget and ends where it
   *   meets `verified` (their hashes must agree), so an edit below the checkpoint is still found
   *   within head / VERIFY_PER_CALL calls. When the whole chain fits the budget, one call walks it all.
   * Each walk recomputes every hash, checks the link to the previous entry and that the indexed
   * attributes agree with the hashed document; reads are strongly consistent batch gets.
   * `restart` forgets both checkpoints.
   */
  async verify(opts: { restart?: boolean } = {}): Promise<AuditVerifyResult> {
    const genesis = { seq: 0, hash: GENESIS_HASH };
    const [head, storedVerified, storedRescan] = await Promise.all([
      this.readChain(AUDIT_CHAIN_KEY.head),
      this.readChain(AUDIT_CHAIN_KEY.verified),
      this.readChain(AUDIT_CHAIN_KEY.rescan),
    ]);
    const headSeq = head?.seq ?? 0;
    // A checkpoint beyond the head is distrusted (the head never moves back).
    const trusted = (c: ChainItem | undefined) => (!opts.restart && c && c.seq <= headSeq ? c : genesis);
    const verified = trusted(storedVerified);
    let rescan = trusted(storedRescan);
    if (rescan.seq > verified.seq) rescan = genesis;
    let budget = VERIFY_PER_CALL;

    // 1. New entries, from the checkpoint (whose own entry must still carry its hash).
    if (verified.seq > 0) {
      const e = AuditEntitySchema.safeParse(await audit().get(auditKey(verified.seq)));
      if (!e.success || e.data.chain !== 'linked' || e.data.doc.hash !== verified.hash)
        return { ok: false, brokenAt: verified.seq };
    }
    const forward = await this.walk(verified, Math.min(headSeq, verified.seq + budget));
    if (!forward.ok) return forward;
    budget -= forward.at.seq - verified.seq;
    if (forward.at.seq === headSeq && (await audit().get(auditKey(headSeq + 1))) !== undefined)
      return { ok: false, brokenAt: headSeq + 1 }; // an entry beyond the head was inserted by hand

    // 2. The rolling re-walk of what was verified before, with what is left of the budget.
    let nextRescan = rescan;
    if (verified.seq > 0 && budget > 0) {
      const back = await this.walk(rescan, Math.min(verified.seq, rescan.seq + budget));
      if (!back.ok) return back;
      if (back.at.seq === verified.seq) {
        if (back.at.hash !== verified.hash) return { ok: false, brokenAt: verified.seq };
        nextRescan = genesis; // a full pass: start the next one from entry 1
      } else nextRescan = back.at;
    }

    if (forward.at.seq !== verified.seq || opts.restart || !storedVerified)
      await chain().set(AUDIT_CHAIN_KEY.verified, forward.at);
    if (nextRescan.seq !== rescan.seq || nextRescan.seq !== (storedRescan?.seq ?? 0))
      await chain().set(AUDIT_CHAIN_KEY.rescan, nextRescan);
    const count = forward.at.seq;
    return { ok: true, count, ...(count < headSeq ? { more: { head: headSeq } } : {}) };
  }

  /** Checks entries from.seq+1 .. until against their predecessors; returns where it got. */
  private async walk(
    from: ChainItem,
    until: number,
  ): Promise<{ ok: true; at: ChainItem } | { ok: false; brokenAt: number }> {
    let prev = from.hash;
    let seq = from.seq + 1;
    while (seq <= until) {
      const n = Math.min(VERIFY_BATCH, until - seq + 1);
      const keys = Array.from({ length: n }, (_, i) => ({ key: auditKey(seq + i), entityName: ENTITY.audit }));
      const { successfulKeys } = await kvs.batchGet<unknown>(keys);
      const byKey = new Map(successfulKeys.map((r) => [r.key, r.value]));
      for (let i = 0; i < n; i++, seq++) {
        const parsed = AuditEntitySchema.safeParse(byKey.get(auditKey(seq)));
        // Missing below the head: removed. Pending under a numbered key: put there by hand.
        if (!parsed.success || parsed.data.chain !== 'linked') return { ok: false, brokenAt: seq };
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
    }
    return { ok: true, at: { seq: seq - 1, hash: prev } };
  }

  private async readChain(key: string): Promise<ChainItem | undefined> {
    const raw = await chain().get(key);
    if (raw === undefined) return undefined;
    const parsed = AuditHeadSchema.safeParse(raw);
    if (!parsed.success) throw new Error(`Stored audit chain item ${key} is not readable: ${parsed.error.message}`);
    return parsed.data;
  }

  /** The head always exists once created, so the sequencer's condition is on an existing item (ADR 0011). */
  private async readOrCreateHead(): Promise<ChainItem> {
    const head = await this.readChain(AUDIT_CHAIN_KEY.head);
    if (head) return head;
    await createOnly(
      () => chain().set(AUDIT_CHAIN_KEY.head, { seq: 0, hash: GENESIS_HASH }, { keyPolicy: 'FAIL_IF_EXISTS' }),
      async () => (await this.readChain(AUDIT_CHAIN_KEY.head)) !== undefined,
    );
    return (await this.readChain(AUDIT_CHAIN_KEY.head))!;
  }
}
