/**
 * The installation self-check (ADR 0014) end to end on the sandbox: delivered as Forge's
 * `avi:forge:installed:app`, run through the app's own KVS adapters against the KVS emulator, a
 * delayed event through the real queue and consumer, Jira's routes and fields through the Jira
 * emulator, Okta's reads through the Okta emulator over HTTP. Then the same with a storage semantic
 * deliberately altered in the KVS emulator: the check fails, new grants wait with the reason, the
 * revocation still runs, and the dashboard says what failed and what to send to support.
 */
import { GRANTS_PAUSED_REASON } from '../../src/app/self-check';
import { CHECK_IDS } from '../../src/domain/self-check';
import { at, MIN, SEC, useWorlds, world, type World } from './world';

useWorlds();

const asAdmin = (t: World, key: string, payload: unknown = {}) =>
  t.sb.app.invoke<any>(key, payload, { accountId: t.w.jira.ada, moduleKey: 'admin-page' });
const statuses = (run: { checks: Array<{ id: string; status: string }> }) =>
  Object.fromEntries(run.checks.map((c) => [c.id, c.status]));
const allPass = Object.fromEntries(CHECK_IDS.map((id) => [id, 'pass']));

describe('the self-check on the sandbox', () => {
  it('runs on install, every check passes once the delayed event arrives, and leaves nothing behind', async () => {
    const t = await world();
    const { sb, w } = t;
    const kvsBefore = sb.kvs.keys();
    await sb.app.lifecycle('installed', { accountId: w.jira.ada, version: '2.0.0' });

    let view = (await asAdmin(t, 'admin/diagnostics/get')).data;
    expect(view.lastRun).toMatchObject({ trigger: 'installed', appVersion: '2.0.0', actorName: 'Ada Admin' });
    expect(statuses(view.lastRun)).toEqual({ ...allPass, 'queue.delayed-event': 'pending' });
    expect(view.lastRun).toMatchObject({ state: 'pending', grantsPaused: false });

    await sb.clock.advance(11 * SEC);
    view = (await asAdmin(t, 'admin/diagnostics/get')).data;
    expect(statuses(view.lastRun)).toEqual(allPass);
    expect(view.lastRun).toMatchObject({ state: 'ok', grantsPaused: false, summary: '10 of 10 checks passed.' });
    const saw = Object.fromEntries(view.lastRun.checks.map((c: any) => [c.id, c.saw]));
    expect(saw['storage.create-only']).toContain('refused with HTTP 409 KEY_CONFLICT');
    expect(saw['storage.condition-missing']).toContain('a grant-step-shaped transaction was accepted');
    expect(saw['queue.delayed-event']).toMatch(/10 s delay arrived 0 s after it was due/);
    expect(saw['jira.fields']).toMatch(/Access type \(customfield_\d+\) and Admin group \(customfield_\d+\)/);
    expect(saw['jira.scopes']).toMatch(/All 30 Jira routes/);
    expect(view.lastRun.supportReport).toContain('[PASS] storage.condition-missing');

    // The queue event went through the real consumer, once; the probes' keys and items are gone.
    expect(sb.events.deliveries.filter((d) => (d.body as any).kind === 'queue-probe')).toEqual([
      expect.objectContaining({ outcome: 'ok' }),
    ]);
    expect(sb.kvs.entity('self-check')).toEqual([]);
    const added = sb.kvs.keys().filter((k) => !kvsBefore.includes(k));
    expect(added.filter((k) => k.startsWith('self-check:') || k.startsWith('ledger:'))).toEqual([]);
    expect(t.audit({ action: 'CONFIG_CHANGED' }).at(-1)?.detail).toContain('avi:forge:installed:app (version 2.0.0)');

    // The dashboard says it in short.
    const dash = (await asAdmin(t, 'admin/dashboard/get')).data;
    expect(dash.health.selfCheck).toMatchObject({ state: 'ok', grantsPaused: false, failed: [] });
  });

  it('retries on install while Jira still refuses the new app account, as Forge recommends', async () => {
    const t = await world();
    const { sb } = t;
    sb.jira.failNext({ pathIncludes: '/rest/api/3/field', status: 401, times: 1 });
    await sb.app.lifecycle('installed');
    let view = (await asAdmin(t, 'admin/diagnostics/get')).data;
    expect(statuses(view.lastRun)['jira.fields']).toBe('fail');
    // Delivered again 5 s later (Forge's example backs off 5, 25, 125, 625 s); this time Jira answers.
    await sb.clock.advance(6 * SEC);
    view = (await asAdmin(t, 'admin/diagnostics/get')).data;
    expect(statuses(view.lastRun)['jira.fields']).toBe('pass');
    expect(
      t.audit({ action: 'CONFIG_CHANGED' }).filter((a) => a.detail.includes('avi:forge:installed:app')),
    ).toHaveLength(1);
  });

  it('names a Jira route the app may not call, and skips Okta until it is connected', async () => {
    const t = await world({ seed: 'people' });
    const { sb } = t;
    sb.jira.failNext({ method: 'POST', pathIncludes: '/notify', status: 403, times: 1 });
    const run = (await asAdmin(t, 'admin/diagnostics/run')).data.lastRun;
    expect(run.trigger).toBe('admin');
    const scopes = run.checks.find((c: any) => c.id === 'jira.scopes');
    expect(scopes).toMatchObject({ status: 'fail' });
    expect(scopes.saw).toContain('POST /rest/api/3/issue/0/notify (HTTP 403)');
    expect(run.checks.filter((c: any) => c.group === 'okta').map((c: any) => c.status)).toEqual([
      'skipped',
      'skipped',
      'skipped',
      'skipped',
    ]);
    // Neither pauses grants: only storage semantics do.
    expect(run.grantsPaused).toBe(false);
  });
});

