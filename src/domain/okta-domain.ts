/**
 * The Okta org host the app may send credentials to. Checked before any call, because a look-alike
 * (x.okta.com.evil.com) or an internal address would receive the API token.
 */
export const OKTA_HOST_SUFFIXES = ['.okta.com', '.oktapreview.com', '.okta-emea.com', '.okta-gov.com', '.okta.mil'];
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** How the app signs in to Okta: an SSWS API token, or an OAuth service app with a private key. */
export const OKTA_AUTH_METHODS = ['api-token', 'oauth'] as const;
export type OktaAuthMethod = (typeof OKTA_AUTH_METHODS)[number];

/**
 * The OAuth scopes the app requests for a service-app token: exactly the ones the admin page and the
 * README tell the Okta admin to grant, because Okta refuses a token request that names any scope the
 * app was not granted (`invalid_scope`). Per Okta's Management API spec each read of groups, group
 * members and group rules needs okta.groups.read and each membership change okta.groups.manage, so
 * both are requested (docs/adr/0008-okta-scopes-and-role.md).
 */
export const OKTA_SCOPES = ['okta.users.read', 'okta.groups.read', 'okta.groups.manage', 'okta.roles.read'] as const;
export type OktaScope = (typeof OKTA_SCOPES)[number];

/** Identifies what a set of Okta credentials belongs to: the org host, and the OAuth client if any. */
export const credentialTarget = (host: string, clientId?: string): string => `${host.toLowerCase()}|${clientId ?? ''}`;

export type OktaDomainResult = { ok: true; origin: string; host: string } | { ok: false; reason: string };

export function validateOktaDomain(input: unknown): OktaDomainResult {
  if (typeof input !== 'string' || input.trim() === '')
    return { ok: false, reason: 'Enter your Okta domain, for example acme.okta.com.' };
  let raw = input.trim().toLowerCase();
  if (raw.length > 253) return { ok: false, reason: 'That domain is too long.' };
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(raw)) {
    if (!raw.startsWith('https://')) return { ok: false, reason: 'The Okta domain must use https.' };
    raw = raw.slice('https://'.length);
  }
  if (raw.endsWith('/')) raw = raw.slice(0, -1);
  if (/[/?#@\\]/.test(raw))
    return {
      ok: false,
      reason: 'Enter only the host name (no path, query or credentials), for example acme.okta.com.',
    };
  if (raw.includes(':')) return { ok: false, reason: 'The Okta domain cannot have a port.' };
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(raw) || raw.startsWith('['))
    return { ok: false, reason: 'The Okta domain must be a host name, not an IP address.' };
  const suffix = OKTA_HOST_SUFFIXES.find((s) => raw.endsWith(s));
  if (!suffix)
    return { ok: false, reason: `The domain must be an Okta org host ending in ${OKTA_HOST_SUFFIXES.join(', ')}.` };
  const labels = raw.slice(0, -suffix.length).split('.');
  // One org label (acme) or org plus Okta cell subdomain is not used; admin consoles (acme-admin) are refused.
  if (labels.length !== 1 || !labels.every((l) => LABEL.test(l)))
    return { ok: false, reason: 'Use your org host, for example acme.okta.com.' };
  if (labels[0].endsWith('-admin'))
    return { ok: false, reason: 'Use the org host (acme.okta.com), not the admin console host (acme-admin.okta.com).' };
  return { ok: true, origin: `https://${raw}`, host: raw };
}
