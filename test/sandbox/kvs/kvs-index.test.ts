/**
 * The KVS emulator answers entity queries from sorted indexes kept up to date by every write. These
 * tests hold it to a brute-force reference (sort the whole table, filter, page: what the emulator did
 * before it had indexes) over random data and random writes between pages, and pin down the billing
 * counts: a query is charged for the items its walk read, filtered out or not, never for the table.
 */
import fc from 'fast-check';
import { KvsEmulator, totalRequests, type EntityDefinition } from '../../../sandbox/kvs/kvs-emulator';

const THING: EntityDefinition = {
  name: 'thing',
  attributes: {
    team: { type: 'string' },
    flag: { type: 'boolean' },
    n: { type: 'integer' },
    name: { type: 'string' },
    tag: { type: 'any' },
  },
  indexes: [
    { name: 'by-team-n', partition: ['team'], range: 'n' },
    { name: 'by-n', partition: [], range: 'n' },
    { name: 'by-team-flag-name', partition: ['team', 'flag'], range: 'name' },
    { name: 'by-tag', partition: ['team'], range: 'tag' },
  ],
};
const INDEX = Object.fromEntries(THING.indexes.map((i) => [i.name, i]));

type Thing = Partial<{ team: string; flag: boolean; n: number; name: string; tag: unknown }>;
type Condition = { property?: string; condition: string; values: unknown[] };

const newEmulator = () => new KvsEmulator({ entities: [THING], now: () => 0, keepRequestLog: false });

function ok(em: KvsEmulator, path: string, body: unknown) {
  const r = em.handle(path, body);
  if (r.status >= 300) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body as { data: Array<{ key: string; value: Thing }>; cursor?: string };
}

// ---- the reference: a full scan, as the emulator answered before it kept indexes ----

function cmp(a: unknown, b: unknown): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}
function holds(actual: unknown, c: Condition): boolean {
  const [v0, v1] = c.values;
  const r = cmp(actual, v0);
  switch (c.condition) {
    case 'EQUAL_TO':
      return r === 0;
    case 'NOT_EQUAL_TO':
      return r !== 0;
    case 'GREATER_THAN':
      return r !== undefined && r > 0;
    case 'GREATER_THAN_EQUAL_TO':
      return r !== undefined && r >= 0;
    case 'LESS_THAN':
      return r !== undefined && r < 0;
    case 'LESS_THAN_EQUAL_TO':
      return r !== undefined && r <= 0;
    case 'BETWEEN': {
      const hi = cmp(actual, v1);
      return r !== undefined && hi !== undefined && r >= 0 && hi <= 0;
    }
    case 'BEGINS_WITH':
      return typeof actual === 'string' && typeof v0 === 'string' && actual.startsWith(v0);
    case 'EXISTS':
      return actual !== undefined;
    case 'NOT_EXISTS':
      return actual === undefined;
    default:
      throw new Error(`reference has no ${c.condition}`);
  }
}

interface Query {
  indexName: string;
  partition: unknown[];
  range?: Condition;
  filters?: { and: Condition[] } | { or: Condition[] };
  sort: 'ASC' | 'DESC';
  limit: number;
}

