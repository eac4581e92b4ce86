/**
 * Checks the Jira emulator's traffic against Jira Cloud's platform REST API, as Atlassian publishes it
 * (OpenAPI 3.0.1, test/fixtures/swagger/jira.json, a copy of ../shared/data/jira-platform-swagger.json):
 * - a request: its method and path are an operation of the spec, its query and path parameters are
 *   declared with values of the declared type, and its JSON body (when the operation takes one) is
 *   valid against the request schema;
 * - a response: a 2xx status is one the operation declares, and a body is valid against the schema
 *   declared for that status (statuses declared without a schema, and undeclared error statuses such
 *   as 429 or 503, which Jira may answer anywhere, are not checked).
 *
 * The validator covers the JSON Schema subset the document uses (type, nullable, format, enum,
 * properties, required, additionalProperties, items, allOf/oneOf/anyOf, length/size/range bounds,
 * uniqueItems) with OpenAPI 3.0's meaning: null only where `nullable: true` (or the schema has no
 * type at all); `readOnly` properties must not be sent in a request, `writeOnly` ones never come back.
 * Atlassian Document Format bodies are `{}` in the spec (anything goes); the emulator checks ADF itself.
 *
 * Where the spec's schema contradicts what Jira demonstrably sends, the schema is corrected in
 * SPEC_ERRATA below, each entry with its evidence; nothing else is relaxed.
 *
 * Cost: the document is read and its operations indexed once per module registry (`loadJiraSpec`; one
 * per jest test file, about 60 ms); each schema is compiled to a closure the first time it is used
 * (cached per $ref target and per inline schema object): a request then checks in microseconds, a
 * 50-entry changelog page in well under a millisecond.
 */
import fs from 'node:fs';
import path from 'node:path';

// Jira's OpenAPI document is walked generically ($ref chains, optional sections at any depth); typing
// it would restate the OpenAPI schema for a test-only checker that fails loudly on what it cannot read.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export const JIRA_SPEC_FILE = path.join(__dirname, '..', '..', 'test', 'fixtures', 'swagger', 'jira.json');

/**
 * Corrections to the published schemas, applied before anything is compiled. Each must be evidenced by
 * the spec itself (its own examples) or by Atlassian's documentation; test/sandbox/jira/spec-check.test.ts
 * proves each one is still needed (the unpatched schema rejects the spec's own example).
 */
export const SPEC_ERRATA: ReadonlyArray<{ schema: string; property: string; patch: Json; evidence: string }> = [
  ...['from', 'to'].map((property) => ({
    schema: 'ChangeDetails',
    property,
    patch: { nullable: true },
    evidence:
      'getChangeLogs\' own 200 example has "from": null and "to": null (the raw value of a side of a change ' +
      'that has none, e.g. a field set from empty). The string forms stay strings: that example has "fromString": "".',
  })),
];

export interface SpecOperation {
  method: string;
  template: string;
  operationId: string;
}

export interface RequestCheck {
  operation?: SpecOperation;
  problems: string[];
}

interface Param {
  name: string;
  in: string;
  required: boolean;
  validate: Validator;
  array: boolean;
  /** The type of the value, or of each item of an array parameter. */
  scalarType?: string;
}

interface CompiledOperation extends SpecOperation {
  query: Map<string, Param>;
  path: Map<string, Param>;
  body?: { required: boolean; contentTypes: string[]; validate?: Validator };
  responses: Map<string, Validator | null>;
}

interface PathEntry {
  template: string;
  segments: string[];
  ops: Map<string, CompiledOperation>;
}

type Mode = 'request' | 'response';
type Validator = (value: unknown, at: string, mode: Mode, out: string[]) => void;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
};

