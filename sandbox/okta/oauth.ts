/**
 * OAuth 2.0 for the Okta emulator: the org authorization server's token endpoint
 * (client_credentials + private_key_jwt client authentication, optional DPoP with the
 * `use_dpop_nonce` dance) and validation of the resulting access tokens on resource calls.
 */
import { createHash } from 'node:crypto';
import { jose, type JWK } from './jose';

const { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, importJWK, jwtVerify } = jose;

export interface OAuthClient {
  clientId: string;
  publicJwk: object;
  scopes: string[];
  requireDpop?: boolean;
}

interface IssuedToken {
  clientId: string;
  scopes: string[];
  exp: number;
  jkt?: string;
}

export interface OAuthReply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export type ResourceAuth =
  | { ok: true; kind: 'SSWS'; scopes: 'all' }
  | { ok: true; kind: 'Bearer' | 'DPoP'; scopes: Set<string>; clientId: string }
  | { ok: false; kind?: 'Bearer' | 'DPoP'; error: string; description: string };

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ASSERTION_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
const DPOP_ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'EdDSA'];
/** Proof freshness window for DPoP `iat`, seconds. */
const DPOP_IAT_WINDOW = 300;

export class OAuthServer {
  private readonly clients = new Map<string, OAuthClient>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly assertionJtis = new Set<string>();
  private readonly dpopJtis = new Set<string>();
  private nonceCounter = 0;
  private tokenCounter = 0;
  private currentNonce: string;

  constructor(private readonly now: () => number) {
    this.currentNonce = this.newNonce();
  }

  register(c: OAuthClient): void {
    this.clients.set(c.clientId, { ...c, scopes: [...c.scopes] });
  }

  private newNonce(): string {
    this.nonceCounter += 1;
    return createHash('sha256').update(`okta-emulator-nonce-${this.nonceCounter}`).digest('base64url').slice(0, 32);
  }

