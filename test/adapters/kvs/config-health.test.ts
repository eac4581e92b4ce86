import { KvsConfigStore } from '../../../src/adapters/kvs/config-store';
import { KvsHealthStore } from '../../../src/adapters/kvs/health-store';
import { DEFAULT_POLICY } from '../../../src/domain/policy';
import { makeGroupPolicy } from '../../factories/grant';
import { installKvs, type KvsHarness } from '../../support/kvs-runtime';

let h: KvsHarness;
beforeEach(() => {
  h = installKvs();
});
afterEach(() => h.runtime.uninstall());

describe('KvsConfigStore', () => {
  const config = new KvsConfigStore();

  it('returns DEFAULT_POLICY when unset and fills fields an older version did not save', async () => {
    expect(await config.getPolicy()).toEqual(DEFAULT_POLICY);
    h.emulator.handle('/api/v1/set', { key: 'config:policy', value: { defaultDurationHours: 8 } });
    expect(await config.getPolicy()).toEqual({ ...DEFAULT_POLICY, defaultDurationHours: 8 });
    await config.savePolicy({ ...DEFAULT_POLICY, emergencyValue: 'P1' });
    expect((await config.getPolicy()).emergencyValue).toBe('P1');
  });

  it('round-trips the connection and allowlist on their plain keys', async () => {
    expect(await config.getConnection()).toBeUndefined();
    await config.saveConnection({ domain: 'atko.okta.com', auth: { method: 'oauth', clientId: 'cid' } });
    expect(h.emulator.value('config:connection')).toEqual({
      domain: 'atko.okta.com',
      auth: { method: 'oauth', clientId: 'cid' },
    });
    expect(await config.getConnection()).toEqual({
      domain: 'atko.okta.com',
      auth: { method: 'oauth', clientId: 'cid' },
    });
    expect(await config.getAllowlist()).toEqual([]);
    await config.saveAllowlist([makeGroupPolicy()]);
    expect(await config.getAllowlist()).toEqual([makeGroupPolicy()]);
  });

  it('skips an unreadable allowlist entry instead of failing', async () => {
    h.emulator.handle('/api/v1/set', { key: 'config:allowlist', value: [makeGroupPolicy(), { groupId: 'broken' }] });
    expect(await config.getAllowlist()).toEqual([makeGroupPolicy()]);
  });

  it('keeps credentials in secret storage only', async () => {
    expect(await config.getSecrets()).toEqual({});
    await config.saveSecrets({ apiToken: 'ssws-secret' });
    expect(h.emulator.secret('okta-credentials')).toEqual({ apiToken: 'ssws-secret' });
    expect(h.emulator.keys()).toEqual([]);
    expect(await config.getSecrets()).toEqual({ apiToken: 'ssws-secret' });
  });
});

describe('KvsHealthStore', () => {
  const health = new KvsHealthStore();

  it('keeps the last sweep and the unmanaged-member report', async () => {
    expect(await health.lastSweep()).toBeUndefined();
    await health.recordSweep('2026-11-22T09:00:00.000Z', { due: 1 });
    await health.recordSweep('2026-11-22T09:05:00.000Z', { due: 2 });
    expect(await health.lastSweep()).toEqual({ at: '2026-11-22T09:05:00.000Z', summary: { due: 2 } });
    await health.recordUnmanagedMembers('2026-11-22T10:00:00.000Z', { g1: ['u1'] });
    expect(await health.unmanagedMembers()).toEqual({ at: '2026-11-22T10:00:00.000Z', byGroup: { g1: ['u1'] } });
  });

  it('keeps the last intake catch-up run, its problem cut to 1,000 characters', async () => {
    expect(await health.lastCatchUp()).toBeUndefined();
    const run = { at: '2026-11-22T10:00:00.000Z', examined: 3, found: 2, recorded: 1, failed: 1, more: false };
    await health.recordCatchUp({ ...run, problem: 'x'.repeat(2000) });
    expect(await health.lastCatchUp()).toEqual({ ...run, problem: 'x'.repeat(1000) });
    await health.recordCatchUp({ ...run, at: '2026-11-22T11:00:00.000Z', failed: 0 });
    expect(await health.lastCatchUp()).toEqual({ ...run, at: '2026-11-22T11:00:00.000Z', failed: 0 });
  });

  it('keeps the last dashboard summary, its denied reasons cut to 1,000 characters', async () => {
    expect(await health.dashboardSummary()).toBeUndefined();
    const denied = {
      id: 'g1',
      issueKey: 'OPS-1',
      requesterAccountId: 'acc-1',
      groupId: 'g',
      status: 'DENIED' as const,
      requestedAt: '2026-11-22T09:00:00.000Z',
      updatedAt: '2026-11-22T09:00:01.000Z',
      reasonCode: 'USER.NOT_FOUND',
    };
    const summary = {
      asOf: '2026-11-22T10:00:00.000Z',
      byStatus: { ACTIVE: 50_000, FAILED: 2 },
      overdueRevocations: 3,
      requestsByDay: { '2026-11-22': { g: 7 } },
      denied: [{ ...denied, reason: 'y'.repeat(2000) }],
    };
    await health.recordDashboardSummary(summary);
    expect(await health.dashboardSummary()).toEqual({ ...summary, denied: [{ ...denied, reason: 'y'.repeat(1000) }] });
  });

  it('keeps only the newest 50 Okta errors and filters by time', async () => {
    const base = Date.parse('2026-11-22T00:00:00.000Z');
    for (let i = 0; i < 60; i++) await health.recordOktaError(new Date(base + i * 60_000).toISOString(), `e${i}`);
    const all = await health.oktaErrorsSince('2000-01-01T00:00:00.000Z');
    expect(all).toHaveLength(50);
    expect(all[0].message).toBe('e10');
    expect(all[49].message).toBe('e59');
    expect((await health.oktaErrorsSince(new Date(base + 58 * 60_000).toISOString())).map((e) => e.message)).toEqual([
      'e58',
      'e59',
    ]);
  });
});