// Jira writes date-times as 2026-11-22T09:00:00.000+0000 (no colon in the offset), the spec's own
// examples included; RFC 3339's form with a colon (and Z) is accepted too.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function formatProblem(format: string, v: unknown): string | undefined {
  switch (format) {
    case 'int32':
      return typeof v === 'number' && (v < -(2 ** 31) || v > 2 ** 31 - 1) ? 'is out of int32 range' : undefined;
    case 'int64':
      return typeof v === 'number' && !Number.isSafeInteger(v) ? 'is not a safe int64' : undefined;
    case 'date-time':
      return typeof v === 'string' && !DATE_TIME.test(v) ? 'is not a date-time' : undefined;
    case 'uuid':
      return typeof v === 'string' && !UUID.test(v) ? 'is not a UUID' : undefined;
    case 'uri':
      if (typeof v !== 'string') return undefined;
      try {
        new URL(v);
        return undefined;
      } catch {
        return 'is not an absolute URI';
      }
    default:
      return undefined;
  }
}

export class JiraSpec {
  readonly version: string;
  private readonly doc: Json;
  private readonly byRef = new Map<string, Validator>();
  private readonly compiled = new WeakMap<object, Validator>();
  /** By segment count, most specific first. */
  private readonly bySegments = new Map<number, PathEntry[]>();
  private readonly entries: PathEntry[] = [];
  private readonly byTemplate = new Map<string, PathEntry>();

  constructor(doc: Json, errata: typeof SPEC_ERRATA = SPEC_ERRATA) {
    // The errata replace the property schemas they correct (copying only the objects on the way), so
    // the caller's document stays as published.
    const schemas = { ...doc?.components?.schemas };
    for (const e of errata) {
      const bean = schemas[e.schema];
      const prop = bean?.properties?.[e.property];
      if (!prop) throw new Error(`spec erratum for ${e.schema}.${e.property}: no such property in the spec`);
      schemas[e.schema] = { ...bean, properties: { ...bean.properties, [e.property]: { ...prop, ...e.patch } } };
    }
    this.doc = { ...doc, components: { ...doc?.components, schemas } };
    this.version = String(this.doc.info?.version ?? 'unknown');
    for (const [template, item] of Object.entries<Json>(this.doc.paths ?? {})) {
      const entry: PathEntry = { template, segments: template.split('/').filter(Boolean), ops: new Map() };
      this.entries.push(entry);
      this.byTemplate.set(template, entry);
      for (const m of METHODS) {
        if (item[m]) entry.ops.set(m.toUpperCase(), this.operation(m.toUpperCase(), template, item, item[m]));
      }
    }
    // Most specific first: segment by segment, a literal outranks a {param}
    // (/rest/api/3/issue/createmeta before /rest/api/3/issue/{issueIdOrKey}).
    this.entries.sort((a, b) => {
      if (a.segments.length !== b.segments.length) return a.segments.length - b.segments.length;
      for (let i = 0; i < a.segments.length; i++) {
        const pa = a.segments[i].startsWith('{');
        const pb = b.segments[i].startsWith('{');
        if (pa !== pb) return pa ? 1 : -1;
      }
      return 0;
    });
    for (const e of this.entries)
      this.bySegments.set(e.segments.length, [...(this.bySegments.get(e.segments.length) ?? []), e]);
  }

  operations(): SpecOperation[] {
    return this.entries.flatMap((e) =>
      [...e.ops.values()].map(({ method, template, operationId }) => ({ method, template, operationId })),
    );
  }

  /**
   * Matches `method url` to an operation and checks parameters, content type and body. `body` is the
   * parsed JSON body (undefined: none was sent); `contentType` the request's Content-Type header (null:
   * none was sent; undefined: not known, not checked).
   */
  checkRequest(method: string, url: URL, body: unknown, contentType?: string | null): RequestCheck {
    const m = method.toUpperCase();
    const segs = url.pathname
      .split('/')
      .filter(Boolean)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    let found: { entry: PathEntry; params: Record<string, string> } | undefined;
    for (const entry of this.bySegments.get(segs.length) ?? []) {
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const t = entry.segments[i];
        if (t.startsWith('{') && t.endsWith('}')) {
          if (segs[i] === '') ok = false;
          else params[t.slice(1, -1)] = segs[i];
        } else if (t !== segs[i]) ok = false;
      }
      // Jira routes by path first (as Okta does): the most specific template wins even without the method.
      if (ok) {
        found = { entry, params };
        break;
      }
    }
    if (!found) return { problems: [`no path in Jira's published API matches ${url.pathname}`] };
    const op = found.entry.ops.get(m);
    if (!op) return { problems: [`${found.entry.template} has no ${m} operation in Jira's published API`] };
    const operation: SpecOperation = { method: op.method, template: op.template, operationId: op.operationId };
    const problems: string[] = [];

