import { parseAccessRequest } from '../../src/domain/access-request';

const G = '00gLINUXSYSADMIN0001';
describe('parseAccessRequest', () => {
  it.each([
    ['New access', G, { ok: true, accessType: 'New access', groupId: G }],
    ['Extend access', G, { ok: true, accessType: 'Extend access', groupId: G }],
    ['View access', undefined, { ok: true, accessType: 'View access' }],
    ['View access', 'anything', { ok: true, accessType: 'View access' }],
    [undefined, G, { ok: false, problem: { code: 'REQUEST.ACCESS_TYPE_MISSING' } }],
    ['', G, { ok: false, problem: { code: 'REQUEST.ACCESS_TYPE_MISSING' } }],
    ['new access', G, { ok: false, problem: { code: 'REQUEST.ACCESS_TYPE_INVALID', value: 'new access' } }],
    ['New access', undefined, { ok: false, problem: { code: 'REQUEST.GROUP_MISSING' } }],
    [
      'New access',
      'PAM Linux Sysadmins',
      { ok: false, problem: { code: 'REQUEST.GROUP_INVALID', value: 'PAM Linux Sysadmins' } },
    ],
    ['New access', `${G}x`, { ok: false, problem: { code: 'REQUEST.GROUP_INVALID', value: `${G}x` } }],
    [
      'Extend access',
      '00u0000000000000000',
      { ok: false, problem: { code: 'REQUEST.GROUP_INVALID', value: '00u0000000000000000' } },
    ],
  ])('(%j, %j)', (type, group, expected) => {
    expect(parseAccessRequest(type, group)).toEqual(expected);
  });
});
