/**
 * The single choke point for HTTP to Okta (architecture rule 6, first layer): base URL, credentials
 * (SSWS API token, or an OAuth 2.0 service app: okta-oauth.ts), timeout, rate-limit headers
 * (okta-headers.ts), status → typed error with `cause`, zod-checked bodies and `Link` pagination.
 *
 * It never sleeps for long: when Okta says "wait", it throws an `OktaTransientError` carrying
 * `retryAfterMs` and the queue delivers the work again later. The only retries it makes itself are
 * protocol steps that cannot wait: a DPoP nonce challenge, one fresh token after a 401 with a cached
 * token, and one immediate retry of an idempotent GET whose connection was reset.
 */
import { z } from 'zod';
import type { Clock } from '../../app/ports';
import {
  OktaConfigurationError,
  OktaHttpResponseError,
  OktaNotFoundError,
  OktaPermanentError,
  OktaTransientError,
  SecretList,
  type OktaErrorDetails,
} from './okta-errors';
import { nextLink, parseAuthChallenge, rateLimitWaitMs, requestIdOf, retryAfterHeaderMs } from './okta-headers';
import { OktaTokenSource, type OktaOAuthCredentials } from './okta-oauth';
import { requirementOf } from './okta-permissions';
import { oktaErrorBody, type OktaErrorBody } from './okta-schemas';

export type OktaClientAuth = { kind: 'api-token'; token: string } | ({ kind: 'oauth' } & OktaOAuthCredentials);

export interface OktaHttpClientOptions {
  /** The org's origin, e.g. `https://acme.okta.com` (validated by the caller before we get here). */
  origin: string;
  auth: OktaClientAuth;
  /** Token expiry, JWT times and rate-limit fallbacks. */
  clock: Clock;
  /** Defaults to the global fetch (which is what @forge/api's fetch is in 8.x). */
  fetchImpl?: typeof fetch;
  /** Per request, including reading the body. Default 10 s. */
  timeoutMs?: number;
  /** In [0, 1); used for jitter. */
  random?: () => number;
}

export interface OktaResult<T> {
  status: number;
  body: T;
  /** `X-Okta-Request-Id` of the answer, for the audit trail. */
  requestId?: string;
}

export interface OktaPage<T> {
  items: T[];
}

export interface OAuthScopeReport {
  requested: string[];
  /** From the token response's `scope`; undefined when Okta did not say. */
  granted?: string[];
}

type Method = 'GET' | 'PUT' | 'DELETE' | 'POST';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Safety cap for `getAll`: past it the list is refused rather than answered in part. */
const MAX_PAGES = 100;
const MAX_JITTER_MS = 1_000;
const RESET_CODES = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
/**
 * Part of a rate-limit window the client leaves unused: calls from other instances of the app (and
 * other clients of the org) draw from the same bucket, and their answers are not seen here.
 */
const RATE_RESERVE_SHARE = 0.05;

/** What Okta's `X-Rate-Limit-*` headers last said about one bucket, counting our own calls since. */
interface RateBudget {
  limit: number;
  remaining: number;
  /** Epoch ms at which the window resets, on our clock (Reset is corrected by the answer's `Date`). */
  resetMs: number;
  /** Calls held back since this window began, each given its own slot in the windows ahead. */
  heldBack: number;
}

/** Okta's rate-limit windows are one minute; the headers give the reset, not the length. */
const RATE_WINDOW_MS = 60_000;

export class OktaHttpClient {
  readonly origin: string;
  readonly authKind: OktaClientAuth['kind'];
  private readonly apiToken?: string;
  private readonly oauth?: OktaTokenSource;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly random: () => number;
  private readonly secrets = new SecretList();
  /** Per rate-limit bucket, from the headers of the latest answers (a warm instance keeps them). */
  private readonly budgets = new Map<string, RateBudget>();

  constructor(options: OktaHttpClientOptions) {
    const url = new URL(options.origin);
    this.origin = url.origin;
    this.authKind = options.auth.kind;
    this.fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
    this.clock = options.clock;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.random = options.random ?? Math.random;
    const auth = options.auth;
    if (auth.kind === 'api-token') {
      this.apiToken = auth.token;
      this.secrets.remember(auth.token);
    } else {
      this.secrets.remember(auth.privateKeyPem);
      this.oauth = new OktaTokenSource(this.origin, auth, this.clock, this.secrets, {
        post: (u, init) => this.fetchOnce(u, init, 'POST'),
        rateLimitWaitMs: (response) => this.rateLimitWaitMs(response),
      });
    }
  }

  /** GET one resource (or one page) and check its body with `schema`. */
  async get<T>(pathAndQuery: string, schema: z.ZodType<T>): Promise<OktaResult<T>> {
    const url = this.resolve(pathAndQuery);
    const { response, text } = await this.request('GET', url);
    return { ...this.meta(response), body: this.parse(text, schema, `GET ${url.pathname}`, response) };
  }

