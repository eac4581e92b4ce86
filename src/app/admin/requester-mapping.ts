/**
 * The requester mapping on the admin page (ADR 0016): Jira hides most people's email from apps, so an
 * admin maps their Jira account to an Okta login. Here: the Okta user picker, the check at save that
 * every new or changed row names a Jira account that exists and an Okta user that exists and is
 * ACTIVE (refused on the rows concerned; Okta not answering refuses the save), and the people whose
 * recent requests were denied for want of a mapping.
 *
 * Rows the save does not change are not read again: a save stays a bounded number of calls whatever
 * the mapping's size, and a row whose Okta user was deactivated since is refused, with its reason, on
 * the request it would serve (resolve-requester.ts).
 */
import type { Grant } from '../../domain/grant';
import type { PolicySettings } from '../../domain/policy';
import {
  ADMIN_ERRORS,
  LIMITS,
  NEEDS_MAPPING_DAYS,
  type NeedsMapping,
  type OktaUserHit,
  type PolicyParsed,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuse, type Refusal } from '../errors';
import { displayNames, ok, withDirectory } from './shared';

type Rows = PolicyParsed['requesterMapping'];

/** Okta users whose login, email or name starts with the query, any status (the page says which can be mapped). */
export const searchOktaUsers = (deps: Pick<AppDeps, 'directory'>, input: { query: string }) =>
  withDirectory<OktaUserHit[]>(deps, async (d) =>
    ok(
      (await d.searchUsers(input.query, LIMITS.oktaUserHits)).map((u) => ({
        login: u.login,
        name: u.name,
        email: u.email,
        status: u.status,
      })),
    ),
  );

const JIRA_CHUNK = 10;

/**
 * Every row the save adds or changes names a Jira account Jira knows and an Okta login of an ACTIVE
 * Okta user. Answers undefined when they do, or the refusal with a message on each row concerned
 * (`requesterMapping.<i>.accountId` / `.oktaLogin`). Okta failing is a refusal too: nothing is saved.
 */
export async function checkRequesterMapping(
  deps: Pick<AppDeps, 'issues' | 'directory'>,
  before: PolicySettings['requesterMapping'],
  rows: Rows,
): Promise<Refusal | undefined> {
  const changed = rows.map((r, i) => ({ ...r, i })).filter((r) => before[r.accountId] !== r.oktaLogin);
  if (changed.length === 0) return undefined;
  const fields: Record<string, string> = {};

  // Jira: the account exists (read as the app, ten at a time).
  const unknownAccounts: string[] = [];
  for (let k = 0; k < changed.length; k += JIRA_CHUNK) {
    const chunk = changed.slice(k, k + JIRA_CHUNK);
    const users = await Promise.all(chunk.map((r) => deps.issues.getUser(r.accountId)));
    chunk.forEach((r, j) => {
      if (users[j]) return;
      unknownAccounts.push(r.accountId);
      fields[`requesterMapping.${r.i}.accountId`] =
        `Jira has no account ${r.accountId}. Choose the person with Find in Jira, or copy the id from their Jira profile URL.`;
    });
  }

  // Okta: the login is an ACTIVE user's (batched exact-login searches).
  const okta = await withDirectory(deps, async (d) => ok(await d.findUsersByLogins(changed.map((r) => r.oktaLogin))));
  if (!okta.ok) return { ...okta, message: `${okta.message} The policy was not saved.` };
  const byLogin = new Map(okta.data.map((u) => [u.login.toLowerCase(), u]));
  const unusable: string[] = [];
  for (const r of changed) {
    const u = byLogin.get(r.oktaLogin.toLowerCase());
    if (u && u.status === 'ACTIVE') continue;
    unusable.push(r.oktaLogin);
    fields[`requesterMapping.${r.i}.oktaLogin`] = u
      ? `The Okta user ${u.login} is ${u.status}, not ACTIVE: the app could not grant them anything. Activate them in Okta or choose another login.`
      : `No Okta user has the login ${r.oktaLogin}. Choose the person with Find in Okta.`;
  }

  if (unknownAccounts.length === 0 && unusable.length === 0) return undefined;
  const parts: string[] = [];
  if (unknownAccounts.length > 0) parts.push(`Jira has no account ${unknownAccounts.join(', ')}.`);
  if (unusable.length > 0)
    parts.push(
      `${unusable.length === 1 ? 'This Okta login is' : 'These Okta logins are'} not an active Okta user: ${unusable.join(', ')}.`,
    );
  return refuse(
    unknownAccounts.length > 0 ? ADMIN_ERRORS.unknownAccount : ADMIN_ERRORS.unusableOktaUser,
    `${parts.join(' ')} See the rows marked in the requester mapping. Nothing was saved.`,
    fields,
  );
}

/** Denials that an explicit mapping fixes (resolve-requester.ts): email hidden, no or several Okta users by email. */
const NEEDS_MAPPING_CODES: Record<string, string> = {
  'IDENTITY.EMAIL_HIDDEN': 'Jira hides their email from the app',
  'USER.NOT_FOUND': 'No Okta user has the email Jira shows',
  'USER.AMBIGUOUS': 'Several Okta users have the email Jira shows',
};

const DAY_MS = 86_400_000;

/**
 * People whose requests of the last NEEDS_MAPPING_DAYS days were denied for want of a mapping and who
 * are not mapped now, newest denial first. One read of those days' requests (what the dashboard reads
 * for its chart), at most LIMITS.needsMappingHits people.
 */
export async function needsMapping(
  deps: Pick<AppDeps, 'grants' | 'issues' | 'clock'>,
  policy: PolicySettings,
): Promise<NeedsMapping[]> {
  const now = deps.clock.now();
  const from = new Date(Date.parse(now) - NEEDS_MAPPING_DAYS * DAY_MS).toISOString();
  const recent = await deps.grants.listRequestedBetween(from, now);
  const latest = new Map<string, Grant>();
  for (const g of recent) {
    if (g.status !== 'DENIED' || !g.reasonCode || !(g.reasonCode in NEEDS_MAPPING_CODES)) continue;
    if (policy.requesterMapping[g.requesterAccountId]) continue;
    const seen = latest.get(g.requesterAccountId);
    if (!seen || seen.requestedAt < g.requestedAt) latest.set(g.requesterAccountId, g);
  }
  const people = [...latest.values()]
    .sort((a, b) => b.requestedAt.localeCompare(a.requestedAt))
    .slice(0, LIMITS.needsMappingHits);
  const names = await displayNames(
    deps,
    people.map((g) => g.requesterAccountId),
  );
  return people.map((g) => ({
    accountId: g.requesterAccountId,
    name: names.get(g.requesterAccountId) ?? g.requesterAccountId,
    issueKey: g.issueKey,
    at: g.requestedAt,
    reason: NEEDS_MAPPING_CODES[g.reasonCode!],
  }));
}
