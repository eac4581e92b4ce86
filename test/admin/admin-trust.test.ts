/**
 * Never say success for a failure, on the sandbox: what the admin's revoke answers when Okta refuses
 * the removal, what a save answers when Okta rejects what it saved, the connection's lasting status on
 * the connection tab and the dashboard, and Test connection of the saved credentials closing the
 * credential breaker so the removals that waited run at once.
 */
import { internalsIn } from '../support/no-internals';
import { KvsHealthStore } from '../../src/adapters/kvs/health-store';
import { useWorlds } from '../integration/world';
import { adminSite } from './site';

useWorlds();

const DELETE_MEMBER = /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/;
const WRONG_TOKEN = '00' + 'w'.repeat(40);

describe('admin revoke says what happened', () => {
  test('Okta refuses the removal: the answer is not "done", and the dashboard reads back the failure with its reason', async () => {
    const t = await adminSite({ seed: 'demo' });
    const { w, sb } = t;
    const r0 = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    sb.okta.fault({ method: 'DELETE', path: DELETE_MEMBER, status: 403, times: 2 });
    const r = await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' });
    expect(r).toMatchObject({ ok: true, data: { outcome: 'queued', status: 'REVOKING' } });
    const row = (await t.admin('admin/dashboard/get')).data.grants.find((g: { id: string }) => g.id === r0.grantId);
    expect(row).toMatchObject({
      status: 'FAILED',
      problem: expect.stringMatching(/Okta refused the change/),
      revocable: true,
    });

    // Retry removal, refused again: still FAILED with the reason, never an ended grant.
    expect(await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' })).toMatchObject({
      ok: true,
      data: { outcome: 'queued' },
    });
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'FAILED' });
    expect(sb.okta.members(w.groups.linux)).toContain(w.okta.neville);
  });

  test('a removal Okta answered with an error and will retry is reported as retrying, with the reason', async () => {
    const t = await adminSite({ seed: 'demo' });
    const { w, sb } = t;
    const r0 = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    sb.okta.fault({ method: 'DELETE', path: DELETE_MEMBER, status: 503, times: 1 });
    await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' });
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'REVOKING', lastError: expect.any(String) });
    // Asked again while it waits for its retry: read back, it is retrying after Okta's error.
    const again = await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' });
    expect(again).toMatchObject({
      ok: true,
      data: { outcome: 'retrying', status: 'REVOKING', problem: expect.any(String) },
    });
  });
});

