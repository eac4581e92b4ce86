/**
 * The Okta connection: domain, how the app signs in, and the credentials. Secrets are write-only:
 * they come in with a save or a test, and only "set" / "not set" ever goes back out. A save tests what
 * it saved; every test of the saved settings is kept as the connection's lasting status, and one that
 * works closes the credential breaker so the removals that waited run at once.
 */
import { credentialTarget, validateOktaDomain, type OktaAuthMethod } from '../../domain/okta-domain';
import {
  ADMIN_ERRORS,
  OKTA_SCOPE_PURPOSES,
  type ConnectionInputParsed,
  type ConnectionSaved,
  type ConnectionStatus,
  type ConnectionTestResult,
  type ConnectionView,
} from '../../shared/admin-contract';
import type { AppDeps } from '../deps';
import { refuse } from '../errors';
import { closeOktaBreaker } from '../okta-gate';
import { DirectoryError, type OktaConnection, type OktaSecrets } from '../ports';
import { auditConfigChange, ok, withOktaFacts, wordsForAdmin, type AdminOutcome } from './shared';

// Closing the credential breaker resumes grant work, which needs the whole app.
type Deps = AppDeps;

// The stored connection (a port type) and the form name the same sign-in methods: a method added to
// one list and not the other fails this check.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameMethods: Same<OktaConnection['auth']['method'], OktaAuthMethod> = true;
void sameMethods;

function view(connection: OktaConnection | undefined, secrets: OktaSecrets): ConnectionView {
  const method = connection?.auth.method ?? 'api-token';
  return {
    configured: connection !== undefined && (method === 'api-token' ? !!secrets.apiToken : !!secrets.privateKeyPem),
    domain: connection?.domain,
    method,
    clientId: connection?.auth.method === 'oauth' ? connection.auth.clientId : undefined,
    keyId: connection?.auth.method === 'oauth' ? connection.auth.keyId : undefined,
    apiToken: secrets.apiToken ? 'set' : 'not set',
    privateKey: secrets.privateKeyPem ? 'set' : 'not set',
  };
}

export async function getConnection(deps: Pick<Deps, 'config' | 'health'>): Promise<AdminOutcome<ConnectionView>> {
  const [connection, secrets, status] = await Promise.all([
    deps.config.getConnection(),
    deps.config.getSecrets(),
    connectionStatus(deps),
  ]);
  return ok({ ...view(connection, secrets), ...(status ? { status } : {}) });
}

/**
 * How the saved connection stands: Okta rejecting the app's credentials now (the breaker) comes first,
 * then the last test of the saved settings. Undefined when nothing is saved.
 */
export async function connectionStatus(deps: Pick<Deps, 'config' | 'health'>): Promise<ConnectionStatus | undefined> {
  const [connection, check, breaker] = await Promise.all([
    deps.config.getConnection(),
    deps.health.lastConnectionCheck(),
    deps.health.oktaBreaker(),
  ]);
  if (!connection) return undefined;
  if (breaker) {
    // The breaker keeps the Okta adapter's message (written for every caller, with Okta's status and
    // code): the admin reads what to do, the adapter's words go behind Details.
    const what = connection.auth.method === 'api-token' ? 'the API token' : "the service app's credentials";
    const fix = connection.auth.method === 'api-token' ? 'the token' : 'the client id and private key';
    return {
      state: 'problem',
      checkedAt: check?.at,
      problem: `Okta did not accept ${what}. Removals and grants wait until it does. Check ${fix} on the Okta connection tab: correct it and Save, or use Test connection once it is fixed in Okta.`,
      problemDetails: `${oktaSide(breaker.message, breaker.openedAt)}${breaker.requestId ? ` (Okta request id ${breaker.requestId})` : ''}`,
    };
  }
  if (!check) return { state: 'unchecked' };
  return check.ok
    ? { state: 'ok', checkedAt: check.at, ...(check.orgName ? { orgName: check.orgName } : {}) }
    : {
        state: 'problem',
        checkedAt: check.at,
        ...(check.orgName ? { orgName: check.orgName } : {}),
        problem: check.problem ?? 'The last test of the connection failed.',
        ...(check.problemDetails ? { problemDetails: check.problemDetails } : {}),
      };
}

/** The technical sentences of the adapter's message (status, code); its advice is replaced by the words. */
const oktaSide = (message: string, at: string): string =>
  wordsForAdmin(message, new Map(), new Map(), at).details ?? message;

/** A test of the saved settings becomes the lasting status; credentials that work close the breaker. */
async function recordCheck(deps: Deps, result: ConnectionTestResult): Promise<void> {
  await deps.health.recordConnectionCheck({
    at: deps.clock.now(),
    ok: result.level === 'ok',
    ...(result.orgName ? { orgName: result.orgName } : {}),
    ...(result.level === 'ok' ? {} : { problem: result.message }),
    ...(result.level !== 'ok' && result.details ? { problemDetails: result.details } : {}),
  });
  // A token Okta refuses (invalid_scope) does not work either, even though the credentials were accepted.
  if (result.credentialsOk && result.level !== 'error') await closeOktaBreaker(deps);
}

