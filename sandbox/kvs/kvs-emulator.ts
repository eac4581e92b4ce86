/**
 * In-memory stand-in for Forge's KVS service (Key-Value Store, secrets, Custom Entity Store, batch and
 * transactions), spoken to by the real `@forge/kvs` 1.6.5 client through `__forge_fetch__`.
 *
 * Wire shapes follow the SDK (node_modules/@forge/kvs/out): every request is a POST with a JSON body;
 * errors are `{ code, message }` (the SDK needs both fields, else it reports UNKNOWN_ERROR); `get` of a
 * missing key answers 404 KEY_NOT_FOUND, which the SDK turns into `undefined`; plain `query` pages with
 * `after` and answers `{ data, cursor }`; entity `query` pages with `cursor`.
 *
 * Documented Forge rules enforced: key regex /^(?!\s+$)[a-zA-Z0-9:._\s-#]+$/ and 500 chars (EMPTY_KEY,
 * INVALID_KEY, KEY_TOO_LONG); values <= 240 KiB of JSON (MAX_SIZE) and depth <= 32 (MAX_DEPTH); entity
 * attributes typed per manifest (integer = 32-bit); query pages <= 100 (default 10); transactions <= 25
 * operations, atomic, conditions evaluated like filters against the stored value.
 *
 * Not documented by Forge, so configurable (`conflicts`, `conditionsOnMissingItems`; ADR 0011): a
 * FAIL_IF_EXISTS clash answers 409 KEY_CONFLICT and a failed transaction condition 400
 * CONDITIONAL_CHECK_FAILED by default (what a third-party measurement reports, not Forge's error
 * table); a condition on an item that does not exist is evaluated against an empty item by default.
 * Tests set other codes and statuses, or make every condition on a missing item fail, to prove the app
 * decides by reading keys back rather than by these strings; `createOnlyWrites: 'ignored'` makes
 * FAIL_IF_EXISTS a plain set, so the install self-check (ADR 0014) can be seen to catch it.
 *
 * Known deviations (see DEVIATIONS below): queries are strongly consistent here; TTL expiry is
 * immediate; codes for failures Forge does not document are our own (BAD_REQUEST, INVALID_INDEX, ...).
 *
 * Entity queries are answered from a sorted index per (entity, index, partition values), kept up to date
 * by every write, as the real store does: a query costs the items it walks, not the table. `stats`
 * counts what the store would bill: requests per operation, and for each query the items the index walk
 * read (a filter drops items after they are read, so they still count) next to the items returned.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export type AttributeType = 'string' | 'integer' | 'float' | 'boolean' | 'any';

export interface IndexDefinition {
  name: string;
  partition: string[];
  range: string;
}

export interface EntityDefinition {
  name: string;
  attributes: Record<string, { type: AttributeType }>;
  indexes: IndexDefinition[];
}

export interface KvsResponse {
  status: number;
  body?: unknown;
}

/** How the emulator refuses a write: HTTP status and the `code` of the error body. */
export interface RefusalAnswer {
  status: number;
  code: string;
}
export interface ConflictAnswers {
  /** A FAIL_IF_EXISTS write (plain, entity or batch) whose key is already stored. */
  keyExists: RefusalAnswer;
  /** A transaction with a condition that does not hold. */
  conditionFailed: RefusalAnswer;
}
/** What a third-party measurement reports Forge answers; Forge's error table lists neither code. */
export const REPORTED_CONFLICT_ANSWERS: ConflictAnswers = {
  keyExists: { status: 409, code: 'KEY_CONFLICT' },
  conditionFailed: { status: 400, code: 'CONDITIONAL_CHECK_FAILED' },
};
/** `as-empty`: a condition on a missing item is evaluated against `{}`; `fail`: it never holds. */
export type MissingItemConditions = 'as-empty' | 'fail';
/**
 * `enforced`: a FAIL_IF_EXISTS write of a stored key is refused (`conflicts.keyExists`); `ignored`: it
 * replaces the value like a plain set (a platform that dropped the option). Documented behaviour is
 * `enforced`; `ignored` exists so tests can show the self-check catch a create-only write that is not.
 */
export type CreateOnlyWrites = 'enforced' | 'ignored';

export const DEVIATIONS = [
  'Queries are strongly consistent (Forge: eventually consistent) unless a test freezes them (freezeQueries).',
  'TTL: an item whose expireTime has passed is treated as deleted at once (Forge deletes it eventually).',
  'Entity values with attributes not declared in the manifest are rejected (INVALID_ENTITY_VALUE).',
  'Error codes Forge does not document (bad limit, unknown index, too many transaction operations, bad cursor) are BAD_REQUEST / INVALID_INDEX / INVALID_ENTITY_VALUE with status 400.',
  'Filters are applied after `limit` picks the page (DynamoDB semantics): a filtered page can be short or empty while a cursor is still returned.',
  'batch/get reports missing keys in failedKeys with KEY_NOT_FOUND.',
  'A page is followed by a cursor only when another item is in range (Forge may also return one at the end); looking ahead for it is not billed.',
] as const;

