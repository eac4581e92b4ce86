/**
 * A real HTTP emulator of the Okta Management API subset the app uses, on 127.0.0.1 (random port).
 *
 * Every request is (1) recorded, (2) answered by an injected fault if one matches, (3) checked against
 * Okta's published OpenAPI document (@okta/openapi): anything the spec does not define is recorded in
 * `violations` and answered 501, (4) authenticated (SSWS, Bearer or DPoP), (5) rate limited,
 * (6) scope-checked for OAuth tokens, (7) checked against the caller's admin role (admin-roles.ts),
 * (8) served from the in-memory org.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { loadOktaSpec, type SpecOperation } from './spec-check';
import { OrgState, type GroupType, type UserRec, type UserStatus, type GroupRec } from './state';
import { OAuthServer, type ResourceAuth } from './oauth';
import { FilterSyntaxError, parseFilter } from './filter';
import { AdminRoles, type AdminRole } from './admin-roles';

export interface OktaEmulatorOptions {
  /** ms epoch; the sandbox passes a virtual clock; default Date.now */
  now?: () => number;
  orgName?: string;
  /** per-org requests per window, default 600/60 */
  rateLimit?: { limit: number; windowSeconds: number };
  /** default page size for list endpoints, default 200; ?limit is honoured */
  pageSize?: number;
  /**
   * The most items one page holds whatever ?limit asks (Okta silently caps `limit` at each list's
   * maximum). Default 10000; a small cap makes a small org span many pages, so tests can exercise
   * pagination and the client's page cap without thousands of records.
   */
  maxPageSize?: number;
}

export interface OktaEmulator {
  url: string;
  apiToken: string;
  addUser(u: {
    id?: string;
    login: string;
    email: string;
    firstName?: string;
    lastName?: string;
    status?: 'ACTIVE' | 'DEPROVISIONED' | 'SUSPENDED' | 'STAGED' | 'PROVISIONED';
  }): { id: string; login: string; email: string; status: string };
  addGroup(g: { id?: string; name: string; description?: string; type?: 'OKTA_GROUP' | 'APP_GROUP' | 'BUILT_IN' }): {
    id: string;
    name: string;
    type: string;
  };
  addRule(r: { name?: string; groupIds: string[] }): { id: string };
  addRole(groupId: string, roleType: string): void;
  members(groupId: string): string[];
  addMember(groupId: string, userId: string): void;
  removeMember(groupId: string, userId: string): void;
  /** A service app and the scopes granted to it: a token request naming any other scope is refused with invalid_scope. */
  registerOAuthClient(c: { clientId: string; publicJwk: object; scopes: string[]; requireDpop?: boolean }): void;
  /**
   * The admin role of a caller: 'api-token' (the SSWS token's admin) or an OAuth client id. Default
   * SUPER_ADMIN; a custom role limits calls to its permissions and resource set (403 E0000006 outside).
   */
  setAdminRole(principal: string, role: AdminRole | AdminRole[] | undefined): void;
  fault(f: {
    method?: string;
    path: string | RegExp;
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
    delayMs?: number;
    times?: number;
  }): void;
  clearFaults(): void;
  /**
   * Random transient faults, after any scripted fault: for each request, `pick()` answers a status to
   * fail it with (Okta's error body for that status, as for `fault`) or undefined to serve it.
   * `undefined` ends them. Tests pass their own seeded generator so runs replay.
   */
  randomFaults(pick: ((req: { method: string; path: string }) => number | undefined) | undefined): void;
  setRateLimit(limit: number, windowSeconds: number): void;
  readonly requests: Array<{
    at: number;
    method: string;
    path: string;
    query: Record<string, string>;
    status: number;
    requestId: string;
  }>;
  readonly violations: Array<{ method: string; path: string; reason: string }>;
  close(): Promise<void>;
  /** Deactivates a user as the Admin Console does: status DEPROVISIONED, group memberships kept (Okta keeps them until deletion). */
  deactivateUser(userId: string): void;
  /** Deletes a (deactivated) user: gone from the org and from every group, so reads answer 404. */
  deleteUser(userId: string): void;
  /** Deletes a group with its memberships, role assignments and rule targets, so reads answer 404. */
  deleteGroup(groupId: string): void;
}