/**
 * The connection and secrets the form describes: typed secrets win, an empty secret field keeps the
 * stored one. Only the secret of the chosen method is kept, so a switched-away token does not linger.
 */
async function resolveDraft(deps: Pick<Deps, 'config'>, input: ConnectionInputParsed) {
  const domain = validateOktaDomain(input.domain);
  if (!domain.ok) return refuse(ADMIN_ERRORS.domain, domain.reason);
  const [stored, storedConnection] = await Promise.all([deps.config.getSecrets(), deps.config.getConnection()]);
  const target = credentialTarget(domain.host, input.method === 'oauth' ? (input.clientId ?? '') : undefined);
  const connection: OktaConnection =
    input.method === 'api-token'
      ? { domain: domain.host, auth: { method: 'api-token' } }
      : {
          domain: domain.host,
          auth: { method: 'oauth', clientId: input.clientId ?? '', ...(input.keyId ? { keyId: input.keyId } : {}) },
        };
  // A stored secret only ever goes back to the org (and service app) it was entered for: sending this
  // tenant's token to a newly typed domain would hand it to whoever runs that org.
  const sameTarget =
    stored.boundTo !== undefined
      ? stored.boundTo === target
      : storedConnection?.domain === connection.domain &&
        (connection.auth.method !== 'oauth' ||
          (storedConnection.auth.method === 'oauth' && storedConnection.auth.clientId === connection.auth.clientId));
  const reusable: OktaSecrets = sameTarget ? stored : {};
  const secrets: OktaSecrets =
    input.method === 'api-token'
      ? { apiToken: input.apiToken || reusable.apiToken, boundTo: target }
      : { privateKeyPem: input.privateKeyPem || reusable.privateKeyPem, boundTo: target };
  if (input.method === 'api-token' && !secrets.apiToken) {
    return refuse(
      ADMIN_ERRORS.secretRequired,
      sameTarget || !stored.apiToken
        ? 'Enter the Okta API token (Okta Admin › Security › API › Tokens).'
        : 'The domain changed: enter the API token for this Okta org. The stored token is only used with the org it was entered for.',
    );
  }
  if (input.method === 'oauth' && !secrets.privateKeyPem) {
    return refuse(
      ADMIN_ERRORS.secretRequired,
      sameTarget || !stored.privateKeyPem
        ? "Paste the service app's private key (PEM). Okta shows it once, when you add the key to the app."
        : 'The domain or client id changed: paste the private key for this service app. The stored key is only used with the app it was entered for.',
    );
  }
  const secret = (x: OktaSecrets) => (connection.auth.method === 'api-token' ? x.apiToken : x.privateKeyPem);
  const matchesSaved =
    storedConnection !== undefined &&
    sameConnection(storedConnection, connection) &&
    secret(stored) === secret(secrets);
  return {
    ok: true as const,
    connection,
    secrets,
    stored,
    matchesSaved,
    typed: { apiToken: !!input.apiToken, privateKey: !!input.privateKeyPem },
  };
}

function sameConnection(a: OktaConnection, b: OktaConnection): boolean {
  if (a.domain !== b.domain || a.auth.method !== b.auth.method) return false;
  return (
    a.auth.method !== 'oauth' ||
    (b.auth.method === 'oauth' && a.auth.clientId === b.auth.clientId && a.auth.keyId === b.auth.keyId)
  );
}

export async function saveConnection(
  deps: Deps,
  actor: string,
  input: ConnectionInputParsed,
): Promise<AdminOutcome<ConnectionSaved>> {
  const draft = await resolveDraft(deps, input);
  if (!draft.ok) return draft;
  await deps.config.saveSecrets(draft.secrets);
  try {
    await deps.config.saveConnection(draft.connection);
  } catch (e) {
    // Keep the pair consistent: new secrets with the old connection would be a half-saved form.
    await deps.config.saveSecrets(draft.stored);
    throw e;
  }
  const changes = [
    `domain ${draft.connection.domain}`,
    `sign-in ${draft.connection.auth.method === 'oauth' ? `OAuth service app ${draft.connection.auth.clientId}` : 'API token'}`,
    ...(draft.typed.apiToken ? ['API token replaced'] : []),
    ...(draft.typed.privateKey ? ['private key replaced'] : []),
  ];
  await auditConfigChange(deps, actor, `Okta connection saved: ${changes.join(', ')}.`);
  // Tests exactly what was stored: a save never says success for credentials Okta refuses.
  let test: ConnectionTestResult;
  try {
    test = await tryConnection(deps, draft.connection, draft.secrets);
  } catch {
    test = {
      credentialsOk: false,
      missingScopes: [],
      level: 'error',
      message:
        'The connection was saved but could not be tested: the app failed while calling Okta. Use Test connection in a minute.',
    };
  }
  await recordCheck(deps, test);
  const status = await connectionStatus(deps);
  return ok({ ...view(draft.connection, draft.secrets), ...(status ? { status } : {}), test });
}

