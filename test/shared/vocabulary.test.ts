import { withoutCode } from '../../src/shared/vocabulary';

describe('withoutCode: the words of a coded text, for people', () => {
  it.each([
    ['GRANT.NOT_ALLOWLISTED: This group is not on the list.', 'This group is not on the list.'],
    ['EXTEND.LIMIT_REACHED: No extensions left.', 'No extensions left.'],
    ['REQUEST.ACCESS_TYPE_INVALID:  "x" is not an Access type.', '"x" is not an Access type.'],
  ])('drops the leading code of %p', (text, words) => {
    expect(withoutCode(text)).toBe(words);
  });

  it.each([
    'ACC-12: Okta refused the change.',
    'Okta user 00u1 (neville@atko.email); ends 2026-11-22T13:00:00.000Z.',
    'Grant ended. See GRANT.NOT_FOUND: later text keeps it.',
    'ACTIVE: not a dotted code',
    'Policy saved.',
  ])('leaves %p as it is', (text) => {
    expect(withoutCode(text)).toBe(text);
  });
});
