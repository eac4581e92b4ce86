/**
 * Crafted resolver payloads: wrong shapes, wrong types, oversized strings, another issue's grant, a
 * forged cursor and prototype pollution. Shared by the crafted-payload tests and the attack suite.
 */
const long = 'x'.repeat(100_000);
const proto = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');
export const CRAFTED: Array<[string, unknown]> = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a string', 'hello'],
  ['an array', [1, 2, 3]],
  ['an empty object', {}],
  ['wrong types', { grantId: 1, cursor: { $gt: '' }, domain: ['a'], groupId: true, limit: -1, payload: null }],
  [
    'oversized strings',
    { grantId: long, cursor: long, domain: long, groupId: long, issueKey: long, query: long, reason: long },
  ],
  ["another issue's grant", { grantId: 'grant-99999' }],
  ['a forged cursor', { cursor: Buffer.from('{"i":"x","k":"grant-1"}').toString('base64url') }],
  ['prototype pollution', proto],
];
