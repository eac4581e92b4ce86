/** App installed or upgraded: record it in the audit trail; configuration stays as the admin left it. */
import { compose } from './compose';

export async function lifecycle(event: {
  eventType?: string;
  installerAccountId?: string;
  app?: { version?: string };
}) {
  const deps = compose();
  await deps.audit.append({
    at: deps.clock.now(),
    action: 'CONFIG_CHANGED',
    actor: event?.installerAccountId ?? 'app',
    detail: `${event?.eventType ?? 'lifecycle event'} (version ${event?.app?.version ?? 'unknown'}).`,
  });
}
