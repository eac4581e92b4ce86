import { canTransition, GRANT_STATUSES, isTerminal, type GrantStatus } from '../../src/domain/grant';

const LEGAL: Array<[GrantStatus, GrantStatus]> = [
  ['REQUESTED', 'GRANTING'],
  ['REQUESTED', 'DENIED'],
  ['REQUESTED', 'FAILED'],
  ['REQUESTED', 'WITHDRAWN'],
  ['GRANTING', 'ACTIVE'],
  ['GRANTING', 'DENIED'],
  ['GRANTING', 'FAILED'],
  ['ACTIVE', 'REVOKING'],
  ['REVOKING', 'EXPIRED'],
  ['REVOKING', 'REVOKED'],
  ['REVOKING', 'REMOVED_EXTERNALLY'],
  ['REVOKING', 'FAILED'],
  ['FAILED', 'REVOKING'],
];

describe('grant state machine', () => {
  const all = GRANT_STATUSES.flatMap((from) => GRANT_STATUSES.map((to) => [from, to] as [GrantStatus, GrantStatus]));
  it.each(all)('%s -> %s is legal only if listed', (from, to) => {
    expect(canTransition(from, to)).toBe(LEGAL.some(([f, t]) => f === from && t === to));
  });

  it.each(GRANT_STATUSES.map((s) => [s]))('%s is terminal exactly when nothing leaves it', (s) => {
    expect(isTerminal(s)).toBe(!LEGAL.some(([f]) => f === s));
  });
});
