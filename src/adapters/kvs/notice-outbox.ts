/**
 * NoticeOutbox on the `notice` custom entity (manifest.yml, ADR 0020): one item per notice, keyed by a
 * hash of its notice key (notice keys may carry user-entered text; KVS keys may not).
 */
import { createHash } from 'node:crypto';
import { kvs, Sort, WhereConditions } from '@forge/kvs';
import type { NoticeStatus } from '../../domain/notice';
import { StaleNoticeError, type NoticeOutbox, type OwedNotice } from '../../app/ports';
import { atVersion } from './conditions';
import { ENTITY, isoUtc, NOTICE_INDEX, NoticeEntitySchema, type NoticeEntity } from './keys';
import { createOnly, isKvsRefusal } from './paging';

const notices = () => kvs.entity<NoticeEntity>(ENTITY.notice);
/** A delivered or undeliverable notice is kept as long as the ledger keeps its markers, then expires. */
const SETTLED_TTL = { value: 90, unit: 'DAYS' } as const;
const MAX_LIMIT = 100;

export const noticeStorageKey = (key: string): string =>
  `notice-${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;

const toEntity = (n: OwedNotice): NoticeEntity => ({
  status: n.status,
  dueAt: isoUtc(n.dueAt),
  issueKey: n.issueKey,
  version: n.version,
  doc: JSON.parse(JSON.stringify(n)) as OwedNotice,
});

function toNotice(key: string, raw: unknown): OwedNotice {
  const parsed = NoticeEntitySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Stored notice ${key} is not readable: ${parsed.error.message}`);
  return parsed.data.doc;
}

export class KvsNoticeOutbox implements NoticeOutbox {
  async create(notice: OwedNotice): Promise<'created' | 'exists'> {
    const k = noticeStorageKey(notice.key);
    return createOnly(
      () => notices().set(k, toEntity(notice), { keyPolicy: 'FAIL_IF_EXISTS' }),
      async () => (await notices().get(k)) !== undefined,
    );
  }

  async get(key: string): Promise<OwedNotice | undefined> {
    const k = noticeStorageKey(key);
    const raw = await notices().get(k);
    return raw === undefined ? undefined : toNotice(k, raw);
  }

  async update(next: OwedNotice): Promise<void> {
    const k = noticeStorageKey(next.key);
    const settled = next.status !== 'PENDING';
    try {
      await kvs
        .transact()
        .set<NoticeEntity>(
          k,
          toEntity(next),
          { entityName: ENTITY.notice, conditions: atVersion<NoticeEntity>(next.version - 1) },
          settled ? { ttl: SETTLED_TTL } : undefined,
        )
        .execute();
    } catch (e) {
      // As for grants (ADR 0011): what a refusal means is read back, not taken from its code.
      if (!isKvsRefusal(e)) throw e;
      const stored = await this.get(next.key);
      if (!stored || stored.version !== next.version - 1) throw new StaleNoticeError(next.key);
      throw e;
    }
  }

  async listDue(dueBy: string, limit: number): Promise<OwedNotice[]> {
    const page = await this.page('PENDING', Sort.ASC, limit, isoUtc(dueBy));
    return page.notices;
  }

  listUndeliverable(limit: number): Promise<{ notices: OwedNotice[]; more: boolean }> {
    return this.page('UNDELIVERABLE', Sort.DESC, limit);
  }

  private async page(status: NoticeStatus, sort: Sort, limit: number, dueBy?: string) {
    const q = notices()
      .query()
      .index(NOTICE_INDEX.byStatusDue, { partition: [status] })
      .sort(sort)
      .limit(Math.min(Math.max(1, limit), MAX_LIMIT));
    const found = await (dueBy === undefined ? q : q.where(WhereConditions.lessThanEqualTo(dueBy))).getMany();
    return { notices: found.results.map((r) => toNotice(r.key, r.value)), more: !!found.nextCursor };
  }
}
