/**
 * Conformance of the KVS emulator, driven only through the real @forge/kvs client: each test names the
 * Forge behaviour it pins down.
 */
import { kvs, Filter, FilterConditions, ForgeKvsAPIError, Sort, WhereConditions, MetadataField } from '@forge/kvs';
import { loadManifestEntities, type EntityDefinition } from '../../../sandbox/kvs/kvs-emulator';
import { installKvs, MANIFEST_PATH, type KvsHarness } from '../../support/kvs-runtime';

interface Employee {
  name: string;
  team?: string;
  age?: number;
  score?: number;
  active?: boolean;
  tags?: unknown;
}

const EMPLOYEE: EntityDefinition = {
  name: 'employee',
  attributes: {
    name: { type: 'string' },
    team: { type: 'string' },
    age: { type: 'integer' },
    score: { type: 'float' },
    active: { type: 'boolean' },
    tags: { type: 'any' },
  },
  indexes: [
    { name: 'by-team-age', partition: ['team'], range: 'age' },
    { name: 'by-age', partition: [], range: 'age' },
    { name: 'by-name', partition: [], range: 'name' },
  ],
};

let h: KvsHarness;
beforeEach(() => {
  h = installKvs({ entities: [...loadManifestEntities(MANIFEST_PATH), EMPLOYEE] });
});
afterEach(() => h.runtime.uninstall());

const emp = () => kvs.entity<Employee>('employee');
async function seedEmployees() {
  const rows: Array<[string, Employee]> = [
    ['e1', { name: 'Ada', team: 'red', age: 30, active: true, tags: ['x'] }],
    ['e2', { name: 'Bob', team: 'red', age: 25, active: false }],
    ['e3', { name: 'Cyd', team: 'red', age: 35, active: true }],
    ['e4', { name: 'Dee', team: 'blue', age: 30, active: true }],
    ['e5', { name: 'Eve', team: 'red', age: 30, active: false }],
    ['e6', { name: 'Fay', team: 'red' }], // no age: not in any age index
  ];
  for (const [k, v] of rows) await emp().set(k, v);
}
const keysOf = (r: { results: Array<{ key: string }> }) => r.results.map((x) => x.key);

async function apiError(p: Promise<unknown>): Promise<ForgeKvsAPIError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ForgeKvsAPIError);
    return e as ForgeKvsAPIError;
  }
  throw new Error('expected the call to fail');
}

