/**
 * Acknowledging a dashboard alert whose cause is resolved (ADR 0017). Two cards can be acknowledged:
 * Okta errors, once a check of the saved connection passes (the errors recorded up to that check are
 * covered), and members without a grant, as the last reconcile found them (the admin has seen them).
 * What comes later counts again. The acknowledgement is kept in health with who and when, and is a
 * CONFIG_CHANGED entry in the audit trail. Overdue revocations, a late sweep, a failing catch-up, the
 * self-check and the connection status cannot be acknowledged: they clear only when their cause does.
 */
import { ADMIN_ERRORS, type AcknowledgeAlertInput, type DashboardView } from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuse } from '../errors';
import { checkSavedConnection } from './connection';
import { getDashboard, unacknowledgedDrift, unacknowledgedErrors } from './dashboard';
import { auditConfigChange, type AdminOutcome } from './shared';

const DAY_MS = 24 * 60 * 60_000;

export async function acknowledgeAlert(
  deps: AppDeps,
  actor: string,
  input: Required<AcknowledgeAlertInput>,
): Promise<AdminOutcome<DashboardView>> {
  const now = deps.clock.now();
  const acks = await deps.health.alertAcks();
  if (input.alert === 'okta-errors') {
    const errors = unacknowledgedErrors(
      await deps.health.oktaErrorsSince(new Date(Date.parse(now) - DAY_MS).toISOString()),
      acks,
    );
    if (errors.length === 0)
      return refuse(ADMIN_ERRORS.nothingToAcknowledge, 'There is no Okta error to acknowledge: the card is clear.');
    // Resolved means Okta answers the app now: checked with the saved connection, not assumed.
    const check = await checkSavedConnection(deps);
    if (!check)
      return refuse(
        ADMIN_ERRORS.alertNotResolved,
        'Okta is not connected, so the errors cannot be resolved yet. Save the connection on the Okta connection tab first.',
      );
    if (check.level !== 'ok')
      return refuse(
        ADMIN_ERRORS.alertNotResolved,
        `Not acknowledged: Okta still fails the connection check, so the cause is not resolved. ${check.message}`,
      );
    const upTo = deps.clock.now();
    const covered = errors.filter((e) => Date.parse(e.at) <= Date.parse(upTo)).length;
    await deps.health.recordAlertAck({ alert: 'okta-errors', by: actor, at: upTo, upTo, count: covered });
    await auditConfigChange(
      deps,
      actor,
      `Dashboard alert acknowledged: ${covered} Okta error${covered === 1 ? '' : 's'} recorded up to ${upTo} (the saved connection passed its check then).`,
    );
  } else {
    const unmanaged = await deps.health.unmanagedMembers();
    const count = unmanaged ? unacknowledgedDrift(unmanaged.byGroup, acks) : 0;
    if (!unmanaged || count === 0)
      return refuse(
        ADMIN_ERRORS.nothingToAcknowledge,
        'There is no member without a grant to acknowledge: the card is clear.',
      );
    await deps.health.recordAlertAck({
      alert: 'drift',
      by: actor,
      at: now,
      upTo: unmanaged.at,
      count,
      byGroup: unmanaged.byGroup,
    });
    const groups = Object.entries(unmanaged.byGroup)
      .filter(([, ids]) => ids.length > 0)
      .map(([g, ids]) => `${g}: ${ids.join(', ')}`)
      .join('; ');
    await auditConfigChange(
      deps,
      actor,
      `Dashboard alert acknowledged: ${count} member${count === 1 ? '' : 's'} without a grant, as the reconcile of ${unmanaged.at} found them (${groups.slice(0, 1500)}).`,
    );
  }
  return getDashboard(deps);
}