/** One page from a full scan of `table`, after the item (rv, key) the previous page ended on. */
function referencePage(table: Map<string, Thing>, q: Query, after?: { rv: unknown; key: string }) {
  const ix = INDEX[q.indexName];
  const rows = [...table]
    .map(([key, v]) => ({ key, v, rv: (v as Record<string, unknown>)[ix.range] }))
    .filter(
      (x) =>
        x.rv !== undefined &&
        x.rv !== null &&
        ix.partition.every((p, i) => {
          const pv = (x.v as Record<string, unknown>)[p];
          return pv !== undefined && cmp(pv, q.partition[i]) === 0;
        }) &&
        (!q.range || holds(x.rv, q.range)),
    );
  const dir = q.sort === 'ASC' ? 1 : -1;
  const order = (a: { key: string; rv: unknown }, b: { key: string; rv: unknown }) =>
    dir *
    ((cmp(a.rv, b.rv) ?? String(a.rv).localeCompare(String(b.rv))) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  rows.sort(order);
  const start = after ? rows.filter((x) => order(x, after) > 0) : rows;
  const page = start.slice(0, q.limit);
  const f = q.filters;
  const pass = (v: Thing) =>
    !f
      ? true
      : 'and' in f
        ? f.and.every((c) => holds((v as Record<string, unknown>)[c.property!], c))
        : f.or.some((c) => holds((v as Record<string, unknown>)[c.property!], c));
  return {
    scanned: page.length,
    keys: page.filter((x) => pass(x.v)).map((x) => x.key),
    last: page[page.length - 1],
    more: start.length > q.limit,
  };
}

// ---- random data, writes and queries ----

const KEYS = Array.from({ length: 24 }, (_, i) => `k${String(i).padStart(2, '0')}`);
const TEAMS = ['red', 'blue', 'green'];
const NAMES = ['', 'a', 'ab', 'abc', 'b', 'ba', 'bb', 'c'];

const thingArb: fc.Arbitrary<Thing> = fc.record(
  {
    team: fc.constantFrom(...TEAMS),
    flag: fc.boolean(),
    n: fc.integer({ min: -3, max: 6 }),
    name: fc.constantFrom(...NAMES),
    tag: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y'), fc.constant(null)),
  },
  { requiredKeys: [] },
);

type Write =
  | { op: 'set'; key: string; value: Thing }
  | { op: 'delete'; key: string }
  | { op: 'batch'; items: Array<{ key: string; value: Thing }> }
  | { op: 'tx'; sets: Array<{ key: string; value: Thing }>; deletes: string[] };

const keyArb = fc.constantFrom(...KEYS);
const writeArb: fc.Arbitrary<Write> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ op: fc.constant('set' as const), key: keyArb, value: thingArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key: keyArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('batch' as const),
      items: fc.uniqueArray(fc.record({ key: keyArb, value: thingArb }), { selector: (x) => x.key, maxLength: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc
      .uniqueArray(fc.tuple(keyArb, fc.option(thingArb, { nil: undefined })), {
        selector: (x) => x[0],
        minLength: 1,
        maxLength: 5,
      })
      .map((ops): Write => ({
        op: 'tx',
        sets: ops.filter(([, v]) => v !== undefined).map(([key, value]) => ({ key, value: value! })),
        deletes: ops.filter(([, v]) => v === undefined).map(([key]) => key),
      })),
  },
);

function apply(em: KvsEmulator, table: Map<string, Thing>, w: Write): void {
  const entityName = THING.name;
  switch (w.op) {
    case 'set':
      ok(em, '/api/v1/entity/set', { entityName, key: w.key, value: w.value });
      table.set(w.key, w.value);
      return;
    case 'delete':
      ok(em, '/api/v1/entity/delete', { entityName, key: w.key });
      table.delete(w.key);
      return;
    case 'batch':
      if (w.items.length === 0) return;
      ok(
        em,
        '/api/v1/batch/set',
        w.items.map((i) => ({ entityName, key: i.key, value: i.value })),
      );
      for (const i of w.items) table.set(i.key, i.value);
      return;
    case 'tx':
      ok(em, '/api/v1/transaction', {
        set: w.sets.map((s) => ({ entityName, key: s.key, value: s.value })),
        delete: w.deletes.map((key) => ({ entityName, key })),
      });
      for (const s of w.sets) table.set(s.key, s.value);
      for (const key of w.deletes) table.delete(key);
  }
}

const rangeFor = (attr: 'n' | 'name' | 'tag'): fc.Arbitrary<Condition | undefined> => {
  const v: fc.Arbitrary<unknown> =
    attr === 'n'
      ? fc.integer({ min: -4, max: 7 })
      : attr === 'name'
        ? fc.constantFrom(...NAMES)
        : fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('x', 'y'));
  return fc.option(
    fc.oneof(
      fc.record({
        condition: fc.constantFrom(
          'EQUAL_TO',
          'GREATER_THAN',
          'GREATER_THAN_EQUAL_TO',
          'LESS_THAN',
          'LESS_THAN_EQUAL_TO',
          ...(attr === 'n' ? [] : ['BEGINS_WITH']),
        ),
        values: fc.tuple(v).map((t) => [...t]),
      }),
      fc.record({ condition: fc.constant('BETWEEN'), values: fc.tuple(v, v).map((t) => [...t]) }),
    ),
    { nil: undefined },
  );
};

