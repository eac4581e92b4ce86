/**
 * The Policy tab on the sandbox: `admin/policy/*` through the admin page's resolver as Ada, the policy
 * stored by the app's own config store in the KVS emulator, people's names asked of the Jira emulator.
 * (The form's field-by-field validation is pure: test/shared/admin-contract.test.ts.)
 */
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { useWorlds } from '../integration/world';
import { adminSite, type AdminSite } from './site';

useWorlds();

/** The audit entries of policy saves (connecting Okta first writes its own). */
const policySaves = (t: AdminSite) => t.audit().filter((e) => e.detail.startsWith('Policy saved'));

const form = (t: AdminSite, over: Record<string, unknown> = {}) => ({
  durationFieldName: 'Change type',
  durationMapping: [
    { value: 'Emergency', hours: 4 },
    { value: 'Standard', hours: 12 },
    { value: 'Normal', hours: 8 },
  ],
  defaultDurationHours: 12,
  approvalStatusName: 'Approved',
  emergencyValue: 'Emergency',
  emergencyMaxHours: 2,
  closeOutTransitionName: 'Done',
  requesterMapping: [{ accountId: t.w.jira.neville, oktaLogin: 'neville.newadmin@atko.email' }],
  notifyByEmail: false,
  ...over,
});

describe('policy', () => {
  test('shows the defaults as editable rows', async () => {
    const t = await adminSite();
    expect(await t.admin('admin/policy/get')).toEqual({
      ok: true,
      data: expect.objectContaining({
        durationFieldName: 'Change type',
        durationMapping: [
          { value: 'Emergency', hours: 4 },
          { value: 'Standard', hours: 12 },
          { value: 'Normal', hours: 12 },
        ],
        emergencyValue: 'Emergency',
        requesterMapping: [],
        people: {},
        needsMapping: [],
      }),
    });
  });

  test('saves every setting in the domain shape and shows mapped people by name', async () => {
    const t = await adminSite();
    await t.connect();
    const neville = t.w.jira.neville;
    const r = await t.admin('admin/policy/save', form(t));
    expect(await t.stored.policy()).toEqual({
      durationFieldName: 'Change type',
      durationHoursByValue: { Emergency: 4, Standard: 12, Normal: 8 },
      defaultDurationHours: 12,
      approvalStatusName: 'Approved',
      emergencyValue: 'Emergency',
      emergencyMaxHours: 2,
      closeOutTransitionName: 'Done',
      requesterMapping: { [neville]: 'neville.newadmin@atko.email' },
      notifyByEmail: false,
    });
    expect(r).toMatchObject({
      ok: true,
      data: { people: { [neville]: 'Neville Newadmin' }, closeOutTransitionName: 'Done' },
    });
    expect(policySaves(t)).toEqual([
      expect.objectContaining({
        action: 'CONFIG_CHANGED',
        actor: t.w.jira.ada,
        detail: expect.stringMatching(
          new RegExp(
            `Normal=8h.*emergency "Emergency" capped at 2 h.*close-out transition "Done".*requester mapping changed for ${neville}.*email notifications off`,
          ),
        ),
      }),
    ]);
  });

  test('a save answers with the policy read back from the store after the write, not with what it sent', async () => {
    const t = await adminSite();
    await t.connect();
    const policyKey = (r: { body: unknown }) => (r.body as { key?: string } | undefined)?.key === 'config:policy';
    const from = t.sb.kvs.requests.length;
    const r = await t.admin('admin/policy/save', form(t));
    const calls = t.sb.kvs.requests.slice(from).filter(policyKey);
    const write = calls.findIndex((c) => c.path === '/api/v1/set');
    expect(write).toBeGreaterThanOrEqual(0);
    // A read of the policy follows its write: the answer comes from the store.
    expect(calls.slice(write + 1).map((c) => c.path)).toContain('/api/v1/get');
    expect(r.data).toEqual((await t.admin('admin/policy/get')).data);
  });

  test('empty optional fields switch the emergency path and close-out off', async () => {
    const t = await adminSite();
    await t.connect();
    expect(
      await t.admin('admin/policy/save', form(t, { emergencyValue: '', closeOutTransitionName: '  ' })),
    ).toMatchObject({ ok: true });
    const policy = await t.stored.policy();
    expect(policy.emergencyValue).toBeUndefined();
    expect(policy.closeOutTransitionName).toBeUndefined();
  });

  test('a mapping for an account Jira does not know is refused and nothing is saved', async () => {
    const t = await adminSite();
    await t.connect();
    const r = await t.admin(
      'admin/policy/save',
      form(t, { requesterMapping: [{ accountId: 'acc-ghost', oktaLogin: 'ghost@atko.email' }] }),
    );
    expect(r).toEqual({
      ok: false,
      error: {
        code: 'POLICY.UNKNOWN_ACCOUNT',
        message: expect.stringMatching(/Jira has no account acc-ghost.*Nothing was saved/),
        fields: {
          'requesterMapping.0.accountId': expect.stringMatching(/Jira has no account acc-ghost/),
          'requesterMapping.0.oktaLogin': expect.stringMatching(/No Okta user has the login ghost@atko\.email/),
        },
      },
    });
    expect(await t.stored.policy()).toEqual(DEFAULT_POLICY);
    expect(t.sb.kvs.value('config:policy')).toBeUndefined();
    expect(policySaves(t)).toEqual([]);
  });

  test('the change window: date-time fields and ending statuses picked from Jira are saved; anything else is refused', async () => {
    const t = await adminSite();
    await t.connect();
    expect(await t.admin('admin/jira/datetime-fields')).toEqual({
      ok: true,
      data: [
        { id: 'customfield_10053', name: 'Planned end' },
        { id: 'customfield_10052', name: 'Planned start' },
        { id: 'customfield_10051', name: 'Requested end' },
      ],
    });
    const window = {
      plannedStartFieldId: 'customfield_10052',
      plannedEndFieldId: 'customfield_10053',
      accessEndingStatuses: ['Done'],
    };
    expect(await t.admin('admin/policy/save', form(t, window))).toMatchObject({ ok: true, data: window });
    expect(await t.stored.policy()).toMatchObject(window);
    expect(policySaves(t).at(-1)?.detail).toMatch(/change window fields customfield_10052 to customfield_10053.*Done/);

    // Change type is a select list, not a date-time field; "Closed" is no status of the projects in use.
    const r = await t.admin(
      'admin/policy/save',
      form(t, { plannedStartFieldId: 'customfield_10050', accessEndingStatuses: ['Done', 'Closed'] }),
    );
    expect(r).toMatchObject({
      ok: false,
      error: {
        fields: {
          plannedStartFieldId: expect.stringMatching(/not a date-time field/),
          'accessEndingStatuses.1': expect.stringMatching(/No status named "Closed"/),
        },
      },
    });
    expect(await t.stored.policy()).toMatchObject(window);
  });
});
