import { canTransition, GRANT_STATUSES, IllegalTransitionError, transition, type GrantStatus } from '../../src/domain/grant';
import { makeGrant } from '../factories/grant';

const LEGAL: Array<[GrantStatus, GrantStatus]> = [
  ['REQUESTED', 'GRANTING'], ['REQUESTED', 'DENIED'], ['REQUESTED', 'FAILED'],
  ['GRANTING', 'ACTIVE'], ['GRANTING', 'DENIED'], ['GRANTING', 'FAILED'],
  ['ACTIVE', 'REVOKING'], ['ACTIVE', 'REMOVED_EXTERNALLY'],
  ['REVOKING', 'EXPIRED'], ['REVOKING', 'REVOKED'], ['REVOKING', 'REMOVED_EXTERNALLY'], ['REVOKING', 'FAILED'],
  ['FAILED', 'GRANTING'], ['FAILED', 'REVOKING'],
];

describe('grant state machine', () => {
  const all = GRANT_STATUSES.flatMap((from) => GRANT_STATUSES.map((to) => [from, to] as [GrantStatus, GrantStatus]));
  it.each(all)('%s -> %s is legal only if listed', (from, to) => {
    const legal = LEGAL.some(([f, t]) => f === from && t === to);
    expect(canTransition(from, to)).toBe(legal);
    const g = makeGrant({ status: from });
    if (legal) expect(transition(g, to, '2026-11-22T10:00:00.000Z').status).toBe(to);
    else expect(() => transition(g, to, '2026-11-22T10:00:00.000Z')).toThrow(IllegalTransitionError);
  });

  it('applies changes and stamps updatedAt', () => {
    const next = transition(makeGrant({ status: 'ACTIVE' }), 'REVOKING', '2026-11-22T10:00:00.000Z', { endReason: 'RELINQUISHED' });
    expect(next).toMatchObject({ status: 'REVOKING', endReason: 'RELINQUISHED', updatedAt: '2026-11-22T10:00:00.000Z' });
  });
});
