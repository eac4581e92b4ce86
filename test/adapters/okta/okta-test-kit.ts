/**
 * Shared set-up for the Okta adapter tests: a real Okta emulator on loopback HTTP, clients built on
 * it, and the check every test ends with (no request outside Okta's OpenAPI spec).
 */
import { startOktaEmulator, type OktaEmulator } from '../../../sandbox/okta/okta-emulator';
import { OktaHttpClient, type OktaHttpClientOptions } from '../../../src/adapters/okta/okta-http-client';
import { OktaDirectory } from '../../../src/adapters/okta/okta-directory';
import type { Clock, DirectoryError } from '../../../src/app/ports';
import { jose } from '../../../sandbox/okta/jose';
import { OKTA_SCOPES } from '../../../src/domain/okta-domain';

const { exportJWK, exportPKCS8, generateKeyPair } = jose;

export const START_MS = Date.parse('2026-11-22T09:00:00Z');
/** What the admin is told to grant: the scopes the app requests. */
export const OAUTH_SCOPES: string[] = [...OKTA_SCOPES];

export interface Kit {
  emulator: OktaEmulator;
  clock: { ms: number };
  /** The Clock port over `clock.ms`, as the app's clients get it. */
  clockPort: Clock;
  /** An SSWS client on the emulator (options override the defaults). */
  client(options?: Partial<OktaHttpClientOptions>): OktaHttpClient;
  directory(options?: Partial<OktaHttpClientOptions>): OktaDirectory;
  /** Path (with query) of every request the emulator saw, in order. */
  paths(): string[];
}

export async function startKit(options: Parameters<typeof startOktaEmulator>[0] = {}): Promise<Kit> {
  const clock = { ms: START_MS };
  const clockPort: Clock = { now: () => new Date(clock.ms).toISOString() };
  const emulator = await startOktaEmulator({ now: () => clock.ms, ...options });
  const client = (o: Partial<OktaHttpClientOptions> = {}) =>
    new OktaHttpClient({
      origin: emulator.url,
      auth: { kind: 'api-token', token: emulator.apiToken },
      clock: clockPort,
      random: () => 0.5,
      ...o,
    });
  return {
    emulator,
    clock,
    clockPort,
    client,
    directory: (o = {}) => new OktaDirectory(client(o)),
    paths: () =>
      emulator.requests.map((r) => {
        const q = new URLSearchParams(r.query).toString();
        return q ? `${r.path}?${q}` : r.path;
      }),
  };
}

/** Fails the test if any request fell outside Okta's OpenAPI spec; then stops the emulator. */
export async function finish(kit: Kit | undefined): Promise<void> {
  if (!kit) return;
  try {
    expect(kit.emulator.violations).toEqual([]);
  } finally {
    await kit.emulator.close();
  }
}

export async function rsaKeyPair(kid = 'test-key-1') {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const privateKeyPem = await exportPKCS8(privateKey);
  return { privateKeyPem, publicJwk, kid };
}

/** Asserts that `text` contains none of the secrets (nor a recognisable piece of them). */
export function expectNoSecrets(text: string, secrets: string[]): void {
  for (const s of secrets) {
    expect(text).not.toContain(s);
    const body = s.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    if (body.length >= 40) expect(text.replace(/\s+/g, '')).not.toContain(body.slice(0, 40));
  }
}

/** Runs `fn` and returns what it threw (failing the test if it did not throw); the adapter throws DirectoryErrors. */
export async function thrown(fn: () => Promise<unknown>): Promise<DirectoryError> {
  try {
    await fn();
  } catch (e) {
    return e as DirectoryError;
  }
  throw new Error('expected the call to throw');
}

export interface SentRequest {
  url: string;
  method: string;
  headers: Headers;
  body?: string;
}

/** A fetch that still goes over loopback HTTP to the emulator but remembers what the client sent. */
export function recordingFetch(): { fetchImpl: typeof fetch; sent: SentRequest[] } {
  const sent: SentRequest[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    sent.push({
      url,
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? init.body : undefined,
    });
    return fetch(input, init);
  }) as typeof fetch;
  return { fetchImpl, sent };
}
