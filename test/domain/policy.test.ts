import {
  capHours,
  checkWindow,
  earliestEnd,
  endsAccess,
  startIsAhead,
  computeEndsAt,
  requestedEndPassed,
  decideApproval,
  decideExtension,
  decideRemoval,
  DEFAULT_POLICY,
  isExpiryDue,
  isPreexistingMembership,
  isReminderDue,
  policyDurationHours,
  projectAllowed,
} from '../../src/domain/policy';
import { makeGrant, makeGroupPolicy } from '../factories/grant';

const NOW = '2026-11-22T09:00:00.000Z';
const at = (h: number, m = 0) => new Date(Date.parse(NOW) + h * 3_600_000 + m * 60_000).toISOString();

describe('duration', () => {
  it.each([
    ['Emergency', 4],
    ['Standard', 12],
    ['Normal', 12],
    [undefined, 12],
    ['Unheard of', 12],
  ])('%s -> %d h', (v, h) => {
    expect(policyDurationHours(DEFAULT_POLICY, v as string | undefined)).toBe(h);
  });

  it.each([
    [
      'policy duration wins when shortest',
      { changeType: 'Emergency' },
      makeGroupPolicy({ maxDurationHours: 12 }),
      at(4),
    ],
    ['group max caps the policy', { changeType: 'Standard' }, makeGroupPolicy({ maxDurationHours: 8 }), at(8)],
    ['requested end earlier than both', { changeType: 'Standard', requestedEnd: at(2) }, makeGroupPolicy(), at(2)],
    ['requested end later is clamped', { changeType: 'Standard', requestedEnd: at(48) }, makeGroupPolicy(), at(12)],
    [
      'requested end in the past is ignored',
      { changeType: 'Emergency', requestedEnd: at(-1) },
      makeGroupPolicy(),
      at(4),
    ],
    // An Automation rule's hours (ADR 0026): one more candidate, never past a cap.
    ['requested hours shorter than the caps', { changeType: 'Standard', requestedHours: 2 }, makeGroupPolicy(), at(2)],
    ['requested hours over the group cap', { changeType: 'Standard', requestedHours: 48 }, makeGroupPolicy(), at(12)],
    [
      'requested hours over the emergency cap',
      { changeType: 'Emergency', requestedHours: 8 },
      makeGroupPolicy(),
      at(4),
    ],
    [
      'requested hours and end: the earlier wins',
      { changeType: 'Standard', requestedHours: 3, requestedEnd: at(1) },
      makeGroupPolicy(),
      at(1),
    ],
  ])('computeEndsAt: %s', (_n, args, group, expected) => {
    expect(computeEndsAt({ now: NOW, settings: DEFAULT_POLICY, group, ...args })).toBe(expected);
  });

  it('requestedEndPassed: an end at or before now has passed; none set never has', () => {
    expect(requestedEndPassed(at(-1), NOW)).toBe(true);
    expect(requestedEndPassed(NOW, NOW)).toBe(true);
    expect(requestedEndPassed(at(1), NOW)).toBe(false);
    expect(requestedEndPassed(undefined, NOW)).toBe(false);
  });

  it('applies the emergency cap even if the mapping is longer', () => {
    const settings = { ...DEFAULT_POLICY, durationHoursByValue: { Emergency: 10 }, emergencyMaxHours: 2 };
    expect(computeEndsAt({ now: NOW, settings, group: makeGroupPolicy(), changeType: 'Emergency' })).toBe(at(2));
  });
});