/**
 * What the store would bill, counted since construction or the last `resetStats()`. `requests` is per
 * operation (the path after /api/v1/, e.g. `entity/query`, `transaction`), refused requests included.
 */
export interface KvsStats {
  requests: Record<string, number>;
  /** Entity and plain queries: items the walk read within the partition and range, before filters. */
  itemsScanned: number;
  /** Entity and plain queries: items that came back after filters. */
  itemsReturned: number;
  /** Items read by get and batch get (found ones) — queries are in itemsScanned. */
  itemsGot: number;
  /** Items written or deleted by set, delete, batch and committed transactions. */
  itemsWritten: number;
  /** Per `entity/index`: queries, items scanned, items returned. */
  byIndex: Record<string, { queries: number; scanned: number; returned: number }>;
}

const emptyStats = (): KvsStats => ({
  requests: {},
  itemsScanned: 0,
  itemsReturned: 0,
  itemsGot: 0,
  itemsWritten: 0,
  byIndex: {},
});

/** Storage requests of every kind in `stats`. */
export const totalRequests = (stats: KvsStats): number => Object.values(stats.requests).reduce((n, c) => n + c, 0);

const KEY_PATTERN = /^(?!\s+$)[a-zA-Z0-9:._\s\-#]+$/;
const MAX_KEY_LENGTH = 500;
export const MAX_VALUE_BYTES = 240 * 1024;
const MAX_DEPTH = 32;
export const DEFAULT_QUERY_LIMIT = 10;
export const MAX_QUERY_LIMIT = 100;
export const MAX_TRANSACTION_OPS = 25;
export const MAX_BATCH_ITEMS = 25;
const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

interface Rec {
  value: unknown;
  createdAt: number;
  updatedAt: number;
  expireTime?: string;
}

class KvsFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const fail = (status: number, code: string, message: string): never => {
  throw new KvsFailure(status, code, message);
};
const badRequest = (message: string): never => fail(400, 'BAD_REQUEST', message);

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function loadManifestEntities(manifestPath: string): EntityDefinition[] {
  const doc = parseYaml(readFileSync(manifestPath, 'utf8')) as { app?: { storage?: { entities?: unknown[] } } };
  const raw = doc.app?.storage?.entities ?? [];
  return raw.map((e) => {
    const ent = e as { name: string; attributes?: Record<string, { type: AttributeType }>; indexes?: unknown[] };
    const attributes = ent.attributes ?? {};
    const indexes = (ent.indexes ?? []).map((ix): IndexDefinition => {
      // A bare attribute name is a shorthand index named after (and ranged on) that attribute.
      if (typeof ix === 'string') return { name: ix, partition: [], range: ix };
      const o = ix as { name: string; partition?: string[]; range: string[] | string };
      return { name: o.name, partition: o.partition ?? [], range: Array.isArray(o.range) ? o.range[0] : o.range };
    });
    return { name: ent.name, attributes, indexes };
  });
}

type Condition = { property?: string; condition: string; values: unknown[] };
type Filters = { and?: Condition[]; or?: Condition[] };

/** Compares two scalars of the same kind (string by code unit, number numerically); undefined if not comparable. */
function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}

function evalCondition(actual: unknown, c: Condition): boolean {
  const v = c.values ?? [];
  const cmp = (x: unknown) => compare(actual, x);
  switch (c.condition) {
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    case 'EQUAL_TO':
      return cmp(v[0]) === 0;
    case 'NOT_EQUAL_TO':
      return cmp(v[0]) !== 0;
    case 'GREATER_THAN': {
      const r = cmp(v[0]);
      return r !== undefined && r > 0;
    }
    case 'GREATER_THAN_EQUAL_TO': {
      const r = cmp(v[0]);
      return r !== undefined && r >= 0;
    }
    case 'LESS_THAN': {
      const r = cmp(v[0]);
      return r !== undefined && r < 0;
    }
    case 'LESS_THAN_EQUAL_TO': {
      const r = cmp(v[0]);
      return r !== undefined && r <= 0;
    }
    case 'BETWEEN': {
      const lo = cmp(v[0]);
      const hi = cmp(v[1]);
      return lo !== undefined && hi !== undefined && lo >= 0 && hi <= 0;
    }
    case 'BEGINS_WITH':
      return typeof actual === 'string' && typeof v[0] === 'string' && actual.startsWith(v[0]);
    case 'CONTAINS':
      if (typeof actual === 'string') return typeof v[0] === 'string' && actual.includes(v[0]);
      if (Array.isArray(actual)) return actual.some((x) => compare(x, v[0]) === 0);
      return false;
    case 'NOT_CONTAINS':
      if (actual === undefined) return false;
      if (typeof actual === 'string') return typeof v[0] === 'string' && !actual.includes(v[0]);
      if (Array.isArray(actual)) return !actual.some((x) => compare(x, v[0]) === 0);
      return false;
    default:
      return badRequest(`Unknown condition ${String(c.condition)}`);
  }
}

