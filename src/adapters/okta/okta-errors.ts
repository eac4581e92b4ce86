/**
 * The Okta adapter's errors (architecture rules 6 and 7). Every failure of an Okta call leaves this
 * layer as one of the classes below, all of them a `DirectoryError` from the ports, so use cases sort
 * them by `kind` without knowing Okta. Each keeps the original failure as `cause` and, in `details`,
 * the HTTP status, Okta's `errorCode`, `X-Okta-Request-Id` and (when known) how long to wait.
 *
 * Messages are written for an admin and never carry credentials: the client builds them from fixed
 * text plus Okta's own error summary, and `redact` strips any secret that might still slip in.
 */
import { DirectoryError } from '../../app/ports';

export interface OktaErrorDetails {
  status?: number;
  oktaErrorCode?: string;
  retryAfterMs?: number;
  /** Held back by the client's pacing (nothing sent): see `DirectoryError.details.paced`. */
  paced?: { spreadMs: number };
  requestId?: string;
}

/**
 * Okta is busy or unreachable right now: HTTP 429 (rate limit), 5xx, a timeout or a network error.
 * The outcome of a write is unknown. Caller: retry later — after `details.retryAfterMs` when it is
 * set (computed from Okta's rate-limit headers), else with exponential backoff and jitter — and after
 * a write, verify by reading the membership before acting on the result.
 */
export class OktaTransientError extends DirectoryError {
  constructor(message: string, details: OktaErrorDetails = {}, options?: { cause?: unknown }) {
    super('transient', message, details, options);
    this.name = 'OktaTransientError';
  }
}

/**
 * The user, group or membership does not exist in Okta (HTTP 404, `E0000007`). Caller: do not retry;
 * treat the thing as gone (a removal is then done) or refuse with a message that names it.
 */
export class OktaNotFoundError extends DirectoryError {
  constructor(message: string, details: OktaErrorDetails = {}, options?: { cause?: unknown }) {
    super('not-found', message, details, options);
    this.name = 'OktaNotFoundError';
  }
}

/**
 * Okta understood the request and refused it, and will refuse it again (HTTP 403 `E0000006`, other
 * 4xx, or an answer this adapter cannot read). Caller: do not retry; fail the work visibly and show
 * the message — an Okta admin must act (group type, admin role permissions, ...).
 */
export class OktaPermanentError extends DirectoryError {
  constructor(message: string, details: OktaErrorDetails = {}, options?: { cause?: unknown }) {
    super('permanent', message, details, options);
    this.name = 'OktaPermanentError';
  }
}

/**
 * The connection itself is broken: Okta rejected the credentials (HTTP 401 `E0000011`, `invalid_client`)
 * or the OAuth app lacks a scope. Caller: do not retry; report it on the admin page — a Jira admin
 * must fix the Okta settings (token, client id, key, granted scopes) before anything else works.
 */
export class OktaConfigurationError extends DirectoryError {
  constructor(message: string, details: OktaErrorDetails = {}, options?: { cause?: unknown }) {
    super('configuration', message, details, options);
    this.name = 'OktaConfigurationError';
  }
}

/** Replaces every occurrence of each secret (at least 8 characters long) by `[redacted]`. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 8) out = out.split(s).join('[redacted]');
  }
  return out;
}

/** The `cause` of a status error: what Okta answered, already free of secrets. */
export class OktaHttpResponseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    summary: string,
  ) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}: ${summary}`);
    this.name = 'OktaHttpResponseError';
  }
}

/**
 * Strings that must never appear in a message: the configured credential (kept first) and the most
 * recent assertions and access tokens.
 */
export class SecretList {
  private readonly secrets: string[] = [];

  remember(s: string): void {
    if (!s) return;
    this.secrets.push(s);
    if (this.secrets.length > 20) this.secrets.splice(2, this.secrets.length - 20);
  }

  redact(text: string): string {
    return redact(text, this.secrets);
  }
}
