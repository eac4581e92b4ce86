/**
 * The single choke point for HTTP to Okta (architecture rule 6, first layer): base URL, credentials
 * (SSWS API token, or an OAuth 2.0 service app with private_key_jwt and DPoP), timeout, rate-limit
 * headers, status → typed error with `cause`, zod-checked bodies and `Link` pagination.
 *
 * It never sleeps for long: when Okta says "wait", it throws an `OktaTransientError` carrying
 * `retryAfterMs` and the queue delivers the work again later. The only retries it makes itself are
 * protocol steps that cannot wait: a DPoP nonce challenge, one fresh token after a 401 with a cached
 * token, and one immediate retry of an idempotent GET whose connection was reset.
 */
import { createHash, randomUUID } from 'node:crypto';
import { jose, type CryptoKey, type JWK } from './jose';
import { z } from 'zod';
import {
  OktaConfigurationError, OktaNotFoundError, OktaPermanentError, OktaTransientError, redact,
  type OktaErrorDetails,
} from './okta-errors';
import { oauthErrorBody, oktaErrorBody, tokenResponse, type OktaErrorBody } from './okta-schemas';

export type OktaClientAuth =
  | { kind: 'api-token'; token: string }
  | { kind: 'oauth'; clientId: string; privateKeyPem: string; keyId?: string; scopes: string[] };

export interface OktaHttpClientOptions {
  /** The org's origin, e.g. `https://acme.okta.com` (validated by the caller before we get here). */
  origin: string;
  auth: OktaClientAuth;
  /** Defaults to the global fetch (which is what @forge/api's fetch is in 8.x). */
  fetchImpl?: typeof fetch;
  /** Milliseconds since the epoch; used for token expiry, JWT times and rate-limit fallbacks. */
  now?: () => number;
  /** Per request, including reading the body. Default 10 s. */
  timeoutMs?: number;
  /** In [0, 1); used for jitter. */
  random?: () => number;
  /** Safety cap for `getAll`. Default 100 pages. */
  maxPages?: number;
}

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** When the current window resets, ms since the epoch (from `X-Rate-Limit-Reset`). */
  resetAtMs?: number;
}

export interface OktaResult<T> {
  status: number;
  body: T;
  /** `X-Okta-Request-Id` of the answer, for the audit trail. */
  requestId?: string;
  rateLimit: RateLimitInfo;
}

export interface OktaPage<T> {
  items: T[];
  /** `X-Okta-Request-Id` of every page, in order. */
  requestIds: string[];
  requestId?: string;
}

export interface OAuthScopeReport {
  requested: string[];
  /** From the token response's `scope`; undefined when Okta did not say. */
  granted?: string[];
}

type Method = 'GET' | 'PUT' | 'DELETE' | 'POST';

interface CachedToken {
  accessToken: string;
  /** 'DPoP' or 'Bearer', as Okta answered. */
  tokenType: 'DPoP' | 'Bearer';
  expiresAtMs: number;
  refreshAtMs: number;
  granted?: string[];
}

interface DpopKey { privateKey: CryptoKey; publicJwk: JWK }

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_PAGES = 100;
/** When a 429 comes without usable headers: Okta's windows are one minute. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
const MAX_JITTER_MS = 1_000;
/** Client assertions live 5 minutes (Okta allows up to 1 h). */
const ASSERTION_LIFETIME_S = 300;
/** Refresh a token this long before it expires (or at half its life when that is shorter). */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

export class OktaHttpClient {
  readonly origin: string;
  readonly authKind: OktaClientAuth['kind'];
  private readonly auth: OktaClientAuth;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly maxPages: number;

  private token?: CachedToken;
  private tokenInFlight?: Promise<CachedToken>;
  private signingKey?: Promise<CryptoKey>;
  private dpopKey?: Promise<DpopKey>;
  private tokenNonce?: string;
  private resourceNonce?: string;
  /** Send DPoP proofs to the token endpoint; turned off once if Okta refuses a proof nobody asked for. */
  private useDpop = true;
  /** Strings that must never appear in a message: credentials, assertions, access tokens. */
  private readonly secrets: string[] = [];
  private lastRate: RateLimitInfo = {};