const purpose = (scope: string): string => (OKTA_SCOPE_PURPOSES as Record<string, string>)[scope] ?? 'work';

/**
 * Tries the form's settings against Okta without saving them. When they are the saved settings, the
 * result is the connection's status (and working credentials close the breaker); when they differ, it
 * says so, since it tells nothing about the connection the app uses.
 */
export async function testConnection(
  deps: Deps,
  input: ConnectionInputParsed,
): Promise<AdminOutcome<ConnectionTestResult>> {
  const draft = await resolveDraft(deps, input);
  if (!draft.ok) return draft;
  const result = await tryConnection(deps, draft.connection, draft.secrets);
  if (draft.matchesSaved) {
    await recordCheck(deps, result);
    return ok(result);
  }
  return ok({
    ...result,
    unsaved: true,
    message: `${result.message} These settings are not saved: the app keeps using the saved connection until you Save.`,
  });
}

/**
 * Tests the saved connection as it is stored (no form): the result becomes the lasting status, like a
 * Test connection of the saved settings. Undefined when nothing is saved.
 */
export async function checkSavedConnection(deps: Deps): Promise<ConnectionTestResult | undefined> {
  const [connection, secrets] = await Promise.all([deps.config.getConnection(), deps.config.getSecrets()]);
  if (!connection) return undefined;
  const result = await tryConnection(deps, connection, secrets);
  await recordCheck(deps, result);
  return result;
}

async function tryConnection(
  deps: Deps,
  connection: OktaConnection,
  secrets: OktaSecrets,
): Promise<ConnectionTestResult> {
  const host = connection.domain;
  try {
    const directory = deps.directoryFor(connection, secrets);
    const { orgName, missingScopes } = await directory.testConnection();
    if (missingScopes.length > 0 && connection.auth.method === 'oauth') {
      // Okta refuses a token request naming any scope not granted: nothing works until all are.
      const needs = missingScopes.map((s) => `${s} (to ${purpose(s)})`).join(', ');
      return {
        credentialsOk: true,
        orgName,
        missingScopes,
        level: 'error',
        message: `Okta accepted the service app's credentials but refuses it a token (invalid_scope): the app has not been granted ${needs}. Until it is, the app can neither grant nor revoke access. Grant ${missingScopes.length > 1 ? 'them' : 'it'} in Okta Admin › Applications › your service app › Okta API Scopes, then test again.`,
      };
    }
    if (missingScopes.length > 0) {
      const needs = missingScopes.map((s) => `${purpose(s)} (${s})`).join('; ');
      return {
        credentialsOk: true,
        orgName,
        missingScopes,
        level: 'warning',
        message: `Connected to ${orgName}, but Okta refuses the API token's admin what the app needs: ${needs}. Give that admin a role with these permissions (listed on the allowlist tab), then test again.`,
      };
    }
    const checked =
      connection.auth.method === 'oauth'
        ? 'the service app has every scope the app asks for'
        : 'the API token can read users and groups';
    return {
      credentialsOk: true,
      orgName,
      missingScopes: [],
      level: 'ok',
      message: `Connected to ${orgName}. The credentials work and ${checked}; each group's permissions are checked when it is allowlisted.`,
    };
  } catch (e) {
    if (!(e instanceof DirectoryError)) throw e;
    return {
      credentialsOk: false,
      missingScopes: [],
      level: 'error',
      message: testFailureMessage(e, host, connection.auth.method),
      details: oktaDetails(e, deps.clock.now()),
    };
  }
}

/**
 * Okta's technical side of a failed test, for the Details toggle: the adapter's technical sentences
 * (path, HTTP status, Okta's summary) and what support asks for, Okta's error code and request id.
 */
function oktaDetails(e: DirectoryError, now: string): string {
  return withOktaFacts(oktaSide(e.message, now), e);
}

/**
 * What a failed test says to the admin: what Okta did and what to check, in words. Okta's status,
 * codes and paths are in `oktaDetails`, behind Details (issue 13 §2).
 */
function testFailureMessage(e: DirectoryError, host: string, method: OktaAuthMethod): string {
  switch (e.kind) {
    case 'configuration':
      return method === 'api-token'
        ? 'Okta did not accept the API token. Check in Okta Admin › Security › API › Tokens that it is active and was created by an admin who can manage the groups, or create a new one and paste it here.'
        : "Okta did not accept the service app's credentials. Check the client id, that the app uses public key / private key authentication, and that the public key of this private key (with this key id) is registered on the app.";
    case 'transient':
      return `Could not reach Okta at ${host}. Check that this is your org's domain; if it is, Okta may be busy: try again in a minute.`;
    case 'not-found':
      return `No Okta org answered at ${host}. Check the spelling of the domain.`;
    case 'permanent':
      return 'Okta refused the test. The admin that owns these credentials needs read access to users, groups and roles.';
  }
}