const RANGE_CONDITIONS = new Set([
  'BEGINS_WITH',
  'BETWEEN',
  'EQUAL_TO',
  'GREATER_THAN',
  'GREATER_THAN_EQUAL_TO',
  'LESS_THAN',
  'LESS_THAN_EQUAL_TO',
]);
const FILTER_CONDITIONS = new Set([
  ...RANGE_CONDITIONS,
  'CONTAINS',
  'NOT_CONTAINS',
  'NOT_EQUAL_TO',
  'EXISTS',
  'NOT_EXISTS',
]);

function checkFilters(filters: unknown): Filters | undefined {
  if (filters === undefined || filters === null) return undefined;
  if (!isObject(filters)) return badRequest('filters must be an object');
  const f = filters as Filters;
  if (f.and && f.or) badRequest('filters take either and or or, not both');
  const list = f.and ?? f.or;
  if (!Array.isArray(list) || list.length === 0) badRequest('filters need at least one condition');
  for (const c of list!) {
    if (
      !isObject(c) ||
      typeof c.property !== 'string' ||
      !FILTER_CONDITIONS.has(c.condition as string) ||
      !Array.isArray(c.values)
    ) {
      badRequest(`Invalid filter ${JSON.stringify(c)}`);
    }
  }
  return f;
}

function matchesFilters(value: unknown, f: Filters | undefined): boolean {
  if (!f) return true;
  const obj = isObject(value) ? value : {};
  if (f.and) return f.and.every((c) => evalCondition(obj[c.property!], c));
  return (f.or ?? []).some((c) => evalCondition(obj[c.property!], c));
}

function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (isObject(v)) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

function validateKey(key: unknown): string {
  if (typeof key !== 'string' || key.length === 0) return fail(400, 'EMPTY_KEY', 'Key cannot be empty.');
  if (key.length > MAX_KEY_LENGTH)
    return fail(400, 'KEY_TOO_LONG', `The provided key has exceeded the maximum ${MAX_KEY_LENGTH} characters.`);
  if (!KEY_PATTERN.test(key))
    return fail(400, 'INVALID_KEY', 'The provided key does not match the regex: /^(?!\\s+$)[a-zA-Z0-9:._\\s-#]+$/');
  return key;
}

function validateValue(value: unknown): void {
  if (value === undefined) badRequest('A value is required');
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > MAX_VALUE_BYTES)
    fail(
      400,
      'MAX_SIZE',
      `The provided value (${bytes} bytes) has exceeded the maximum size limit (${MAX_VALUE_BYTES} bytes).`,
    );
  if (depthOf(value) > MAX_DEPTH)
    fail(400, 'MAX_DEPTH', `The provided value has exceeded the maximum object depth (${MAX_DEPTH}) limit.`);
}

const TTL_UNIT_MS: Record<string, number> = { SECONDS: 1000, MINUTES: 60_000, HOURS: 3_600_000, DAYS: 86_400_000 };

/**
 * A request body as the real @forge/kvs client sends it: read without a schema (the client is the
 * real one); fields this emulator reads by name are typed, the rest stay unknown.
 */
interface KvsBody {
  key: string;
  value: unknown;
  entityName: string;
  options?: SetOptionsBody & { metadataFields?: unknown };
  metadataFields?: unknown;
  [field: string]: unknown;
}

interface SetOptionsBody {
  keyPolicy?: 'OVERRIDE' | 'FAIL_IF_EXISTS';
  returnValue?: 'PREVIOUS' | 'LATEST';
  ttl?: { value: number; unit: string };
}

const encodeCursor = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
function decodeCursor<T>(c: unknown): T {
  if (typeof c !== 'string') return badRequest('Invalid cursor');
  try {
    return JSON.parse(Buffer.from(c as string, 'base64url').toString('utf8')) as T;
  } catch {
    return badRequest('Invalid cursor');
  }
}

function checkLimit(limit: unknown): number {
  if (limit === undefined || limit === null) return DEFAULT_QUERY_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_QUERY_LIMIT) {
    return badRequest(`limit must be an integer between 1 and ${MAX_QUERY_LIMIT}`);
  }
  return limit;
}

type Store = Map<string, Rec>;

/** The KVS operations that change something. */
const WRITE_PATH = /\/api\/v1\/(?:(?:secret\/|entity\/|batch\/)?(?:set|delete)|transaction)$/;

interface IndexEntry {
  key: string;
  rv: unknown;
}