  constructor(options: OktaHttpClientOptions) {
    const url = new URL(options.origin);
    this.origin = url.origin;
    this.auth = options.auth;
    this.authKind = options.auth.kind;
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    if (options.auth.kind === 'api-token') this.rememberSecret(options.auth.token);
    else this.rememberSecret(options.auth.privateKeyPem);
  }

  /** Rate-limit headers of the last Okta answer. */
  get rateLimit(): RateLimitInfo { return { ...this.lastRate }; }

  /** GET one resource (or one page) and check its body with `schema`. */
  async get<T>(pathAndQuery: string, schema: z.ZodType<T>): Promise<OktaResult<T>> {
    const url = this.resolve(pathAndQuery);
    const { response, text } = await this.request('GET', url);
    return { ...this.meta(response), body: this.parse(text, schema, `GET ${url.pathname}`, response) };
  }

  /**
   * GET every page of a list by following `Link: <...>; rel="next"` (never building `after` by
   * hand). Throws OktaPermanentError past `maxPages` rather than answer with part of the list.
   */
  async getAll<T>(pathAndQuery: string, itemSchema: z.ZodType<T>, options: { maxPages?: number } = {}): Promise<OktaPage<T>> {
    const maxPages = options.maxPages ?? this.maxPages;
    const items: T[] = [];
    const requestIds: string[] = [];
    const seen = new Set<string>();
    let url: URL | undefined = this.resolve(pathAndQuery);
    for (let page = 0; url; page++) {
      if (page >= maxPages) {
        throw new OktaPermanentError(
          `Okta's list at ${url.pathname} has more than ${maxPages} pages; the app stopped reading to stay within limits. Narrow the data or contact support.`,
          { requestId: requestIds[requestIds.length - 1] },
        );
      }
      seen.add(url.href);
      const { response, text } = await this.request('GET', url);
      const requestId = response.headers.get('x-okta-request-id') ?? undefined;
      if (requestId) requestIds.push(requestId);
      const body = this.parse(text, z.array(itemSchema), `GET ${url.pathname}`, response);
      items.push(...body);
      const next = nextLink(response.headers.get('link'), url);
      if (next && next.origin !== this.origin) {
        throw new OktaPermanentError(
          `Okta's pagination link for ${url.pathname} points to another host; the app did not follow it.`,
          { status: response.status, requestId },
        );
      }
      url = next && !seen.has(next.href) ? next : undefined;
    }
    return { items, requestIds, requestId: requestIds[requestIds.length - 1] };
  }

  /** A write without a body to read (PUT/DELETE membership): 2xx → its request id; else a typed error. */
  async send(method: 'PUT' | 'DELETE', path: string): Promise<OktaResult<undefined>> {
    const { response } = await this.request(method, this.resolve(path));
    return { ...this.meta(response), body: undefined };
  }

  /** OAuth only: the scopes asked for and those Okta granted (fetching a token if none is cached). */
  async scopeReport(): Promise<OAuthScopeReport | undefined> {
    if (this.auth.kind !== 'oauth') return undefined;
    const token = await this.accessToken();
    return { requested: [...this.auth.scopes], granted: token.granted };
  }

  // ---- requests ----

  private async request(method: Method, url: URL): Promise<{ response: Response; text: string }> {
    let nonceRetried = false;
    let authRetried = false;
    let resetRetried = false;
    for (;;) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      let fromCache = false;
      if (this.auth.kind === 'api-token') {
        headers.Authorization = `SSWS ${this.auth.token}`;
      } else {
        fromCache = this.hasFreshToken();
        const token = await this.accessToken();
        if (token.tokenType === 'DPoP') {
          headers.Authorization = `DPoP ${token.accessToken}`;
          headers.DPoP = await this.dpopProof(method, url, this.resourceNonce, token.accessToken);
        } else {
          headers.Authorization = `Bearer ${token.accessToken}`;
        }
      }
      if (method === 'PUT' || method === 'POST') headers['Content-Type'] = 'application/json';

      let result: { response: Response; text: string };
      try {
        result = await this.fetchWithTimeout(url, { method, headers });
      } catch (e) {
        if (method === 'GET' && !resetRetried && isConnectionReset(e)) { resetRetried = true; continue; }
        throw this.networkError(e, method, url);
      }
      const { response } = result;
      this.noteRateLimit(response);
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) this.resourceNonce = nonce;