describe('decideExtension', () => {
  const grant = makeGrant({ firstStartedAt: NOW, endsAt: at(4), extensions: 0 });
  it.each([
    ['extends to now + duration', at(3), makeGroupPolicy(), 'Emergency', { ok: true, endsAt: at(7), extensions: 1 }],
    [
      'clamped by lifetime',
      at(3),
      makeGroupPolicy({ maxLifetimeHours: 5 }),
      'Emergency',
      { ok: true, endsAt: at(5), extensions: 1 },
    ],
    [
      'no gain when now + duration equals the end',
      NOW,
      makeGroupPolicy(),
      'Emergency',
      { ok: false, code: 'EXTEND.TOO_EARLY' },
    ],
    [
      'lifetime already used up',
      at(3),
      makeGroupPolicy({ maxLifetimeHours: 4 }),
      'Emergency',
      { ok: false, code: 'EXTEND.LIFETIME_REACHED' },
    ],
    [
      'limit reached',
      at(3),
      makeGroupPolicy({ maxExtensions: 0 }),
      'Emergency',
      { ok: false, code: 'EXTEND.LIMIT_REACHED' },
    ],
    [
      'group max caps a long policy',
      at(3),
      makeGroupPolicy({ maxDurationHours: 2 }),
      'Standard',
      { ok: true, endsAt: at(5), extensions: 1 },
    ],
  ])('%s', (_n, now, group, changeType, expected) => {
    expect(decideExtension({ grant, now, settings: DEFAULT_POLICY, group, changeType })).toMatchObject(expected);
  });

  it('never shortens a grant whose end is further out than a new period', () => {
    const long = makeGrant({ firstStartedAt: NOW, endsAt: at(10) });
    expect(
      decideExtension({
        grant: long,
        now: at(1),
        settings: DEFAULT_POLICY,
        group: makeGroupPolicy(),
        changeType: 'Emergency',
      }),
    ).toMatchObject({ ok: false, code: 'EXTEND.TOO_EARLY' });
  });

  it('refuses a grant already past its end (being removed)', () => {
    expect(
      decideExtension({
        grant,
        now: at(4),
        settings: DEFAULT_POLICY,
        group: makeGroupPolicy(),
        changeType: 'Emergency',
      }),
    ).toMatchObject({ ok: false, code: 'EXTEND.NOT_ACTIVE' });
  });

  it('refuses grants that are not active', () => {
    expect(
      decideExtension({
        grant: makeGrant({ status: 'EXPIRED' }),
        now: NOW,
        settings: DEFAULT_POLICY,
        group: makeGroupPolicy(),
      }),
    ).toMatchObject({ ok: false, code: 'EXTEND.NOT_ACTIVE' });
  });
});

describe('decideApproval', () => {
  const base = { settings: DEFAULT_POLICY };
  it.each([
    ['none grants now', makeGroupPolicy({ approvalMode: 'none' }), 'Standard', { kind: 'grant-now', emergency: false }],
    [
      'none flags emergency',
      makeGroupPolicy({ approvalMode: 'none' }),
      'Emergency',
      { kind: 'grant-now', emergency: true },
    ],
    [
      'status waits',
      makeGroupPolicy({ approvalMode: 'status' }),
      'Standard',
      { kind: 'await-approval', statusName: 'Approved' },
    ],
    [
      'emergency skips approval',
      makeGroupPolicy({ approvalMode: 'status' }),
      'Emergency',
      { kind: 'grant-now', emergency: true },
    ],
  ] as const)('%s', (_n, group, changeType, expected) => {
    // Who approved, and whether they may, is counted later by approval-policy.ts (tallyApprovals).
    expect(decideApproval({ ...base, group, changeType })).toMatchObject(expected);
  });

  it('has no emergency path when the admin unset it', () => {
    expect(
      decideApproval({
        ...base,
        settings: { ...DEFAULT_POLICY, emergencyValue: undefined },
        group: makeGroupPolicy({ approvalMode: 'status' }),
        changeType: 'Emergency',
      }),
    ).toMatchObject({ kind: 'await-approval' });
  });
});

describe('reminders and expiry selection', () => {
  const group = makeGroupPolicy({ reminderLeadMinutes: 60 });
  it.each([
    ['outside the lead', makeGrant({ endsAt: at(2) }), NOW, false],
    ['inside the lead', makeGrant({ endsAt: at(0, 59) }), NOW, true],
    ['exactly at the lead', makeGrant({ endsAt: at(1) }), NOW, true],
    ['already reminded', makeGrant({ endsAt: at(0, 30), reminderSentAt: NOW }), NOW, false],
    ['already past the end', makeGrant({ endsAt: at(-1) }), NOW, false],
    ['not active', makeGrant({ endsAt: at(0, 30), status: 'REVOKING' }), NOW, false],
  ])('isReminderDue: %s', (_n, g, now, expected) => {
    expect(isReminderDue(g, group, now)).toBe(expected);
  });

  it.each([
    [at(-1), true],
    [NOW, true],
    [at(0, 1), false],
  ])('isExpiryDue endsAt=%s', (endsAt, expected) => {
    expect(isExpiryDue(makeGrant({ endsAt }), NOW)).toBe(expected);
  });
});

