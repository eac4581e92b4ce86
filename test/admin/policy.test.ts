import { getPolicy, savePolicy } from '../../src/app/admin/policy';
import { DEFAULT_POLICY } from '../../src/domain/policy';
import { fieldErrors, PolicyInput } from '../../src/shared/admin-contract';
import { ADMIN, adminWorld, USER } from './fakes';

const form = (over: Record<string, unknown> = {}) => ({
  durationFieldName: 'Change type',
  durationMapping: [{ value: 'Emergency', hours: 4 }, { value: 'Standard', hours: 12 }, { value: 'Normal', hours: 8 }],
  defaultDurationHours: 12,
  approvalStatusName: 'Approved',
  emergencyValue: 'Emergency',
  emergencyMaxHours: 2,
  closeOutTransitionName: 'Done',
  requesterMapping: [{ accountId: USER, oktaLogin: 'neville.newadmin@atko.email' }],
  notifyByEmail: false,
  ...over,
});

describe('policy', () => {
  test('shows the defaults as editable rows', async () => {
    const w = adminWorld();
    const r = await getPolicy(w.app);
    expect(r).toEqual({ ok: true, data: expect.objectContaining({
      durationFieldName: 'Change type',
      durationMapping: [{ value: 'Emergency', hours: 4 }, { value: 'Standard', hours: 12 }, { value: 'Normal', hours: 12 }],
      emergencyValue: 'Emergency', requesterMapping: [], people: {},
    }) });
  });

  test('saves every setting in the domain shape and shows mapped people by name', async () => {
    const w = adminWorld();
    const r = await savePolicy(w.app, ADMIN, PolicyInput.parse(form()));
    expect(w.config.policy).toEqual({
      durationFieldName: 'Change type', durationHoursByValue: { Emergency: 4, Standard: 12, Normal: 8 }, defaultDurationHours: 12,
      approvalStatusName: 'Approved', emergencyValue: 'Emergency', emergencyMaxHours: 2, closeOutTransitionName: 'Done',
      requesterMapping: { [USER]: 'neville.newadmin@atko.email' }, notifyByEmail: false,
    });
    expect(r).toMatchObject({ ok: true, data: { people: { [USER]: 'Neville Newadmin' }, closeOutTransitionName: 'Done' } });
    expect(w.audit.entries).toEqual([expect.objectContaining({ action: 'CONFIG_CHANGED', actor: ADMIN, detail: expect.stringMatching(/Normal=8h.*emergency "Emergency" capped at 2 h.*close-out transition "Done".*requester mapping changed for acc-neville.*email notifications off/) })]);
  });

  test('empty optional fields switch the emergency path and close-out off', async () => {
    const w = adminWorld();
    await savePolicy(w.app, ADMIN, PolicyInput.parse(form({ emergencyValue: '', closeOutTransitionName: '  ' })));
    expect(w.config.policy.emergencyValue).toBeUndefined();
    expect(w.config.policy.closeOutTransitionName).toBeUndefined();
  });

  test('a mapping for an account Jira does not know is refused and nothing is saved', async () => {
    const w = adminWorld();
    const r = await savePolicy(w.app, ADMIN, PolicyInput.parse(form({ requesterMapping: [{ accountId: 'acc-ghost', oktaLogin: 'ghost@atko.email' }] })));
    expect(r).toEqual({ ok: false, code: 'POLICY.UNKNOWN_ACCOUNT', message: expect.stringMatching(/Jira has no account acc-ghost.*Nothing was saved/) });
    expect(w.config.policy).toEqual(DEFAULT_POLICY);
    expect(w.audit.entries).toEqual([]);
  });

  test.each([
    [{ durationFieldName: '' }, 'durationFieldName', /required/],
    [{ durationFieldName: 'x'.repeat(101) }, 'durationFieldName', /at most 100/],
    [{ durationMapping: [{ value: 'Standard', hours: 4 }, { value: 'standard', hours: 8 }] , emergencyValue: '' }, 'durationMapping.1.value', /listed twice/],
    [{ durationMapping: [{ value: 'Standard', hours: 0 }], emergencyValue: '' }, 'durationMapping.0.hours', /at least 1/],
    [{ emergencyValue: 'Urgent' }, 'emergencyValue', /one of the duration field values/],
    [{ emergencyMaxHours: 48 }, 'emergencyMaxHours', /at most 24/],
    [{ requesterMapping: [{ accountId: USER, oktaLogin: 'a@x' }, { accountId: USER, oktaLogin: 'b@x' }] }, 'requesterMapping.1.accountId', /mapped twice/],
    [{ requesterMapping: [{ accountId: 'has space', oktaLogin: 'a@x' }] }, 'requesterMapping.0.accountId', /not a Jira account id/],
    [{ requesterMapping: [{ accountId: USER, oktaLogin: '' }] }, 'requesterMapping.0.oktaLogin', /required/],
    [{ approvalStatusName: ' ' }, 'approvalStatusName', /required/],
    [{ notifyByEmail: 'yes' }, 'notifyByEmail', /.+/],
  ])('%j is refused on %s', (over, field, message) => {
    const r = PolicyInput.safeParse(form(over));
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!)[field]).toMatch(message);
  });
});