interface Fault {
  method?: string;
  path: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  remaining: number;
}

type Reply = { status: number; body?: unknown; headers?: Record<string, string | string[]> };

const TOKEN_PATH = '/oauth2/v1/token';

/**
 * The OAuth scope each operation needs, as Okta's current Management API spec states it in each
 * operation's `security` (okta/okta-management-openapi-spec, management 2026.06.3: `oauth2: [scope]`).
 * @okta/openapi 2.15.0, which the spec check uses for paths, predates per-operation scopes. The spec
 * names one scope per operation and does not say that a `.manage` scope covers reads, so neither
 * does the emulator: reads of groups, members and rules need okta.groups.read.
 */
const SCOPES: Record<string, string[]> = {
  listUsers: ['okta.users.read'],
  getUser: ['okta.users.read'],
  listUserGroups: ['okta.users.read'],
  listGroups: ['okta.groups.read'],
  getGroup: ['okta.groups.read'],
  listGroupRules: ['okta.groups.read'],
  listGroupUsers: ['okta.groups.read'],
  addUserToGroup: ['okta.groups.manage'],
  removeUserFromGroup: ['okta.groups.manage'],
  listGroupAssignedRoles: ['okta.roles.read'],
  getOrgSettings: ['okta.orgs.read'],
};

const ERROR_SUMMARIES: Record<string, string> = {
  E0000006: 'You do not have permission to perform the requested action',
  E0000009: 'Internal Server Error',
  E0000011: 'Invalid token provided',
  E0000047: 'API call exceeded rate limit due to too many requests.',
  E0000031: 'Invalid search criteria.',
};