  /**
   * GET every page of a list by following `Link: <...>; rel="next"` (never building `after` by
   * hand). Throws OktaPermanentError past `MAX_PAGES` rather than answer with part of the list.
   */
  async getAll<T>(pathAndQuery: string, itemSchema: z.ZodType<T>): Promise<OktaPage<T>> {
    const items: T[] = [];
    let lastRequestId: string | undefined;
    const seen = new Set<string>();
    let url: URL | undefined = this.resolve(pathAndQuery);
    for (let page = 0; url; page++) {
      if (page >= MAX_PAGES) {
        throw new OktaPermanentError(
          `Okta's list at ${url.pathname} has more than ${MAX_PAGES} pages; the app stopped reading to stay within limits. Narrow the data or contact support.`,
          { requestId: lastRequestId },
        );
      }
      seen.add(url.href);
      const { response, text } = await this.request('GET', url);
      const requestId = requestIdOf(response);
      if (requestId) lastRequestId = requestId;
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
    return { items };
  }

  /** A write without a body to read (PUT/DELETE membership): 2xx → its request id; else a typed error. */
  async send(method: 'PUT' | 'DELETE', path: string): Promise<OktaResult<undefined>> {
    const { response } = await this.request(method, this.resolve(path));
    return { ...this.meta(response), body: undefined };
  }

  /** OAuth only: the scopes asked for and those Okta granted (fetching a token if none is cached). */
  async scopeReport(): Promise<OAuthScopeReport | undefined> {
    if (!this.oauth) return undefined;
    const token = await this.oauth.accessToken();
    return { requested: this.oauth.scopes, granted: token.granted };
  }

  /** OAuth only: the app's scopes the service app was not granted (one token request per scope). */
  async ungrantedScopes(): Promise<string[]> {
    return this.oauth ? this.oauth.ungrantedScopes() : [];
  }

  // ---- requests ----

  private async request(method: Method, url: URL): Promise<{ response: Response; text: string }> {
    let nonceRetried = false;
    let authRetried = false;
    let resetRetried = false;
    for (;;) {
      const headers: Record<string, string> = { Accept: 'application/json' };
      let fromCache = false;
      if (this.oauth) {
        fromCache = this.oauth.hasFreshToken();
        Object.assign(headers, await this.oauth.authorize(method, url));
      } else {
        headers.Authorization = `SSWS ${this.apiToken}`;
      }
      if (method === 'PUT' || method === 'POST') headers['Content-Type'] = 'application/json';

      this.paceOrDefer(method, url);
      let result: { response: Response; text: string };
      try {
        result = await this.fetchWithTimeout(url, { method, headers });
      } catch (e) {
        if (method === 'GET' && !resetRetried && isConnectionReset(e)) {
          resetRetried = true;
          continue;
        }
        throw this.networkError(e, method, url);
      }
      const { response } = result;
      this.noteRateHeaders(method, url, response);
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) this.oauth?.noteResourceNonce(nonce);

      if (this.oauth && response.status === 401) {
        const challenge = parseAuthChallenge(response.headers.get('www-authenticate'));
        if (challenge.error === 'use_dpop_nonce' && nonce && !nonceRetried) {
          nonceRetried = true;
          continue;
        }
        if (fromCache && !authRetried) {
          authRetried = true;
          this.oauth.forgetToken();
          continue;
        }
      }
      // A refused proof (Okta answers 400 invalid_dpop_proof; RFC 9449 resource servers 401): once
      // with a fresh token and proof, in case a key or clock moved; then it is the connection's fault.
      if (this.oauth && rejectsDpopProof(response, result.text) && !authRetried) {
        authRetried = true;
        this.oauth.forgetToken();
        continue;
      }
      if (response.status >= 200 && response.status < 300) return result;
      throw this.statusError(method, url, response, result.text);
    }
  }

