/**
 * Small pieces every admin use case shares: the result type, how an Okta failure reads on the admin
 * page, Jira display names for account ids, and the CONFIG_CHANGED audit entry.
 */
import { ADMIN_ERRORS } from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuseWithDetails, type Outcome, type Refusal } from '../errors';
import { DirectoryError } from '../ports';
import { splitForPeople, type Words } from '../panel/panel-words';

/** An admin use case answers with data or an expected refusal (code + message for a person). */
export type AdminOutcome<T> = Outcome<{ data: T }>;
export const ok = <T>(data: T): AdminOutcome<T> => ({ ok: true, data });

/**
 * How an Okta failure reads on the admin page. The Okta adapter writes its messages for admins and
 * strips credentials; here they get what to do next.
 */
export function directoryRefusal(e: DirectoryError): Refusal {
  // Words for the admin; Okta's own sentence, status, code and request id go behind Details (issue 13 §2).
  const details = oktaFacts(e);
  switch (e.kind) {
    case 'configuration':
      return refuseWithDetails(
        ADMIN_ERRORS.notConnected,
        "Okta did not accept the app's credentials, or the connection is not set up. Nothing was changed. Check the settings on the Okta connection tab and use Test connection.",
        details,
      );
    case 'transient':
      return refuseWithDetails(
        ADMIN_ERRORS.oktaUnavailable,
        'Okta is not answering right now. Nothing was changed; try again in a minute.',
        details,
      );
    case 'not-found':
      return refuseWithDetails(
        ADMIN_ERRORS.oktaNotFound,
        'Okta has no such group or user (it may have been removed). Nothing was changed.',
        details,
      );
    case 'permanent':
      return refuseWithDetails(
        ADMIN_ERRORS.oktaRefused,
        'Okta refused the request. Nothing was changed; Details says what Okta answered.',
        details,
      );
  }
}

/** Okta's side of an error, for the Details toggle: its sentence, and what Okta support asks for. */
function oktaFacts(e: DirectoryError): string {
  return withOktaFacts(e.message, e);
}

/** `text` followed by the HTTP status, Okta error code and Okta request id of `e`, where known. */
export function withOktaFacts(text: string, e: DirectoryError): string {
  const { status, oktaErrorCode, requestId } = e.details;
  const facts = [
    status !== undefined && `HTTP ${status}`,
    oktaErrorCode && `Okta error code ${oktaErrorCode}`,
    requestId && `Okta request id ${requestId}`,
  ].filter(Boolean);
  return `${text}${facts.length ? ` (${facts.join('; ')})` : ''}`;
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

/**
 * A group as the admin page names it (issue 13 §2): its allowlist name; a group not (or no longer) on
 * the allowlist by the end of its id, so two such groups stay apart without showing a raw Okta id
 * (the CSV and the copy buttons keep the whole id).
 */
export const groupLabel = (groupId: string, names: ReadonlyMap<string, string>): string =>
  names.get(groupId) ?? `A group not on the allowlist (id ending ${groupId.slice(-4)})`;

/** A person as the admin page names them: their Jira name; an account Jira does not name, likewise. */
export const personLabel = (accountId: string, names: ReadonlyMap<string, string>): string =>
  names.get(accountId) ?? `A Jira user (id ending ${accountId.slice(-4)})`;

/** What the page says of a text that is all technical (a bare "HTTP 503"); the status goes to the details. */
export const ADMIN_TECHNICAL_ONLY = 'Okta answered with an error.';

/**
 * Stored text (a grant's reason, an audit detail) as the admin page shows it: ids as names, instants
 * in UTC (the page's one time zone), and Okta's path, status and codes split off into `details`, which
 * the page shows only on request. The same split as the issue panel's; the stored text (and so the
 * CSV) keeps everything.
 */
export function wordsForAdmin(
  raw: string,
  groups: ReadonlyMap<string, string>,
  people: ReadonlyMap<string, string>,
  now: string,
): AdminWords {
  // "ACC-2: Okta refused …" (a health record names its issue first): the key stays with the words.
  const key = /^[A-Z][A-Z0-9_]+-\d+: /.exec(raw)?.[0] ?? '';
  const w = splitForPeople(
    raw.slice(key.length),
    { groupName: (id) => groups.get(id), personName: (id) => people.get(id), timeZone: 'UTC', now },
    [],
    // A bare status ("HTTP 503") is not a refusal: say only that Okta answered with an error.
    ADMIN_TECHNICAL_ONLY,
  );
  // A replaced id may open the text ("the requester's Okta account; ends …"): a sentence starts capitalised.
  const text = addressedToAdmin(`${key}${w.text.charAt(0).toUpperCase()}${w.text.slice(1)}`);
  return { ...w, text, ...(OPENS_CONNECTION.test(text) ? { opens: 'okta-connection' as const } : {}) };
}

/** Words for the admin, and the admin page's tab where the fix is made, when the words send them there. */
export interface AdminWords extends Words {
  opens?: 'okta-connection';
}

const OPENS_CONNECTION = /\bOkta connection tab\b/;

/**
 * The stored text is written for the record and for requesters ("A Jira admin must fix it in the Okta
 * JIT Access admin page"); on the admin page the reader is that admin, so the words turn to them and
 * name the tab. The stored text, the requester's comment and the CSV keep the original (issue 13 §2).
 */
const TO_THE_ADMIN: [RegExp, string | ((match: string, first: string) => string)][] = [
  // work-result.ts: a grant that failed for the connection; the admin fixes it, the requester raises it again.
  [
    /\s*A Jira admin must fix it in the Okta JIT Access admin page \(Okta connection\), then the request can be raised again\./g,
    ' Once the connection works, the requester can raise the request again.',
  ],
  // messages.ts: a removal waiting for the connection.
  [/a Jira admin must fix the Okta connection in the app's admin page/g, 'fix it on the Okta connection tab'],
  // okta-gate.ts: the Okta errors card when the breaker opens.
  [/fix the Okta connection on the admin page/g, 'fix it on the Okta connection tab'],
  // self-check.ts: the paused grants.
  [/open Diagnostics on the Okta JIT Access admin page/g, 'open the Diagnostics tab'],
  // The Okta adapter and compose.ts: where the credentials are entered.
  [/ in the app's Okta settings\b/g, ' on the Okta connection tab'],
  [/ in the Okta JIT Access admin page\b/g, ' on the Okta connection tab'],
  // What is left: "A Jira admin must check …" → "Check …"; "…, or a Jira admin must map …" → "…, or map …".
  [/\bA Jira admin must (\w)/g, (_, c) => c.toUpperCase()],
  [/\ba Jira admin must /g, ''],
];

export function addressedToAdmin(text: string): string {
  return TO_THE_ADMIN.reduce(
    (t, [re, to]) => (typeof to === 'string' ? t.replace(re, to) : t.replace(re, to)),
    text,
  ).trim();
}
