/**
 * The one choke point between the Jira adapters and @forge/api: every Jira call goes through
 * `jiraRequest`, and every failure leaves it as a `JiraError` (kind transient / not-found / permanent,
 * original failure as `cause`). Messages name the operation and the HTTP status only: no response
 * bodies, tokens or stack traces, so they are safe to log and to show an admin.
 *
 * Who the call runs as:
 * - `{ as: 'app' }` → `asApp().requestJira(...)`: triggers, queue consumers, scheduled triggers.
 * - `{ as: 'user' }` → `asUser().requestJira(...)`: the invocation's principal (resolvers only; the
 *   SDK sends `accountId: undefined` and the platform fills in the caller).
 *
 * `retryAfterMs` needs "now" only for a Retry-After given as an HTTP date; it comes from the Clock port.
 */
import { asApp, asUser, type RequestInit as ForgeRequestInit, type Route } from '@forge/api';
import {
  IssueTrackerError,
  type Clock,
  type IssueTrackerErrorDetails,
  type IssueTrackerErrorKind,
} from '../../app/ports';

export type JiraErrorKind = IssueTrackerErrorKind;

export interface JiraErrorDetails extends IssueTrackerErrorDetails {
  /** Jira's own error messages (never credentials), for logs. */
  jiraMessages?: string[];
}

/**
 * The port's `IssueTrackerError` (see it for what the caller should do), raised by the Jira adapters.
 * transient: 429 after `retryAfterMs`, 5xx, network/proxy failure, 401 while a fresh installation's
 * app token is not ready yet, 409; not-found: the issue/user is gone or not visible; permanent: Jira
 * refused and will refuse again (400, 403, ...).
 */
export class JiraError extends IssueTrackerError {
  declare readonly details: JiraErrorDetails;
  constructor(kind: JiraErrorKind, message: string, details: JiraErrorDetails = {}, options?: { cause?: unknown }) {
    super(kind, message, details, options);
    this.name = 'JiraError';
  }
}

/** The app, or the invocation's principal (the resolver caller). */
export type JiraPrincipal = { as: 'app' } | { as: 'user' };

export interface JiraResponse<T> {
  status: number;
  body: T | undefined;
  headers: Headers;
}

/** Parses Retry-After (seconds or HTTP date) into milliseconds from now. */
export function retryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (!value) return undefined;
  const s = Number(value.trim());
  if (Number.isFinite(s) && s >= 0) return Math.round(s * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function kindFor(status: number): JiraErrorKind {
  if (status === 429 || status >= 500 || status === 401 || status === 409) return 'transient';
  if (status === 404) return 'not-found';
  return 'permanent';
}

const describe = (status: number): string => {
  if (status === 429) return 'Jira is rate limiting the app';
  if (status >= 500) return 'Jira is temporarily unavailable';
  if (status === 401) return "Jira did not accept the app's credentials (yet)";
  if (status === 403) return 'Jira denied the app permission';
  if (status === 404) return 'Jira could not find it';
  return 'Jira rejected the request';
};

/**
 * Sends one request and returns the parsed JSON body for 2xx. Statuses listed in `accept` come back
 * as a response instead of an error (e.g. 404 → "no such issue", 400 on a raced transition).
 */
export async function jiraRequest<T = unknown>(
  who: JiraPrincipal,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: Route,
  opts: { body?: unknown; accept?: number[]; operation: string; clock: Clock },
): Promise<JiraResponse<T>> {
  const requester = who.as === 'app' ? asApp() : asUser();
  const init: ForgeRequestInit = {
    method,
    headers: { Accept: 'application/json', ...(opts.body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
  };
  let res: Response;
  try {
    res = (await requester.requestJira(path, init)) as unknown as Response;
  } catch (cause) {
    // @forge/api throws ProxyRequestError (with a status) when the Forge proxy refuses or fails,
    // NeedsAuthenticationError when there is no user to act as, and TypeError on network failure.
    const status =
      typeof (cause as { status?: unknown })?.status === 'number' ? (cause as { status: number }).status : undefined;
    const kind: JiraErrorKind = status === undefined || status >= 500 || status === 429 ? 'transient' : 'permanent';
    throw new JiraError(kind, `Jira could not be reached for ${opts.operation}`, { status }, { cause });
  }
  const text = res.status === 204 ? '' : await res.text().catch(() => '');
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if ((res.status >= 200 && res.status < 300) || opts.accept?.includes(res.status)) {
    return { status: res.status, body: body as T | undefined, headers: res.headers };
  }
  const jiraMessages = messagesOf(body);
  throw new JiraError(
    kindFor(res.status),
    `${describe(res.status)} (HTTP ${res.status} for ${opts.operation})`,
    {
      status: res.status,
      retryAfterMs: retryAfterMs(res.headers.get('retry-after'), Date.parse(opts.clock.now())),
      jiraMessages,
    },
    { cause: { status: res.status, jiraMessages } },
  );
}

function messagesOf(body: unknown): string[] | undefined {
  const b = body as { errorMessages?: unknown; errors?: unknown } | undefined;
  if (!b || typeof b !== 'object') return undefined;
  const out: string[] = [];
  if (Array.isArray(b.errorMessages)) out.push(...b.errorMessages.filter((m): m is string => typeof m === 'string'));
  if (b.errors && typeof b.errors === 'object') {
    for (const [k, v] of Object.entries(b.errors as Record<string, unknown>))
      if (typeof v === 'string') out.push(`${k}: ${v}`);
  }
  return out.length ? out.map((m) => m.slice(0, 300)) : undefined;
}
