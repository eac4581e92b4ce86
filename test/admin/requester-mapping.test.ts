/**
 * The requester mapping on the sandbox (ADR 0016): the Okta user picker (`admin/okta/users`) searches
 * the Okta emulator through the real Okta adapter with a bounded `search=`; `admin/policy/save` refuses
 * a new or changed row whose Jira account Jira does not know, or whose Okta login is no user's or not
 * an ACTIVE user's, on that row, and refuses when Okta does not answer, saving nothing each time; the
 * policy view lists people denied for want of a mapping. (The CSV import is pure:
 * test/shared/requester-mapping-csv.test.ts.)
 */
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { makeGrant } from '../factories/grant';
import { useWorlds } from '../integration/world';
import { adminSite, type AdminSite } from './site';

useWorlds();

/** The audit entries of policy saves (connecting Okta first writes its own). */
const policySaves = (t: AdminSite) => t.audit().filter((e) => e.detail.startsWith('Policy saved'));

const NOW = '2026-11-22T12:00:00.000Z';

const form = (t: AdminSite, requesterMapping: Array<{ accountId: string; oktaLogin: string }>) => ({
  durationFieldName: 'Change type',
  durationMapping: [
    { value: 'Emergency', hours: 4 },
    { value: 'Standard', hours: 12 },
    { value: 'Normal', hours: 12 },
  ],
  defaultDurationHours: 12,
  approvalStatusName: 'Approved',
  emergencyValue: 'Emergency',
  emergencyMaxHours: 2,
  closeOutTransitionName: '',
  requesterMapping,
  notifyByEmail: true,
});

async function site() {
  const t = await adminSite({ now: NOW });
  await t.connect();
  return t;
}

/** The Okta users calls made since `from`, as `search` expressions. */
const userSearches = (t: AdminSite, from: number) =>
  t.sb.okta.requests
    .slice(from)
    .filter((r) => r.method === 'GET' && r.path === '/api/v1/users')
    .map((r) => r.query);