describe('a storage semantic that differs from what the app assumes', () => {
  it('fails the self-check, pauses new grants with the reason, lets revocations run, and tells the admin', async () => {
    const t = await world();
    const { sb, w } = t;
    // Before: Neville holds Linux (no approval needed), granted while storage behaved.
    const linux = await t.newAccess(w.groups.linux, at('17:00:00'));
    expect(t.grant(linux.grantId)?.status).toBe('ACTIVE');

    // Now KVS stops enforcing create-only writes (FAIL_IF_EXISTS becomes a plain set).
    sb.kvs.createOnlyWrites = 'ignored';
    const run = (await asAdmin(t, 'admin/diagnostics/run')).data.lastRun;
    expect(statuses(run)['storage.create-only']).toBe('fail');
    expect(run.checks.find((c: any) => c.id === 'storage.create-only').saw).toContain(
      'KVS did not enforce FAIL_IF_EXISTS',
    );
    expect(run).toMatchObject({ state: 'problem', grantsPaused: true });
    expect(run.supportReport).toContain('New grants: PAUSED');
    expect(run.supportReport).toContain('[FAIL] storage.create-only');

    // A New access request is recorded but not started: it waits, with the reason, and Okta is not called.
    const puts = t.oktaWrites({ method: 'PUT' }).length;
    const db = await t.newAccess(w.groups.database, at('17:00:00'), { reporter: w.jira.alice });
    await sb.clock.advance(1 * MIN);
    expect(t.grant(db.grantId)).toMatchObject({ status: 'REQUESTED', lastError: GRANTS_PAUSED_REASON });
    const emergency = await t.raise(
      { changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.windows },
      { reporter: w.jira.alice },
    );
    expect(t.grant(emergency.grantId)).toMatchObject({ status: 'REQUESTED', lastError: GRANTS_PAUSED_REASON });
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(puts);

    // The admin's revoke of Neville's grant still runs to the end.
    const revoke = await asAdmin(t, 'admin/grants/revoke', { grantId: linux.grantId, reason: 'Done.' });
    expect(revoke.ok).toBe(true);
    expect(t.grant(linux.grantId)?.status).toBe('REVOKED');
    expect(sb.okta.members(w.groups.linux)).not.toContain(w.okta.neville);

    // The dashboard: the alert (what failed), and the waiting request saying why.
    const dash = (await asAdmin(t, 'admin/dashboard/get')).data;
    expect(dash.health.selfCheck).toMatchObject({
      state: 'problem',
      grantsPaused: true,
      failed: [expect.objectContaining({ title: 'Create-only write on an existing key is refused' })],
    });
    expect(dash.pending.requests.find((r: any) => r.id === emergency.grantId)?.waitingFor).toMatch(/^Paused:/);
    expect(t.audit({ action: 'CONFIG_CHANGED' }).at(-1)?.detail).toContain('New grants paused by the self-check');

    // Still paused 20 minutes on (the request looked again and waits on), nothing granted.
    await sb.clock.advance(20 * MIN);
    expect(t.grant(emergency.grantId)).toMatchObject({ status: 'REQUESTED', lastError: GRANTS_PAUSED_REASON });
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(puts);

    // Storage behaves again: a run that passes sends the waiting requests on at once.
    sb.kvs.createOnlyWrites = 'enforced';
    const again = (await asAdmin(t, 'admin/diagnostics/run')).data.lastRun;
    expect(again.grantsPaused).toBe(false);
    expect(t.grant(emergency.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(t.grant(emergency.grantId)?.lastError).toBeUndefined();
    expect(sb.okta.members(w.groups.windows)).toContain(w.okta.alice);
    expect(t.audit({ action: 'CONFIG_CHANGED' }).at(-1)?.detail).toContain('New grants resumed');
    expect(await t.verifyAudit()).toMatchObject({ ok: true });
  });

  it('catches a condition on a missing item evaluated as failed, and says revocations are blocked too', async () => {
    const t = await world();
    const { sb, w } = t;
    sb.kvs.conditionsOnMissingItems = 'fail';
    const run = (await asAdmin(t, 'admin/diagnostics/run')).data.lastRun;
    expect(statuses(run)).toMatchObject({
      'storage.create-only': 'pass',
      'storage.condition-existing': 'pass',
      'storage.condition-missing': 'fail',
    });
    const missing = run.checks.find((c: any) => c.id === 'storage.condition-missing');
    expect(missing.saw).toContain('grants and revocations alike, would be refused');
    expect(run.grantsPaused).toBe(true);

    // The request still gets its reason (the pause writes no audit entry, so it survives this semantic).
    const req = await t.newAccess(w.groups.linux, at('17:00:00'));
    expect(t.grant(req.grantId)).toMatchObject({ status: 'REQUESTED', lastError: GRANTS_PAUSED_REASON });
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(0);
  });

  it('a conflict answered with another code at a 4xx still passes (the app reads keys back); a 5xx does not', async () => {
    const t = await world();
    const { sb } = t;
    sb.kvs.conflicts = {
      keyExists: { status: 400, code: 'ITEM_ALREADY_EXISTS' },
      conditionFailed: { status: 409, code: 'TRANSACTION_CONFLICT' },
    };
    let run = (await asAdmin(t, 'admin/diagnostics/run')).data.lastRun;
    expect(run.grantsPaused).toBe(false);
    const saw = (id: string) => run.checks.find((c: any) => c.id === id).saw;
    expect(saw('storage.create-only')).toContain('refused with HTTP 400 ITEM_ALREADY_EXISTS');
    expect(saw('storage.create-only')).toContain('the app does not depend on the code');
    expect(saw('storage.condition-existing')).toContain('refused with HTTP 409 TRANSACTION_CONFLICT');

    sb.kvs.conflicts = { ...sb.kvs.conflicts, keyExists: { status: 503, code: 'SERVICE_UNAVAILABLE' } };
    run = (await asAdmin(t, 'admin/diagnostics/run')).data.lastRun;
    expect(statuses(run)['storage.create-only']).toBe('fail');
    expect(saw('storage.create-only')).toContain('failed with HTTP 503 SERVICE_UNAVAILABLE');
    expect(run.grantsPaused).toBe(true);
  });
});
