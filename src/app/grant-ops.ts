/** Small building blocks every lifecycle use case shares: versioned writes, audit, once-only notices. */
import { transition, type Grant, type GrantStatus } from '../domain/grant';
import { refuse, type Refusal } from './errors';
import { StaleGrantError, type AuditAction, type AuditEntryInput, type AuditLog, type GrantStore, type RequestLedger } from './ports';

/** An audit entry recorded together with a grant write (the grant's own fields are filled in). */
export interface StepRecord { action: AuditAction; actor: string; detail: string; oktaRequestId?: string }

const entriesFor = (g: Grant, at: string, records: StepRecord[]): AuditEntryInput[] => records.map((r) => ({
  at, ...r, grantId: g.id, issueKey: g.issueKey, requesterAccountId: g.requesterAccountId, groupId: g.groupId,
}));

/**
 * Moves a grant to `to`, written conditionally on the version it was read at, together with the audit
 * entries that record the step: both land or neither does.
 */
export async function advance(grants: GrantStore, g: Grant, to: GrantStatus, now: string, changes: Partial<Grant> = {}, record: StepRecord[] = []): Promise<Grant> {
  const next = transition(g, to, now, { ...changes, version: g.version + 1 });
  await grants.update(next, entriesFor(next, now, record));
  return next;
}

/** Changes a grant without changing its status (extension, reminder mark, attempt count), with its audit entries. */
export async function amend(grants: GrantStore, g: Grant, now: string, changes: Partial<Grant>, record: StepRecord[] = []): Promise<Grant> {
  const next: Grant = { ...g, ...changes, status: g.status, updatedAt: now, version: g.version + 1 };
  await grants.update(next, entriesFor(next, now, record));
  return next;
}

export function auditGrant(audit: AuditLog, g: Grant, at: string, action: AuditAction, actor: string, detail: string, oktaRequestId?: string) {
  return audit.append({
    at, action, actor, detail, oktaRequestId,
    grantId: g.id, issueKey: g.issueKey, requesterAccountId: g.requesterAccountId, groupId: g.groupId,
  });
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

/**
 * Runs `send` at most once per key across retries and duplicate deliveries. If `send` throws, the
 * claim is released so the next attempt can try again: a notice may be late, never doubled.
 */
export async function once(ledger: RequestLedger, key: string, send: () => Promise<void>): Promise<boolean> {
  if (!(await ledger.claim(key))) return false;
  try {
    await send();
    return true;
  } catch (e) {
    await ledger.release(key);
    throw e;
  }
}

/**
 * One step of a notice made of several (comment, email, audit entry, close-out). Each step is claimed
 * on its own, so a retry after a failure repeats only the steps not yet done: an email failure never
 * doubles the comment, and a crash loses at most the step it interrupted.
 */
export function noticeStep(ledger: RequestLedger, noticeKey: string, step: string, send: () => Promise<unknown>): Promise<boolean> {
  return once(ledger, `${noticeKey}:${step}`, async () => { await send(); });
}
