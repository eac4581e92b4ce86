/**
 * The one place a grant is written. A step (from src/domain/grant-transitions) and the audit entries
 * it implies are written in one conditional write, on the version the step was made from: both land
 * or neither does, and a concurrent writer makes it fail with StaleGrantError instead of losing an update.
 */
import type { Grant } from '../../domain/grant';
import type { GrantRecord, GrantStep } from '../../domain/grant-transitions';
import { refuse, type Refusal } from '../errors';
import { StaleGrantError, type AuditEntryInput, type GrantStore } from '../ports';

const entriesFor = (g: Grant, records: readonly GrantRecord[]): AuditEntryInput[] =>
  records.map((r) => ({
    at: g.updatedAt,
    ...r,
    grantId: g.id,
    issueKey: g.issueKey,
    requesterAccountId: g.requesterAccountId,
    groupId: g.groupId,
  }));

/** Stores a new request (REQUESTED, or DENIED at intake) once per id: 'exists' for a duplicate event. */
export function recordRequest(grants: Pick<GrantStore, 'create'>, g: Grant): Promise<'created' | 'exists'> {
  return grants.create({ ...g, version: 1 });
}

/** Writes a step made from the grant as read; returns the grant as stored. */
export async function commit(grants: Pick<GrantStore, 'update'>, step: GrantStep): Promise<Grant> {
  const next: Grant = { ...step.grant, version: step.grant.version + 1 };
  await grants.update(next, entriesFor(next, step.records));
  return next;
}

/**
 * Runs `attempt` again, up to three times, when another writer (a sweep, an extension, a second
 * click) changed the grant between its read and its write; each attempt reads afresh and decides again.
 */
export async function retryOnStale<T>(attempt: () => Promise<T>): Promise<T | Refusal> {
  for (let i = 0; i < 3; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (!(e instanceof StaleGrantError)) throw e;
    }
  }
  return refuse('GRANT.BUSY', 'The grant is being changed right now. Try again in a moment.');
}