describe('the Okta connection says when Okta rejects it', () => {
  test('a save with a wrong token is saved, says Okta rejected it, and the status says so on the tab and the dashboard', async () => {
    const t = await adminSite();
    const saved = await t.admin('admin/connection/save', {
      domain: t.sb.okta.domain,
      method: 'api-token',
      apiToken: WRONG_TOKEN,
    });
    expect(saved).toMatchObject({
      ok: true,
      data: {
        configured: true,
        test: { credentialsOk: false, level: 'error', message: expect.stringMatching(/did not accept the API token/) },
        status: { state: 'problem', checkedAt: expect.any(String) },
      },
    });
    const status = (await t.admin('admin/connection/get')).data.status;
    expect(status).toMatchObject({
      state: 'problem',
      problem: expect.stringMatching(/did not accept the API token/),
      problemDetails: expect.stringMatching(/HTTP 401.*Okta error code E0000011.*Okta request id/),
    });
    expect(internalsIn(status.problem)).toEqual([]);
    expect((await t.admin('admin/dashboard/get')).data.health.connection).toMatchObject({ state: 'problem' });

    // Test connection of another, unsaved token says it is unsaved and leaves the saved status alone.
    const trial = await t.admin('admin/connection/test', {
      domain: t.sb.okta.domain,
      method: 'api-token',
      apiToken: t.sb.okta.apiToken,
    });
    expect(trial).toMatchObject({
      ok: true,
      data: { level: 'ok', unsaved: true, message: expect.stringMatching(/not saved/) },
    });
    expect((await t.admin('admin/connection/get')).data.status).toMatchObject({ state: 'problem' });

    // Saving the right one tests it: connected, with the org and when.
    const fixed = await t.admin('admin/connection/save', {
      domain: t.sb.okta.domain,
      method: 'api-token',
      apiToken: t.sb.okta.apiToken,
    });
    expect(fixed).toMatchObject({
      ok: true,
      data: {
        test: { level: 'ok' },
        status: { state: 'ok', orgName: expect.any(String), checkedAt: t.sb.clock.now() },
      },
    });
    expect((await t.admin('admin/dashboard/get')).data.health.connection).toMatchObject({
      state: 'ok',
      orgName: fixed.data.status.orgName,
    });
  });

  test('the open credential breaker is what is wrong, even after a good check', async () => {
    const t = await adminSite();
    await t.connect();
    expect((await t.admin('admin/connection/get')).data.status).toMatchObject({ state: 'ok' });
    await t.sb.app.run(() =>
      new KvsHealthStore().openOktaBreaker({
        openedAt: t.sb.clock.now(),
        message:
          "Okta rejected the credentials (HTTP 401 E0000011). A Jira admin must check the API token in the app's Okta settings.",
      }),
    );
    const status = (await t.admin('admin/connection/get')).data.status;
    // Words for the admin who reads them; Okta's own words (status, code) behind Details.
    expect(status).toMatchObject({
      state: 'problem',
      problem: expect.stringMatching(
        /^Okta did not accept the API token\..*Check the token on the Okta connection tab/,
      ),
      problemDetails: expect.stringMatching(/HTTP 401 E0000011/),
    });
    expect(internalsIn(status.problem)).toEqual([]);
    expect(status.problem).not.toMatch(/Jira admin must/);
    expect((await t.admin('admin/dashboard/get')).data.health.connection).toEqual(status);
  });

  test('Test connection with working saved credentials closes the breaker, and the waiting removal runs at once', async () => {
    const t = await adminSite({ seed: 'demo' });
    const { w, sb } = t;
    const r0 = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    // Okta rejects the credentials for the removal: the breaker opens, the removal waits for its probe.
    sb.okta.fault({ method: 'DELETE', path: DELETE_MEMBER, status: 401, times: 1 });
    await t.admin('admin/grants/revoke', { grantId: r0.grantId, reason: 'Work finished.' });
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'REVOKING', nextAttemptAt: expect.any(String) });
    expect(await t.health((h) => h.oktaBreaker())).toBeDefined();

    // The saved settings, no secret typed: a test of the saved connection.
    const r = await t.admin('admin/connection/test', { domain: sb.okta.domain, method: 'api-token' });
    expect(r).toMatchObject({ ok: true, data: { level: 'ok' } });
    expect(r.data.unsaved).toBeUndefined();
    expect(await t.health((h) => h.oktaBreaker())).toBeUndefined();
    expect(t.grant(r0.grantId)).toMatchObject({ status: 'REVOKED' });
    expect(sb.okta.members(w.groups.linux)).not.toContain(w.okta.neville);
    expect((await t.admin('admin/connection/get')).data.status).toMatchObject({ state: 'ok' });
  });

  test("a grant that failed for the connection speaks to the admin on the dashboard; the requester's comment is unchanged", async () => {
    const t = await adminSite({ seed: 'demo' });
    const { w, sb } = t;
    // Okta rejects the app's credentials on the grant's first call: the grant fails for the connection.
    sb.okta.fault({ path: /^\/api\/v1\//, status: 401, times: 1 });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.clock.settle();
    expect(t.grant(r.grantId)).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/A Jira admin must/) });
    const row = (await t.admin('admin/dashboard/get')).data.grants.find((g: { id: string }) => g.id === r.grantId);
    expect(row).toMatchObject({
      status: 'FAILED',
      problem: expect.stringMatching(/Check the API token on the Okta connection tab/),
      problemDetails: expect.stringMatching(/HTTP 401/),
      problemOpens: 'okta-connection',
    });
    expect(row.problem).not.toMatch(/Jira admin/);
    // The breaker the rejection opened: the lasting status in words, Okta's side with its request id.
    const rejected = sb.okta.requests.find((q) => q.status === 401)!;
    expect((await t.admin('admin/connection/get')).data.status).toMatchObject({
      state: 'problem',
      problem: expect.stringMatching(/^Okta did not accept the API token\./),
      problemDetails: expect.stringContaining(
        `Okta rejected the credentials (HTTP 401 E0000011). (Okta request id ${rejected.requestId})`,
      ),
    });
    expect(row.problem).toMatch(/the requester can raise the request again/);
    expect(internalsIn(row.problem)).toEqual([]);
    // The requester still reads that a Jira admin must fix it: the comment is theirs.
    expect(t.comments(r.key).join('\n')).toMatch(/A Jira admin must fix it in the Okta JIT Access admin page/);
  });

  test('a failing test of the saved credentials leaves the breaker open', async () => {
    const t = await adminSite();
    await t.connect();
    await t.sb.app.run(() =>
      new KvsHealthStore().openOktaBreaker({ openedAt: t.sb.clock.now(), message: 'Okta answered 401.' }),
    );
    t.sb.okta.fault({ path: /.*/, status: 401, times: 10 });
    expect(await t.admin('admin/connection/test', { domain: t.sb.okta.domain, method: 'api-token' })).toMatchObject({
      ok: true,
      data: { credentialsOk: false },
    });
    expect(await t.health((h) => h.oktaBreaker())).toBeDefined();
  });
});
