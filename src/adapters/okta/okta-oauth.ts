/**
 * OAuth 2.0 for the Okta client: a service app's access token by `private_key_jwt` (RFC 7523), bound
 * to a DPoP key (RFC 9449) when the app requires it, cached until shortly before it expires, and the
 * DPoP proofs that go with each request. The HTTP itself goes through the client's choke point
 * (`TokenEndpointIo`), so timeouts and network errors are handled in one place.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../../app/ports';
import { OKTA_SCOPES } from '../../domain/okta-domain';
import { loadJose, type CryptoKey, type JWK } from './jose';
import {
  OktaConfigurationError,
  OktaHttpResponseError,
  OktaTransientError,
  type OktaErrorDetails,
  type SecretList,
} from './okta-errors';
import { requestIdOf } from './okta-headers';
import { oauthErrorBody, tokenResponse } from './okta-schemas';

/**
 * A service app's credentials. The scopes are not among them: the app always asks for `OKTA_SCOPES`,
 * the list the admin is told to grant (Okta refuses a request naming any scope not granted).
 */
export interface OktaOAuthCredentials {
  clientId: string;
  privateKeyPem: string;
  keyId?: string;
}

export interface CachedToken {
  accessToken: string;
  /** 'DPoP' or 'Bearer', as Okta answered. */
  tokenType: 'DPoP' | 'Bearer';
  expiresAtMs: number;
  refreshAtMs: number;
  granted?: string[];
}

/** What the token source needs from the client's choke point. */
export interface TokenEndpointIo {
  /** One POST with the client's timeout; a network failure is already an `OktaTransientError`. */
  post(url: URL, init: RequestInit): Promise<{ response: Response; text: string }>;
  /** How long to wait after a 429, jitter included. */
  rateLimitWaitMs(response: Response): number;
}

type Method = 'GET' | 'PUT' | 'DELETE' | 'POST';
interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}
type OAuthError = { error: string; error_description?: string };

/** Client assertions live 5 minutes (Okta allows up to 1 h). */
const ASSERTION_LIFETIME_S = 300;
/** Refresh a token this long before it expires (or at half its life when that is shorter). */
const TOKEN_REFRESH_MARGIN_MS = 60_000;

export class OktaTokenSource {
  private token?: CachedToken;
  private tokenInFlight?: Promise<CachedToken>;
  private signingKey?: Promise<CryptoKey>;
  private dpopKey?: Promise<DpopKey>;
  private tokenNonce?: string;
  private resourceNonce?: string;
  /** Send DPoP proofs to the token endpoint; turned off once if Okta refuses a proof nobody asked for. */
  private useDpop = true;

  constructor(
    private readonly origin: string,
    private readonly auth: OktaOAuthCredentials,
    private readonly clock: Clock,
    private readonly secrets: SecretList,
    private readonly io: TokenEndpointIo,
  ) {}

  get scopes(): string[] {
    return [...OKTA_SCOPES];
  }

  /** A cached token that will still be accepted (so a 401 means "refresh and try once more"). */
  hasFreshToken(): boolean {
    return !!this.token && this.nowMs() < this.token.refreshAtMs;
  }

  async accessToken(): Promise<CachedToken> {
    if (this.token && this.nowMs() < this.token.refreshAtMs) return this.token;
    if (!this.tokenInFlight) {
      this.tokenInFlight = this.fetchToken().finally(() => {
        this.tokenInFlight = undefined;
      });
    }
    return this.tokenInFlight;
  }

  /** Okta refused the cached token: the next request fetches a new one. */
  forgetToken(): void {
    this.token = undefined;
  }

  /** Remembers the resource server's DPoP nonce for the next proof. */
  noteResourceNonce(nonce: string): void {
    this.resourceNonce = nonce;
  }

  /** The `Authorization` (and `DPoP`) headers for one resource request. */
  async authorize(method: Method, url: URL): Promise<Record<string, string>> {
    const token = await this.accessToken();
    if (token.tokenType !== 'DPoP') return { Authorization: `Bearer ${token.accessToken}` };
    return {
      Authorization: `DPoP ${token.accessToken}`,
      DPoP: await this.dpopProof(method, url, this.resourceNonce, token.accessToken),
    };
  }

  private nowMs(): number {
    return Date.parse(this.clock.now());
  }

  /**
   * Which of the app's scopes the service app was not granted. Okta answers `invalid_scope` to the whole
   * request and its description need not name the scope, so each scope is asked for alone (one token
   * request per scope; the tokens are not kept). Other failures are thrown as usual.
   */
  async ungrantedScopes(): Promise<string[]> {
    const missing: string[] = [];
    for (const scope of OKTA_SCOPES) {
      try {
        await this.requestToken([scope]);
      } catch (e) {
        if (e instanceof OktaConfigurationError && e.details.oktaErrorCode === 'invalid_scope') missing.push(scope);
        else throw e;
      }
    }
    return missing;
  }

  private async fetchToken(): Promise<CachedToken> {
    const token = await this.requestToken(OKTA_SCOPES);
    this.token = token;
    return token;
  }

