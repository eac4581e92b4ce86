/**
 * Checks requests against Okta's published Management API (the swagger 2.0 document shipped by
 * `@okta/openapi`, dist/spec.json). A request whose method + path has no operation in the spec, or
 * that carries a query parameter the operation does not declare, is "not in Okta's published API".
 *
 * Spec quirks handled here:
 * - Literal segments beat templated ones: `/api/v1/groups/rules` must not match `/api/v1/groups/{groupId}`.
 *   Candidates are ranked by comparing segments left to right, a literal outranking a `{param}`.
 * - Two path keys carry a query string inside the key
 *   (`/api/v1/users/{userId}/lifecycle/expire_password?tempPassword=true|false`): the part after `?`
 *   is treated as a query parameter that the operation declares, with those fixed values.
 * - No path-level `parameters` exist in 2.15.0 and no `#/parameters/...` refs, but both are resolved anyway.
 * - The spec has no `/oauth2/...` paths at all (its only security definition is the SSWS `api_token`),
 *   so the token endpoint is allowed explicitly by the emulator, not here.
 */
import fs from 'node:fs';
import path from 'node:path';

// Okta's OpenAPI document is walked generically ($ref chains, optional sections at any depth); typing
// it would restate the OpenAPI schema for a test-only checker that fails loudly on what it cannot read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface SpecOperation {
  method: string;
  template: string;
  operationId: string;
  /** Declared query parameter names -> fixed allowed values (undefined = any value). */
  query: Map<string, { type?: string; fixed?: Set<string> }>;
}

export type SpecMatch =
  | { ok: true; operation: SpecOperation; params: Record<string, string> }
  | { ok: false; reason: string; operation?: SpecOperation };

interface PathEntry {
  template: string;
  segments: string[];
  ops: Map<string, SpecOperation>;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function specFile(): string {
  return path.join(path.dirname(require.resolve('@okta/openapi/package.json')), 'dist', 'spec.json');
}

export class OktaSpec {
  readonly version: string;
  private readonly entries: PathEntry[] = [];

  constructor(doc: Json) {
    this.version = String(doc?.info?.version ?? 'unknown');
    const resolve = (p: Json): Json => {
      let cur = p;
      const seen = new Set<string>();
      while (cur && typeof cur.$ref === 'string') {
        if (seen.has(cur.$ref)) throw new Error(`circular $ref ${cur.$ref}`);
        seen.add(cur.$ref);
        const parts = String(cur.$ref)
          .replace(/^#\//, '')
          .split('/')
          .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
        cur = parts.reduce((o: Json, k) => (o == null ? undefined : o[k]), doc);
      }
      return cur;
    };
    const byTemplate = new Map<string, PathEntry>();
    for (const [rawKey, item] of Object.entries<Json>(doc.paths ?? {})) {
      const [template, embeddedQuery] = rawKey.split('?', 2);
      let entry = byTemplate.get(template);
      if (!entry) {
        entry = { template, segments: template.split('/').filter(Boolean), ops: new Map() };
        byTemplate.set(template, entry);
        this.entries.push(entry);
      }
      const pathParams: Json[] = (item.parameters ?? []).map(resolve);
      for (const m of METHODS) {
        const op = item[m];
        if (!op) continue;
        const method = m.toUpperCase();
        const existing = entry.ops.get(method);
        const query = existing?.query ?? new Map<string, { type?: string; fixed?: Set<string> }>();
        for (const p of [...pathParams, ...(op.parameters ?? []).map(resolve)]) {
          if (p?.in === 'query' && !query.has(p.name)) query.set(p.name, { type: p.type });
        }
        if (embeddedQuery) {
          for (const [k, v] of new URLSearchParams(embeddedQuery)) {
            const q = query.get(k) ?? { fixed: new Set<string>() };
            if (q.fixed) q.fixed.add(v);
            query.set(k, q);
          }
        }
        entry.ops.set(method, {
          method,
          template,
          operationId: existing ? `${existing.operationId}|${op.operationId}` : op.operationId,
          query,
        });
      }
    }
    // Most specific first: compare segment by segment, literal before {param}.
    this.entries.sort((a, b) => {
      if (a.segments.length !== b.segments.length) return a.segments.length - b.segments.length;
      for (let i = 0; i < a.segments.length; i++) {
        const pa = a.segments[i].startsWith('{');
        const pb = b.segments[i].startsWith('{');
        if (pa !== pb) return pa ? 1 : -1;
      }
      return 0;
    });
  }

  operations(): SpecOperation[] {
    return this.entries.flatMap((e) => [...e.ops.values()]);
  }

  /** Finds the operation for `method pathname` and checks the query parameters. */
  check(method: string, pathname: string, query: URLSearchParams): SpecMatch {
    const segs = pathname
      .split('/')
      .filter(Boolean)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    let pathMatched: PathEntry | undefined;
    let params: Record<string, string> = {};
    for (const e of this.entries) {
      if (e.segments.length !== segs.length) continue;
      const p: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const t = e.segments[i];
        if (t.startsWith('{') && t.endsWith('}')) {
          if (segs[i] === '') ok = false;
          else p[t.slice(1, -1)] = segs[i];
        } else if (t !== segs[i]) ok = false;
      }
      if (!ok) continue;
      // A more specific template may exist for the path but not the method (e.g. POST /groups/rules
      // vs PUT /groups/{groupId}); Okta routes by path first, so the most specific path wins.
      pathMatched = e;
      params = p;
      break;
    }
    const m = method.toUpperCase();
    if (!pathMatched) return { ok: false, reason: `no path in Okta's published API matches ${pathname}` };
    const operation = pathMatched.ops.get(m);
    if (!operation)
      return { ok: false, reason: `${pathMatched.template} has no ${m} operation in Okta's published API` };
    const bad: string[] = [];
    for (const [k, v] of query) {
      const decl = operation.query.get(k);
      if (!decl) {
        bad.push(`query parameter "${k}" is not declared for ${operation.operationId}`);
        continue;
      }
      if (decl.fixed && !decl.fixed.has(v))
        bad.push(`query parameter "${k}" must be one of ${[...decl.fixed].join(', ')}`);
      if (decl.type === 'integer' && !/^-?\d+$/.test(v)) bad.push(`query parameter "${k}" must be an integer`);
      if (decl.type === 'boolean' && v !== 'true' && v !== 'false')
        bad.push(`query parameter "${k}" must be a boolean`);
    }
    if (bad.length) return { ok: false, reason: bad.join('; '), operation };
    return { ok: true, operation, params };
  }
}

let cached: OktaSpec | undefined;

/** Loads node_modules/@okta/openapi/dist/spec.json once per process. */
export function loadOktaSpec(): OktaSpec {
  if (!cached) cached = new OktaSpec(JSON.parse(fs.readFileSync(specFile(), 'utf8')));
  return cached;
}
