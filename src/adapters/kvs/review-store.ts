/**
 * ReviewStore on the `break-glass-review` custom entity (manifest.yml, ADR 0027): one item per
 * emergency grant, keyed by the grant id, written create-only and then compare-and-set, like a notice.
 */
import { kvs, Sort, WhereConditions } from '@forge/kvs';
import type { Review, ReviewStatus } from '../../domain/break-glass-review';
import { StaleReviewError, type ReviewStore } from '../../app/ports';
import { atVersion } from './conditions';
import { ENTITY, isoUtc, REVIEW_INDEX, ReviewEntitySchema, type ReviewEntity } from './keys';
import { createOnly, isKvsRefusal } from './paging';

const reviews = () => kvs.entity<ReviewEntity>(ENTITY.review);
const MAX_LIMIT = 100;
/** The index attribute of a review whose issue does not exist yet. */
const NO_ISSUE = '-';

const storageKey = (grantId: string): string => `review-${grantId}`;

const toEntity = (r: Review): ReviewEntity => ({
  status: r.status,
  dueAt: isoUtc(r.dueAt),
  reviewIssueKey: r.reviewIssueKey ?? NO_ISSUE,
  version: r.version,
  doc: JSON.parse(JSON.stringify(r)) as Review,
});

function toReview(key: string, raw: unknown): Review {
  const parsed = ReviewEntitySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`Stored review ${key} is not readable: ${parsed.error.message}`);
  return parsed.data.doc;
}

export class KvsReviewStore implements ReviewStore {
  async create(review: Review): Promise<'created' | 'exists'> {
    const k = storageKey(review.grantId);
    return createOnly(
      () => reviews().set(k, toEntity(review), { keyPolicy: 'FAIL_IF_EXISTS' }),
      async () => (await reviews().get(k)) !== undefined,
    );
  }

  async get(grantId: string): Promise<Review | undefined> {
    const k = storageKey(grantId);
    const raw = await reviews().get(k);
    return raw === undefined ? undefined : toReview(k, raw);
  }

  async update(next: Review): Promise<void> {
    const k = storageKey(next.grantId);
    try {
      await kvs
        .transact()
        .set<ReviewEntity>(k, toEntity(next), {
          entityName: ENTITY.review,
          conditions: atVersion<ReviewEntity>(next.version - 1),
        })
        .execute();
    } catch (e) {
      // As for grants and notices (ADR 0011): what a refusal means is read back, not taken from its code.
      if (!isKvsRefusal(e)) throw e;
      const stored = await this.get(next.grantId);
      if (!stored || stored.version !== next.version - 1) throw new StaleReviewError(next.grantId);
      throw e;
    }
  }

  async findByIssue(issueKey: string): Promise<Review | undefined> {
    const found = await reviews()
      .query()
      .index(REVIEW_INDEX.byIssue, { partition: [issueKey] })
      .limit(1)
      .getMany();
    const hit = found.results[0];
    return hit ? toReview(hit.key, hit.value) : undefined;
  }

  async listOpeningDue(dueBy: string, limit: number): Promise<Review[]> {
    return (await this.page('OPENING', limit, isoUtc(dueBy))).reviews;
  }

  listOpen(limit: number): Promise<{ reviews: Review[]; more: boolean }> {
    return this.page('OPEN', limit);
  }

  listOpening(limit: number): Promise<{ reviews: Review[]; more: boolean }> {
    return this.page('OPENING', limit);
  }

  private async page(status: ReviewStatus, limit: number, dueBy?: string) {
    const q = reviews()
      .query()
      .index(REVIEW_INDEX.byStatusDue, { partition: [status] })
      .sort(Sort.ASC)
      .limit(Math.min(Math.max(1, limit), MAX_LIMIT));
    const found = await (dueBy === undefined ? q : q.where(WhereConditions.lessThanEqualTo(dueBy))).getMany();
    return { reviews: found.results.map((r) => toReview(r.key, r.value)), more: !!found.nextCursor };
  }
}