const filterArb: fc.Arbitrary<Query['filters']> = fc.option(
  fc
    .tuple(
      fc.boolean(),
      fc.array(
        fc.oneof(
          fc.record({
            property: fc.constant('flag'),
            condition: fc.constantFrom('EQUAL_TO', 'NOT_EQUAL_TO'),
            values: fc.boolean().map((b) => [b]),
          }),
          fc.record({
            property: fc.constant('n'),
            condition: fc.constantFrom('GREATER_THAN', 'LESS_THAN_EQUAL_TO', 'NOT_EQUAL_TO'),
            values: fc.integer({ min: -3, max: 6 }).map((n) => [n]),
          }),
          fc.record({
            property: fc.constantFrom('name', 'tag'),
            condition: fc.constantFrom('EXISTS', 'NOT_EXISTS'),
            values: fc.constant([] as unknown[]),
          }),
        ),
        { minLength: 1, maxLength: 3 },
      ),
    )
    .map(([and, cs]) => (and ? { and: cs } : { or: cs })),
  { nil: undefined },
);

const queryArb: fc.Arbitrary<Query> = fc.oneof(
  fc.record({
    indexName: fc.constant('by-team-n'),
    partition: fc.constantFrom(...TEAMS).map((t) => [t]),
    range: rangeFor('n'),
    filters: filterArb,
    sort: fc.constantFrom('ASC' as const, 'DESC' as const),
    limit: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    indexName: fc.constant('by-n'),
    partition: fc.constant([] as unknown[]),
    range: rangeFor('n'),
    filters: filterArb,
    sort: fc.constantFrom('ASC' as const, 'DESC' as const),
    limit: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    indexName: fc.constant('by-team-flag-name'),
    partition: fc.tuple(fc.constantFrom(...TEAMS), fc.boolean()).map((t) => [...t]),
    range: rangeFor('name'),
    filters: filterArb,
    sort: fc.constantFrom('ASC' as const, 'DESC' as const),
    limit: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    indexName: fc.constant('by-tag'),
    partition: fc.constantFrom(...TEAMS).map((t) => [t]),
    range: rangeFor('tag'),
    filters: filterArb,
    sort: fc.constantFrom('ASC' as const, 'DESC' as const),
    limit: fc.integer({ min: 1, max: 6 }),
  }),
);