  /**
   * POST /oauth2/v1/token. `tokenUrls` are the URLs the client may have used for this endpoint
   * (loopback URL, https://<Host>, forwarded host); `aud` and DPoP `htu` must equal one of them.
   */
  async token(form: URLSearchParams, dpopHeader: string | undefined, tokenUrls: string[]): Promise<OAuthReply> {
    const err = (
      status: number,
      error: string,
      description: string,
      headers: Record<string, string> = {},
    ): OAuthReply => ({ status, body: { error, error_description: description }, headers });
    const nowS = Math.floor(this.now() / 1000);

    if (form.get('grant_type') !== 'client_credentials')
      return err(
        400,
        'unsupported_grant_type',
        `The authorization server does not support the grant_type '${form.get('grant_type') ?? ''}'.`,
      );
    if (form.get('client_assertion_type') !== ASSERTION_TYPE)
      return err(
        401,
        'invalid_client',
        'client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer.',
      );
    const assertion = form.get('client_assertion');
    if (!assertion) return err(401, 'invalid_client', 'The client_assertion is missing.');

    // Find the client from the (not yet verified) assertion's iss.
    let claimedClient: string | undefined;
    try {
      const payload = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8'));
      claimedClient = typeof payload.iss === 'string' ? payload.iss : undefined;
    } catch {
      /* handled below */
    }
    const formClientId = form.get('client_id');
    if (formClientId && claimedClient && formClientId !== claimedClient)
      return err(401, 'invalid_client', 'client_id does not match the client_assertion issuer.');
    const client = claimedClient ? this.clients.get(claimedClient) : undefined;
    if (!client) return err(401, 'invalid_client', 'The client_assertion token is invalid or its client is unknown.');

    // DPoP first (before the assertion's jti is consumed, so a client can retry the same assertion
    // after answering `use_dpop_nonce`).
    let jkt: string | undefined;
    if (client.requireDpop) {
      if (!dpopHeader) return err(400, 'invalid_dpop_proof', 'The DPoP proof JWT header is missing.');
      const proof = await this.verifyDpopProof(dpopHeader, 'POST', tokenUrls, nowS);
      if (!proof.ok) return err(400, 'invalid_dpop_proof', proof.reason);
      if (proof.nonce !== this.currentNonce) {
        return err(400, 'use_dpop_nonce', 'Authorization server requires nonce in DPoP proof.', {
          'DPoP-Nonce': this.currentNonce,
        });
      }
      this.dpopJtis.add(proof.jti);
      jkt = proof.jkt;
    }

    // private_key_jwt client authentication.
    let claims: Record<string, unknown>;
    try {
      const header = decodeProtectedHeader(assertion);
      const jwk = client.publicJwk as JWK;
      if (jwk.kid && header.kid && jwk.kid !== header.kid)
        return err(401, 'invalid_client', `The client_assertion was signed with an unknown key (kid ${header.kid}).`);
      const res = await jwtVerify(assertion, async (h) => importJWK(jwk, h.alg), {
        algorithms: ASSERTION_ALGS,
        currentDate: new Date(this.now()),
        clockTolerance: 0,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'jti'],
      });
      claims = res.payload as Record<string, unknown>;
    } catch (e) {
      return err(
        401,
        'invalid_client',
        `The client_assertion signature or claims are invalid: ${(e as Error).message}`,
      );
    }
    if (claims.iss !== client.clientId || claims.sub !== client.clientId)
      return err(401, 'invalid_client', 'The client_assertion iss and sub must both equal the client_id.');
    const auds = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!auds.some((a) => typeof a === 'string' && tokenUrls.includes(a))) {
      return err(
        401,
        'invalid_client',
        `The audience [${auds.join(', ')}] of the client_assertion is invalid; expected ${tokenUrls[0]}.`,
      );
    }
    if (typeof claims.exp !== 'number' || claims.exp > nowS + 3600)
      return err(
        401,
        'invalid_client',
        'The client_assertion token has an expiration too far in the future (more than one hour).',
      );
    const jtiKey = `${client.clientId}:${String(claims.jti)}`;
    if (this.assertionJtis.has(jtiKey))
      return err(401, 'invalid_client', 'The client_assertion token has already been used (jti replay).');
    this.assertionJtis.add(jtiKey);

    // Okta checks every requested scope against the app's grants collection and refuses the request if
    // any is missing (it does not hand out the granted subset). The description is the one Okta
    // documents for invalid_scope at its org authorization server; it does not name the scope, so a
    // client cannot rely on it to say which one is missing.
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (requested.length === 0) return err(400, 'invalid_scope', 'The authorization server requires a scope.');
    if (requested.some((s) => !client.scopes.includes(s)))
      return err(400, 'invalid_scope', 'One or more scopes are not configured for the authorization server resource.');
    const granted = requested;

    this.tokenCounter += 1;
    const accessToken = `eyJ.emu.${createHash('sha256').update(`${client.clientId}:${this.tokenCounter}`).digest('base64url')}`;
    this.tokens.set(accessToken, { clientId: client.clientId, scopes: granted, exp: nowS + 3600, jkt });
    return {
      status: 200,
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
      body: {
        token_type: jkt ? 'DPoP' : 'Bearer',
        expires_in: 3600,
        access_token: accessToken,
        scope: granted.join(' '),
      },
    };
  }

  /** Validates `Authorization: Bearer|DPoP <token>` (+ DPoP proof) for a resource request. */
  async authenticateResource(
    authorization: string,
    dpopHeader: string | undefined,
    method: string,
    resourceUrls: string[],
  ): Promise<ResourceAuth> {
    const m = /^(Bearer|DPoP)\s+(\S+)$/i.exec(authorization.trim());
    if (!m) return { ok: false, error: 'invalid_request', description: 'Unsupported authorization scheme.' };
    const scheme = m[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
    const token = this.tokens.get(m[2]);
    const nowS = Math.floor(this.now() / 1000);
    if (!token) return { ok: false, kind: scheme, error: 'invalid_token', description: 'The token is not valid.' };
    if (token.exp <= nowS)
      return { ok: false, kind: scheme, error: 'invalid_token', description: 'The token has expired.' };
    if (token.jkt) {
      if (scheme !== 'DPoP')
        return {
          ok: false,
          kind: 'DPoP',
          error: 'invalid_token',
          description: 'A DPoP-bound access token must be sent with the DPoP authorization scheme.',
        };
      if (!dpopHeader)
        return {
          ok: false,
          kind: 'DPoP',
          error: 'invalid_dpop_proof',
          description: 'The DPoP proof JWT header is missing.',
        };
      const proof = await this.verifyDpopProof(dpopHeader, method, resourceUrls, nowS);
      if (!proof.ok) return { ok: false, kind: 'DPoP', error: 'invalid_dpop_proof', description: proof.reason };
      if (proof.jkt !== token.jkt)
        return {
          ok: false,
          kind: 'DPoP',
          error: 'invalid_dpop_proof',
          description: 'The DPoP proof key does not match the key the token is bound to.',
        };
      const ath = createHash('sha256').update(m[2]).digest('base64url');
      if (proof.ath !== ath)
        return {
          ok: false,
          kind: 'DPoP',
          error: 'invalid_dpop_proof',
          description: "The DPoP proof 'ath' claim does not match the access token.",
        };
      this.dpopJtis.add(proof.jti);
      return { ok: true, kind: 'DPoP', scopes: new Set(token.scopes), clientId: token.clientId };
    }
    if (scheme === 'DPoP')
      return {
        ok: false,
        kind: 'Bearer',
        error: 'invalid_token',
        description: 'The token is not DPoP-bound; use the Bearer scheme.',
      };
    return { ok: true, kind: 'Bearer', scopes: new Set(token.scopes), clientId: token.clientId };
  }

  private async verifyDpopProof(
    proofJwt: string,
    method: string,
    urls: string[],
    nowS: number,
  ): Promise<{ ok: true; jkt: string; jti: string; nonce?: string; ath?: string } | { ok: false; reason: string }> {
    try {
      const header = decodeProtectedHeader(proofJwt);
      if (header.typ !== 'dpop+jwt') return { ok: false, reason: "The DPoP proof 'typ' header must be dpop+jwt." };
      if (!header.jwk) return { ok: false, reason: "The DPoP proof has no 'jwk' header." };
      const { payload } = await jwtVerify(proofJwt, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: DPOP_ALGS,
        currentDate: new Date(nowS * 1000),
      });
      if (payload.htm !== method.toUpperCase())
        return { ok: false, reason: `The DPoP proof 'htm' claim must be ${method.toUpperCase()}.` };
      const htu = typeof payload.htu === 'string' ? payload.htu.split(/[?#]/)[0] : undefined;
      if (!htu || !urls.includes(htu))
        return {
          ok: false,
          reason: `The DPoP proof 'htu' claim ${String(payload.htu)} does not match the request URL ${urls[0]}.`,
        };
      if (typeof payload.iat !== 'number' || Math.abs(payload.iat - nowS) > DPOP_IAT_WINDOW)
        return { ok: false, reason: "The DPoP proof 'iat' claim is missing or not recent." };
      if (typeof payload.jti !== 'string' || !payload.jti)
        return { ok: false, reason: "The DPoP proof 'jti' claim is missing." };
      if (this.dpopJtis.has(payload.jti)) return { ok: false, reason: "The DPoP proof 'jti' was already used." };
      const jkt = await calculateJwkThumbprint(header.jwk as JWK, 'sha256');
      return {
        ok: true,
        jkt,
        jti: payload.jti,
        nonce: typeof payload.nonce === 'string' ? payload.nonce : undefined,
        ath: typeof payload.ath === 'string' ? payload.ath : undefined,
      };
    } catch (e) {
      return { ok: false, reason: `The DPoP proof is invalid: ${(e as Error).message}` };
    }
  }
}
