import { KvsRequestLedger } from '../../../src/adapters/kvs/request-ledger';
import { installKvs, type KvsHarness } from '../../support/kvs-runtime';

let h: KvsHarness;
beforeEach(() => {
  h = installKvs();
});
afterEach(() => h.runtime.uninstall());

describe('KvsRequestLedger', () => {
  const ledger = new KvsRequestLedger(() => '2026-11-22T09:00:00.000Z');

  it('lets exactly one of many concurrent claimants through, and release opens it again', async () => {
    const wins = await Promise.all(Array.from({ length: 5 }, () => ledger.claim('announce:grant-1:ACTIVE:comment')));
    expect(wins.filter(Boolean)).toHaveLength(1);
    await ledger.release('announce:grant-1:ACTIVE:comment');
    expect(await ledger.claim('announce:grant-1:ACTIVE:comment')).toBe(true);
  });

  it('answers whether a key is claimed and what was remembered under it, writing nothing', async () => {
    expect(await ledger.isClaimed('view:10001:comment')).toBe(false);
    expect(await ledger.recall('request-values:10001:1')).toBeUndefined();
    expect(h.emulator.keys()).toEqual([]);
    await ledger.claim('view:10001:comment');
    await ledger.remember('request-values:10001:1', '["View access"]');
    expect(await ledger.isClaimed('view:10001:comment')).toBe(true);
    expect(await ledger.recall('request-values:10001:1')).toBe('["View access"]');
    expect(await ledger.recall('view:10001:comment')).toBeUndefined(); // a claim remembers no value
    await ledger.release('view:10001:comment');
    expect(await ledger.isClaimed('view:10001:comment')).toBe(false);
  });

  it('stores user-entered text only hashed into the key, and lets markers expire after 90 days', async () => {
    expect(await ledger.claim('edit-ignored:10001:New access:<script> "quoted"')).toBe(true);
    expect(h.emulator.keys().every((k) => /^ledger:[0-9a-f]{40}$/.test(k))).toBe(true);
    h.advance(89 * 86_400_000);
    expect(await ledger.claim('edit-ignored:10001:New access:<script> "quoted"')).toBe(false);
    h.advance(2 * 86_400_000);
    expect(await ledger.claim('edit-ignored:10001:New access:<script> "quoted"')).toBe(true);
  });
});
