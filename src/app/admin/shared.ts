/**
 * Small pieces every admin use case shares: the result type, how an Okta failure reads on the admin
 * page, Jira display names for account ids, and the CONFIG_CHANGED audit entry.
 */
import { ADMIN_ERRORS } from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuse, type Outcome, type Refusal } from '../errors';
import { DirectoryError } from '../ports';

/** An admin use case answers with data or an expected refusal (code + message for a person). */
export type AdminOutcome<T> = Outcome<{ data: T }>;
export const ok = <T>(data: T): AdminOutcome<T> => ({ ok: true, data });

/**
 * How an Okta failure reads on the admin page. The Okta adapter writes its messages for admins and
 * strips credentials; here they get what to do next.
 */
export function directoryRefusal(e: DirectoryError): Refusal {
  switch (e.kind) {
    case 'configuration':
      return refuse(
        ADMIN_ERRORS.notConnected,
        `${e.message} Check the settings on the Okta connection tab and use Test connection.`,
      );
    case 'transient':
      return refuse(
        ADMIN_ERRORS.oktaUnavailable,
        `Okta is not answering right now (${e.message}). Nothing was changed; try again in a minute.`,
      );
    case 'not-found':
      return refuse(ADMIN_ERRORS.oktaNotFound, e.message);
    case 'permanent':
      return refuse(ADMIN_ERRORS.oktaRefused, `Okta refused the request: ${e.message}`);
  }
}

/** Runs an Okta-backed step; a DirectoryError becomes a refusal, anything else stays an error. */
export async function withDirectory<T>(
  deps: Pick<AppDeps, 'directory'>,
  run: (d: Awaited<ReturnType<AppDeps['directory']>>) => Promise<AdminOutcome<T>>,
): Promise<AdminOutcome<T>> {
  try {
    return await run(await deps.directory());
  } catch (e) {
    if (e instanceof DirectoryError) return directoryRefusal(e);
    throw e;
  }
}

/**
 * Display names for account ids, looked up in parallel. A name is decoration: when Jira cannot say
 * (account gone, Jira slow) the page shows the account id instead of failing the whole screen.
 */
export async function displayNames(
  deps: Pick<AppDeps, 'issues'>,
  accountIds: Iterable<string>,
  max = 200,
): Promise<Map<string, string>> {
  const ids = [...new Set([...accountIds].filter((a) => a && a !== 'app'))].slice(0, max);
  const names = new Map<string, string>();
  for (let i = 0; i < ids.length; i += 20) {
    const chunk = ids.slice(i, i + 20);
    const users = await Promise.all(chunk.map((id) => deps.issues.getUser(id).catch(() => undefined)));
    users.forEach((u, j) => {
      if (u?.displayName) names.set(chunk[j], u.displayName);
    });
  }
  return names;
}

/** Every settings change is in the audit trail, with who made it and never with a secret. */
export function auditConfigChange(
  deps: Pick<AppDeps, 'audit' | 'clock'>,
  actor: string,
  detail: string,
  groupId?: string,
) {
  return deps.audit.append({
    at: deps.clock.now(),
    action: 'CONFIG_CHANGED',
    actor,
    detail,
    ...(groupId ? { groupId } : {}),
  });
}
