/**
 * Once-only work outside grant writes: stand-alone audit entries, a notice's close-out, health alerts.
 * Comments and emails are not sent from here: they go through the notice outbox (`tell` in
 * deliver-notice.ts, ADR 0020).
 */
import type { Grant } from '../domain/grant';
import type { AuditAction, AuditLog, RequestLedger } from './ports';

export function auditGrant(
  audit: AuditLog,
  g: Grant,
  at: string,
  action: AuditAction,
  actor: string,
  detail: string,
  oktaRequestId?: string,
) {
  return audit.append({
    at,
    action,
    actor,
    detail,
    oktaRequestId,
    grantId: g.id,
    issueKey: g.issueKey,
    requesterAccountId: g.requesterAccountId,
    groupId: g.groupId,
  });
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
 * One step of what goes with a notice (its audit entry, the issue's close-out), claimed under the
 * notice's key. Each step is claimed on its own, so a retry after a failure repeats only the steps not
 * yet done, and a crash loses at most the step it interrupted.
 */
export function noticeStep(
  ledger: RequestLedger,
  noticeKey: string,
  step: string,
  send: () => Promise<unknown>,
): Promise<boolean> {
  return once(ledger, stepKey(noticeKey, step), async () => {
    await send();
  });
}

/** The ledger key of one step of a notice, for a reader asking whether the step was done. */
export const stepKey = (noticeKey: string, step: string): string => `${noticeKey}:${step}`;