describe('Okta user picker', () => {
  test('finds users by the start of a login, email, first or last name, any status, with one bounded search', async () => {
    const t = await site();
    const before = t.sb.okta.requests.length;
    expect(await t.admin('admin/okta/users', { query: 'hen' })).toEqual({
      ok: true,
      data: [
        { login: 'henry.hidden@atko.email', name: 'Henry Hidden', email: 'henry.hidden@atko.email', status: 'ACTIVE' },
      ],
    });
    expect(userSearches(t, before)).toEqual([
      {
        search:
          'profile.login sw "hen" or profile.email sw "hen" or profile.firstName sw "hen" or profile.lastName sw "hen"',
        limit: '20',
      },
    ]);
    // By last name; a deactivated user is listed with its status (the page will not let it be chosen).
    expect((await t.admin('admin/okta/users', { query: 'Newadmin' })).data).toEqual([
      expect.objectContaining({ login: 'neville.newadmin@atko.email', status: 'ACTIVE' }),
    ]);
    expect((await t.admin('admin/okta/users', { query: 'old.' })).data).toEqual([
      expect.objectContaining({ login: 'old.neville@atko.email', status: 'DEPROVISIONED' }),
    ]);
    expect(await t.admin('admin/okta/users', { query: 'nobody-like-this' })).toEqual({ ok: true, data: [] });
    // A quote in the query is escaped, not an injection into the search expression.
    expect(await t.admin('admin/okta/users', { query: 'a" or status eq "ACTIVE' })).toEqual({ ok: true, data: [] });
    expect(await t.admin('admin/okta/users', { query: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    expect(t.sb.okta.violations).toEqual([]);
  });

  test('Okta not connected, or not answering, is a refusal that says what to do', async () => {
    const t = await adminSite({ now: NOW });
    expect(await t.admin('admin/okta/users', { query: 'hen' })).toMatchObject({
      ok: false,
      error: { code: 'OKTA.NOT_CONNECTED', message: expect.stringMatching(/Okta connection tab/) },
    });
    await t.connect();
    t.sb.okta.fault({ path: /^\/api\/v1\/users/, status: 503, times: 100 });
    expect(await t.admin('admin/okta/users', { query: 'hen' })).toMatchObject({
      ok: false,
      error: { code: 'OKTA.UNAVAILABLE' },
    });
  });
});

describe('saving the mapping', () => {
  test('a row for an active Okta user and a Jira account saves; an unchanged row is not read again', async () => {
    const t = await site();
    const henry = t.w.jira.henry;
    const before = t.sb.okta.requests.length;
    expect(
      await t.admin('admin/policy/save', form(t, [{ accountId: henry, oktaLogin: 'Henry.Hidden@atko.email' }])),
    ).toMatchObject({ ok: true, data: { people: { [henry]: 'Hidden Henry' } } });
    expect(userSearches(t, before)).toEqual([{ search: 'profile.login eq "Henry.Hidden@atko.email"', limit: '200' }]);
    expect((await t.stored.policy()).requesterMapping).toEqual({ [henry]: 'Henry.Hidden@atko.email' });

    const again = t.sb.okta.requests.length;
    expect(
      await t.admin('admin/policy/save', {
        ...form(t, [{ accountId: henry, oktaLogin: 'Henry.Hidden@atko.email' }]),
        notifyByEmail: false,
      }),
    ).toMatchObject({ ok: true });
    expect(userSearches(t, again)).toEqual([]);
  });

  test('many rows are checked in batches of ten logins per Okta search', async () => {
    const t = await site();
    const rows = Array.from({ length: 23 }, (_, i) => {
      const login = `person${i}@atko.email`;
      t.sb.okta.addUser({ login, email: login, firstName: 'Person', lastName: String(i) });
      return {
        accountId: t.sb.jira.addUser({ displayName: `Person ${i}`, emailVisible: false }).accountId,
        oktaLogin: login,
      };
    });
    const before = t.sb.okta.requests.length;
    expect(await t.admin('admin/policy/save', form(t, rows))).toMatchObject({ ok: true });
    expect(userSearches(t, before)).toHaveLength(3);
    expect(t.sb.okta.violations).toEqual([]);
  });

  test('an Okta login no user has, and one of a deactivated user, are refused on their rows; nothing is saved', async () => {
    const t = await site();
    const r = await t.admin(
      'admin/policy/save',
      form(t, [
        { accountId: t.w.jira.henry, oktaLogin: 'henry.hidden@atko.email' },
        { accountId: t.w.jira.neville, oktaLogin: 'old.neville@atko.email' },
        { accountId: t.w.jira.alice, oktaLogin: 'alice@nowhere.example' },
      ]),
    );
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'POLICY.UNUSABLE_OKTA_USER',
        message: expect.stringMatching(
          /not an active Okta user: old\.neville@atko\.email, alice@nowhere\.example\..*Nothing was saved/,
        ),
        fields: {
          'requesterMapping.1.oktaLogin': expect.stringMatching(
            /old\.neville@atko\.email is DEPROVISIONED, not ACTIVE/,
          ),
          'requesterMapping.2.oktaLogin': expect.stringMatching(/No Okta user has the login alice@nowhere\.example/),
        },
      },
    });
    expect(await t.stored.policy()).toEqual(DEFAULT_POLICY);
    expect(policySaves(t)).toEqual([]);
  });

  test('a suspended Okta user is refused too', async () => {
    const t = await site();
    t.sb.okta.addUser({ login: 'sus.pended@atko.email', email: 'sus.pended@atko.email', status: 'SUSPENDED' });
    const r = await t.admin(
      'admin/policy/save',
      form(t, [{ accountId: t.w.jira.henry, oktaLogin: 'sus.pended@atko.email' }]),
    );
    expect(r.error.fields).toEqual({
      'requesterMapping.0.oktaLogin': expect.stringMatching(/is SUSPENDED, not ACTIVE/),
    });
  });

  test('a Jira account Jira does not know is refused on its row, with the Okta problems of the same save', async () => {
    const t = await site();
    const r = await t.admin(
      'admin/policy/save',
      form(t, [
        { accountId: 'acc-ghost', oktaLogin: 'henry.hidden@atko.email' },
        { accountId: t.w.jira.henry, oktaLogin: 'nobody@atko.email' },
      ]),
    );
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'POLICY.UNKNOWN_ACCOUNT',
        message: expect.stringMatching(/Jira has no account acc-ghost\..*nobody@atko\.email.*Nothing was saved/),
        fields: {
          'requesterMapping.0.accountId': expect.stringMatching(/Jira has no account acc-ghost/),
          'requesterMapping.1.oktaLogin': expect.stringMatching(/No Okta user has the login nobody@atko\.email/),
        },
      },
    });
    expect(await t.stored.policy()).toEqual(DEFAULT_POLICY);
  });

  test('Okta not answering refuses the save: nothing is saved', async () => {
    const t = await site();
    t.sb.okta.fault({ path: /^\/api\/v1\/users/, status: 503, times: 100 });
    const r = await t.admin(
      'admin/policy/save',
      form(t, [{ accountId: t.w.jira.henry, oktaLogin: 'henry.hidden@atko.email' }]),
    );
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'OKTA.UNAVAILABLE', message: expect.stringMatching(/The policy was not saved/) },
    });
    expect(t.sb.kvs.value('config:policy')).toBeUndefined();
    expect(policySaves(t)).toEqual([]);
  });

  test('Okta not connected refuses a save that maps someone, not one that maps nobody', async () => {
    const t = await adminSite({ now: NOW });
    expect(
      await t.admin(
        'admin/policy/save',
        form(t, [{ accountId: t.w.jira.henry, oktaLogin: 'henry.hidden@atko.email' }]),
      ),
    ).toMatchObject({ ok: false, error: { code: 'OKTA.NOT_CONNECTED' } });
    expect(t.sb.kvs.value('config:policy')).toBeUndefined();
    expect(await t.admin('admin/policy/save', form(t, []))).toMatchObject({ ok: true });
  });
});

