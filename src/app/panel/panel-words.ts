/**
 * The issue panel's words for people (issue 13 §2). A grant's reason and its audit details are
 * written once, for the record: they carry Okta API paths, HTTP statuses, error codes, group, user
 * and account ids and ISO instants, and the stored trail and the CSV keep them exactly so. The panel
 * reads them through here instead: ids become names, instants the viewer's local time, and the
 * technical part (path, status, codes) moves to `details`, which the panel shows only behind
 * "Details". Pure text in, text out: the stored audit is never rewritten.
 */
import { END_REASON_LABELS, END_REASONS, withoutCode, type EndReason } from '../../shared/vocabulary';
import { shortWhen } from '../../shared/when';

/** What the panel knows to put in place of an id or an instant. */
export interface Glossary {
  /** The allowlist's display name of an Okta group id, if it is allowlisted. */
  groupName(groupId: string): string | undefined;
  /** A Jira account's display name, if known. */
  personName(accountId: string): string | undefined;
  timeZone: string;
  /** The server's now, so a time of this year is written without the year. */
  now: string;
}

/** Words for a person, and the technical detail that stays behind "Details". */
export interface Words {
  text: string;
  details?: string;
}

export const OKTA_GROUP_IDS = /\b00g[A-Za-z0-9]{17}\b/g;
const NAMED_GROUP_ID = / \((00g[A-Za-z0-9]{17})\)/g;
const OKTA_USER = /\bOkta user 00u[A-Za-z0-9]{17}(?: \([^)]*\))?/g;
const OKTA_USER_ID = /\b00u[A-Za-z0-9]{17}\b/g;
/** Jira account ids: `557058:<uuid>`-style (any numeric prefix) and the older 24-hex form. */
export const ACCOUNT_IDS = /\b(?:\d{6}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{24})\b/gi;
export const ISO_INSTANTS = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\b/g;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const END_REASON_TOKENS = new RegExp(`\\((${END_REASONS.join('|')})\\)`, 'g');

/** Marks of text meant for an engineer, not the person reading the panel. */
const TECHNICAL = [
  /\/api\/v1\//,
  /\bHTTP \d{3}\b/,
  /\bE\d{7}\b/,
  /Okta said:/,
  /\b(?:GET|PUT|POST|DELETE|PATCH) \//,
  /\bokta\.[a-z]+\.[a-z.]+/,
  /\binvalid_[a-z_]+\b/,
];
const isTechnical = (s: string) => TECHNICAL.some((re) => re.test(s));
const firstTechnicalAt = (s: string) =>
  Math.min(...TECHNICAL.map((re) => re.exec(s)?.index ?? Infinity).filter((i) => i >= 0));

/** Account ids named in a text, so their display names can be looked up before it is rewritten. */
export const accountIdsIn = (text: string): string[] => [...new Set(text.match(ACCOUNT_IDS) ?? [])];

/** Ids, instants and logins in a text, in words: for text already meant for people. */
export function humanize(text: string, g: Glossary): string {
  return (
    text
      // The Okta user first: its login in brackets goes with it.
      .replace(OKTA_USER, "the requester's Okta account")
      .replace(OKTA_USER_ID, 'an Okta user')
      .replace(EMAIL, '[email hidden]')
      // "PAM Linux Sysadmins (00g...)": the name is already there, the id goes.
      .replace(NAMED_GROUP_ID, (m, id: string, offset: number, whole: string) => {
        const name = g.groupName(id);
        return name && whole.slice(0, offset).endsWith(name) ? '' : m;
      })
      .replace(OKTA_GROUP_IDS, (id) => {
        const name = g.groupName(id);
        return name ? `"${name}"` : 'a group no longer on the allowlist';
      })
      .replace(ACCOUNT_IDS, (id) => g.personName(id) ?? 'a Jira user')
      .replace(ISO_INSTANTS, (iso) => shortWhen(iso, g.timeZone, g.now))
      .replace(END_REASON_TOKENS, (_, r: EndReason) => `(${END_REASON_LABELS[r]})`)
  );
}

/**
 * A reason or audit detail split into what a person reads and what an engineer needs. Sentences that
 * name an Okta path, status, error code or permission go to `details` whole; the clause before such a
 * sentence's colon ("Okta refused the change: ...") stays, as it says what happened. A leading
 * app error code (`GRANT.NOT_ALLOWLISTED: ...`) goes to `details` too.
 */
export function splitForPeople(
  raw: string,
  g: Glossary,
  extra: string[] = [],
  /** Said when every sentence was technical. */
  fallback = 'Okta did not accept the change.',
): Words {
  const plain = withoutCode(raw);
  const code = plain === raw ? undefined : raw.slice(0, raw.length - plain.length).replace(/:\s*$/, '');
  const keep: string[] = [];
  const technical: string[] = [];
  for (const sentence of sentences(plain)) {
    if (!isTechnical(sentence)) {
      keep.push(sentence);
      continue;
    }
    technical.push(sentence);
    const lead = leadClause(sentence);
    if (lead) keep.push(lead);
  }
  const text = humanize(keep.join(' '), g).trim();
  const details = [
    ...technical.map((s) => s.replace(EMAIL, '[email hidden]')),
    ...(code ? [`Code: ${code}`] : []),
    ...extra,
  ];
  return {
    text: text || (technical.length ? fallback : ''),
    ...(details.length ? { details: details.join(' ') } : {}),
  };
}

/** Sentence ends: a full stop (or ! ?) followed by a space and a capital or a quote. */
const sentences = (text: string): string[] =>
  text
    .split(/(?<=[.!?])\s+(?=[A-Z"'(])/)
    .map((s) => s.trim())
    .filter(Boolean);

/** "Okta refused the change: Okta refused PUT /api/..." → "Okta refused the change." */
function leadClause(sentence: string): string | undefined {
  const colon = sentence.indexOf(':');
  if (colon <= 0 || colon > firstTechnicalAt(sentence)) return undefined;
  const lead = sentence.slice(0, colon).trim();
  if (isTechnical(lead) || lead.split(/\s+/).length < 3) return undefined;
  return `${lead}.`;
}