export async function startOktaEmulator(opts: OktaEmulatorOptions = {}): Promise<OktaEmulator> {
  const now = opts.now ?? (() => Date.now());
  const pageSize = opts.pageSize ?? 200;
  const orgName = opts.orgName ?? 'Atko Corp';
  const spec = loadOktaSpec();
  const state = new OrgState(now);
  const oauth = new OAuthServer(now);
  const roles = new AdminRoles();
  const apiToken =
    '00' + createHash('sha256').update('okta-emulator-ssws').digest('base64url').replace(/[-_]/g, 'x').slice(0, 40);
  const requests: OktaEmulator['requests'] = [];
  const violations: OktaEmulator['violations'] = [];
  let faults: Fault[] = [];
  let randomFault: ((req: { method: string; path: string }) => number | undefined) | undefined;
  let rate = {
    limit: opts.rateLimit?.limit ?? 600,
    windowMs: (opts.rateLimit?.windowSeconds ?? 60) * 1000,
    start: -Infinity,
    count: 0,
  };
  let reqCounter = 0;
  let errCounter = 0;
  let url = '';

  const requestIdFor = (n: number) =>
    createHash('sha256').update(`req-${n}`).digest('base64url').slice(0, 23) + 'AAA' + n.toString(36).toUpperCase();
  const errorBody = (code: string, summary?: string, causes: Array<{ errorSummary: string }> = []) => {
    errCounter += 1;
    return {
      errorCode: code,
      errorSummary: summary ?? ERROR_SUMMARIES[code] ?? 'Error',
      errorLink: code,
      errorId:
        'oae' + createHash('sha256').update(`err-${errCounter}`).digest('base64url').replace(/[-_]/g, 'x').slice(0, 19),
      errorCauses: causes,
    };
  };

  const rollWindow = () => {
    const t = now();
    if (t >= rate.start + rate.windowMs) {
      rate.start = t;
      rate.count = 0;
    }
  };
  const rateHeaders = (): Record<string, string> => {
    rollWindow();
    return {
      'X-Rate-Limit-Limit': String(rate.limit),
      'X-Rate-Limit-Remaining': String(Math.max(0, rate.limit - rate.count)),
      'X-Rate-Limit-Reset': String(Math.ceil((rate.start + rate.windowMs) / 1000)),
    };
  };

  /** Bases the client may have used to reach us: forwarded host (sandbox egress proxy), Host header, loopback URL. */
  const bases = (req: http.IncomingMessage): { public: string; all: string[] } => {
    const all: string[] = [];
    const xfh = header(req, 'x-forwarded-host');
    if (xfh) all.push(`${header(req, 'x-forwarded-proto') ?? 'https'}://${xfh}`);
    const host = req.headers.host;
    const loopHost = new URL(url).host;
    if (host && host !== loopHost) all.push(`https://${host}`);
    all.push(url);
    if (host) all.push(`https://${host}`);
    return { public: all[0], all: [...new Set(all)] };
  };

  // ---------------- handlers ----------------

  const notFound = (id: string, kind: 'User' | 'UserGroup'): Reply => ({
    status: 404,
    body: errorBody('E0000007', `Not found: Resource not found: ${id} (${kind})`),
  });

  function paginate<T>(
    items: T[],
    key: (t: T) => string,
    q: URLSearchParams,
    base: string,
    pathname: string,
  ): { page: T[]; links: string[] } | Reply {
    const limitRaw = q.get('limit');
    const limit = Math.max(
      1,
      Math.min(limitRaw ? parseInt(limitRaw, 10) || pageSize : pageSize, opts.maxPageSize ?? 10000),
    );
    const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    let start = 0;
    const after = q.get('after');
    if (after !== null) {
      let last: string | undefined;
      try {
        last = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')).k;
      } catch {
        /* invalid */
      }
      if (typeof last !== 'string')
        return {
          status: 400,
          body: errorBody('E0000001', 'Api validation failed: after', [
            { errorSummary: 'after: The cursor is not valid.' },
          ]),
        };
      start = sorted.findIndex((t) => key(t) > last!);
      if (start < 0) start = sorted.length;
    }
    const page = sorted.slice(start, start + limit);
    const self = new URLSearchParams(q);
    const links = [`<${base}${pathname}${self.size ? `?${self}` : ''}>; rel="self"`];
    if (start + limit < sorted.length) {
      const next = new URLSearchParams(q);
      next.set('after', Buffer.from(JSON.stringify({ k: key(page[page.length - 1]) })).toString('base64url'));
      next.set('limit', String(limit));
      links.push(`<${base}${pathname}?${next}>; rel="next"`);
    }
    return { page, links };
  }
  const isReply = (x: unknown): x is Reply => typeof (x as Reply).status === 'number';

  const userAttr =
    (u: UserRec) =>
    (a: string): string | undefined => {
      if (a === 'id') return u.id;
      if (a === 'status') return u.status;
      if (a.startsWith('profile.')) return (u.profile as Record<string, string>)[a.slice(8)];
      return undefined;
    };
  const groupAttr =
    (g: GroupRec) =>
    (a: string): string | undefined => {
      if (a === 'id') return g.id;
      if (a === 'type') return g.type;
      if (a.startsWith('profile.')) return (g.profile as Record<string, string>)[a.slice(8)];
      return undefined;
    };

  function handle(
    op: SpecOperation,
    p: Record<string, string>,
    q: URLSearchParams,
    base: string,
    pathname: string,
    visibleGroup: (groupId: string) => boolean = () => true,
  ): Reply {
    switch (op.operationId) {
      case 'listUsers': {
        let users = [...state.users.values()];
        try {
          if (q.has('search')) {
            // `search` includes deactivated (DEPROVISIONED) users.
            const pred = parseFilter(q.get('search')!, [
              'id',
              'status',
              'profile.email',
              'profile.login',
              'profile.firstName',
              'profile.lastName',
            ]);
            users = users.filter((u) => pred(userAttr(u)));
          } else if (q.has('filter')) {
            const f = q.get('filter')!;
            const pred = parseFilter(f, [
              'id',
              'status',
              'profile.email',
              'profile.login',
              'profile.firstName',
              'profile.lastName',
            ]);
            users = users.filter(
              (u) => pred(userAttr(u)) && (u.status !== 'DEPROVISIONED' || /status\s+eq\s+"DEPROVISIONED"/i.test(f)),
            );
          } else if (q.has('q')) {
            const s = q.get('q')!.toLowerCase();
            users = users.filter(
              (u) =>
                u.status !== 'DEPROVISIONED' &&
                [u.profile.firstName, u.profile.lastName, u.profile.email].some((x) => x.toLowerCase().startsWith(s)),
            );
          } else {
            users = users.filter((u) => u.status !== 'DEPROVISIONED');
          }
        } catch (e) {
          if (e instanceof FilterSyntaxError)
            return { status: 400, body: errorBody('E0000031', undefined, [{ errorSummary: e.message }]) };
          throw e;
        }
        const r = paginate(users, (u) => u.id, q, base, pathname);
        if (isReply(r)) return r;
        return { status: 200, body: r.page.map((u) => state.userJson(u, base)), headers: { Link: r.links } };
      }
      case 'getUser': {
        const u = state.resolveUser(p.userId);
        return u ? { status: 200, body: state.userJson(u, base) } : notFound(p.userId, 'User');
      }
      case 'listUserGroups': {
        const u = state.users.get(p.userId) ?? state.resolveUser(p.userId);
        if (!u) return notFound(p.userId, 'User');
        const groups = [...state.groups.values()].filter((g) => state.memberships.get(g.id)?.has(u.id));
        return { status: 200, body: groups.map((g) => state.groupJson(g, base)) };
      }
      case 'listGroups': {
        // An admin whose role covers only some groups sees only those.
        let groups = [...state.groups.values()].filter((g) => visibleGroup(g.id));
        try {
          if (q.has('q')) {
            const s = q.get('q')!.toLowerCase();
            groups = groups.filter((g) => g.profile.name.toLowerCase().startsWith(s));
          }
          for (const k of ['filter', 'search']) {
            if (q.has(k)) {
              const pred = parseFilter(q.get(k)!, ['id', 'type', 'profile.name', 'profile.description']);
              groups = groups.filter((g) => pred(groupAttr(g)));
            }
          }
        } catch (e) {
          if (e instanceof FilterSyntaxError)
            return { status: 400, body: errorBody('E0000031', undefined, [{ errorSummary: e.message }]) };
          throw e;
        }
        const r = paginate(groups, (g) => g.id, q, base, pathname);
        if (isReply(r)) return r;
        return { status: 200, body: r.page.map((g) => state.groupJson(g, base)), headers: { Link: r.links } };
      }
      case 'getGroup': {
        const g = state.groups.get(p.groupId);
        return g ? { status: 200, body: state.groupJson(g, base) } : notFound(p.groupId, 'UserGroup');
      }
      case 'listGroupRules': {
        let rules = [...state.rules.values()];
        if (q.has('search')) {
          const s = q.get('search')!.toLowerCase();
          rules = rules.filter((r) => r.name.toLowerCase().includes(s));
        }
        const r = paginate(rules, (x) => x.id, q, base, pathname);
        if (isReply(r)) return r;
        return { status: 200, body: r.page.map((x) => state.ruleJson(x)), headers: { Link: r.links } };
      }
      case 'listGroupAssignedRoles': {
        if (!state.groups.has(p.groupId)) return notFound(p.groupId, 'UserGroup');
        return { status: 200, body: (state.roles.get(p.groupId) ?? []).map((r) => state.roleJson(p.groupId, r, base)) };
      }
      case 'listGroupUsers': {
        if (!state.groups.has(p.groupId)) return notFound(p.groupId, 'UserGroup');
        const users = state
          .members(p.groupId)
          .map((id) => state.users.get(id)!)
          .filter(Boolean);
        const r = paginate(users, (u) => u.id, q, base, pathname);
        if (isReply(r)) return r;
        return { status: 200, body: r.page.map((u) => state.userJson(u, base)), headers: { Link: r.links } };
      }
      case 'addUserToGroup':
      case 'removeUserFromGroup': {
        const g = state.groups.get(p.groupId);
        if (!g) return notFound(p.groupId, 'UserGroup');
        const u = state.users.get(p.userId);
        if (!u) return notFound(p.userId, 'User');
        if (g.type !== 'OKTA_GROUP') return { status: 403, body: errorBody('E0000006') };
        // PUT is idempotent (204 when already a member). DELETE of a user who is not a member: we
        // assume real Okta answers 204 as well (removal is idempotent; 404 E0000007 only when the
        // user or group itself does not exist).
        if (op.operationId === 'addUserToGroup') state.addMember(g.id, u.id);
        else state.removeMember(g.id, u.id);
        return { status: 204 };
      }
      case 'getOrgSettings': {
        const host = new URL(base).hostname;
        const m = /^([a-z0-9-]+)\.(okta|oktapreview|okta-emea)\.com$/i.exec(host);
        const subdomain = m ? m[1] : orgName.toLowerCase().replace(/[^a-z0-9]+/g, '');
        const created = new Date(0).toISOString();
        return {
          status: 200,
          body: {
            id: '00o' + createHash('sha256').update(subdomain).digest('hex').slice(0, 17),
            companyName: orgName,
            subdomain,
            status: 'ACTIVE',
            created,
            lastUpdated: created,
            website: `https://www.${subdomain}.example`,
            // No expiresAt: Okta's spec (and its SDK's OrgSetting) types it as a date, never null; an org
            // that does not expire (not a trial) has no expiry to report.
            _links: {
              preferences: { href: `${base}/api/v1/org/preferences` },
              contacts: { href: `${base}/api/v1/org/contacts` },
            },
          },
        };
      }
      default:
        return {
          status: 501,
          body: errorBody(
            'E0000060',
            `Unsupported operation: ${op.method} ${op.template} (${op.operationId}) is in Okta's published API but not emulated`,
          ),
        };
    }
  }

  // ---------------- HTTP ----------------

  const server = http.createServer((req, res) => {
    void serve(req, res).catch((e) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(errorBody('E0000009', `Internal Server Error (emulator bug: ${(e as Error).message})`)));
      } else res.destroy();
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    reqCounter += 1;
    const requestId = requestIdFor(reqCounter);
    const at = now();
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const query = Object.fromEntries(u.searchParams);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const record = { at, method, path: u.pathname, query, status: 0, requestId };
    requests.push(record);

    const send = (r: Reply, extra: Record<string, string> = {}) => {
      record.status = r.status;
      const headers: Record<string, string | string[]> = {
        'X-Okta-Request-Id': requestId,
        Date: new Date(now()).toUTCString(),
        ...rateHeaders(),
        ...(r.body !== undefined ? { 'Content-Type': 'application/json;charset=UTF-8' } : {}),
        ...extra,
        ...(r.headers ?? {}),
      };
      res.writeHead(r.status, headers);
      res.end(
        r.body === undefined || r.status === 204
          ? undefined
          : typeof r.body === 'string'
            ? r.body
            : JSON.stringify(r.body),
      );
    };

    // Faults first.
    const fi = faults.findIndex(
      (f) =>
        f.remaining > 0 &&
        (!f.method || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string'
          ? f.path === u.pathname || f.path === u.pathname + u.search
          : f.path.test(u.pathname)),
    );
    const randomStatus = fi < 0 ? randomFault?.({ method, path: u.pathname }) : undefined;
    if (randomStatus !== undefined) {
      send({
        status: randomStatus,
        body: defaultFaultBody(randomStatus),
        headers: randomStatus === 429 ? { 'X-Rate-Limit-Remaining': '0' } : {},
      });
      return;
    }
    if (fi >= 0) {
      const f = faults[fi];
      f.remaining -= 1;
      if (f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
      if (f.status === 0) {
        record.status = 0;
        req.socket.destroy();
        return;
      }
      const body = f.body !== undefined ? f.body : f.status >= 400 ? defaultFaultBody(f.status) : undefined;
      // An injected 429 is Okta's: the window is spent (X-Rate-Limit-Remaining: 0) and X-Rate-Limit-Reset
      // is the end of the current window, so a client that waits until Reset − Date (as Okta's SDK does)
      // waits as long as it would at Okta. The fault's own headers win.
      const rateLimited: Record<string, string> = f.status === 429 ? { 'X-Rate-Limit-Remaining': '0' } : {};
      send({ status: f.status, body, headers: { ...rateLimited, ...f.headers } });
      return;
    }

    const b = bases(req);

    // The token endpoint is not in @okta/openapi 2.15.0 (the document has no /oauth2 paths; it only
    // covers the Management API under /api/v1 with SSWS auth), yet it is Okta's documented org
    // authorization server endpoint for service apps, so it is allowed here explicitly.
    if (u.pathname === TOKEN_PATH && method === 'POST') {
      if (!consumeRate()) {
        send({ status: 429, body: errorBody('E0000047') });
        return;
      }
      const ct = String(req.headers['content-type'] ?? '');
      if (!ct.startsWith('application/x-www-form-urlencoded')) {
        send({
          status: 400,
          body: {
            error: 'invalid_request',
            error_description: 'Content-Type must be application/x-www-form-urlencoded.',
          },
        });
        return;
      }
      const r = await oauth.token(
        new URLSearchParams(rawBody),
        header(req, 'dpop'),
        b.all.map((x) => x + TOKEN_PATH),
      );
      send({ status: r.status, body: r.body }, r.headers);
      return;
    }

    const match = spec.check(method, u.pathname, u.searchParams);
    if (!match.ok) {
      violations.push({ method, path: u.pathname + u.search, reason: match.reason });
      send({
        status: 501,
        body: errorBody(
          'E0000060',
          `Not in Okta's published API (@okta/openapi ${spec.version}): ${method} ${u.pathname}${u.search} — ${match.reason}`,
        ),
      });
      return;
    }

    // Authentication.
    const authz = header(req, 'authorization');
    let auth: ResourceAuth;
    if (!authz) auth = { ok: false, error: 'invalid_token', description: 'No authorization header.' };
    else if (/^SSWS\s/i.test(authz))
      auth =
        authz.slice(5).trim() === apiToken
          ? { ok: true, kind: 'SSWS', scopes: 'all' }
          : { ok: false, error: 'invalid_token', description: 'Invalid SSWS token.' };
    else
      auth = await oauth.authenticateResource(
        authz,
        header(req, 'dpop'),
        method,
        b.all.map((x) => x + u.pathname),
      );
    if (!auth.ok) {
      const extra: Record<string, string> = {};
      if (auth.kind)
        extra['WWW-Authenticate'] =
          `${auth.kind} authorization_uri="${b.public}/oauth2/v1/authorize", realm="${b.public}", scope="", error="${auth.error}", error_description="${auth.description}", resource="${u.pathname}"`;
      // Okta's error catalog (developer docs, data/oauth2-error-codes.json) lists invalid_dpop_proof
      // only as 400 Bad Request; other token failures are 401.
      if (auth.error === 'invalid_dpop_proof')
        send({ status: 400, body: { error: auth.error, error_description: auth.description } }, extra);
      else send({ status: 401, body: errorBody('E0000011') }, extra);
      return;
    }

    if (!consumeRate()) {
      send({ status: 429, body: errorBody('E0000047') });
      return;
    }

    if (auth.scopes !== 'all') {
      const need = SCOPES[match.operation.operationId] ?? [];
      const granted = auth.scopes;
      if (!need.some((s) => granted.has(s))) {
        send(
          { status: 403, body: errorBody('E0000006') },
          {
            'WWW-Authenticate': `${auth.kind} authorization_uri="${b.public}/oauth2/v1/authorize", realm="${b.public}", scope="${need[0] ?? ''}", error="insufficient_scope", error_description="The access token provided does not contain the required scopes.", resource="${u.pathname}"`,
          },
        );
        return;
      }
    }

    const principal = auth.kind === 'SSWS' ? 'api-token' : auth.clientId;
    const role = roles.check(
      principal,
      match.operation.operationId,
      match.params,
      (userId, groupId) => state.memberships.get(groupId)?.has(userId) ?? false,
    );
    if (!role.allowed) {
      send({ status: 403, body: errorBody('E0000006') });
      return;
    }

    send(handle(match.operation, match.params, u.searchParams, b.public, u.pathname, role.visibleGroup));
  }

  function consumeRate(): boolean {
    rollWindow();
    if (rate.count >= rate.limit) return false;
    rate.count += 1;
    return true;
  }

  function defaultFaultBody(status: number) {
    if (status === 429) return errorBody('E0000047');
    if (status === 401) return errorBody('E0000011');
    if (status === 403) return errorBody('E0000006');
    if (status === 404) return errorBody('E0000007', 'Not found: Resource not found');
    if (status >= 500) return errorBody('E0000009');
    return errorBody('E0000001', 'Api validation failed');
  }

  // Idle keep-alive sockets stay open for ten real minutes. With Node's default (5 s) a busy machine
  // (a benchmark seeding 50,000 grants between two Okta calls) lets the server close a pooled socket
  // just as the app reuses it: a connection reset no scenario asked for. Faults are injected on purpose.
  server.keepAliveTimeout = 600_000;
  server.headersTimeout = 601_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const publicUser = (r: UserRec) => ({
    id: r.id,
    login: r.profile.login,
    email: r.profile.email,
    status: r.status as string,
  });

  return {
    url,
    apiToken,
    addUser: (x) => publicUser(state.addUser({ ...x, status: x.status as UserStatus | undefined })),
    addGroup: (x) => {
      const g = state.addGroup({ ...x, type: x.type as GroupType | undefined });
      return { id: g.id, name: g.profile.name, type: g.type };
    },
    addRule: (x) => ({ id: state.addRule(x).id }),
    addRole: (g, t) => state.addRole(g, t),
    members: (g) => state.members(g),
    addMember: (g, uId) => state.addMember(g, uId),
    removeMember: (g, uId) => state.removeMember(g, uId),
    registerOAuthClient: (c) => oauth.register(c),
    setAdminRole: (principal, role) => roles.set(principal, role),
    fault: (f) => {
      faults.push({ ...f, remaining: f.times ?? 1 });
    },
    clearFaults: () => {
      faults = [];
    },
    randomFaults: (pick) => {
      randomFault = pick;
    },
    setRateLimit: (limit, windowSeconds) => {
      rate = { limit, windowMs: windowSeconds * 1000, start: -Infinity, count: 0 };
    },
    requests,
    violations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    deactivateUser: (userId) => {
      const u = state.users.get(userId);
      if (!u) throw new Error(`unknown user ${userId}`);
      u.status = 'DEPROVISIONED';
      u.lastUpdated = now();
    },
    deleteUser: (userId) => {
      const u = state.users.get(userId);
      if (!u) throw new Error(`unknown user ${userId}`);
      // Okta deletes only deactivated users (DELETE on an active one deactivates it first).
      if (u.status !== 'DEPROVISIONED') throw new Error(`user ${userId} must be deactivated before it is deleted`);
      for (const g of state.groups.keys()) state.removeMember(g, userId);
      state.users.delete(userId);
    },
    deleteGroup: (groupId) => {
      if (!state.groups.has(groupId)) throw new Error(`unknown group ${groupId}`);
      state.groups.delete(groupId);
      state.memberships.delete(groupId);
      state.roles.delete(groupId);
      for (const r of state.rules.values()) r.groupIds = r.groupIds.filter((g) => g !== groupId);
    },
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
