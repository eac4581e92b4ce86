/**
 * App installed or upgraded to a new major version (Forge life-cycle events): recorded in the audit
 * trail, then the self-check runs (ADR 0014). Right after install Jira may refuse the app's account
 * for a few minutes: the handler then asks Forge to deliver the event again (up to four times).
 */
import { InvocationError, InvocationErrorCode } from '@forge/events';
import { z } from 'zod';
import { afterInstallOrUpgrade } from '../app/self-check';
import { compose } from './compose';

export const UPGRADED = 'avi:forge:upgraded:app';

/** The documented payload (installerAccountId on install, upgraderAccountId on upgrade); all optional here. */
const LifecycleEvent = z
  .object({
    eventType: z.string().max(100).optional(),
    installerAccountId: z.string().max(128).optional(),
    upgraderAccountId: z.string().max(128).optional(),
    app: z
      .object({ version: z.string().max(50).optional() })
      .partial()
      .optional(),
    retryContext: z.object({ retryCount: z.number().int().nonnegative() }).partial().optional(),
  })
  .partial();

export async function lifecycle(event: unknown) {
  const e = LifecycleEvent.safeParse(event ?? {}).data ?? {};
  // The payload tables list no event type: an upgrader names an upgrade.
  const upgraded = e.eventType === UPGRADED || (e.eventType === undefined && e.upgraderAccountId !== undefined);
  const result = await afterInstallOrUpgrade(compose(), {
    kind: upgraded ? 'upgraded' : 'installed',
    eventType: e.eventType ?? (upgraded ? UPGRADED : 'avi:forge:installed:app'),
    actor: e.upgraderAccountId ?? e.installerAccountId,
    appVersion: e.app?.version,
    retryCount: e.retryContext?.retryCount ?? 0,
  });
  if (result.retryAfterSeconds !== undefined)
    return new InvocationError({
      retryAfter: result.retryAfterSeconds,
      retryReason: InvocationErrorCode.FUNCTION_RETRY_REQUEST,
    });
}
