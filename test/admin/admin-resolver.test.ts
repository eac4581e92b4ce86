/**
 * The admin resolver through the real @forge/resolver routing (`handler({ call, context }, { principal })`)
 * on in-memory ports: every key refuses a non-admin before doing anything, validates its payload, and
 * never answers with a credential.
 */
import { buildAdminResolver } from '../../src/entry/admin-resolver';
import { DirectoryError } from '../../src/app/ports';
import { ADMIN_KEYS, type AdminKey } from '../../src/shared/admin-contract';
import { makeGrant, makeGroupPolicy } from '../factories/grant';
import { ADMIN, API_TOKEN, adminWorld, G, PEM, USER } from './fakes';

/** A valid payload for every key, so a refusal can only come from the permission check. */
const PAYLOADS: Record<AdminKey, unknown> = {
  'admin/connection/get': {},
  'admin/connection/save': { domain: 'atko.okta.com', method: 'api-token', apiToken: 'n'.repeat(42) },
  'admin/connection/test': { domain: 'atko.okta.com', method: 'oauth', clientId: '0oa123', privateKeyPem: PEM },
  'admin/allowlist/list': {},
  'admin/allowlist/add': { groupId: G.windows, maxDurationHours: 8, maxLifetimeHours: 24, maxExtensions: 1, reminderLeadMinutes: 30, approvalMode: 'status', allowedProjectKeys: ['OPS'] },
  'admin/allowlist/update': { groupId: G.linux, maxDurationHours: 2, maxLifetimeHours: 4, maxExtensions: 0, reminderLeadMinutes: 15, approvalMode: 'none', allowedProjectKeys: [] },
  'admin/allowlist/remove': { groupId: G.linux },
  'admin/groups/search': { query: 'PAM' },
  'admin/policy/get': {},
  'admin/policy/save': { durationFieldName: 'Change type', durationMapping: [{ value: 'Emergency', hours: 2 }], defaultDurationHours: 4, approvalStatusName: 'Approved', emergencyValue: 'Emergency', emergencyMaxHours: 2, closeOutTransitionName: '', requesterMapping: [], notifyByEmail: true },
  'admin/dashboard/get': {},
  'admin/audit/query': { groupId: G.linux },
  'admin/audit/options': {},
  'admin/audit/verify': {},
  'admin/grants/revoke': { grantId: 'grant-1' },
};

function setup() {
  const w = adminWorld('2026-11-22T12:00:00.000Z');
  w.connect();
  w.config.allowlist = [makeGroupPolicy({ groupId: G.linux })];
  void w.grants.create(makeGrant({ id: 'grant-1', status: 'ACTIVE', requesterAccountId: USER, groupId: G.linux }));
  void w.audit.append({ at: '2026-11-22T09:00:00.000Z', action: 'REQUESTED', actor: USER, requesterAccountId: USER, groupId: G.linux, grantId: 'grant-1', issueKey: 'OPS-1', detail: 'Requested.' });
  const handler = buildAdminResolver(() => w.app);
  const invoke = (key: string, payload: unknown, accountId?: string) =>
    handler({ call: { functionKey: key, payload }, context: { moduleKey: 'admin-page' } as any }, accountId ? { principal: { accountId } } : {}) as Promise<any>;
  /** Everything a call could change or reveal, to prove a refused call did nothing. */
  const snapshot = () => JSON.stringify({ c: w.config, g: [...w.grants.rows.values()], a: w.audit.entries, q: w.queue.items, d: w.directory.writes });
  return { w, invoke, snapshot };
}