/** Ascending index order: range value, then key (ties in the range value keep a stable order). */
function ascending(a: IndexEntry, b: IndexEntry): number {
  return (
    (compare(a.rv, b.rv) ?? String(a.rv).localeCompare(String(b.rv))) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}

/** First position in `xs` where `pred` holds, for a predicate that is false and then true along `xs`. */
function firstWhere<T>(xs: readonly T[], pred: (x: T) => boolean, from = 0, to = xs.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(xs[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

const isScalar = (v: unknown): v is string | number | boolean =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * The partition an item (or a query) falls in: its partition values with their types, so that `1`
 * and `'1'` differ as they do in `compare`. Undefined when a value is missing or not a scalar: such an
 * item is in no partition of the index, and such a query matches nothing.
 */
function partitionKey(values: readonly unknown[]): string | undefined {
  return values.every(isScalar) ? JSON.stringify(values) : undefined;
}

/**
 * Range bounds of a key condition, for a binary search over the sorted partition: `below` holds for
 * values before the range, `above` for values past it. Both are monotone along the index order when
 * every range value has the range condition's type, which the manifest's typed attributes guarantee.
 */
function rangeBounds(range: Condition): { below: (rv: unknown) => boolean; above: (rv: unknown) => boolean } {
  const v = range.values ?? [];
  const lt = (a: unknown, b: unknown) => (compare(a, b) ?? 0) < 0;
  const gt = (a: unknown, b: unknown) => (compare(a, b) ?? 0) > 0;
  const never = () => false;
  switch (range.condition) {
    case 'EQUAL_TO':
      return { below: (rv) => lt(rv, v[0]), above: (rv) => gt(rv, v[0]) };
    case 'BETWEEN':
      return { below: (rv) => lt(rv, v[0]), above: (rv) => gt(rv, v[1]) };
    case 'GREATER_THAN':
      return { below: (rv) => !gt(rv, v[0]) && compare(rv, v[0]) !== undefined, above: never };
    case 'GREATER_THAN_EQUAL_TO':
      return { below: (rv) => lt(rv, v[0]), above: never };
    case 'LESS_THAN':
      return { below: never, above: (rv) => !lt(rv, v[0]) && compare(rv, v[0]) !== undefined };
    case 'LESS_THAN_EQUAL_TO':
      return { below: never, above: (rv) => gt(rv, v[0]) };
    case 'BEGINS_WITH': {
      const p = v[0];
      if (typeof p !== 'string') return { below: never, above: never };
      return {
        below: (rv) => typeof rv === 'string' && rv < p,
        above: (rv) => typeof rv === 'string' && rv > p && !rv.startsWith(p),
      };
    }
    default:
      return { below: never, above: never };
  }
}

/**
 * Every index of one entity: per index, per partition, the items sorted by range value then key.
 * Items without the range attribute (or a partition attribute) are in no partition, as in Forge.
 */
class EntityIndexes {
  private readonly parts = new Map<string, Map<string, IndexEntry[]>>();

  constructor(private readonly def: EntityDefinition) {
    for (const ix of def.indexes) this.parts.set(ix.name, new Map());
  }

  static of(def: EntityDefinition, store: Store): EntityIndexes {
    const ixs = new EntityIndexes(def);
    for (const [key, r] of store) ixs.add(key, r.value);
    return ixs;
  }

  /** The sorted entries of one partition (read-only to callers); empty when nothing is in it. */
  partition(indexName: string, values: readonly unknown[]): readonly IndexEntry[] {
    const pk = partitionKey(values);
    return (pk !== undefined && this.parts.get(indexName)?.get(pk)) || [];
  }

  add(key: string, value: unknown): void {
    for (const [parts, entry, pk] of this.placesOf(key, value)) {
      let list = parts.get(pk);
      if (!list) parts.set(pk, (list = []));
      list.splice(
        firstWhere(list, (x) => ascending(x, entry) > 0),
        0,
        entry,
      );
    }
  }

  remove(key: string, value: unknown): void {
    for (const [parts, entry, pk] of this.placesOf(key, value)) {
      const list = parts.get(pk);
      if (!list) continue;
      let at = firstWhere(list, (x) => ascending(x, entry) >= 0);
      // Range values of an `any` attribute need not be totally ordered; fall back to a linear search.
      if (list[at]?.key !== key) at = list.findIndex((x) => x.key === key);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) parts.delete(pk);
    }
  }

  private *placesOf(key: string, value: unknown): Generator<[Map<string, IndexEntry[]>, IndexEntry, string]> {
    if (!isObject(value)) return;
    for (const ix of this.def.indexes) {
      const rv = value[ix.range];
      if (rv === undefined || rv === null) continue;
      const pk = partitionKey(ix.partition.map((p) => value[p]));
      if (pk === undefined) continue;
      yield [this.parts.get(ix.name)!, { key, rv }, pk];
    }
  }
}

export class KvsEmulator {
  private readonly defs = new Map<string, EntityDefinition>();
  private readonly plain: Store = new Map();
  private readonly secrets: Store = new Map();
  private readonly entities = new Map<string, Store>();
  /** The indexes of each entity store, updated by every write to it (put / drop). */
  private readonly indexesOf = new Map<Store, EntityIndexes>();
  private readonly now: () => number;
  /** Every request seen, for tests that assert what the SDK sent (off with `keepRequestLog: false`). */
  readonly requests: Array<{ path: string; body: unknown }> = [];
  private readonly keepRequestLog: boolean;
  /** What the real store would bill (see KvsStats); `resetStats()` starts a new count. */
  stats: KvsStats = emptyStats();

  /** Undocumented answers, changeable at any time by a test (see the header comment). */
  conflicts: ConflictAnswers;
  conditionsOnMissingItems: MissingItemConditions;
  createOnlyWrites: CreateOnlyWrites;

  constructor(opts: {
    entities: EntityDefinition[];
    now?: () => number;
    conflicts?: Partial<ConflictAnswers>;
    conditionsOnMissingItems?: MissingItemConditions;
    createOnlyWrites?: CreateOnlyWrites;
    /** Large runs turn the request log off: it keeps a copy of every body. Stats are always kept. */
    keepRequestLog?: boolean;
  }) {
    for (const e of opts.entities) {
      this.defs.set(e.name, e);
      const store: Store = new Map();
      this.entities.set(e.name, store);
      this.indexesOf.set(store, new EntityIndexes(e));
    }
    this.keepRequestLog = opts.keepRequestLog ?? true;
    this.now = opts.now ?? (() => Date.now());
    this.conflicts = { ...REPORTED_CONFLICT_ANSWERS, ...opts.conflicts };
    this.conditionsOnMissingItems = opts.conditionsOnMissingItems ?? 'as-empty';
    this.createOnlyWrites = opts.createOnlyWrites ?? 'enforced';
  }

  /**
   * Writes that fail as a storage outage would: while set, each write request (set, delete, batch
   * set/delete, transaction, secret writes) for which `fails()` answers true is refused with a 500
   * and changes nothing. Reads are untouched. `undefined` ends it.
   */
  writeFailures?: () => boolean;

  handle(path: string, body: unknown): KvsResponse {
    if (this.keepRequestLog) this.requests.push({ path, body: clone(body) });
    const op = path.replace(/^\/api\/v1\//, '');
    this.stats.requests[op] = (this.stats.requests[op] ?? 0) + 1;
    if (this.writeFailures && WRITE_PATH.test(path) && this.writeFailures())
      return { status: 500, body: { code: 'INTERNAL_SERVER_ERROR', message: 'injected: storage write failed' } };
    try {
      return this.dispatch(path, body);
    } catch (e) {
      if (e instanceof KvsFailure) return { status: e.status, body: { code: e.code, message: e.message } };
      throw e;
    }
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  // ---- read helpers for tests ----

  value(key: string): unknown {
    return clone(this.live(this.plain, key)?.value);
  }
  secret(key: string): unknown {
    return clone(this.live(this.secrets, key)?.value);
  }
  entity(entityName: string): Array<{ key: string; value: Record<string, unknown> }> {
    const store = this.entityStore(entityName);
    return [...store.keys()].sort().flatMap((key) => {
      const r = this.live(store, key);
      return r ? [{ key, value: clone(r.value) as Record<string, unknown> }] : [];
    });
  }
  /**
   * Models query lag (Forge: queries are eventually consistent, `get` is not): until `thawQueries()`,
   * entity queries answer from a copy of the entities taken now, while gets and writes see the truth.
   */
  freezeQueries(): void {
    this.querySnapshot = new Map(
      [...this.entities].map(([name, store]) => {
        const copy: Store = new Map([...store].map(([k, r]) => [k, { ...r, value: clone(r.value) }]));
        return [name, { store: copy, indexes: EntityIndexes.of(this.defs.get(name)!, copy) }];
      }),
    );
  }
  thawQueries(): void {
    this.querySnapshot = undefined;
  }
  private querySnapshot?: Map<string, { store: Store; indexes: EntityIndexes }>;

  /** Plain keys currently stored (secrets and entities excluded). */
  keys(): string[] {
    return [...this.plain.keys()].filter((k) => this.live(this.plain, k)).sort();
  }

  // ---- dispatch ----

  private dispatch(path: string, raw: unknown): KvsResponse {
    const b = (raw ?? {}) as KvsBody;
    switch (path) {
      case '/api/v1/get':
        return this.get(this.plain, b);
      case '/api/v1/set':
        return this.set(this.plain, b);
      case '/api/v1/delete':
        return this.del(this.plain, b);
      case '/api/v1/query':
        return this.query(b);
      case '/api/v1/secret/get':
        return this.get(this.secrets, b);
      case '/api/v1/secret/set':
        return this.set(this.secrets, b);
      case '/api/v1/secret/delete':
        return this.del(this.secrets, b);
      case '/api/v1/entity/get':
        return this.get(this.entityStore(b.entityName), b);
      case '/api/v1/entity/set':
        return this.set(this.entityStore(b.entityName), b, this.defs.get(b.entityName));
      case '/api/v1/entity/delete':
        return this.del(this.entityStore(b.entityName), b);
      case '/api/v1/entity/query':
        return this.entityQuery(b);
      case '/api/v1/batch/get':
        return this.batchGet(raw);
      case '/api/v1/batch/set':
        return this.batchSet(raw);
      case '/api/v1/batch/delete':
        return this.batchDelete(raw);
      case '/api/v1/transaction':
        return this.transact(b);
      default:
        return fail(404, 'NOT_FOUND', `No KVS operation at ${path}`);
    }
  }

  private entityStore(name: unknown): Store {
    if (typeof name !== 'string' || name.length === 0) return badRequest('entityName is required');
    const s = this.entities.get(name as string);
    if (!s) return fail(400, 'INVALID_ENTITY', `Entity ${String(name)} is not declared in the manifest`);
    return s;
  }

  /** The record if present and not past its TTL (expired records are dropped on sight). */
  private live(store: Store, key: string): Rec | undefined {
    const r = store.get(key);
    if (r && this.expired(r)) {
      this.drop(store, key);
      return undefined;
    }
    return r;
  }

  private expired(r: Rec): boolean {
    return !!r.expireTime && Date.parse(r.expireTime) <= this.now();
  }

  /** Every write goes through put / drop, so an entity's indexes always match its items. */
  private put(store: Store, key: string, rec: Rec): void {
    const ixs = this.indexesOf.get(store);
    if (ixs) {
      const old = store.get(key);
      if (old) ixs.remove(key, old.value);
      ixs.add(key, rec.value);
    }
    store.set(key, rec);
    this.stats.itemsWritten++;
  }

  private drop(store: Store, key: string): void {
    const old = store.get(key);
    if (old) this.indexesOf.get(store)?.remove(key, old.value);
    store.delete(key);
  }

  private withMetadata(key: string, r: Rec, fields: unknown) {
    const f = Array.isArray(fields) ? fields : [];
    return {
      key,
      value: clone(r.value),
      ...(f.includes('CREATED_AT') ? { createdAt: r.createdAt } : {}),
      ...(f.includes('UPDATED_AT') ? { updatedAt: r.updatedAt } : {}),
      ...(f.includes('EXPIRE_TIME') && r.expireTime ? { expireTime: r.expireTime } : {}),
    };
  }

  private get(store: Store, b: KvsBody): KvsResponse {
    const key = validateKey(b.key);
    const r = this.live(store, key);
    if (!r) return fail(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
    this.stats.itemsGot++;
    // The SDK only reads metadata when asked, but Forge always sends key and value.
    return {
      status: 200,
      body: {
        ...this.withMetadata(key, r, b.options?.metadataFields),
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
        ...(r.expireTime ? { expireTime: r.expireTime } : {}),
      },
    };
  }

  private validateEntityValue(def: EntityDefinition, value: unknown): void {
    if (!isObject(value)) fail(400, 'INVALID_ENTITY_VALUE', `A ${def.name} value must be an object`);
    for (const [attr, v] of Object.entries(value as Record<string, unknown>)) {
      const spec = def.attributes[attr];
      if (!spec) fail(400, 'INVALID_ENTITY_VALUE', `Attribute ${attr} is not declared on entity ${def.name}`);
      if (v === null || v === undefined) continue;
      const ok =
        spec.type === 'any' ||
        (spec.type === 'string' && typeof v === 'string') ||
        (spec.type === 'boolean' && typeof v === 'boolean') ||
        (spec.type === 'float' && typeof v === 'number' && Number.isFinite(v)) ||
        (spec.type === 'integer' && typeof v === 'number' && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX);
      if (!ok)
        fail(400, 'INVALID_ENTITY_VALUE', `Attribute ${attr} of entity ${def.name} must be of type ${spec.type}`);
    }
  }

  private expireTimeFor(ttl: SetOptionsBody['ttl']): string | undefined {
    if (!ttl) return undefined;
    const unit = TTL_UNIT_MS[ttl.unit];
    if (!unit || typeof ttl.value !== 'number' || ttl.value <= 0) return badRequest('Invalid ttl');
    return new Date(this.now() + ttl.value * unit).toISOString();
  }

  /** Validates one write without applying it; returns the record to store. */
  private prepareSet(
    store: Store,
    key: string,
    value: unknown,
    options: SetOptionsBody | undefined,
    def?: EntityDefinition,
  ): Rec {
    validateKey(key);
    validateValue(value);
    if (def) this.validateEntityValue(def, value);
    const existing = this.live(store, key);
    if (options?.keyPolicy === 'FAIL_IF_EXISTS' && existing && this.createOnlyWrites === 'enforced')
      fail(this.conflicts.keyExists.status, this.conflicts.keyExists.code, `Key ${key} already exists`);
    const nowSec = Math.floor(this.now() / 1000);
    return {
      value: clone(value),
      createdAt: existing?.createdAt ?? nowSec,
      updatedAt: nowSec,
      expireTime: this.expireTimeFor(options?.ttl),
    };
  }

  private set(store: Store, b: KvsBody, def?: EntityDefinition): KvsResponse {
    const options = b.options as SetOptionsBody | undefined;
    const key = validateKey(b.key);
    const previous = this.live(store, key);
    const rec = this.prepareSet(store, key, b.value, options, def);
    this.put(store, key, rec);
    if (options?.returnValue) {
      const shown = options.returnValue === 'PREVIOUS' ? previous : rec;
      if (!shown) return { status: 204 };
      return {
        status: 200,
        body: {
          key,
          value: clone(shown.value),
          createdAt: shown.createdAt,
          updatedAt: shown.updatedAt,
          ...(shown.expireTime ? { expireTime: shown.expireTime } : {}),
        },
      };
    }
    return { status: 204 };
  }

  private del(store: Store, b: KvsBody): KvsResponse {
    const key = validateKey(b.key);
    this.drop(store, key);
    this.stats.itemsWritten++;
    return { status: 204 };
  }

  private query(b: KvsBody): KvsResponse {
    const limit = checkLimit(b.limit);
    const where = b.where as Condition[] | undefined;
    let prefix = '';
    if (where !== undefined) {
      if (!Array.isArray(where) || where.length !== 1) badRequest('where takes exactly one condition');
      const w = where[0];
      if (w.property !== 'key' || w.condition !== 'BEGINS_WITH' || typeof w.values?.[0] !== 'string')
        badRequest('Only `key BEGINS_WITH <string>` is supported');
      prefix = w.values[0] as string;
    }
    const after = b.after === undefined ? undefined : decodeCursor<{ k: string }>(b.after).k;
    const keys = [...this.plain.keys()]
      .filter((k) => k.startsWith(prefix) && (after === undefined || k > after) && this.live(this.plain, k))
      .sort();
    const page = keys.slice(0, limit);
    const data = page.map((k) => this.withMetadata(k, this.plain.get(k)!, b.options?.metadataFields));
    this.stats.itemsScanned += page.length;
    this.stats.itemsReturned += data.length;
    const cursor = keys.length > limit ? encodeCursor({ k: page[page.length - 1] }) : undefined;
    return { status: 200, body: { data, ...(cursor ? { cursor } : {}) } };
  }

  private entityQuery(b: KvsBody): KvsResponse {
    const frozen = this.querySnapshot?.get(b.entityName);
    const store = frozen?.store ?? this.entityStore(b.entityName);
    const indexes = frozen?.indexes ?? this.indexesOf.get(store)!;
    const def = this.defs.get(b.entityName)!;
    const index = def.indexes.find((i) => i.name === b.indexName);
    if (!index) return fail(400, 'INVALID_INDEX', `Index ${String(b.indexName)} is not declared on entity ${def.name}`);
    const limit = checkLimit(b.limit);
    const partition = (b.partition ?? []) as unknown[];
    if (!Array.isArray(partition) || partition.length !== index.partition.length) {
      badRequest(`Index ${index.name} needs partition values for [${index.partition.join(', ')}]`);
    }
    const range = b.range as Condition | undefined;
    if (
      range !== undefined &&
      (!isObject(range) || !RANGE_CONDITIONS.has(range.condition) || !Array.isArray(range.values))
    ) {
      badRequest(`Invalid range condition ${JSON.stringify(range)}`);
    }
    const filters = checkFilters(b.filters);
    const sort = b.sort ?? 'ASC';
    if (sort !== 'ASC' && sort !== 'DESC') badRequest('sort must be ASC or DESC');
    const fingerprint = `${def.name}/${index.name}`;
    const after = b.cursor === undefined ? undefined : decodeCursor<{ i: string; r: unknown; k: string }>(b.cursor);
    if (after && after.i !== fingerprint) badRequest('The cursor belongs to another index');

    // The partition's items, sorted by range value then key. The range condition narrows them to a
    // slice by binary search (a key condition: the store never reads what lies outside it); an `any`
    // range attribute has no one order, so there the whole partition is walked.
    const entries = indexes.partition(index.name, partition);
    let lo = 0;
    let hi = entries.length;
    if (range && def.attributes[index.range]?.type !== 'any') {
      const { below, above } = rangeBounds(range);
      lo = firstWhere(entries, (e) => !below(e.rv));
      hi = Math.max(
        lo,
        firstWhere(entries, (e) => above(e.rv), lo),
      );
    }
    if (after) {
      const cut: IndexEntry = { key: after.k, rv: after.r };
      if (sort === 'ASC')
        lo = Math.max(
          lo,
          firstWhere(entries, (e) => ascending(e, cut) > 0, lo, hi),
        );
      else
        hi = Math.min(
          hi,
          firstWhere(entries, (e) => ascending(e, cut) >= 0, lo, hi),
        );
    }

    // Like DynamoDB, `limit` bounds the items read; filters then drop some of them (still billed).
    const page: Array<{ key: string; r: Rec; rv: unknown }> = [];
    const expired: string[] = [];
    let more = false;
    const step = sort === 'ASC' ? 1 : -1;
    for (let i = sort === 'ASC' ? lo : hi - 1; i >= lo && i < hi; i += step) {
      const { key, rv } = entries[i];
      const r = store.get(key);
      if (!r || this.expired(r)) {
        if (r) expired.push(key);
        continue;
      }
      if (range && !evalCondition(rv, range)) continue;
      if (page.length === limit) {
        more = true;
        break;
      }
      page.push({ key, r, rv });
    }
    // Dropped after the walk: dropping updates the very list being walked.
    for (const key of expired) this.live(store, key);

    const data = page
      .filter((x) => matchesFilters(x.r.value, filters))
      .map((x) => this.withMetadata(x.key, x.r, b.options?.metadataFields ?? b.metadataFields));
    this.bill(fingerprint, page.length, data.length);
    const last = page[page.length - 1];
    const cursor = more ? encodeCursor({ i: fingerprint, r: last.rv, k: last.key }) : undefined;
    return { status: 200, body: { data, ...(cursor ? { cursor } : {}) } };
  }

  private bill(index: string, scanned: number, returned: number): void {
    this.stats.itemsScanned += scanned;
    this.stats.itemsReturned += returned;
    const row = (this.stats.byIndex[index] ??= { queries: 0, scanned: 0, returned: 0 });
    row.queries++;
    row.scanned += scanned;
    row.returned += returned;
  }

  private batchItems(raw: unknown): Array<KvsBody> {
    if (!Array.isArray(raw)) return badRequest('A batch body is an array of items');
    if ((raw as unknown[]).length > MAX_BATCH_ITEMS)
      return badRequest(`A batch takes at most ${MAX_BATCH_ITEMS} items`);
    return raw as Array<KvsBody>;
  }

  private storeFor(entityName: unknown): { store: Store; def?: EntityDefinition } {
    return entityName === undefined
      ? { store: this.plain }
      : { store: this.entityStore(entityName), def: this.defs.get(entityName as string) };
  }

  private batchEach(raw: unknown, op: (item: KvsBody) => Record<string, unknown>): KvsResponse {
    const successfulKeys: unknown[] = [];
    const failedKeys: unknown[] = [];
    for (const item of this.batchItems(raw)) {
      const id = { key: item.key, ...(item.entityName !== undefined ? { entityName: item.entityName } : {}) };
      try {
        successfulKeys.push({ ...id, ...op(item) });
      } catch (e) {
        if (!(e instanceof KvsFailure)) throw e;
        failedKeys.push({ ...id, error: { code: e.code, message: e.message } });
      }
    }
    return { status: 200, body: { successfulKeys, failedKeys } };
  }

  private batchGet(raw: unknown): KvsResponse {
    return this.batchEach(raw, (item) => {
      const { store } = this.storeFor(item.entityName);
      const key = validateKey(item.key);
      const r = this.live(store, key);
      if (!r) return fail(404, 'KEY_NOT_FOUND', 'Provided key does not exist');
      this.stats.itemsGot++;
      return this.withMetadata(key, r, item.options?.metadataFields);
    });
  }

  private batchSet(raw: unknown): KvsResponse {
    return this.batchEach(raw, (item) => {
      const { store, def } = this.storeFor(item.entityName);
      this.put(store, item.key, this.prepareSet(store, item.key, item.value, item.options, def));
      return {};
    });
  }

  private batchDelete(raw: unknown): KvsResponse {
    return this.batchEach(raw, (item) => {
      const { store } = this.storeFor(item.entityName);
      this.drop(store, validateKey(item.key));
      this.stats.itemsWritten++;
      return {};
    });
  }

  /** All or nothing: every operation is validated and every condition checked before anything is written. */
  private transact(b: KvsBody): KvsResponse {
    const sets = (b.set ?? []) as Array<KvsBody>;
    const deletes = (b.delete ?? []) as Array<KvsBody>;
    const checks = (b.check ?? []) as Array<KvsBody>;
    if (![sets, deletes, checks].every(Array.isArray)) badRequest('set, delete and check must be arrays');
    const total = sets.length + deletes.length + checks.length;
    if (total === 0) badRequest('A transaction needs at least one operation');
    if (total > MAX_TRANSACTION_OPS)
      badRequest(`A transaction takes at most ${MAX_TRANSACTION_OPS} operations (got ${total})`);

    const seen = new Set<string>();
    const target = (op: KvsBody) => {
      const key = validateKey(op.key);
      const id = `${op.entityName ?? ''}\u0000${key}`;
      if (seen.has(id)) badRequest(`Key ${key} appears more than once in the transaction`);
      seen.add(id);
      const conditions = checkFilters(op.conditions);
      if (conditions && op.entityName === undefined) badRequest('Conditions need an entityName');
      return { key, conditions, ...this.storeFor(op.entityName) };
    };
    const conditionHolds = (store: Store, key: string, conditions: Filters | undefined) => {
      if (!conditions) return true;
      const stored = this.live(store, key);
      if (!stored && this.conditionsOnMissingItems === 'fail') return false;
      return matchesFilters(stored?.value ?? {}, conditions);
    };

    const writes: Array<() => void> = [];
    let failed = false;
    for (const op of sets) {
      const t = target(op);
      const rec = this.prepareSet(t.store, t.key, op.value, op.options, t.def);
      if (!conditionHolds(t.store, t.key, t.conditions)) failed = true;
      writes.push(() => this.put(t.store, t.key, rec));
    }
    for (const op of deletes) {
      const t = target(op);
      if (!conditionHolds(t.store, t.key, t.conditions)) failed = true;
      writes.push(() => {
        this.drop(t.store, t.key);
        this.stats.itemsWritten++;
      });
    }
    for (const op of checks) {
      const t = target(op);
      if (!t.conditions) badRequest('A check needs conditions');
      if (!conditionHolds(t.store, t.key, t.conditions)) failed = true;
    }
    if (failed)
      fail(
        this.conflicts.conditionFailed.status,
        this.conflicts.conditionFailed.code,
        'A condition of the transaction was not met; nothing was written',
      );
    for (const w of writes) w();
    return { status: 204 };
  }
}
