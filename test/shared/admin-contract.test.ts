/**
 * The admin page's form contract (src/shared/admin-contract): pure zod schemas and CSV helpers shared
 * by the admin page and the admin resolver. Table-driven, no I/O: the unit tier. What the resolver does
 * with a valid or invalid form is tested on the sandbox (test/admin/*).
 */
import {
  AuditQueryInput,
  ConnectionInput,
  csvCell,
  fieldErrors,
  GroupPolicyInput,
  PolicyInput,
} from '../../src/shared/admin-contract';

const LINUX = '00gLINUXSYSADMIN0001';
const USER = 'acc-neville';
const API_TOKEN = '00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd';

describe('PolicyInput', () => {
  const form = (over: Record<string, unknown> = {}) => ({
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
    requesterMapping: [{ accountId: USER, oktaLogin: 'neville.newadmin@atko.email' }],
    notifyByEmail: false,
    ...over,
  });

  test.each([
    [{ durationFieldName: '' }, 'durationFieldName', /required/],
    [{ durationFieldName: 'x'.repeat(101) }, 'durationFieldName', /at most 100/],
    [
      {
        durationMapping: [
          { value: 'Standard', hours: 4 },
          { value: 'standard', hours: 8 },
        ],
        emergencyValue: '',
      },
      'durationMapping.1.value',
      /listed twice/,
    ],
    [
      { durationMapping: [{ value: 'Standard', hours: 0 }], emergencyValue: '' },
      'durationMapping.0.hours',
      /at least 1/,
    ],
    [{ emergencyValue: 'Urgent' }, 'emergencyValue', /one of the duration field values/],
    [{ emergencyMaxHours: 48 }, 'emergencyMaxHours', /at most 24/],
    [
      {
        requesterMapping: [
          { accountId: USER, oktaLogin: 'a@x' },
          { accountId: USER, oktaLogin: 'b@x' },
        ],
      },
      'requesterMapping.1.accountId',
      /mapped twice/,
    ],
    [
      { requesterMapping: [{ accountId: 'has space', oktaLogin: 'a@x' }] },
      'requesterMapping.0.accountId',
      /not a Jira account id/,
    ],
    [{ requesterMapping: [{ accountId: USER, oktaLogin: '' }] }, 'requesterMapping.0.oktaLogin', /required/],
    [{ approvalStatusName: ' ' }, 'approvalStatusName', /required/],
    [{ notifyByEmail: 'yes' }, 'notifyByEmail', /.+/],
  ])('%j is refused on %s', (over, field, message) => {
    const r = PolicyInput.safeParse(form(over));
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!)[field]).toMatch(message);
  });

  test('the valid form parses', () => {
    expect(PolicyInput.safeParse(form()).success).toBe(true);
  });
});

describe('AuditQueryInput', () => {
  test.each([
    [{ fromDay: '2026-11-23', toDay: '2026-11-22' }, 'toDay', /before the start/],
    [{ fromDay: '22/11/2026' }, 'fromDay', /date like/],
    [{ issueKey: 'not a key' }, 'issueKey', /OPS-123/],
    [{ groupId: 'x' }, 'groupId', /Okta group id/],
  ])('refuses filter %j on %s', (input, field, message) => {
    const r = AuditQueryInput.safeParse(input);
    expect(fieldErrors(r.error!)[field]).toMatch(message);
  });
});

describe('csvCell', () => {
  test.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    [' =1+1', "' =1+1"],
    ['\u00a0=HYPERLINK("http://evil")', '"\'\u00a0=HYPERLINK(""http://evil"")"'],
    ['\u00a0 @SUM(A1)', "'\u00a0 @SUM(A1)"],
    ['a =1', 'a =1'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['plain', 'plain'],
    [undefined, ''],
  ])('csvCell(%j) = %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  test('a number is not mistaken for a formula', () => {
    expect(csvCell(-3)).toBe('-3');
  });
});

describe('GroupPolicyInput', () => {
  test.each([
    [{ maxDurationHours: 0 }, 'maxDurationHours', /at least 1/],
    [{ maxDurationHours: 1.5 }, 'maxDurationHours', /whole number/],
    [{ maxDurationHours: 1000 }, 'maxDurationHours', /at most 168/],
    [{ maxLifetimeHours: 6 }, 'maxLifetimeHours', /at least the max duration/],
    [{ maxExtensions: -1 }, 'maxExtensions', /at least 0/],
    [{ reminderLeadMinutes: 720 }, 'reminderLeadMinutes', /shorter than the max duration/],
    [{ approvalMode: 'manager' }, 'approvalMode', /approval mode/],
    [{ allowedProjectKeys: ['OPS', 'ops'] }, 'allowedProjectKeys', /listed twice/],
    [{ allowedProjectKeys: ['1BAD'] }, 'allowedProjectKeys.0', /Project keys/],
    [{ groupId: 'PAM Linux' }, 'groupId', /not an Okta group id/],
    [{ maxDurationHours: '12' }, 'maxDurationHours', /must be a number/],
  ])('limits: %j is refused on %s', (over, field, message) => {
    const r = GroupPolicyInput.safeParse({
      groupId: LINUX,
      maxDurationHours: 12,
      maxLifetimeHours: 24,
      maxExtensions: 2,
      reminderLeadMinutes: 60,
      approvalMode: 'none',
      allowedProjectKeys: [],
      ...over,
    });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!)[field]).toMatch(message);
  });
});

describe('ConnectionInput', () => {
  test.each([
    ['x.okta.com.evil.com', /must be an Okta org host/],
    ['http://atko.okta.com', /https/],
    ['atko.okta.com:8443', /port/],
    ['atko.okta.com/admin', /no path/],
    ['10.0.0.1', /host name, not an IP/],
    ['atko-admin.okta.com', /admin console/],
    ['', /Enter your Okta domain/],
  ])('the form refuses domain %j with an inline message', (domain, message) => {
    const r = ConnectionInput.safeParse({ domain, method: 'api-token', apiToken: API_TOKEN });
    expect(r.success).toBe(false);
    expect(fieldErrors(r.error!).domain).toMatch(message);
  });

  test('OAuth needs a client id and a PEM private key', () => {
    const r = ConnectionInput.safeParse({ domain: 'atko.okta.com', method: 'oauth', privateKeyPem: '{"kty":"RSA"}' });
    expect(fieldErrors(r.error!)).toEqual({
      privateKeyPem: expect.stringMatching(/PEM/),
      clientId: expect.stringMatching(/Client id is required/),
    });
  });
});