      if (this.auth.kind === 'oauth' && response.status === 401) {
        const challenge = parseAuthChallenge(response.headers.get('www-authenticate'));
        if (challenge.error === 'use_dpop_nonce' && nonce && !nonceRetried) { nonceRetried = true; continue; }
        if (fromCache && !authRetried) { authRetried = true; this.token = undefined; continue; }
      }
      if (response.status >= 200 && response.status < 300) return result;
      throw this.statusError(method, url, response, result.text);
    }
  }

  private async fetchWithTimeout(url: URL, init: RequestInit): Promise<{ response: Response; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new TimeoutSignal()), this.timeoutMs);
    try {
      const response = await this.fetchImpl(url.href, { ...init, redirect: 'manual', signal: controller.signal });
      const text = await response.text();
      return { response, text };
    } catch (e) {
      if (controller.signal.aborted) throw new TimeoutSignal(e);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private resolve(pathAndQuery: string): URL {
    if (!pathAndQuery.startsWith('/')) throw new Error(`Okta path must start with "/": ${pathAndQuery}`);
    return new URL(this.origin + pathAndQuery);
  }

  private meta(response: Response): { status: number; requestId?: string; rateLimit: RateLimitInfo } {
    return { status: response.status, requestId: response.headers.get('x-okta-request-id') ?? undefined, rateLimit: readRateLimit(response) };
  }

  private parse<T>(text: string, schema: z.ZodType<T>, where: string, response: Response): T {
    const requestId = response.headers.get('x-okta-request-id') ?? undefined;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new OktaPermanentError(`Okta's answer to ${where} was not JSON.`, { status: response.status, requestId }, { cause: e });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new OktaPermanentError(`Okta's answer to ${where} did not have the expected shape.`, { status: response.status, requestId }, { cause: parsed.error });
    }
    return parsed.data;
  }

  private noteRateLimit(response: Response): void {
    const r = readRateLimit(response);
    if (r.limit !== undefined || r.remaining !== undefined || r.resetAtMs !== undefined) this.lastRate = r;
  }

  // ---- errors ----

  private networkError(e: unknown, method: Method, url: URL): OktaTransientError {
    const where = `${method} ${url.pathname}`;
    if (e instanceof TimeoutSignal) {
      return new OktaTransientError(`Okta did not answer ${where} within ${Math.round(this.timeoutMs / 100) / 10} s; the outcome is unknown.`, {}, { cause: e.cause ?? e });
    }
    return new OktaTransientError(`Could not reach Okta for ${where}; the outcome is unknown.`, {}, { cause: e });
  }

  private statusError(method: Method, url: URL, response: Response, text: string) {
    const status = response.status;
    const requestId = response.headers.get('x-okta-request-id') ?? undefined;
    const body = parseOktaError(text);
    const code = body?.errorCode;
    const summary = body ? describeOktaError(body) : undefined;
    const where = `${method} ${url.pathname}`;
    const details: OktaErrorDetails = { status, oktaErrorCode: code, requestId };
    const cause = new OktaHttpResponseError(status, code, redact(summary ?? text.slice(0, 500), this.secrets));
    const says = summary ? ` Okta said: ${summary}` : '';
    const msg = (m: string) => redact(m, this.secrets);

    if (status === 401) {
      return new OktaConfigurationError(
        msg(`Okta rejected the credentials (HTTP 401${code ? ` ${code}` : ''}). A Jira admin must check the ${this.authKind === 'api-token' ? 'API token' : 'OAuth client id, key and granted scopes'} in the app's Okta settings.`),
        details, { cause });
    }
    if (status === 403) {
      const challenge = parseAuthChallenge(response.headers.get('www-authenticate'));
      if (challenge.error === 'insufficient_scope') {
        const scope = challenge.scope ? `the scope ${challenge.scope}` : 'a scope';
        return new OktaConfigurationError(
          msg(`The Okta OAuth app lacks ${scope} needed for ${where}. An Okta admin must grant it on the app's "Okta API Scopes" tab, then the app must ask for it.`),
          details, { cause });
      }
      return new OktaPermanentError(
        msg(`Okta refused ${where} (HTTP 403${code ? ` ${code}` : ''}): the app's Okta credentials lack permission for this, or the group is not an OKTA_GROUP. An Okta admin must grant the app's admin role the permission for this group.${says}`),
        details, { cause });
    }
    if (status === 404) {
      return new OktaNotFoundError(msg(`Okta has no such resource (${where}).${says}`), details, { cause });
    }
    if (status === 429) {
      return new OktaTransientError(
        msg(`Okta's rate limit was reached (${where}); the app will try again after the limit resets.`),
        { ...details, retryAfterMs: this.rateLimitWaitMs(response) }, { cause });
    }
    if (status >= 500) {
      const retryAfter = retryAfterHeaderMs(response, this.now());
      return new OktaTransientError(
        msg(`Okta had a server error (HTTP ${status}) for ${where}; the outcome is unknown and the app will try again.`),
        { ...details, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter + this.jitter() } : {}) }, { cause });
    }
    if (status >= 300 && status < 400) {
      return new OktaPermanentError(msg(`Okta answered ${where} with an unexpected redirect (HTTP ${status}); check the Okta domain in the app's settings.`), details, { cause });
    }
    return new OktaPermanentError(msg(`Okta refused ${where} (HTTP ${status}${code ? ` ${code}` : ''}).${says}`), details, { cause });
  }

  /** Wait for a 429: `X-Rate-Limit-Reset` against the answer's `Date`, plus jitter. */
  private rateLimitWaitMs(response: Response): number {
    const reset = Number(response.headers.get('x-rate-limit-reset'));
    const dateHeader = response.headers.get('date');
    const date = dateHeader ? Date.parse(dateHeader) : NaN;
    const base = Number.isFinite(date) ? date : this.now();
    if (response.headers.get('x-rate-limit-reset') !== null && Number.isFinite(reset) && reset > 0) {
      return Math.max(0, reset * 1000 - base) + this.jitter();
    }
    const retryAfter = retryAfterHeaderMs(response, this.now());
    return (retryAfter ?? DEFAULT_RATE_LIMIT_WAIT_MS) + this.jitter();
  }

  private jitter(): number {
    return Math.floor(Math.min(Math.max(this.random(), 0), 0.999999) * MAX_JITTER_MS);
  }

  // ---- OAuth ----

  private hasFreshToken(): boolean {
    return !!this.token && this.now() < this.token.refreshAtMs;
  }

  private async accessToken(): Promise<CachedToken> {
    if (this.token && this.now() < this.token.refreshAtMs) return this.token;
    if (!this.tokenInFlight) {
      this.tokenInFlight = this.fetchToken().finally(() => { this.tokenInFlight = undefined; });
    }
    return this.tokenInFlight;
  }

  private async fetchToken(): Promise<CachedToken> {
    if (this.auth.kind !== 'oauth') throw new Error('fetchToken needs OAuth credentials');
    const auth = this.auth;
    const url = new URL(`${this.origin}/oauth2/v1/token`);
    let nonceRetried = false;
    let dpopFallback: { error: string; error_description?: string } | undefined;
    for (;;) {
      const assertion = await this.clientAssertion(auth, url.href);
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: auth.scopes.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      });
      const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' };
      if (this.useDpop) headers.DPoP = await this.dpopProof('POST', url, this.tokenNonce);
      let result: { response: Response; text: string };
      try {
        result = await this.fetchWithTimeout(url, { method: 'POST', headers, body: form.toString() });
      } catch (e) {
        throw this.networkError(e, 'POST', url);
      }
      const { response, text } = result;
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) this.tokenNonce = nonce;
      const requestId = response.headers.get('x-okta-request-id') ?? undefined;

      if (response.ok) {
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        const parsed = tokenResponse.safeParse(json);
        if (!parsed.success) {
          throw new OktaConfigurationError('Okta\'s token endpoint answered in an unexpected shape; check the Okta domain in the app\'s settings.', { status: response.status, requestId }, { cause: parsed.error });
        }
        const t = parsed.data;
        this.rememberSecret(t.access_token);
        const lifeMs = t.expires_in * 1000;
        const now = this.now();
        const token: CachedToken = {
          accessToken: t.access_token,
          tokenType: t.token_type.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer',
          expiresAtMs: now + lifeMs,
          refreshAtMs: now + lifeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifeMs / 2),
          granted: t.scope === undefined ? undefined : t.scope.split(/\s+/).filter(Boolean),
        };
        this.token = token;
        return token;
      }

      const err = parseOAuthError(text);
      if (response.status === 400 && err?.error === 'use_dpop_nonce' && nonce && !nonceRetried) { nonceRetried = true; continue; }
      if (response.status === 400 && err?.error === 'invalid_dpop_proof') {
        // An app without DPoP may refuse a proof it did not ask for: try once without, else report the first refusal.
        if (this.useDpop && !dpopFallback) { dpopFallback = err; this.useDpop = false; continue; }
        if (dpopFallback) { this.useDpop = true; throw this.tokenError(response, dpopFallback, requestId); }
      }
      if (dpopFallback) this.useDpop = true;
      throw this.tokenError(response, err, requestId);
    }
  }

  private tokenError(response: Response, err: { error: string; error_description?: string } | undefined, requestId: string | undefined) {
    const status = response.status;
    const details: OktaErrorDetails = { status, oktaErrorCode: err?.error, requestId };
    const described = err ? `${err.error}${err.error_description ? `: ${err.error_description}` : ''}` : `HTTP ${status}`;
    const cause = new OktaHttpResponseError(status, err?.error, redact(described, this.secrets));
    const msg = (m: string) => redact(m, this.secrets);
    if (status === 429) {
      return new OktaTransientError('Okta\'s rate limit was reached while getting an access token; the app will try again after the limit resets.',
        { ...details, retryAfterMs: this.rateLimitWaitMs(response) }, { cause });
    }
    if (status >= 500) {
      return new OktaTransientError(`Okta's token endpoint had a server error (HTTP ${status}); the app will try again.`, details, { cause });
    }
    if (err?.error === 'invalid_scope') {
      const scopes = this.auth.kind === 'oauth' ? this.auth.scopes.join(', ') : '';
      return new OktaConfigurationError(
        msg(`Okta refused the scopes the app asks for (${scopes}). An Okta admin must grant them on the service app's "Okta API Scopes" tab. Okta said: ${described}`),
        details, { cause });
    }
    if (err?.error === 'invalid_dpop_proof' || err?.error === 'use_dpop_nonce') {
      return new OktaConfigurationError(msg(`Okta refused the app's DPoP proof (${described}). Check the service app's DPoP setting in Okta.`), details, { cause });
    }
    return new OktaConfigurationError(
      msg(`Okta rejected the OAuth client credentials (${described}). A Jira admin must check the client id and private key (and key id) in the app's Okta settings, and that the public key is registered on the Okta service app.`),
      details, { cause });
  }

  /** private_key_jwt (RFC 7523): iss = sub = client id, aud = token URL, exp ≤ 5 min, unique jti. */
  private async clientAssertion(auth: Extract<OktaClientAuth, { kind: 'oauth' }>, audience: string): Promise<string> {
    const key = await this.privateKey(auth);
    const iat = Math.floor(this.now() / 1000);
    const assertion = await new jose.SignJWT({})
      .setProtectedHeader(auth.keyId ? { alg: 'RS256', kid: auth.keyId } : { alg: 'RS256' })
      .setIssuer(auth.clientId)
      .setSubject(auth.clientId)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_S)
      .setJti(randomUUID())
      .sign(key);
    this.rememberSecret(assertion);
    return assertion;
  }

  private privateKey(auth: Extract<OktaClientAuth, { kind: 'oauth' }>): Promise<CryptoKey> {
    if (!this.signingKey) {
      this.signingKey = jose.importPKCS8(auth.privateKeyPem, 'RS256').catch((e: unknown) => {
        this.signingKey = undefined;
        throw new OktaConfigurationError(
          'The OAuth private key could not be read: it must be an RSA private key in PKCS#8 PEM form ("-----BEGIN PRIVATE KEY-----"). A Jira admin must paste it again in the app\'s Okta settings.',
          {}, { cause: new Error(e instanceof Error ? e.name : 'key import failed') });
      });
    }
    return this.signingKey;
  }

  private getDpopKey(): Promise<DpopKey> {
    if (!this.dpopKey) {
      this.dpopKey = (async () => {
        const { privateKey, publicKey } = await jose.generateKeyPair('ES256');
        const { kty, crv, x, y } = await jose.exportJWK(publicKey);
        return { privateKey, publicJwk: { kty, crv, x, y } };
      })();
    }
    return this.dpopKey;
  }

  /** RFC 9449 proof: typ dpop+jwt, jwk, htm, htu (no query), iat, jti, nonce when known, ath with a token. */
  private async dpopProof(method: Method, url: URL, nonce: string | undefined, accessToken?: string): Promise<string> {
    const { privateKey, publicJwk } = await this.getDpopKey();
    const claims: Record<string, string> = { htm: method, htu: `${url.origin}${url.pathname}` };
    if (nonce) claims.nonce = nonce;
    if (accessToken) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
    return new jose.SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk })
      .setIssuedAt(Math.floor(this.now() / 1000))
      .setJti(randomUUID())
      .sign(privateKey);
  }

  private rememberSecret(s: string): void {
    if (!s) return;
    this.secrets.push(s);
    if (this.secrets.length > 20) this.secrets.splice(2, this.secrets.length - 20);
  }
}