describe('KVS emulator indexes against a full scan', () => {
  it('every page, cursor and scanned count matches the brute-force scan, with writes between pages', () => {
    fc.assert(
      fc.property(
        fc.array(writeArb, { maxLength: 40 }),
        fc.array(fc.tuple(queryArb, fc.array(fc.option(writeArb, { nil: undefined }), { maxLength: 6 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (writes, queries) => {
          const em = newEmulator();
          const table = new Map<string, Thing>();
          for (const w of writes) apply(em, table, w);
          for (const [q, between] of queries) {
            let after: { rv: unknown; key: string } | undefined;
            let cursor: string | undefined;
            for (let pageNo = 0; pageNo < 40; pageNo++) {
              const expected = referencePage(table, q, after);
              const scannedBefore = em.stats.itemsScanned;
              const returnedBefore = em.stats.itemsReturned;
              const got = ok(em, '/api/v1/entity/query', {
                entityName: THING.name,
                ...q,
                ...(cursor ? { cursor } : {}),
              });
              expect(got.data.map((d) => d.key)).toEqual(expected.keys);
              expect(got.data.map((d) => d.value)).toEqual(expected.keys.map((k) => table.get(k)));
              expect(!!got.cursor).toBe(expected.more);
              expect(em.stats.itemsScanned - scannedBefore).toBe(expected.scanned);
              expect(em.stats.itemsReturned - returnedBefore).toBe(expected.keys.length);
              if (!got.cursor) break;
              cursor = got.cursor;
              after = { rv: expected.last.rv, key: expected.last.key };
              const w = between[pageNo];
              if (w) apply(em, table, w);
            }
          }
          expect(em.stats.itemsScanned).toBeGreaterThanOrEqual(em.stats.itemsReturned);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a frozen view answers from the index as it was, while writes go on', () => {
    fc.assert(
      fc.property(fc.array(writeArb, { maxLength: 30 }), fc.array(writeArb, { maxLength: 20 }), queryArb, (a, b, q) => {
        const em = newEmulator();
        const table = new Map<string, Thing>();
        for (const w of a) apply(em, table, w);
        const frozen = new Map(table);
        em.freezeQueries();
        for (const w of b) apply(em, table, w);
        const got = ok(em, '/api/v1/entity/query', { entityName: THING.name, ...q });
        expect(got.data.map((d) => d.key)).toEqual(referencePage(frozen, q).keys);
        em.thawQueries();
        const now = ok(em, '/api/v1/entity/query', { entityName: THING.name, ...q });
        expect(now.data.map((d) => d.key)).toEqual(referencePage(table, q).keys);
      }),
      { numRuns: 150 },
    );
  });
});

describe('KVS emulator billing counts', () => {
  it('a filter drops items after they are read: they are scanned, not returned', () => {
    const em = newEmulator();
    for (let i = 0; i < 30; i++)
      ok(em, '/api/v1/entity/set', {
        entityName: 'thing',
        key: `t${i}`,
        value: { team: 'red', n: i, flag: i % 10 === 0 },
      });
    em.resetStats();
    const r = ok(em, '/api/v1/entity/query', {
      entityName: 'thing',
      indexName: 'by-team-n',
      partition: ['red'],
      filters: { and: [{ property: 'flag', condition: 'EQUAL_TO', values: [true] }] },
      limit: 100,
    });
    expect(r.data.map((d) => d.key)).toEqual(['t0', 't10', 't20']);
    expect(em.stats.itemsScanned).toBe(30);
    expect(em.stats.itemsReturned).toBe(3);
    expect(em.stats.byIndex['thing/by-team-n']).toEqual({ queries: 1, scanned: 30, returned: 3 });
    expect(em.stats.requests).toEqual({ 'entity/query': 1 });
  });

  it('a query reads its partition and range only, however large the rest of the table', () => {
    const em = newEmulator();
    const seed = (n: number) => {
      for (let i = 0; i < n; i++)
        ok(em, '/api/v1/entity/set', { entityName: 'thing', key: `b${i}`, value: { team: 'blue', n: i % 50 } });
    };
    const cost = () => {
      em.resetStats();
      ok(em, '/api/v1/entity/query', {
        entityName: 'thing',
        indexName: 'by-team-n',
        partition: ['red'],
        limit: 100,
      });
      ok(em, '/api/v1/entity/query', {
        entityName: 'thing',
        indexName: 'by-team-n',
        partition: ['blue'],
        range: { condition: 'EQUAL_TO', values: [7] },
        limit: 100,
      });
      return em.stats.itemsScanned;
    };
    for (let i = 0; i < 5; i++)
      ok(em, '/api/v1/entity/set', { entityName: 'thing', key: `r${i}`, value: { team: 'red', n: i } });
    seed(1_000);
    expect(cost()).toBe(5 + 20);
    seed(20_000);
    // 400 items of blue have n = 7: one page of them is read (limit 100), the other 19,600 never are.
    expect(cost()).toBe(5 + 100);
  });

  it('counts requests per operation, refused ones included, and items got and written', () => {
    const em = newEmulator();
    ok(em, '/api/v1/entity/set', { entityName: 'thing', key: 'a', value: { team: 'red', n: 1 } });
    ok(em, '/api/v1/entity/get', { entityName: 'thing', key: 'a' });
    em.handle('/api/v1/entity/get', { entityName: 'thing', key: 'missing' });
    ok(em, '/api/v1/transaction', {
      set: [{ entityName: 'thing', key: 'b', value: { n: 2 } }],
      delete: [{ entityName: 'thing', key: 'a' }],
    });
    em.handle('/api/v1/transaction', {
      set: [
        {
          entityName: 'thing',
          key: 'c',
          value: { n: 3 },
          conditions: { and: [{ property: 'n', condition: 'EQUAL_TO', values: [9] }] },
        },
      ],
    });
    expect(em.stats.requests).toEqual({ 'entity/set': 1, 'entity/get': 2, transaction: 2 });
    expect(totalRequests(em.stats)).toBe(5);
    expect(em.stats.itemsGot).toBe(1);
    expect(em.stats.itemsWritten).toBe(3);
  });
});
