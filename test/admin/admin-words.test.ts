/**
 * The admin page reads the app's stored texts as their reader, the admin (issue 13 §2): a sentence
 * written for requesters or the record ("A Jira admin must …") turns to the admin and names the tab
 * where the fix is made; Okta's status and codes go to the details. Pure: the texts are the ones the
 * app writes (work-result, messages, okta-gate, self-check, the Okta adapter, compose).
 */
import { addressedToAdmin, directoryRefusal, wordsForAdmin } from '../../src/app/admin/shared';
import { DirectoryError } from '../../src/app/ports';
import { internalsIn } from '../support/no-internals';

const NOW = '2026-11-22T18:00:00.000Z';
const words = (raw: string) => wordsForAdmin(raw, new Map(), new Map(), NOW);

test.each([
  [
    'a grant failed for the connection (work-result)',
    "The Okta connection is not working: Okta rejected the credentials (HTTP 401 E0000011). A Jira admin must check the API token in the app's Okta settings. A Jira admin must fix it in the Okta JIT Access admin page (Okta connection), then the request can be raised again.",
    'The Okta connection is not working. Check the API token on the Okta connection tab. Once the connection works, the requester can raise the request again.',
    /HTTP 401 E0000011/,
  ],
  [
    'the Okta errors card when the breaker opens (okta-gate)',
    "Okta rejects the app's credentials: Okta rejected the credentials (HTTP 401 E0000011). A Jira admin must check the OAuth client id, key and granted scopes in the app's Okta settings. Okta is now called once every 15 minutes until a call gets through; fix the Okta connection on the admin page and pending removals resume by themselves.",
    "Okta rejects the app's credentials. Check the OAuth client id, key and granted scopes on the Okta connection tab. Okta is now called once every 15 minutes until a call gets through; fix it on the Okta connection tab and pending removals resume by themselves.",
    /HTTP 401/,
  ],
  [
    'credentials not set (compose)',
    'The Okta credentials are not set. A Jira admin must enter them in the Okta JIT Access admin page.',
    'The Okta credentials are not set. Enter them on the Okta connection tab.',
    undefined,
  ],
])('%s', (_what, raw, text, details) => {
  const w = words(raw);
  expect(w.text).toBe(text);
  expect(w.opens).toBe('okta-connection');
  if (details) expect(w.details).toMatch(details);
  expect(internalsIn(w.text)).toEqual([]);
  expect(w.text).not.toMatch(/Jira admin/);
});

test.each([
  // An identity problem: the admin maps the person; nothing to open on the connection tab.
  [
    'No Okta user has the email neville@example.com. A Jira admin must map this person to their Okta login, or an Okta admin must correct the profile.',
    'Map this person to their Okta login, or an Okta admin must correct the profile.',
  ],
  [
    '2 active Okta users have that email. An Okta admin must make it unique, or a Jira admin must map this person to one Okta login explicitly.',
    'An Okta admin must make it unique, or map this person to one Okta login explicitly.',
  ],
  [
    "New grants are paused: the app's self-check found that Forge storage does not behave as the app needs. A Jira admin must open Diagnostics on the Okta JIT Access admin page and send its report to support.",
    "New grants are paused: the app's self-check found that Forge storage does not behave as the app needs. Open the Diagnostics tab and send its report to support.",
  ],
])('%s', (raw, expected) => {
  expect(addressedToAdmin(raw).endsWith(expected)).toBe(true);
  expect(addressedToAdmin(raw)).not.toMatch(/Jira admin/);
});

test('a text that names no admin is left as it is', () => {
  const raw = 'Okta refused the change.';
  expect(addressedToAdmin(raw)).toBe(raw);
  expect(words(raw).opens).toBeUndefined();
});

describe('an Okta error met on an admin step (search, add, lookup) becomes a refusal in words', () => {
  const e = (kind: 'configuration' | 'transient' | 'not-found' | 'permanent') =>
    new DirectoryError(
      kind,
      `Okta rejected the credentials (HTTP 401 E0000011) for GET /api/v1/groups. A Jira admin must check the API token.`,
      { status: 401, oktaErrorCode: 'E0000011', requestId: 'req-123' },
    );
  it.each(['configuration', 'transient', 'not-found', 'permanent'] as const)(
    '%s: no status, code, path or "a Jira admin must" in the words; Okta’s side in the details',
    (kind) => {
      const r = directoryRefusal(e(kind));
      expect(internalsIn(r.message)).toEqual([]);
      expect(r.message).not.toMatch(/Jira admin must|E0000011|\/api\/v1/);
      expect(r.message).toMatch(/Nothing was changed/);
      expect(r.details).toMatch(/HTTP 401.*Okta error code E0000011.*Okta request id req-123/);
    },
  );
});