/** The `cause` of a status error: what Okta answered, already free of secrets. */
export class OktaHttpResponseError extends Error {
  constructor(readonly status: number, readonly code: string | undefined, summary: string) {
    super(`HTTP ${status}${code ? ` ${code}` : ''}: ${summary}`);
    this.name = 'OktaHttpResponseError';
  }
}

class TimeoutSignal extends Error {
  constructor(cause?: unknown) {
    super('timeout', cause === undefined ? undefined : { cause });
    this.name = 'TimeoutSignal';
  }
}

function isConnectionReset(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 4; depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && RESET_CODES.has(code)) return true;
    c = (c as { cause?: unknown }).cause;
  }
  return false;
}

function parseOktaError(text: string): OktaErrorBody | undefined {
  try {
    const r = oktaErrorBody.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function parseOAuthError(text: string): { error: string; error_description?: string } | undefined {
  try {
    const r = oauthErrorBody.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function describeOktaError(body: OktaErrorBody): string {
  const causes = (body.errorCauses ?? []).map((c) => c.errorSummary).filter((s): s is string => !!s);
  const summary = body.errorSummary ?? body.errorCode;
  return causes.length ? `${summary} (${causes.join('; ')})` : summary;
}

export function readRateLimit(response: Response): RateLimitInfo {
  const num = (name: string) => {
    const v = response.headers.get(name);
    if (v === null || v.trim() === '') return undefined;
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  };
  const reset = num('x-rate-limit-reset');
  return { limit: num('x-rate-limit-limit'), remaining: num('x-rate-limit-remaining'), resetAtMs: reset === undefined ? undefined : reset * 1000 };
}

function retryAfterHeaderMs(response: Response, now: number): number | undefined {
  const v = response.headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * Parses an RFC 8288 `Link` header and returns the `rel="next"` target resolved against `base`.
 * Handles several links in one header, quoted or bare parameters and several rel values.
 */
export function nextLink(header: string | null, base: URL): URL | undefined {
  if (!header) return undefined;
  let i = 0;
  while (i < header.length) {
    const open = header.indexOf('<', i);
    if (open < 0) return undefined;
    const close = header.indexOf('>', open);
    if (close < 0) return undefined;
    const target = header.slice(open + 1, close).trim();
    // Parameters run until the next comma that is outside quotes.
    let j = close + 1;
    let inQuotes = false;
    for (; j < header.length; j++) {
      const ch = header[j];
      if (ch === '"') inQuotes = !inQuotes;
      else if (ch === ',' && !inQuotes) break;
    }
    const params = header.slice(close + 1, j);
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^;,\s]+))/i.exec(params);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) {
      try { return new URL(target, base); } catch { return undefined; }
    }
    i = j + 1;
  }
  return undefined;
}

/** Parses one `WWW-Authenticate` challenge's auth-params (`error`, `scope`, ...). */
export function parseAuthChallenge(header: string | null): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (!header) return out;
  const re = /([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let m = re.exec(header); m; m = re.exec(header)) {
    const key = m[1].toLowerCase();
    if (out[key] === undefined) out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return out;
}