    for (const [name, value] of Object.entries(found.params)) {
      const p = op.path.get(name);
      if (!p) problems.push(`path parameter {${name}} is not declared for ${op.operationId}`);
      else p.validate(coerce(value, p), `path parameter {${name}}`, 'request', problems);
    }

    const given = new Map<string, string[]>();
    for (const [k, v] of url.searchParams) given.set(k, [...(given.get(k) ?? []), v]);
    for (const [k, values] of given) {
      const p = op.query.get(k);
      if (!p) {
        problems.push(`query parameter "${k}" is not declared for ${op.operationId}`);
        continue;
      }
      if (!p.array && values.length > 1) problems.push(`query parameter "${k}" is given ${values.length} times`);
      if (p.array)
        p.validate(
          values.map((v) => coerce(v, p)),
          `query parameter "${k}"`,
          'request',
          problems,
        );
      else for (const v of values) p.validate(coerce(v, p), `query parameter "${k}"`, 'request', problems);
    }
    for (const p of op.query.values())
      if (p.required && !given.has(p.name)) problems.push(`query parameter "${p.name}" is required`);

    if (body !== undefined) {
      if (!op.body) problems.push(`${op.operationId} takes no request body`);
      else {
        const ct = contentType?.split(';')[0].trim().toLowerCase();
        if (contentType !== undefined && !op.body.contentTypes.some((t) => t === '*/*' || t === ct))
          problems.push(`Content-Type ${ct ?? '(none)'} is not one of ${op.body.contentTypes.join(', ')}`);
        op.body.validate?.(body, 'body', 'request', problems);
      }
    } else if (op.body?.required) problems.push(`${op.operationId} requires a request body`);