describe('membership ownership', () => {
  it.each([
    ['sole grant', makeGrant(), [], { remove: true }],
    ['pre-existing', makeGrant({ preexistingMembership: true }), [], { remove: false, why: 'PREEXISTING' }],
    [
      'another active grant',
      makeGrant(),
      [makeGrant({ id: 'other', endsAt: at(5) })],
      { remove: false, why: 'OTHER_GRANT_ACTIVE' },
    ],
    ['another grant already past its end', makeGrant(), [makeGrant({ id: 'other', endsAt: at(-1) })], { remove: true }],
    [
      'another grant already ended',
      makeGrant(),
      [makeGrant({ id: 'other', status: 'EXPIRED', endsAt: at(5) })],
      { remove: true },
    ],
    [
      'another grant still being granted',
      makeGrant(),
      [makeGrant({ id: 'other', status: 'GRANTING', endsAt: at(5) })],
      { remove: false, why: 'OTHER_GRANT_ACTIVE' },
    ],
  ])('decideRemoval: %s', (_n, g, others, expected) => {
    expect(decideRemoval(g, others, NOW)).toEqual(expected);
  });

  it.each([
    ['not a member', false, [], false],
    ['member with no grants: by other means', true, [], true],
    ['member through our own active grant', true, [makeGrant({ id: 'a' })], false],
    [
      'member through a grant that was itself pre-existing',
      true,
      [makeGrant({ id: 'a', preexistingMembership: true })],
      true,
    ],
    ['member, our grant is ending', true, [makeGrant({ id: 'a', status: 'REVOKING' })], false],
    [
      'member, our grant is being granted (its add may have landed)',
      true,
      [makeGrant({ id: 'a', status: 'GRANTING' })],
      false,
    ],
    ['member, our old grant ended long ago', true, [makeGrant({ id: 'a', status: 'EXPIRED' })], true],
  ])('isPreexistingMembership: %s', (_n, isMember, others, expected) => {
    expect(isPreexistingMembership(isMember, others)).toBe(expected);
  });

  it('limits projects only when the allowlist entry names some', () => {
    expect(projectAllowed(makeGroupPolicy(), 'ANY')).toBe(true);
    expect(projectAllowed(makeGroupPolicy({ allowedProjectKeys: ['OPS'] }), 'ACC')).toBe(false);
    expect(projectAllowed(makeGroupPolicy({ allowedProjectKeys: ['OPS'] }), 'OPS')).toBe(true);
  });
});

describe('change window (ADR 0025)', () => {
  const group = makeGroupPolicy({ maxDurationHours: 8 });
  it('the cap is the smallest of the duration driver, the group max and the emergency cap', () => {
    expect(capHours(DEFAULT_POLICY, group, 'Standard')).toBe(8);
    expect(capHours(DEFAULT_POLICY, makeGroupPolicy({ maxDurationHours: 24 }), 'Standard')).toBe(12);
    expect(capHours(DEFAULT_POLICY, group, 'Emergency')).toBe(4);
  });

  it.each([
    ['no window', undefined, undefined, undefined],
    ['a start ahead, no end', at(2), undefined, undefined],
    ['an end only, after now', undefined, at(3), undefined],
    ['a start now', NOW, at(2), 'WINDOW.START_PASSED'],
    ['a start in the past', at(-1), at(2), 'WINDOW.START_PASSED'],
    ['an end equal to the start', at(2), at(2), 'WINDOW.END_BEFORE_START'],
    ['an end before the start', at(3), at(2), 'WINDOW.END_BEFORE_START'],
    ['an end only, already past', undefined, at(-1), 'WINDOW.END_BEFORE_START'],
    ['a window of exactly the cap', at(1), at(9), undefined],
    ['a window a minute longer than the cap', at(1), at(9, 1), 'WINDOW.LONGER_THAN_CAP'],
  ])('%s', (_name, plannedStart, plannedEnd, code) => {
    expect(checkWindow({ plannedStart, plannedEnd, now: NOW, capHours: 8 })?.code).toBe(code);
  });

  it('the start is ahead only strictly before it; the earliest end wins; ending statuses match in any case', () => {
    expect(startIsAhead(at(0, 1), NOW)).toBe(true);
    expect(startIsAhead(NOW, NOW)).toBe(false);
    expect(startIsAhead(undefined, NOW)).toBe(false);
    expect(earliestEnd(at(3), undefined, at(2))).toBe(at(2));
    expect(earliestEnd(undefined, undefined)).toBeUndefined();
    expect(endsAccess({ accessEndingStatuses: ['Done', 'Cancelled'] }, 'done')).toBe(true);
    expect(endsAccess({ accessEndingStatuses: ['Done'] }, 'In Progress')).toBe(false);
    expect(endsAccess({}, 'Done')).toBe(false);
  });
});