describe('who needs a mapping', () => {
  test('people denied for want of a mapping in the last 14 days, newest first, until they are mapped', async () => {
    const t = await site();
    const { henry, alice, neville } = t.w.jira;
    const denied = (
      id: string,
      requesterAccountId: string,
      requestedAt: string,
      reasonCode: string,
      issueKey: string,
    ) => makeGrant({ id, requesterAccountId, requestedAt, status: 'DENIED', reasonCode, reason: 'x', issueKey });
    await t.putGrants(
      denied('h1', henry, '2026-11-20T10:00:00.000Z', 'IDENTITY.EMAIL_HIDDEN', 'ACC-1'),
      denied('h2', henry, '2026-11-21T10:00:00.000Z', 'IDENTITY.EMAIL_HIDDEN', 'ACC-2'),
      denied('a1', alice, '2026-11-22T09:00:00.000Z', 'USER.AMBIGUOUS', 'ACC-3'),
      // Denied for another reason, or too long ago: not listed.
      denied('n1', neville, '2026-11-22T09:30:00.000Z', 'GRANT.NOT_ALLOWLISTED', 'ACC-4'),
      denied('n2', neville, '2026-11-01T09:30:00.000Z', 'IDENTITY.EMAIL_HIDDEN', 'ACC-5'),
    );
    expect((await t.admin('admin/policy/get')).data.needsMapping).toEqual([
      {
        accountId: alice,
        name: 'Alice Approver',
        issueKey: 'ACC-3',
        at: '2026-11-22T09:00:00.000Z',
        reason: 'Several Okta users have the email Jira shows',
      },
      {
        accountId: henry,
        name: 'Hidden Henry',
        issueKey: 'ACC-2',
        at: '2026-11-21T10:00:00.000Z',
        reason: 'Jira hides their email from the app',
      },
    ]);
    const saved = await t.admin(
      'admin/policy/save',
      form(t, [{ accountId: henry, oktaLogin: 'henry.hidden@atko.email' }]),
    );
    expect(saved.data.needsMapping.map((n: { accountId: string }) => n.accountId)).toEqual([alice]);
  });
});