    return { operation, problems };
  }

  /** Checks a response to `operation` (as matched by checkRequest). */
  checkResponse(operation: SpecOperation, status: number, body: unknown): string[] {
    const op = this.byTemplate.get(operation.template)?.ops.get(operation.method);
    if (!op) return [];
    const key = [String(status), `${String(status)[0]}XX`, 'default'].find((k) => op.responses.has(k));
    if (key === undefined) {
      return status >= 200 && status < 300
        ? [`${op.operationId} does not answer ${status} (it declares ${[...op.responses.keys()].join(', ')})`]
        : [];
    }
    const validate = op.responses.get(key);
    if (!validate || body === undefined) return [];
    const problems: string[] = [];
    validate(body, 'body', 'response', problems);
    return problems;
  }

  // ---------------------------------------------------------------- compiling

  private operation(method: string, template: string, item: Json, op: Json): CompiledOperation {
    const query = new Map<string, Param>();
    const pathParams = new Map<string, Param>();
    for (const raw of [...(item.parameters ?? []), ...(op.parameters ?? [])]) {
      const p = this.deref(raw);
      if (p?.in !== 'query' && p?.in !== 'path') continue;
      const schema = this.deref(p.schema ?? {});
      const param: Param = {
        name: p.name,
        in: p.in,
        required: p.in === 'path' || p.required === true,
        validate: this.compile(p.schema ?? {}),
        array: schema?.type === 'array',
        scalarType: schema?.type === 'array' ? this.deref(schema.items ?? {})?.type : schema?.type,
      };
      (p.in === 'query' ? query : pathParams).set(p.name, param);
    }
    let body: CompiledOperation['body'];
    const rb = op.requestBody && this.deref(op.requestBody);
    if (rb) {
      const contentTypes = Object.keys(rb.content ?? {}).map((t) => t.toLowerCase());
      const json = rb.content?.['application/json']?.schema;
      body = { required: rb.required === true, contentTypes, validate: json ? this.compile(json) : undefined };
    }
    const responses = new Map<string, Validator | null>();
    for (const [status, r] of Object.entries<Json>(op.responses ?? {})) {
      const schema = this.deref(r)?.content?.['application/json']?.schema;
      responses.set(status, schema ? this.compile(schema) : null);
    }
    return {
      method,
      template,
      operationId: String(op.operationId ?? `${method} ${template}`),
      query,
      path: pathParams,
      body,
      responses,
    };
  }

  private lookup(ref: string): Json {
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref} is not supported`);
    const target = ref
      .slice(2)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((o: Json, k) => (o == null ? undefined : o[k]), this.doc);
    if (target === undefined) throw new Error(`unresolvable $ref ${ref}`);
    return target;
  }

  private deref(x: Json): Json {
    let cur = x;
    for (let i = 0; cur && typeof cur.$ref === 'string'; i++) {
      if (i > 32) throw new Error(`$ref chain too long at ${x.$ref}`);
      cur = this.lookup(cur.$ref);
    }
    return cur;
  }

  private compile(schema: Json): Validator {
    if (schema && typeof schema.$ref === 'string') {
      const ref: string = schema.$ref;
      let v = this.byRef.get(ref);
      if (!v) {
        // Placeholder first: recursive schemas (a bean that contains itself) compile lazily.
        let inner: Validator | undefined;
        v = (value, at, mode, out) => (inner ??= this.compileSchema(this.lookup(ref)))(value, at, mode, out);
        this.byRef.set(ref, v);
      }
      return v;
    }
    if (!schema || typeof schema !== 'object') return () => {};
    let v = this.compiled.get(schema);
    if (!v) {
      let inner: Validator | undefined;
      v = (value, at, mode, out) => (inner ??= this.compileSchema(schema))(value, at, mode, out);
      this.compiled.set(schema, v);
    }
    return v;
  }

  private compileSchema(s: Json): Validator {
    const checks: Validator[] = [];
    const type: string | undefined = s.type;
    const nullable = s.nullable === true || type === undefined;

    for (const part of s.allOf ?? []) checks.push(this.compile(part));
    for (const [kw, min, max] of [
      ['oneOf', 1, 1],
      ['anyOf', 1, Infinity],
    ] as const) {
      const alts: Validator[] | undefined = s[kw]?.map((x: Json) => this.compile(x));
      if (alts)
        checks.push((value, at, mode, out) => {
          const passing = alts.filter((a) => {
            const o: string[] = [];
            a(value, at, mode, o);
            return o.length === 0;
          }).length;
          if (passing < min || passing > max) out.push(`${at} matches ${passing} of the ${kw} alternatives`);
        });
    }

    if (type !== undefined)
      checks.push((value, at, _mode, out) => {
        const t = typeOf(value);
        if (t === 'null') {
          if (!nullable) out.push(`${at} is null, but the schema is not nullable`);
        } else if (!(t === type || (type === 'number' && t === 'integer'))) {
          out.push(`${at} is ${t} ${show(value)}, expected ${type}`);
        }
      });
    if (s.enum) {
      const allowed: unknown[] = s.enum;
      checks.push((value, at, _mode, out) => {
        if (value !== null && !allowed.includes(value))
          out.push(`${at} ${show(value)} is not one of ${allowed.join(', ')}`);
      });
    }
    if (s.format) {
      const f: string = s.format;
      checks.push((value, at, _mode, out) => {
        const p = formatProblem(f, value);
        if (p) out.push(`${at} ${show(value)} ${p}`);
      });
    }
    const bound = (kw: string, test: (v: unknown, n: number) => boolean, what: string) => {
      if (typeof s[kw] !== 'number') return;
      const n: number = s[kw];
      checks.push((value, at, _mode, out) => {
        if (test(value, n)) out.push(`${at} ${what} ${n}`);
      });
    };
    bound('maxLength', (v, n) => typeof v === 'string' && v.length > n, 'is longer than');
    bound('minLength', (v, n) => typeof v === 'string' && v.length < n, 'is shorter than');
    bound('maximum', (v, n) => typeof v === 'number' && v > n, 'is greater than');
    bound('minimum', (v, n) => typeof v === 'number' && v < n, 'is less than');
    bound('maxItems', (v, n) => Array.isArray(v) && v.length > n, 'has more items than');
    bound('minItems', (v, n) => Array.isArray(v) && v.length < n, 'has fewer items than');
    const isObj = (v: unknown): v is Record<string, unknown> => typeOf(v) === 'object';
    bound('maxProperties', (v, n) => isObj(v) && Object.keys(v).length > n, 'has more properties than');
    bound('minProperties', (v, n) => isObj(v) && Object.keys(v).length < n, 'has fewer properties than');
    if (s.uniqueItems === true)
      checks.push((value, at, _mode, out) => {
        if (Array.isArray(value) && new Set(value.map((x) => JSON.stringify(x))).size !== value.length)
          out.push(`${at} has duplicate items`);
      });

    if (s.items) {
      const item = this.compile(s.items);
      checks.push((value, at, mode, out) => {
        if (Array.isArray(value)) value.forEach((x, i) => item(x, `${at}[${i}]`, mode, out));
      });
    }

    if (s.properties || s.additionalProperties !== undefined || s.required) {
      const props = new Map<string, { validate: Validator; readOnly: boolean; writeOnly: boolean }>();
      for (const [name, p] of Object.entries<Json>(s.properties ?? {})) {
        // readOnly/writeOnly may sit beside an allOf/$ref wrapper, or on the referenced schema.
        const target = this.deref(p) ?? {};
        props.set(name, {
          validate: this.compile(p),
          readOnly: p?.readOnly === true || target.readOnly === true,
          writeOnly: p?.writeOnly === true || target.writeOnly === true,
        });
      }
      const required: string[] = s.required ?? [];
      const extra: Validator | false | undefined =
        s.additionalProperties === false
          ? false
          : s.additionalProperties && typeof s.additionalProperties === 'object'
            ? this.compile(s.additionalProperties)
            : undefined;
      checks.push((value, at, mode, out) => {
        if (!isObj(value)) return;
        for (const [k, v] of Object.entries(value)) {
          const p = props.get(k);
          const here = `${at}.${k}`;
          if (p) {
            if (mode === 'request' && p.readOnly) out.push(`${here} is read-only: Jira does not take it in a request`);
            if (mode === 'response' && p.writeOnly) out.push(`${here} is write-only: Jira never sends it`);
            p.validate(v, here, mode, out);
          } else if (extra === false) out.push(`${here} is not a property of the schema`);
          else if (extra) extra(v, here, mode, out);
        }
        for (const r of required) {
          const p = props.get(r);
          if (mode === 'request' && p?.readOnly) continue;
          if (mode === 'response' && p?.writeOnly) continue;
          if (!(r in value)) out.push(`${at}.${r} is required`);
        }
      });
    }

    return (value, at, mode, out) => {
      if (value === null && nullable) return;
      for (const c of checks) c(value, at, mode, out);
    };
  }
}

/** A query or path parameter's text as the JSON value its schema describes (left as text if it is not one). */
function coerce(text: string, p: Param): unknown {
  switch (p.scalarType) {
    case 'integer':
      return /^-?\d+$/.test(text) ? Number(text) : text;
    case 'number':
      return text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    default:
      return text;
  }
}

/** Operations Atlassian published after jira.json (e.g. POST /search/jql), with their schemas. */
export const JIRA_SPEC_ADDITIONS_FILE = path.join(
  __dirname,
  '..',
  '..',
  'test',
  'fixtures',
  'swagger',
  'jira-additions.json',
);

let cached: JiraSpec | undefined;

/** jira.json with jira-additions.json merged over its paths and component schemas. */
function readJiraSpec(): Json {
  const base = JSON.parse(fs.readFileSync(JIRA_SPEC_FILE, 'utf8')) as {
    paths: Record<string, Json>;
    components: { schemas: Record<string, Json> };
  };
  const add = JSON.parse(fs.readFileSync(JIRA_SPEC_ADDITIONS_FILE, 'utf8')) as {
    paths?: Record<string, Json>;
    components?: { schemas?: Record<string, Json> };
  };
  return {
    ...base,
    paths: { ...base.paths, ...(add.paths ?? {}) },
    components: { ...base.components, schemas: { ...base.components.schemas, ...(add.components?.schemas ?? {}) } },
  } as unknown as Json;
}

/** Loads the Jira spec (jira.json plus its additions) once per process (per jest module registry). */
export function loadJiraSpec(): JiraSpec {
  if (!cached) cached = new JiraSpec(readJiraSpec());
  return cached;
}
