/**
 * What a person must never read in the issue panel (issue 13 §2): Okta's API paths, HTTP statuses,
 * Okta error codes, Okta group and user ids, Jira account ids and ISO timestamps. Each pattern is
 * named, so a failure says which kind of internal leaked and where.
 */
export const INTERNALS: Record<string, RegExp> = {
  'an Okta API path': /\/api\/v1\//,
  'an HTTP status': /\bHTTP\b|\b(?:status|error|code) [45]\d\d\b|\([45]\d\d\b/i,
  'an Okta error code': /\bE\d{7}\b/,
  'an Okta group id': /\b00g[A-Za-z0-9]{17}\b/,
  'an Okta user id': /\b00u[A-Za-z0-9]{17}\b/,
  'a Jira account id': /\b\d{6}:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b|\b[0-9a-f]{24}\b/i,
  'an ISO timestamp': /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/,
  // The app's stable codes (GRANT.NOT_ALLOWLISTED, ...): by their namespaces, as rendered text runs
  // words of adjacent elements together ("GMT.PAM Windows") and a bare pattern would see a code there.
  'an app error code':
    /\b(?:GRANT|REQUEST|USER|GROUP|EXTEND|OKTA|IDENTITY|AUTOMATION|AUTH|APPROVAL|POLICY|PANEL|ALLOWLIST|VALIDATION|UI|STORE|REVOKE|JIRA|CONNECTION|ALERT)\.[A-Z][A-Z_]+\b/,
};

/** The internals found in `text`, as "<kind>: <match in context>" lines; empty when there are none. */
export function internalsIn(text: string): string[] {
  return Object.entries(INTERNALS).flatMap(([kind, re]) => {
    const m = re.exec(text);
    return m ? [`${kind}: …${text.slice(Math.max(0, m.index - 40), m.index + m[0].length + 40)}…`] : [];
  });
}