describe('admin resolver', () => {
  test('answers every admin/* key the contract lists, and nothing else', () => {
    const { invoke } = setup();
    expect(Object.keys(PAYLOADS).sort()).toEqual(Object.values(ADMIN_KEYS).sort());
    return expect(invoke('admin/secrets/get', {}, ADMIN)).rejects.toThrow(/no definition/);
  });

  describe.each(Object.values(ADMIN_KEYS))('%s', (key) => {
    test('a non-admin gets AUTH.NOT_ADMIN and nothing is read out or changed', async () => {
      const { w, invoke, snapshot } = setup();
      let oktaCalls = 0;
      w.app.directory = async () => { oktaCalls++; return w.directory; };
      w.app.directoryFor = () => { oktaCalls++; return w.directory; };
      const before = snapshot();
      const asUser = await invoke(key, PAYLOADS[key], USER);
      const anonymous = await invoke(key, PAYLOADS[key]);
      const badPayload = await invoke(key, { groupId: 42, domain: 'evil.com', query: '' }, USER);
      for (const r of [asUser, anonymous, badPayload]) {
        expect(r).toEqual({ ok: false, error: { code: 'AUTH.NOT_ADMIN', message: 'Only Jira administrators can use the Okta JIT Access admin page.' } });
      }
      expect(snapshot()).toBe(before);
      expect(oktaCalls).toBe(0);
    });

    test('an admin gets past the check with the same payload', async () => {
      const { invoke } = setup();
      const r = await invoke(key, PAYLOADS[key], ADMIN);
      expect(r.ok === true || r.error.code !== 'AUTH.NOT_ADMIN').toBe(true);
      expect(r).toEqual(expect.objectContaining({ ok: true }));
    });
  });

  test('a bad payload from an admin is refused with what to fix, and nothing is stored', async () => {
    const { invoke, snapshot } = setup();
    const before = snapshot();
    const r = await invoke(ADMIN_KEYS.connectionSave, { domain: 'atko.okta.com.evil.com', method: 'api-token', apiToken: API_TOKEN }, ADMIN);
    expect(r).toEqual({ ok: false, error: { code: 'VALIDATION.INVALID', message: expect.stringMatching(/must be an Okta org host/) } });
    const big = await invoke(ADMIN_KEYS.groupsSearch, { query: 'x'.repeat(101) }, ADMIN);
    expect(big).toMatchObject({ ok: false, error: { code: 'VALIDATION.INVALID', message: 'At most 100 characters.' } });
    expect(snapshot()).toBe(before);
  });

  test('refusals from use cases arrive as clean envelopes', async () => {
    const { invoke } = setup();
    const r = await invoke(ADMIN_KEYS.allowlistAdd, { ...(PAYLOADS['admin/allowlist/add'] as object), groupId: G.superAdmins }, ADMIN);
    expect(r).toEqual({ ok: false, error: { code: 'GROUP.HAS_ADMIN_ROLE', message: 'This group holds an Okta admin role.' } });
  });

  test('an Okta failure that escapes a use case becomes an envelope; an unknown error is rethrown', async () => {
    const { w, invoke } = setup();
    w.grants.listByStatus = async () => { throw new DirectoryError('transient', 'HTTP 503'); };
    expect(await invoke(ADMIN_KEYS.dashboardGet, {}, ADMIN)).toEqual({ ok: false, error: { code: 'OKTA.UNAVAILABLE', message: expect.stringContaining('HTTP 503') } });
    w.grants.listByStatus = async () => { throw new TypeError('a bug'); };
    await expect(invoke(ADMIN_KEYS.dashboardGet, {}, ADMIN)).rejects.toThrow('a bug');
  });

  test('no answer ever contains a stored or submitted secret, even when a lower layer leaks one', async () => {
    const pemLine = PEM.split('\n')[1];
    const leaky = (alsoLeak = '') => {
      const { w, invoke } = setup();
      w.config.connection = { domain: 'atko.okta.com', auth: { method: 'oauth', clientId: '0oa123' } };
      w.config.secrets = { apiToken: API_TOKEN, privateKeyPem: PEM };
      // A careless adapter that puts the credentials it holds into its error messages.
      w.answerTest(new DirectoryError('configuration', `invalid token ${API_TOKEN} / key ${pemLine} ${alsoLeak}`));
      w.directory.failNext.searchGroups = [new DirectoryError('permanent', `denied for SSWS ${API_TOKEN}`)];
      w.directory.failNext.checkGroupEligible = [new DirectoryError('transient', `timeout with key ${pemLine}`)];
      return invoke;
    };
    const answers = [];
    for (const key of Object.values(ADMIN_KEYS)) answers.push(await leaky()(key, PAYLOADS[key], ADMIN));
    const typed = 'T'.repeat(40);
    const invoke = leaky(typed);
    const r = await invoke(ADMIN_KEYS.connectionTest, { domain: 'atko.okta.com', method: 'api-token', apiToken: typed }, ADMIN);
    answers.push(r);
    const all = JSON.stringify(answers);
    expect(all.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(4);
    for (const secret of [API_TOKEN, typed, pemLine, 'BEGIN PRIVATE KEY', 'n'.repeat(42)]) expect(all).not.toContain(secret);
  });
});