describe('key-value store', () => {
  it('set then get returns the value; a missing key reads as undefined (404 KEY_NOT_FOUND)', async () => {
    await kvs.set('config:a', { n: 1 });
    expect(await kvs.get('config:a')).toEqual({ n: 1 });
    expect(await kvs.get('config:missing')).toBeUndefined();
    expect(h.emulator.handle('/api/v1/get', { key: 'config:missing' })).toEqual({
      status: 404,
      body: { code: 'KEY_NOT_FOUND', message: expect.any(String) },
    });
  });

  it('delete removes the key and deleting a missing key is not an error', async () => {
    await kvs.set('k1', 'v');
    await kvs.delete('k1');
    expect(await kvs.get('k1')).toBeUndefined();
    await expect(kvs.delete('k1')).resolves.toBeUndefined();
  });

  it('get with metadataFields returns createdAt/updatedAt', async () => {
    await kvs.set('meta', 1);
    const r = await kvs.get('meta', { metadataFields: [MetadataField.CREATED_AT, MetadataField.UPDATED_AT] });
    expect(r).toEqual({ key: 'meta', value: 1, createdAt: expect.any(Number), updatedAt: expect.any(Number) });
  });

  it('rejects keys Forge rejects: empty, bad characters, longer than 500', async () => {
    expect((await apiError(kvs.set('', 1))).code).toBe('EMPTY_KEY');
    expect((await apiError(kvs.set('a/b', 1))).code).toBe('INVALID_KEY');
    expect((await apiError(kvs.set('   ', 1))).code).toBe('INVALID_KEY');
    expect((await apiError(kvs.set('x'.repeat(501), 1))).code).toBe('KEY_TOO_LONG');
    await kvs.set('ok:key_with-all.the #chars 1', 1);
    await kvs.set('y'.repeat(500), 1);
    expect(h.emulator.keys()).toEqual(['ok:key_with-all.the #chars 1', 'y'.repeat(500)]);
  });

  it('rejects values over 240 KiB (MAX_SIZE) and accepts one just under', async () => {
    const err = await apiError(kvs.set('big', 'x'.repeat(240 * 1024)));
    expect(err.code).toBe('MAX_SIZE');
    expect(err.responseDetails.status).toBe(400);
    expect(h.emulator.value('big')).toBeUndefined();
    await kvs.set('big', 'x'.repeat(240 * 1024 - 2)); // JSON quotes make it exactly 240 KiB
    expect((h.emulator.value('big') as string).length).toBe(240 * 1024 - 2);
  });

  it('FAIL_IF_EXISTS creates once, then answers 409 KEY_CONFLICT and keeps the first value', async () => {
    await kvs.set('once', 'first', { keyPolicy: 'FAIL_IF_EXISTS' });
    const err = await apiError(kvs.set('once', 'second', { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect(err.code).toBe('KEY_CONFLICT');
    expect(err.responseDetails.status).toBe(409);
    expect(await kvs.get('once')).toBe('first');
  });

  it('OVERRIDE with returnValue PREVIOUS returns the old value', async () => {
    await kvs.set('rv', 'old');
    const r = await kvs.set('rv', 'new', { keyPolicy: 'OVERRIDE', returnValue: 'PREVIOUS' });
    expect(r?.value).toBe('old');
    expect(await kvs.get('rv')).toBe('new');
  });

  it('TTL: the value is gone once its expireTime passes', async () => {
    await kvs.set('ttl', 'v', { ttl: { value: 10, unit: 'SECONDS' } });
    expect((await kvs.get('ttl', { metadataFields: [MetadataField.EXPIRE_TIME] }))?.expireTime).toBe(
      '2026-11-22T09:00:10.000Z',
    );
    h.advance(9_000);
    expect(await kvs.get('ttl')).toBe('v');
    h.advance(1_000);
    expect(await kvs.get('ttl')).toBeUndefined();
  });

  it('query: key BEGINS_WITH, sorted by key, limit and cursor page through everything', async () => {
    for (const k of ['p:3', 'p:1', 'q:1', 'p:2', 'p:4', 'p:5']) await kvs.set(k, k);
    const first = await kvs.query().where('key', WhereConditions.beginsWith('p:')).limit(2).getMany();
    expect(keysOf(first)).toEqual(['p:1', 'p:2']);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await kvs
      .query()
      .where('key', WhereConditions.beginsWith('p:'))
      .limit(2)
      .cursor(first.nextCursor!)
      .getMany();
    expect(keysOf(second)).toEqual(['p:3', 'p:4']);
    const third = await kvs
      .query()
      .where('key', WhereConditions.beginsWith('p:'))
      .limit(2)
      .cursor(second.nextCursor!)
      .getMany();
    expect(keysOf(third)).toEqual(['p:5']);
    expect(third.nextCursor).toBeUndefined();
  });

  it('query: default page size is 10 and limit > 100 is rejected', async () => {
    for (let i = 0; i < 12; i++) await kvs.set(`n:${String(i).padStart(2, '0')}`, i);
    const page = await kvs.query().where('key', WhereConditions.beginsWith('n:')).getMany();
    expect(page.results).toHaveLength(10);
    expect(page.nextCursor).toBeDefined();
    expect((await apiError(kvs.query().limit(101).getMany())).code).toBe('BAD_REQUEST');
    expect((await kvs.query().limit(100).getMany()).results).toHaveLength(12);
  });

  it('secrets are stored apart from plain keys and are not queryable', async () => {
    await kvs.setSecret('creds', { token: 's3cret' });
    expect(await kvs.getSecret('creds')).toEqual({ token: 's3cret' });
    expect(await kvs.get('creds')).toBeUndefined();
    expect((await kvs.query().getMany()).results).toEqual([]);
    await kvs.deleteSecret('creds');
    expect(await kvs.getSecret('creds')).toBeUndefined();
  });

  it('batch set/get/delete report per-item success and failure', async () => {
    const set = await kvs.batchSet<unknown>([
      { key: 'b1', value: 1 },
      { key: 'bad/key', value: 2 },
      { key: 'e9', entityName: 'employee', value: { name: 'Zed' } },
    ]);
    expect(set.successfulKeys).toEqual([{ key: 'b1' }, { key: 'e9', entityName: 'employee' }]);
    expect(set.failedKeys).toEqual([{ key: 'bad/key', error: { code: 'INVALID_KEY', message: expect.any(String) } }]);
    const got = await kvs.batchGet([{ key: 'b1' }, { key: 'nope' }]);
    expect(got.successfulKeys).toEqual([{ key: 'b1', value: 1 }]);
    expect(got.failedKeys.map((f) => f.error.code)).toEqual(['KEY_NOT_FOUND']);
    await kvs.batchDelete([{ key: 'b1' }, { key: 'e9', entityName: 'employee' }]);
    expect(h.emulator.value('b1')).toBeUndefined();
    expect(h.emulator.entity('employee')).toEqual([]);
  });
});

describe('custom entities', () => {
  it('set/get/delete an entity value; entities do not collide with plain keys', async () => {
    await emp().set('e1', { name: 'Ada', age: 30 });
    await kvs.set('e1', 'plain');
    expect(await emp().get('e1')).toEqual({ name: 'Ada', age: 30 });
    expect(await kvs.get('e1')).toBe('plain');
    await emp().delete('e1');
    expect(await emp().get('e1')).toBeUndefined();
  });

  it('rejects a value whose attribute types do not match the schema (and 64-bit integers)', async () => {
    expect((await apiError(emp().set('x', { name: 42 } as never))).code).toBe('INVALID_ENTITY_VALUE');
    expect((await apiError(emp().set('x', { name: 'A', age: 1.5 }))).code).toBe('INVALID_ENTITY_VALUE');
    expect((await apiError(emp().set('x', { name: 'A', age: 2 ** 31 }))).code).toBe('INVALID_ENTITY_VALUE');
    expect((await apiError(emp().set('x', { name: 'A', active: 'yes' } as never))).code).toBe('INVALID_ENTITY_VALUE');
    expect((await apiError(emp().set('x', { name: 'A', undeclared: 1 } as never))).code).toBe('INVALID_ENTITY_VALUE');
    expect((await apiError(kvs.entity('nosuch').set('x', {}))).code).toBe('INVALID_ENTITY');
    await emp().set('x', { name: 'A', age: 2 ** 31 - 1, score: 1.5, active: true, tags: { any: ['thing'] } });
    expect(h.emulator.entity('employee')).toHaveLength(1);
  });

  it('query by partition returns only that partition, sorted by range then key', async () => {
    await seedEmployees();
    const r = await emp()
      .query()
      .index('by-team-age', { partition: ['red'] })
      .getMany();
    expect(keysOf(r)).toEqual(['e2', 'e1', 'e5', 'e3']); // 25, 30(e1), 30(e5), 35; e6 has no age
  });

  it('a partitioned index needs its partition values', async () => {
    await seedEmployees();
    expect((await apiError(emp().query().index('by-team-age').getMany())).code).toBe('BAD_REQUEST');
  });

  it('values missing the range attribute are not in the index', async () => {
    await seedEmployees();
    const r = await emp().query().index('by-age').limit(100).getMany();
    expect(keysOf(r)).not.toContain('e6');
    expect(r.results).toHaveLength(5);
  });

  it('sort DESC reverses range then key order', async () => {
    await seedEmployees();
    const r = await emp()
      .query()
      .index('by-team-age', { partition: ['red'] })
      .sort(Sort.DESC)
      .getMany();
    expect(keysOf(r)).toEqual(['e3', 'e5', 'e1', 'e2']);
  });

  it.each([
    ['BEGINS_WITH', WhereConditions.beginsWith('C'), 'by-name', ['e3']],
    ['BETWEEN (inclusive)', WhereConditions.between(25, 30), 'by-age', ['e2', 'e1', 'e4', 'e5']],
    ['EQUAL_TO', WhereConditions.equalTo(30), 'by-age', ['e1', 'e4', 'e5']],
    ['GREATER_THAN', WhereConditions.greaterThan(30), 'by-age', ['e3']],
    ['GREATER_THAN_EQUAL_TO', WhereConditions.greaterThanEqualTo(30), 'by-age', ['e1', 'e4', 'e5', 'e3']],
    ['LESS_THAN', WhereConditions.lessThan(30), 'by-age', ['e2']],
    ['LESS_THAN_EQUAL_TO', WhereConditions.lessThanEqualTo(30), 'by-age', ['e2', 'e1', 'e4', 'e5']],
  ] as const)('range condition %s on the index range attribute', async (_n, cond, index, expected) => {
    await seedEmployees();
    const r = await emp().query().index(index).where(cond).getMany();
    expect(keysOf(r)).toEqual(expected);
  });

  it('filters with `and` need every condition', async () => {
    await seedEmployees();
    const r = await emp()
      .query()
      .index('by-team-age', { partition: ['red'] })
      .filters(
        new Filter<Employee>()
          .and('active', FilterConditions.equalTo(true))
          .and('age', FilterConditions.greaterThan(30)),
      )
      .getMany();
    expect(keysOf(r)).toEqual(['e3']);
  });

  it('filters with `or` need any condition', async () => {
    await seedEmployees();
    const r = await emp()
      .query()
      .index('by-age')
      .filters(
        new Filter<Employee>().or('name', FilterConditions.equalTo('Bob')).or('team', FilterConditions.equalTo('blue')),
      )
      .getMany();
    expect(keysOf(r)).toEqual(['e2', 'e4']);
  });

  it('filter conditions: CONTAINS, NOT_EQUAL_TO, EXISTS, NOT_EXISTS', async () => {
    await seedEmployees();
    const q = (f: Filter<Employee> | ReturnType<Filter<Employee>['and']>) =>
      emp()
        .query()
        .index('by-age')
        .filters(f as never)
        .limit(100)
        .getMany()
        .then(keysOf);
    expect(await q(new Filter<Employee>().and('tags', FilterConditions.contains('x')))).toEqual(['e1']);
    expect(await q(new Filter<Employee>().and('team', FilterConditions.notEqualTo('red')))).toEqual(['e4']);
    expect(await q(new Filter<Employee>().and('tags', FilterConditions.exists()))).toEqual(['e1']);
    expect(await q(new Filter<Employee>().and('tags', FilterConditions.notExists()))).toEqual(['e2', 'e4', 'e5', 'e3']);
  });

  it('limit and cursor page through an index without repeats or gaps, including equal range values', async () => {
    await seedEmployees();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const b = emp().query().index('by-age').limit(2);
      const r = await (cursor ? b.cursor(cursor) : b).getMany();
      seen.push(...keysOf(r));
      cursor = r.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(['e2', 'e1', 'e4', 'e5', 'e3']);
    expect(pages).toBe(3);
  });

  it('default limit is 10; a limit over 100 is rejected', async () => {
    for (let i = 0; i < 12; i++) await emp().set(`n${i}`, { name: `N${String(i).padStart(2, '0')}` });
    const r = await emp().query().index('by-name').getMany();
    expect(r.results).toHaveLength(10);
    expect(r.nextCursor).toBeDefined();
    expect((await apiError(emp().query().index('by-name').limit(101).getMany())).code).toBe('BAD_REQUEST');
  });

  it('an unknown index is an error', async () => {
    const err = await apiError(emp().query().index('by-nothing').getMany());
    expect(err.code).toBe('INVALID_INDEX');
    expect(err.responseDetails.status).toBe(400);
  });

  it('FAIL_IF_EXISTS on an entity answers KEY_CONFLICT', async () => {
    await emp().set('e1', { name: 'Ada' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    expect((await apiError(emp().set('e1', { name: 'Bob' }, { keyPolicy: 'FAIL_IF_EXISTS' }))).code).toBe(
      'KEY_CONFLICT',
    );
    expect(await emp().get('e1')).toEqual({ name: 'Ada' });
  });

  it('manifest indexes are loaded: grant by-group-status partitions on two attributes', async () => {
    const g = { status: 'ACTIVE', groupId: 'g1', endsAt: '2026-01-01T00:00:00.000Z' };
    await kvs.entity('grant').set('grant-1', g);
    await kvs.entity('grant').set('grant-2', { ...g, status: 'EXPIRED' });
    const r = await kvs
      .entity('grant')
      .query()
      .index('by-group-status', { partition: ['g1', 'ACTIVE'] })
      .getMany();
    expect(keysOf(r)).toEqual(['grant-1']);
  });
});

describe('transactions', () => {
  it('applies all sets and deletes together', async () => {
    await kvs.set('gone', 1);
    await kvs.transact().set('t1', 'a').set('e1', { name: 'Ada' }, { entityName: 'employee' }).delete('gone').execute();
    expect(h.emulator.value('t1')).toBe('a');
    expect(h.emulator.entity('employee')).toEqual([{ key: 'e1', value: { name: 'Ada' } }]);
    expect(h.emulator.value('gone')).toBeUndefined();
  });

  it('a met condition lets the write through', async () => {
    await emp().set('e1', { name: 'Ada', age: 30 });
    await kvs
      .transact()
      .set<Employee>(
        'e1',
        { name: 'Ada', age: 31 },
        { entityName: 'employee', conditions: new Filter<Employee>().and('age', FilterConditions.equalTo(30)) },
      )
      .execute();
    expect(await emp().get('e1')).toEqual({ name: 'Ada', age: 31 });
  });

  it('a failed condition answers CONDITIONAL_CHECK_FAILED and writes nothing', async () => {
    await emp().set('e1', { name: 'Ada', age: 30 });
    const err = await apiError(
      kvs
        .transact()
        .set('other', 'should-not-land')
        .set<Employee>(
          'e1',
          { name: 'Ada', age: 99 },
          { entityName: 'employee', conditions: new Filter<Employee>().and('age', FilterConditions.equalTo(29)) },
        )
        .execute(),
    );
    expect(err.code).toBe('CONDITIONAL_CHECK_FAILED');
    expect(err.responseDetails.status).toBe(400);
    expect(h.emulator.value('other')).toBeUndefined();
    expect(await emp().get('e1')).toEqual({ name: 'Ada', age: 30 });
  });

  it('a condition on a missing item sees no attributes (EQUAL_TO fails, NOT_EXISTS holds)', async () => {
    const eq = new Filter<Employee>().and('age', FilterConditions.equalTo(1));
    expect(
      (
        await apiError(
          kvs.transact().set<Employee>('new', { name: 'N' }, { entityName: 'employee', conditions: eq }).execute(),
        )
      ).code,
    ).toBe('CONDITIONAL_CHECK_FAILED');
    await kvs
      .transact()
      .set<Employee>(
        'new',
        { name: 'N' },
        { entityName: 'employee', conditions: new Filter<Employee>().and('name', FilterConditions.notExists()) },
      )
      .execute();
    expect(await emp().get('new')).toEqual({ name: 'N' });
  });

  it('the undocumented answers are options: another status and code for a clash and a failed condition, and conditions on missing items that never hold', async () => {
    h.emulator.conflicts = {
      keyExists: { status: 400, code: 'ITEM_EXISTS' },
      conditionFailed: { status: 409, code: 'TX_CANCELLED' },
    };
    await kvs.set('once', 'first', { keyPolicy: 'FAIL_IF_EXISTS' });
    const clash = await apiError(kvs.set('once', 'second', { keyPolicy: 'FAIL_IF_EXISTS' }));
    expect([clash.responseDetails.status, clash.code]).toEqual([400, 'ITEM_EXISTS']);
    await emp().set('e1', { name: 'Ada', age: 30 });
    const stale = await apiError(
      kvs
        .transact()
        .set<Employee>(
          'e1',
          { name: 'Ada', age: 31 },
          { entityName: 'employee', conditions: new Filter<Employee>().and('age', FilterConditions.equalTo(29)) },
        )
        .execute(),
    );
    expect([stale.responseDetails.status, stale.code]).toEqual([409, 'TX_CANCELLED']);
    h.emulator.conditionsOnMissingItems = 'fail';
    const absent = new Filter<Employee>().and('name', FilterConditions.notExists());
    expect(
      (
        await apiError(
          kvs.transact().set<Employee>('new', { name: 'N' }, { entityName: 'employee', conditions: absent }).execute(),
        )
      ).code,
    ).toBe('TX_CANCELLED');
    expect(await emp().get('new')).toBeUndefined();
    // Conditions on stored items are unaffected.
    await kvs
      .transact()
      .set<Employee>(
        'e1',
        { name: 'Ada', age: 31 },
        { entityName: 'employee', conditions: new Filter<Employee>().and('age', FilterConditions.equalTo(30)) },
      )
      .execute();
    expect(await emp().get('e1')).toEqual({ name: 'Ada', age: 31 });
  });

  it('createOnlyWrites "ignored" turns FAIL_IF_EXISTS into a plain set (plain and entity), for the self-check tests', async () => {
    await kvs.set('once', 'first', { keyPolicy: 'FAIL_IF_EXISTS' });
    h.emulator.createOnlyWrites = 'ignored';
    await kvs.set('once', 'second', { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(await kvs.get('once')).toBe('second');
    await emp().set('e1', { name: 'Ada' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    await emp().set('e1', { name: 'Bea' }, { keyPolicy: 'FAIL_IF_EXISTS' });
    expect(await emp().get('e1')).toEqual({ name: 'Bea' });
    h.emulator.createOnlyWrites = 'enforced';
    expect((await apiError(kvs.set('once', 'third', { keyPolicy: 'FAIL_IF_EXISTS' }))).code).toBe('KEY_CONFLICT');
  });

  it('a check op only checks: it can veto the others but writes nothing itself', async () => {
    await emp().set('guard', { name: 'G', active: false });
    const active = new Filter<Employee>().and('active', FilterConditions.equalTo(true));
    expect(
      (
        await apiError(
          kvs.transact().set('w', 1).check('guard', { entityName: 'employee', conditions: active }).execute(),
        )
      ).code,
    ).toBe('CONDITIONAL_CHECK_FAILED');
    expect(h.emulator.value('w')).toBeUndefined();
    await emp().set('guard', { name: 'G', active: true });
    await kvs.transact().set('w', 1).check('guard', { entityName: 'employee', conditions: active }).execute();
    expect(h.emulator.value('w')).toBe(1);
    expect(await emp().get('guard')).toEqual({ name: 'G', active: true });
  });

  it('rejects more than 25 operations and writes nothing', async () => {
    const tx = kvs.transact();
    for (let i = 0; i < 26; i++) tx.set(`k${i}`, i);
    expect((await apiError(tx.execute())).code).toBe('BAD_REQUEST');
    expect(h.emulator.keys()).toEqual([]);
    const ok = kvs.transact();
    for (let i = 0; i < 25; i++) ok.set(`k${i}`, i);
    await ok.execute();
    expect(h.emulator.keys()).toHaveLength(25);
  });

  it('an invalid value in one op fails the whole transaction', async () => {
    expect(
      (
        await apiError(
          kvs
            .transact()
            .set('fine', 1)
            .set('e1', { name: 5 } as never, { entityName: 'employee' })
            .execute(),
        )
      ).code,
    ).toBe('INVALID_ENTITY_VALUE');
    expect(h.emulator.value('fine')).toBeUndefined();
  });
});
