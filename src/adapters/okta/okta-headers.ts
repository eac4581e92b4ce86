/**
 * Reading Okta's response headers, as pure functions: `Link` pagination, `WWW-Authenticate`
 * challenges, `X-Okta-Request-Id`, and how long a 429 or 5xx asks the app to wait.
 */

/** When a 429 comes without usable headers: Okta's windows are one minute. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;

export function requestIdOf(response: Response): string | undefined {
  return response.headers.get('x-okta-request-id') ?? undefined;
}

/** Wait for a 429 (before jitter): `X-Rate-Limit-Reset` against the answer's `Date`, else `Retry-After`, else a minute. */
export function rateLimitWaitMs(response: Response, nowMs: number): number {
  const resetHeader = response.headers.get('x-rate-limit-reset');
  const reset = Number(resetHeader);
  const dateHeader = response.headers.get('date');
  const date = dateHeader ? Date.parse(dateHeader) : NaN;
  const base = Number.isFinite(date) ? date : nowMs;
  if (resetHeader !== null && Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - base);
  return retryAfterHeaderMs(response, nowMs) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
}

/** `Retry-After` (seconds or HTTP date) in milliseconds from `nowMs`. */
export function retryAfterHeaderMs(response: Response, nowMs: number): number | undefined {
  const v = response.headers.get('retry-after');
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : undefined;
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
      try {
        return new URL(target, base);
      } catch {
        return undefined;
      }
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