  private async requestToken(scopes: readonly string[]): Promise<CachedToken> {
    const url = new URL(`${this.origin}/oauth2/v1/token`);
    let nonceRetried = false;
    let dpopFallback: OAuthError | undefined;
    for (;;) {
      const assertion = await this.clientAssertion(url.href);
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        scope: scopes.join(' '),
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
      });
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      };
      if (this.useDpop) headers.DPoP = await this.dpopProof('POST', url, this.tokenNonce);
      const { response, text } = await this.io.post(url, { method: 'POST', headers, body: form.toString() });
      const nonce = response.headers.get('dpop-nonce');
      if (nonce) this.tokenNonce = nonce;
      const requestId = requestIdOf(response);

      if (response.ok) {
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        const parsed = tokenResponse.safeParse(json);
        if (!parsed.success) {
          throw new OktaConfigurationError(
            "Okta's token endpoint answered in an unexpected shape; check the Okta domain in the app's settings.",
            { status: response.status, requestId },
            { cause: parsed.error },
          );
        }
        const t = parsed.data;
        this.secrets.remember(t.access_token);
        const lifeMs = t.expires_in * 1000;
        const now = this.nowMs();
        const token: CachedToken = {
          accessToken: t.access_token,
          tokenType: t.token_type.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer',
          expiresAtMs: now + lifeMs,
          refreshAtMs: now + lifeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifeMs / 2),
          granted: t.scope === undefined ? undefined : t.scope.split(/\s+/).filter(Boolean),
        };
        return token;
      }

      const err = parseOAuthError(text);
      if (response.status === 400 && err?.error === 'use_dpop_nonce' && nonce && !nonceRetried) {
        nonceRetried = true;
        continue;
      }
      if (response.status === 400 && err?.error === 'invalid_dpop_proof') {
        // An app without DPoP may refuse a proof it did not ask for: try once without, else report the first refusal.
        if (this.useDpop && !dpopFallback) {
          dpopFallback = err;
          this.useDpop = false;
          continue;
        }
        if (dpopFallback) {
          this.useDpop = true;
          throw this.tokenError(response, dpopFallback, requestId, scopes);
        }
      }
      if (dpopFallback) this.useDpop = true;
      throw this.tokenError(response, err, requestId, scopes);
    }
  }

  private tokenError(
    response: Response,
    err: OAuthError | undefined,
    requestId: string | undefined,
    scopes: readonly string[],
  ) {
    const status = response.status;
    const details: OktaErrorDetails = { status, oktaErrorCode: err?.error, requestId };
    const described = err
      ? `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`
      : `HTTP ${status}`;
    const cause = new OktaHttpResponseError(status, err?.error, this.secrets.redact(described));
    const msg = (m: string) => this.secrets.redact(m);
    if (status === 429) {
      return new OktaTransientError(
        "Okta's rate limit was reached while getting an access token; the app will try again after the limit resets.",
        { ...details, retryAfterMs: this.io.rateLimitWaitMs(response) },
        { cause },
      );
    }
    if (status >= 500) {
      return new OktaTransientError(
        `Okta's token endpoint had a server error (HTTP ${status}); the app will try again.`,
        details,
        { cause },
      );
    }
    if (err?.error === 'invalid_scope') {
      return new OktaConfigurationError(
        msg(
          `Okta refused to issue a token for the scopes the app asks for (${scopes.join(', ')}): the service app has not been granted all of them. An Okta admin must grant each of them on the service app's "Okta API Scopes" tab. Okta said: ${described}`,
        ),
        details,
        { cause },
      );
    }
    if (err?.error === 'invalid_dpop_proof' || err?.error === 'use_dpop_nonce') {
      return new OktaConfigurationError(
        msg(`Okta refused the app's DPoP proof (${described}). Check the service app's DPoP setting in Okta.`),
        details,
        { cause },
      );
    }
    return new OktaConfigurationError(
      msg(
        `Okta rejected the OAuth client credentials (${described}). A Jira admin must check the client id and private key (and key id) in the app's Okta settings, and that the public key is registered on the Okta service app.`,
      ),
      details,
      { cause },
    );
  }

  /** private_key_jwt (RFC 7523): iss = sub = client id, aud = token URL, exp ≤ 5 min, unique jti. */
  private async clientAssertion(audience: string): Promise<string> {
    const key = await this.privateKey();
    const jose = await loadJose();
    const iat = Math.floor(this.nowMs() / 1000);
    const assertion = await new jose.SignJWT({})
      .setProtectedHeader(this.auth.keyId ? { alg: 'RS256', kid: this.auth.keyId } : { alg: 'RS256' })
      .setIssuer(this.auth.clientId)
      .setSubject(this.auth.clientId)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ASSERTION_LIFETIME_S)
      .setJti(randomUUID())
      .sign(key);
    this.secrets.remember(assertion);
    return assertion;
  }

  private privateKey(): Promise<CryptoKey> {
    if (!this.signingKey) {
      this.signingKey = loadJose()
        .then((jose) => jose.importPKCS8(this.auth.privateKeyPem, 'RS256'))
        .catch((e: unknown) => {
          this.signingKey = undefined;
          throw new OktaConfigurationError(
            'The OAuth private key could not be read: it must be an RSA private key in PKCS#8 PEM form ("-----BEGIN PRIVATE KEY-----"). A Jira admin must paste it again in the app\'s Okta settings.',
            {},
            { cause: new Error(e instanceof Error ? e.name : 'key import failed') },
          );
        });
    }
    return this.signingKey;
  }

  private getDpopKey(): Promise<DpopKey> {
    if (!this.dpopKey) {
      this.dpopKey = (async () => {
        const jose = await loadJose();
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
    const jose = await loadJose();
    const claims: Record<string, string> = { htm: method, htu: `${url.origin}${url.pathname}` };
    if (nonce) claims.nonce = nonce;
    if (accessToken) claims.ath = createHash('sha256').update(accessToken).digest('base64url');
    return new jose.SignJWT(claims)
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'ES256', jwk: publicJwk })
      .setIssuedAt(Math.floor(this.nowMs() / 1000))
      .setJti(randomUUID())
      .sign(privateKey);
  }
}

function parseOAuthError(text: string): OAuthError | undefined {
  try {
    const r = oauthErrorBody.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