  /** One request without retries; a network failure or timeout becomes an `OktaTransientError`. */
  private async fetchOnce(url: URL, init: RequestInit, method: Method): Promise<{ response: Response; text: string }> {
    try {
      return await this.fetchWithTimeout(url, init);
    } catch (e) {
      throw this.networkError(e, method, url);
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

  private meta(response: Response): { status: number; requestId?: string } {
    return { status: response.status, requestId: requestIdOf(response) };
  }

  private parse<T>(text: string, schema: z.ZodType<T>, where: string, response: Response): T {
    const requestId = requestIdOf(response);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new OktaPermanentError(
        `Okta's answer to ${where} was not JSON.`,
        { status: response.status, requestId },
        { cause: e },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new OktaPermanentError(
        `Okta's answer to ${where} did not have the expected shape.`,
        { status: response.status, requestId },
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  /** The client's clock in epoch ms (the directory dates its cached listings with it). */
  nowMs(): number {
    return Date.parse(this.clock.now());
  }

  // ---- errors ----

  private networkError(e: unknown, method: Method, url: URL): OktaTransientError {
    const where = `${method} ${url.pathname}`;
    if (e instanceof TimeoutSignal) {
      return new OktaTransientError(
        `Okta did not answer ${where} within ${Math.round(this.timeoutMs / 100) / 10} s; the outcome is unknown.`,
        {},
        { cause: e.cause ?? e },
      );
    }
    return new OktaTransientError(`Could not reach Okta for ${where}; the outcome is unknown.`, {}, { cause: e });
  }

  private statusError(method: Method, url: URL, response: Response, text: string) {
    const status = response.status;
    const requestId = requestIdOf(response);
    const body = parseOktaError(text);
    const code = body?.errorCode;
    const summary = body ? describeOktaError(body) : undefined;
    const where = `${method} ${url.pathname}`;
    const details: OktaErrorDetails = { status, oktaErrorCode: code, requestId };
    const cause = new OktaHttpResponseError(status, code, this.secrets.redact(summary ?? text.slice(0, 500)));
    const says = summary ? ` Okta said: ${summary}` : '';
    const msg = (m: string) => this.secrets.redact(m);

    if (this.authKind !== 'api-token' && rejectsDpopProof(response, text)) {
      return new OktaConfigurationError(
        msg(
          `Okta rejected the app's DPoP proof for ${where} (HTTP ${status} invalid_dpop_proof).${says} A Jira admin must check that the DPoP setting on the Okta connection tab matches the service app's "Require Demonstrating Proof of Possession" setting in Okta, then test the connection.`,
        ),
        details,
        { cause },
      );
    }
    if (status === 401) {
      return new OktaConfigurationError(
        msg(
          `Okta rejected the credentials (HTTP 401${code ? ` ${code}` : ''}). A Jira admin must check the ${this.authKind === 'api-token' ? 'API token' : 'OAuth client id, key and granted scopes'} in the app's Okta settings.`,
        ),
        details,
        { cause },
      );
    }
    if (status === 403) {
      const need = requirementOf(method, url.pathname);
      const challenge = parseAuthChallenge(response.headers.get('www-authenticate'));
      if (challenge.error === 'insufficient_scope') {
        const name = challenge.scope || need?.scope;
        const scope = name ? `the scope ${name}` : 'a scope';
        return new OktaConfigurationError(
          msg(
            `The Okta OAuth app lacks ${scope} needed for ${where}. An Okta admin must grant it on the app's "Okta API Scopes" tab, then the app must ask for it.`,
          ),
          details,
          { cause },
        );
      }
      // E0000006 without a scope challenge: the admin role (not the token) does not cover the call.
      const lacks = need
        ? `the app's Okta credentials lack permission: their admin role does not hold ${need.permission} on ${need.resource} (needed to ${need.what})${need.permission === 'okta.groups.members.manage' ? ', or the group is not an OKTA_GROUP' : ''}. An Okta admin must add ${need.permission} to that role, with ${need.resource} in its resource set.`
        : "the app's Okta credentials lack permission for this, or the group is not an OKTA_GROUP. An Okta admin must grant the app's admin role the permission for this group.";
      return new OktaPermanentError(
        msg(`Okta refused ${where} (HTTP 403${code ? ` ${code}` : ''}): ${lacks}${says}`),
        details,
        { cause },
      );
    }
    if (status === 404) {
      return new OktaNotFoundError(msg(`Okta has no such resource (${where}).${says}`), details, { cause });
    }
    if (status === 429) {
      return new OktaTransientError(
        msg(`Okta's rate limit was reached (${where}); the app will try again after the limit resets.`),
        { ...details, retryAfterMs: this.rateLimitWaitMs(response) },
        { cause },
      );
    }
    if (status >= 500) {
      const retryAfter = retryAfterHeaderMs(response, this.nowMs());
      return new OktaTransientError(
        msg(
          `Okta had a server error (HTTP ${status}) for ${where}; the outcome is unknown and the app will try again.`,
        ),
        { ...details, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter + this.jitter() } : {}) },
        { cause },
      );
    }
    if (status >= 300 && status < 400) {
      return new OktaPermanentError(
        msg(
          `Okta answered ${where} with an unexpected redirect (HTTP ${status}); check the Okta domain in the app's settings.`,
        ),
        details,
        { cause },
      );
    }
    return new OktaPermanentError(
      msg(`Okta refused ${where} (HTTP ${status}${code ? ` ${code}` : ''}).${says}`),
      details,
      { cause },
    );
  }

  // ---- pacing ----

  /**
   * Before a call: when the bucket's last known remaining calls are down to the reserve and its window
   * has not reset, the call is not sent; a transient error asks the caller to come back after the
   * reset (the queue adds the spread: src/app/backoff.ts), instead of spending a request on a 429.
   * Otherwise the call is counted against the bucket, so calls in flight together see each other.
   */
  private paceOrDefer(method: Method, url: URL): void {
    const bucket = rateBucketOf(method, url.pathname);
    const budget = this.budgets.get(bucket);
    const now = this.nowMs();
    if (!budget || now >= budget.resetMs) return;
    const reserve = Math.max(1, Math.ceil(budget.limit * RATE_RESERVE_SHARE));
    if (budget.remaining <= reserve) {
      // The n-th call held back gets the n-th slot of the windows ahead, evenly spaced at what the
      // limit allows, so the backlog arrives at Okta's rate instead of all at the next reset.
      const perWindow = Math.max(1, budget.limit - reserve);
      const n = budget.heldBack++;
      const slotMs = RATE_WINDOW_MS / perWindow;
      const slot = Math.floor(n / perWindow) * RATE_WINDOW_MS + Math.floor((n % perWindow) * slotMs);
      throw new OktaTransientError(
        `The app paused its calls to Okta (${method} ${url.pathname}) to stay within Okta's rate limit; it will try again after the limit resets.`,
        { retryAfterMs: budget.resetMs - now + slot, paced: { spreadMs: Math.max(1_000, Math.ceil(slotMs)) } },
      );
    }
    budget.remaining -= 1;
  }

  /** After an answer: the bucket's limit, remaining calls and reset as Okta states them. */
  private noteRateHeaders(method: Method, url: URL, response: Response): void {
    const limit = Number(response.headers.get('x-rate-limit-limit'));
    const remaining = Number(response.headers.get('x-rate-limit-remaining'));
    if (!response.headers.has('x-rate-limit-remaining') || !Number.isFinite(remaining)) return;
    const resetMs = this.nowMs() + rateLimitWaitMs(response, this.nowMs());
    const bucket = rateBucketOf(method, url.pathname);
    const known = this.budgets.get(bucket);
    // Answers to calls sent together come back in any order: within one window the lowest count wins.
    const sameWindow = known && Math.abs(known.resetMs - resetMs) < 1_000;
    const perWindow = Number.isFinite(limit) && limit > 0 ? limit : (known?.limit ?? remaining);
    this.budgets.set(bucket, {
      limit: perWindow,
      remaining: sameWindow ? Math.min(known.remaining, remaining) : remaining,
      resetMs,
      // A new window: the calls already given slots in it are no longer ahead of the next one held back.
      heldBack: sameWindow
        ? known.heldBack
        : Math.max(0, (known?.heldBack ?? 0) - Math.max(1, perWindow - Math.ceil(perWindow * RATE_RESERVE_SHARE))),
    });
  }

  /** Wait for a 429 (see okta-headers.ts), plus jitter so that retries spread out. */
  private rateLimitWaitMs(response: Response): number {
    return rateLimitWaitMs(response, this.nowMs()) + this.jitter();
  }

  private jitter(): number {
    return Math.floor(Math.min(Math.max(this.random(), 0), 0.999999) * MAX_JITTER_MS);
  }
}

/**
 * Okta refused the DPoP proof of an API call: `invalid_dpop_proof` in the WWW-Authenticate challenge
 * (RFC 9449 §7.1, with 401) or in an OAuth error body (Okta's error catalog lists it as a 400).
 */
function rejectsDpopProof(response: Response, text: string): boolean {
  if (response.status !== 400 && response.status !== 401) return false;
  if (parseAuthChallenge(response.headers.get('www-authenticate')).error === 'invalid_dpop_proof') return true;
  try {
    return (JSON.parse(text) as { error?: unknown })?.error === 'invalid_dpop_proof';
  } catch {
    return false;
  }
}

/** Path segments that name a kind of resource; any other segment is an id and does not make its own bucket. */
const RESOURCE_WORDS = new Set(['api', 'v1', 'users', 'groups', 'rules', 'roles', 'org', 'oauth2', 'token']);

/**
 * The rate-limit bucket a call draws from, as a key: Okta limits per endpoint (method and path
 * template), not per resource, so ids are replaced by a placeholder. Two templates Okta may count
 * together are kept apart here; each learns its own headers, which Okta sends on every answer.
 */
export function rateBucketOf(method: string, pathname: string): string {
  const template = pathname
    .split('/')
    .map((seg) => (seg === '' || RESOURCE_WORDS.has(seg) ? seg : '{id}'))
    .join('/');
  return `${method} ${template}`;
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

function describeOktaError(body: OktaErrorBody): string {
  const causes = (body.errorCauses ?? []).map((c) => c.errorSummary).filter((s): s is string => !!s);
  const summary = body.errorSummary ?? body.errorCode;
  return causes.length ? `${summary} (${causes.join('; ')})` : summary;
}
