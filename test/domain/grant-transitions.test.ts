import { GRANT_STATUSES, IllegalTransitionError, type Grant, type GrantStatus } from '../../src/domain/grant';
import {
  activate,
  beginRevocation,
  deny,
  extend,
  fail,
  finishRevocation,
  markReminded,
  membershipRecord,
  openRequest,
  retryLater,
  retryRecord,
  retryRemoval,
  startGranting,
  withdraw,
  awaitConnection,
  resumeAfterConnection,
  isRetryChainDead,
  isAheadOfItsChain,
  cancelByAdmin,
  withdrawByRequester,
  recordApproval,
  denyByApprover,
  scheduleStart,
  unscheduleStart,
  MAX_CANCEL_REASON,
  type GrantStep,
  type RemovalOutcome,
} from '../../src/domain/grant-transitions';
import { LINUX, makeGrant } from '../factories/grant';

const NOW = '2026-11-22T10:00:00.000Z';
const LATER = '2026-11-22T10:05:00.000Z';
const in_ = (status: GrantStatus, over: Partial<Grant> = {}) =>
  makeGrant({ status, version: 7, attempts: 3, lastError: 'Okta said no', ...over });

/** Every step, with the statuses it may start from; each is tried from every status. */
const STEPS: Array<[string, (g: Grant) => GrantStep, GrantStatus[]]> = [
  ['withdraw', (g) => withdraw(g, { by: 'acc-n', fields: ['Admin group'] }, NOW), ['REQUESTED']],
  ['deny', (g) => deny(g, { code: 'GRANT.X', message: 'No.' }, NOW), ['REQUESTED', 'GRANTING']],
  [
    'startGranting',
    (g) => startGranting(g, { user: { id: '00u1', login: 'n@x' }, endsAt: NOW, preexistingMembership: false }, NOW),
    ['REQUESTED'],
  ],
  ['activate', (g) => activate(g, NOW, 'req-1'), ['GRANTING']],
  [
    'extend',
    (g) => extend(g, { endsAt: NOW, extensions: 1, maxExtensions: 2, actor: 'acc-n', viaIssueKey: 'ACC-1' }, NOW),
    ['ACTIVE'],
  ],
  ['markReminded', (g) => markReminded(g, NOW), ['ACTIVE']],
  ['beginRevocation', (g) => beginRevocation(g, 'RELINQUISHED', 'acc-n', NOW), ['ACTIVE']],
  ['retryRemoval', (g) => retryRemoval(g, 'acc-admin', NOW), ['FAILED']],
  ['finishRevocation', (g) => finishRevocation(g, { kind: 'removed' }, NOW), ['REVOKING']],
  [
    'retryLater',
    (g) => retryLater(g, { kind: 'transient', step: 'grant', message: 'busy' }, LATER, NOW),
    ['REQUESTED', 'GRANTING', 'REVOKING'],
  ],
  ['fail', (g) => fail(g, 'Broken.', NOW), ['REQUESTED', 'GRANTING', 'REVOKING']],
  ['cancelByAdmin', (g) => cancelByAdmin(g, { actor: 'acc-admin', reason: 'Not needed.' }, NOW), ['REQUESTED']],
  ['withdrawByRequester', (g) => withdrawByRequester(g, { actor: 'acc-n' }, NOW), ['REQUESTED']],
  [
    'recordApproval',
    (g) =>
      recordApproval(
        g,
        { by: 'acc-sam', at: NOW, via: 'panel', historyAt: 2 },
        { given: 1, needed: 2, statusName: 'Approved' },
        NOW,
      ),
    ['REQUESTED'],
  ],
  ['denyByApprover', (g) => denyByApprover(g, { by: 'acc-sam', reason: 'No ticket.' }, NOW), ['REQUESTED']],
];

describe('each step is legal only from its statuses', () => {
  const cases = STEPS.flatMap(([name, step, from]) =>
    GRANT_STATUSES.map((s) => [name, s, from.includes(s), step] as const),
  );
  it.each(cases)('%s from %s: legal=%s', (_name, status, legal, step) => {
    const g = in_(status);
    if (!legal) {
      expect(() => step(g)).toThrow(IllegalTransitionError);
      return;
    }
    const next = step(g).grant;
    // The store's counter is the writer's business; the time of change is the step's.
    expect(next.version).toBe(g.version);
    expect(next.updatedAt).toBe(NOW);
    expect(next.id).toBe(g.id);
  });
});

describe('openRequest and deny', () => {
  const req = {
    issueId: '10001',
    issueKey: 'ACC-1',
    projectKey: 'ACC',
    requesterAccountId: 'acc-n',
    groupId: LINUX,
    changeType: 'Emergency',
    requestedEnd: '2026-11-22T12:00:00.000Z',
    emergency: true,
  };

  it('records a request with nothing granted, at version 1', () => {
    expect(openRequest({ ...req, requestNumber: 1 }, NOW)).toEqual({
      id: 'grant-10001',
      ...req,
      status: 'REQUESTED',
      requestedAt: NOW,
      extensions: 0,
      preexistingMembership: false,
      attempts: 0,
      version: 1,
      updatedAt: NOW,
    });
    expect(openRequest({ ...req, requestNumber: 3 }, NOW)).toMatchObject({ id: 'grant-10001-r3', requestNumber: 3 });
  });

  it('deny ends it with the reason and its code in the record', () => {
    const step = deny(
      openRequest({ ...req, requestNumber: 1 }, NOW),
      { code: 'GRANT.NOT_ALLOWLISTED', message: 'Not on the list.' },
      NOW,
    );
    expect(step.grant).toMatchObject({
      status: 'DENIED',
      reason: 'Not on the list.',
      reasonCode: 'GRANT.NOT_ALLOWLISTED',
      endedAt: NOW,
    });
    expect(step.records).toEqual([
      { action: 'DENIED', actor: 'app', detail: 'GRANT.NOT_ALLOWLISTED: Not on the list.' },
    ]);
  });
});

describe('withdraw', () => {
  it('ends a waiting request, names who changed what, and points to the request that replaces it', () => {
    const step = withdraw(
      in_('REQUESTED', { id: 'grant-10001-r2', requestNumber: 2 }),
      { by: 'acc-n', fields: ['Admin group', 'Reporter'] },
      NOW,
    );
    expect(step.grant).toMatchObject({
      status: 'WITHDRAWN',
      endedAt: NOW,
      endedBy: 'acc-n',
      supersededBy: 'grant-10001-r3',
    });
    expect(step.records).toEqual([
      {
        action: 'WITHDRAWN',
        actor: 'acc-n',
        detail: expect.stringContaining('changed Admin group, Reporter while the request waited for approval'),
      },
    ]);
    expect(withdraw(in_('REQUESTED'), { by: 'acc-n', fields: ['Access type'] }, NOW).grant.supersededBy).toBe(
      'grant-10001-r2',
    );
  });
});

describe('a pending request ended by a person', () => {
  it('cancelByAdmin ends it WITHDRAWN with the admin, the reason and nothing replacing it', () => {
    const step = cancelByAdmin(in_('REQUESTED'), { actor: 'acc-admin', reason: '  Raised by mistake.  ' }, NOW);
    expect(step.grant).toMatchObject({
      status: 'WITHDRAWN',
      endedAt: NOW,
      endedBy: 'acc-admin',
      reason: 'Raised by mistake.',
      reasonCode: 'REQUEST.CANCELLED',
    });
    expect(step.grant.supersededBy).toBeUndefined();
    expect(step.records).toEqual([
      {
        action: 'CANCELLED',
        actor: 'acc-admin',
        detail: 'Cancelled by an administrator while it waited for approval: Raised by mistake.',
      },
    ]);
  });

  it('cancelByAdmin keeps at most the allowed length of reason', () => {
    const step = cancelByAdmin(
      in_('REQUESTED'),
      { actor: 'acc-admin', reason: 'x'.repeat(MAX_CANCEL_REASON + 50) },
      NOW,
    );
    expect(step.grant.reason).toHaveLength(MAX_CANCEL_REASON);
  });

  it('withdrawByRequester ends it WITHDRAWN by the requester, with no replacement (unlike an edit)', () => {
    const step = withdrawByRequester(in_('REQUESTED'), { actor: 'acc-n' }, NOW);
    expect(step.grant).toMatchObject({
      status: 'WITHDRAWN',
      endedAt: NOW,
      endedBy: 'acc-n',
      reasonCode: 'REQUEST.WITHDRAWN',
    });
    expect(step.grant.supersededBy).toBeUndefined();
    expect(step.records).toEqual([
      { action: 'WITHDRAWN', actor: 'acc-n', detail: expect.stringContaining('Withdrawn by the requester') },
    ]);
  });
});

describe('approvals', () => {
  const requested = in_('REQUESTED', { approvals: undefined });

  it('recordApproval keeps the approval on the request and records it with its place in the count', () => {
    const a = { by: 'acc-sam', at: NOW, via: 'panel' as const, historyAt: 4 };
    const step = recordApproval(requested, a, { given: 1, needed: 2, statusName: 'Approved' }, NOW);
    expect(step.grant).toMatchObject({ status: 'REQUESTED', approvals: [a] });
    expect(step.records).toEqual([
      { action: 'APPROVED', actor: 'acc-sam', detail: 'Approved in the Okta access panel (approval 1 of 2).' },
    ]);
  });

  it('startGranting records only the approvals not recorded before, and names the last approver', () => {
    const first = { by: 'acc-sam', at: NOW, via: 'panel' as const, historyAt: 4 };
    const last = { by: 'acc-kim', at: LATER, via: 'status' as const, historyAt: 5 };
    const g = { ...requested, approvals: [first] };
    const step = startGranting(
      g,
      {
        user: { id: '00u1', login: 'n@x' },
        endsAt: LATER,
        approval: { approvals: [first, last], statusName: 'Approved', needed: 2 },
        preexistingMembership: false,
      },
      NOW,
    );
    expect(step.grant).toMatchObject({ approvedBy: 'acc-kim', approvals: [first, last] });
    expect(step.records.filter((r) => r.action === 'APPROVED')).toEqual([
      { action: 'APPROVED', actor: 'acc-kim', detail: 'Approved by moving the issue to "Approved" (approval 2 of 2).' },
    ]);
  });

  it('denyByApprover ends the request DENIED with the approver and their reason', () => {
    const step = denyByApprover(requested, { by: 'acc-sam', reason: '  No change ticket.  ' }, NOW);
    expect(step.grant).toMatchObject({
      status: 'DENIED',
      reason: 'Denied by an approver: No change ticket.',
      reasonCode: 'APPROVAL.DENIED',
      endedBy: 'acc-sam',
      endedAt: NOW,
    });
    expect(step.records).toEqual([
      { action: 'DENIED', actor: 'acc-sam', detail: 'Denied by an approver: No change ticket.' },
    ]);
  });
});

describe('starting and activating', () => {
  const requested = in_('REQUESTED', {
    oktaUserId: undefined,
    endsAt: undefined,
    startedAt: undefined,
    firstStartedAt: undefined,
    attempts: 0,
  });

  it.each([
    [
      'approved, not a member',
      {
        approvals: [{ by: 'acc-sam', at: NOW, via: 'status' as const, historyAt: 3 }],
        statusName: 'Approved',
        needed: 1,
      },
      false,
      [
        { action: 'APPROVED', actor: 'acc-sam', detail: 'Approved by moving the issue to "Approved".' },
        { action: 'GRANT_STARTED', actor: 'app', detail: 'Okta user 00u1 (n@x); ends 2026-11-22T14:00:00.000Z.' },
      ],
    ],
    [
      'no approval needed, already a member',
      undefined,
      true,
      [
        {
          action: 'GRANT_STARTED',
          actor: 'app',
          detail: 'Okta user 00u1 (n@x); ends 2026-11-22T14:00:00.000Z; already a member by other means.',
        },
      ],
    ],
  ])('startGranting: %s', (_n, approval, preexistingMembership, records) => {
    const step = startGranting(
      requested,
      { user: { id: '00u1', login: 'n@x' }, endsAt: '2026-11-22T14:00:00.000Z', approval, preexistingMembership },
      NOW,
    );
    expect(step.grant.approvedBy).toBe(approval?.approvals.at(-1)?.by);
    expect(step.grant).toMatchObject({
      status: 'GRANTING',
      oktaUserId: '00u1',
      endsAt: '2026-11-22T14:00:00.000Z',
      preexistingMembership,
      attempts: 0,
    });
    expect(step.grant.lastError).toBeUndefined();
    expect(step.records).toEqual(records);
  });

  it.each([
    [
      'adds the membership',
      false,
      'req-1',
      { action: 'MEMBERSHIP_ADDED', actor: 'app', detail: `Added to Okta group ${LINUX}.`, oktaRequestId: 'req-1' },
    ],
    [
      'leaves a pre-existing one alone',
      true,
      undefined,
      {
        action: 'MEMBERSHIP_ALREADY_PRESENT',
        actor: 'app',
        detail: 'Already a member by other means; membership left as it was and will not be removed by the app.',
      },
    ],
  ])('activate %s', (_n, preexistingMembership, requestId, membership) => {
    const step = activate(
      in_('GRANTING', {
        preexistingMembership,
        firstStartedAt: undefined,
        endsAt: '2026-11-22T14:00:00.000Z',
        attempts: 0,
      }),
      NOW,
      requestId,
    );
    expect(step.grant).toMatchObject({ status: 'ACTIVE', startedAt: NOW, firstStartedAt: NOW, attempts: 0 });
    expect(step.grant.lastError).toBeUndefined();
    expect(step.records).toEqual([
      membership,
      { action: 'ACTIVE', actor: 'app', detail: 'Active until 2026-11-22T14:00:00.000Z.' },
    ]);
  });

  it('activate keeps the first start (the lifetime cap counts from it)', () => {
    expect(activate(in_('GRANTING', { firstStartedAt: '2026-11-21T00:00:00.000Z' }), NOW).grant.firstStartedAt).toBe(
      '2026-11-21T00:00:00.000Z',
    );
  });
});

describe('while active', () => {
  it('extend moves the end, clears the reminder mark and remembers the Extend access issue once', () => {
    const g = in_('ACTIVE', {
      endsAt: '2026-11-22T13:00:00.000Z',
      reminderSentAt: '2026-11-22T12:00:00.000Z',
      extendedVia: ['ACC-5'],
    });
    const step = extend(
      g,
      {
        endsAt: '2026-11-22T17:00:00.000Z',
        extensions: 1,
        maxExtensions: 2,
        actor: 'acc-n',
        viaIssueKey: 'ACC-9',
        requestIssueKey: 'ACC-9',
      },
      NOW,
    );
    expect(step.grant).toMatchObject({
      endsAt: '2026-11-22T17:00:00.000Z',
      extensions: 1,
      extendedVia: ['ACC-5', 'ACC-9'],
    });
    expect(step.grant.reminderSentAt).toBeUndefined();
    expect(step.records).toEqual([
      {
        action: 'EXTENDED',
        actor: 'acc-n',
        detail: 'Extended from 2026-11-22T13:00:00.000Z to 2026-11-22T17:00:00.000Z (extension 1 of 2) via ACC-9.',
      },
    ]);
    expect(
      extend(g, { endsAt: NOW, extensions: 1, maxExtensions: 2, actor: 'acc-n', viaIssueKey: 'ACC-1' }, NOW).grant
        .extendedVia,
    ).toEqual(['ACC-5']);
  });

  it('markReminded records nothing in the trail (the notice writes its own entry once)', () => {
    expect(markReminded(in_('ACTIVE'), NOW)).toEqual({
      grant: expect.objectContaining({ reminderSentAt: NOW }),
      records: [],
    });
  });
});

describe('ending: one path for every reason', () => {
  it.each([
    [
      'EXPIRED',
      'app',
      { action: 'REVOKE_STARTED', actor: 'app', detail: 'End time 2026-11-22T13:00:00.000Z reached.' },
      'EXPIRED',
    ],
    [
      'RELINQUISHED',
      'acc-n',
      { action: 'REVOKE_STARTED', actor: 'acc-n', detail: 'Relinquished by the requester.' },
      'REVOKED',
    ],
    [
      'REVOKED_BY_ADMIN',
      'acc-admin',
      { action: 'REVOKE_STARTED', actor: 'acc-admin', detail: 'Revoked by an administrator.' },
      'REVOKED',
    ],
    [
      'REMOVED_EXTERNALLY',
      'app',
      {
        action: 'REMOVED_EXTERNALLY',
        actor: 'app',
        detail: `Okta group ${LINUX} no longer has this member; someone removed it outside the app.`,
      },
      'REMOVED_EXTERNALLY',
    ],
  ] as const)('%s: begins as REVOKING, ends as %s', (reason, actor, started, endStatus) => {
    const begun = beginRevocation(in_('ACTIVE', { endsAt: '2026-11-22T13:00:00.000Z' }), reason, actor, NOW);
    expect(begun.grant).toMatchObject({ status: 'REVOKING', endReason: reason, endedBy: actor, attempts: 0 });
    expect(begun.grant.lastError).toBeUndefined();
    expect(begun.records).toEqual([started]);
    const outcome: RemovalOutcome =
      reason === 'REMOVED_EXTERNALLY' ? { kind: 'removed-externally' } : { kind: 'removed', oktaRequestId: 'req-9' };
    const ended = finishRevocation(
      { ...begun.grant, attempts: 2, lastError: 'was busy' },
      outcome,
      '2026-11-22T10:05:00.000Z',
    );
    expect(ended.grant).toMatchObject({
      status: endStatus,
      endReason: reason,
      endedAt: '2026-11-22T10:05:00.000Z',
      endedBy: actor,
      attempts: 0,
    });
    expect(ended.grant.lastError).toBeUndefined();
    expect(ended.records.at(-1)).toEqual({ action: 'ENDED', actor, detail: `Grant ended (${reason}).` });
  });

  it.each([
    [
      { kind: 'removed', oktaRequestId: 'r1' },
      { action: 'MEMBERSHIP_REMOVED', actor: 'app', detail: `Removed from Okta group ${LINUX}.`, oktaRequestId: 'r1' },
    ],
    [
      { kind: 'already-gone', oktaRequestId: 'r2' },
      {
        action: 'MEMBERSHIP_REMOVED',
        actor: 'app',
        detail: `Okta group ${LINUX} no longer had this member (confirmed by a read).`,
        oktaRequestId: 'r2',
      },
    ],
    [
      { kind: 'kept', why: 'PREEXISTING' },
      { action: 'MEMBERSHIP_KEPT', actor: 'app', detail: 'Membership pre-existed this grant: left in place.' },
    ],
    [
      { kind: 'kept', why: 'OTHER_GRANT_ACTIVE' },
      {
        action: 'MEMBERSHIP_KEPT',
        actor: 'app',
        detail: 'Another active grant for this group still needs the membership: left in place.',
      },
    ],
    [{ kind: 'removed-externally' }, undefined],
    [{ kind: 'no-okta-user' }, undefined],
  ] as Array<[RemovalOutcome, unknown]>)('the membership outcome %j is recorded as %j', (outcome, record) => {
    expect(membershipRecord(in_('REVOKING'), outcome)).toEqual(record);
  });

  it.each([
    ['REVOKED_BY_ADMIN', undefined, 'Revoked by an administrator.'],
    ['REVOKED_BY_ADMIN', '  Incident closed.  ', 'Revoked by an administrator: Incident closed.'],
    ['REVOKED_BY_ADMIN', '   ', 'Revoked by an administrator.'],
    [
      'REVOKED_BY_ADMIN',
      'x'.repeat(MAX_CANCEL_REASON + 9),
      `Revoked by an administrator: ${'x'.repeat(MAX_CANCEL_REASON)}`,
    ],
  ] as const)('an admin revoke (%s) with note %j records %j', (reason, note, detail) => {
    expect(beginRevocation(in_('ACTIVE'), reason, 'acc-admin', NOW, note).records).toEqual([
      { action: 'REVOKE_STARTED', actor: 'acc-admin', detail },
    ]);
  });

  it("retryRemoval keeps the admin's reason after what happened", () => {
    expect(retryRemoval(in_('FAILED'), 'acc-admin', NOW, 'Okta fixed.').records[0]?.detail).toBe(
      'Removal retried by an administrator after a failure: Okta fixed.',
    );
  });

  it('retryRemoval keeps the original end reason and who ended it', () => {
    const failed = in_('FAILED', { endReason: 'EXPIRED', endedBy: 'app' });
    expect(retryRemoval(failed, 'acc-admin', NOW)).toEqual({
      grant: expect.objectContaining({
        status: 'REVOKING',
        endReason: 'EXPIRED',
        endedBy: 'app',
        attempts: 0,
        lastError: undefined,
      }),
      records: [
        {
          action: 'REVOKE_STARTED',
          actor: 'acc-admin',
          detail: 'Removal retried by an administrator after a failure.',
        },
      ],
    });
    // A failed start has no end yet: the admin's retry is an admin revocation.
    expect(retryRemoval(in_('FAILED'), 'acc-admin', NOW).grant).toMatchObject({
      endReason: 'REVOKED_BY_ADMIN',
      endedBy: 'acc-admin',
    });
  });
});

describe('Okta trouble', () => {
  it('retryLater counts the attempt on the grant, holds the next attempt, and records only the first', () => {
    const first = retryLater(
      in_('REVOKING', { attempts: 0, lastError: undefined }),
      { kind: 'transient', step: 'revoke', message: 'HTTP 503.', oktaRequestId: 'r' },
      LATER,
      NOW,
    );
    expect(first.grant).toMatchObject({
      status: 'REVOKING',
      attempts: 1,
      lastError: 'HTTP 503.',
      nextAttemptAt: LATER,
    });
    expect(first.records).toEqual([
      {
        action: 'OKTA_RETRY',
        actor: 'app',
        detail: 'Okta revoke attempt 1 failed: HTTP 503. Retrying.',
        oktaRequestId: 'r',
      },
    ]);
    const second = retryLater(first.grant, { kind: 'transient', step: 'revoke', message: 'HTTP 502.' }, LATER, NOW);
    expect(second.grant).toMatchObject({ attempts: 2, lastError: 'HTTP 502.' });
    expect(second.records).toEqual([]);
  });

  it.each([
    [1, true],
    [2, false],
    [4, false],
    [96, false],
  ])('a removal blocked by the connection, attempt %d, is recorded: %s', (attempts, recorded) => {
    const step = retryLater(
      in_('REVOKING', { attempts: attempts - 1 }),
      { kind: 'connection', message: 'Bad token.' },
      LATER,
      NOW,
    );
    expect(step.grant.attempts).toBe(attempts);
    expect(step.records).toEqual(
      recorded ? [retryRecord({ kind: 'connection', message: 'Bad token.' }, attempts)] : [],
    );
    if (recorded)
      expect(step.records[0].detail).toBe(
        'Removal blocked by the Okta connection: Bad token. Retrying until it is fixed.',
      );
  });

  it('a removal that recorded its wait for the credentials and then probes into the same rejection records nothing more', () => {
    const waited = awaitConnection(in_('REVOKING', { attempts: 0, lastError: undefined }), 'Bad token.', LATER, NOW);
    expect(waited.records).toHaveLength(1);
    const probed = retryLater(waited.grant, { kind: 'connection', message: 'Bad token.' }, LATER, NOW);
    expect(probed.grant.attempts).toBe(1);
    expect(probed.records).toEqual([]);
    // Another rejection than the one waited for is new, and recorded.
    const other = retryLater(waited.grant, { kind: 'connection', message: 'Key revoked.' }, LATER, NOW);
    expect(other.records).toHaveLength(1);
  });

  it('a step that had been retrying records that Okta answered again, and forgets its retry state', () => {
    const retrying = { attempts: 3, lastError: 'HTTP 503.', nextAttemptAt: NOW };
    const active = activate(in_('GRANTING', retrying), NOW, 'req');
    expect(active.records[0]).toEqual({
      action: 'OKTA_RECOVERED',
      actor: 'app',
      detail: 'Okta answered after 3 failed attempt(s).',
    });
    expect(active.grant).toMatchObject({ attempts: 0 });
    expect(active.grant.nextAttemptAt).toBeUndefined();
    expect(finishRevocation(in_('REVOKING', retrying), { kind: 'removed' }, NOW).records[0].action).toBe(
      'OKTA_RECOVERED',
    );
    expect(activate(in_('GRANTING', { attempts: 0 }), NOW).records.map((r) => r.action)).toEqual([
      'MEMBERSHIP_ADDED',
      'ACTIVE',
    ]);
  });

  it('awaitConnection waits without counting an attempt; resumeAfterConnection lets the step run now', () => {
    const waiting = awaitConnection(in_('REVOKING', { attempts: 2 }), 'Rejected.', LATER, NOW);
    expect(waiting).toEqual({
      grant: expect.objectContaining({ attempts: 2, lastError: 'Rejected.', nextAttemptAt: LATER }),
      records: [],
    });
    const firstWait = awaitConnection(in_('REVOKING', { attempts: 0, lastError: undefined }), 'Rejected.', LATER, NOW);
    expect(firstWait.records).toEqual([
      expect.objectContaining({
        action: 'OKTA_RETRY',
        detail: expect.stringContaining('Waiting without calling Okta'),
      }),
    ]);
    expect(awaitConnection(firstWait.grant, 'Rejected.', LATER, NOW).records).toEqual([]);
    expect(resumeAfterConnection(waiting.grant, NOW).grant.nextAttemptAt).toBeUndefined();
  });

  it.each([
    ['no next attempt, changed 5 min ago', { updatedAt: '2026-11-22T09:55:00.000Z' }, false],
    ['no next attempt, changed 15 min ago', { updatedAt: '2026-11-22T09:45:00.000Z' }, true],
    [
      'next attempt due in 14 min, changed long ago',
      { updatedAt: '2026-11-22T08:00:00.000Z', nextAttemptAt: '2026-11-22T10:14:00.000Z' },
      false,
    ],
    [
      'next attempt 5 min overdue',
      { updatedAt: '2026-11-22T08:00:00.000Z', nextAttemptAt: '2026-11-22T09:55:00.000Z' },
      false,
    ],
    [
      'next attempt 15 min overdue',
      { updatedAt: '2026-11-22T08:00:00.000Z', nextAttemptAt: '2026-11-22T09:45:00.000Z' },
      true,
    ],
  ])('the sweep takes a retry chain for dead when: %s -> %s', (_n, g, dead) => {
    expect(isRetryChainDead(g, NOW, 15 * 60_000)).toBe(dead);
  });

  it.each([
    [undefined, false],
    ['2026-11-22T10:00:00.500Z', false],
    ['2026-11-22T10:00:05.000Z', true],
  ])('work at 10:00 for a chain due at %s is a duplicate: %s', (next, ahead) => {
    expect(isAheadOfItsChain({ nextAttemptAt: next }, NOW)).toBe(ahead);
  });

  it('fail keeps the reason for people and what the step did first', () => {
    const before = [{ action: 'MEMBERSHIP_REMOVED' as const, actor: 'app', detail: 'Removed.' }];
    const step = fail(in_('GRANTING', { nextAttemptAt: NOW }), 'Okta refused.', NOW, before);
    expect(step.grant).toMatchObject({ status: 'FAILED', reason: 'Okta refused.', lastError: 'Okta refused.' });
    expect(step.grant.nextAttemptAt).toBeUndefined();
    expect(step.records).toEqual([...before, { action: 'FAILED', actor: 'app', detail: 'Okta refused.' }]);
  });
});

describe('a change window start (ADR 0025)', () => {
  const START = '2026-11-22T14:00:00.000Z';
  const approval = { by: 'ada', at: NOW, via: 'status' as const, historyAt: 1 };

  it('schedules a waiting request at its start, records the approval once, and the start clears it', () => {
    const step = scheduleStart(
      in_('REQUESTED', { attempts: 0, lastError: undefined }),
      { at: START, approval: { approvals: [approval], statusName: 'Approved', needed: 1 } },
      NOW,
    );
    expect(step.grant).toMatchObject({ status: 'REQUESTED', scheduledStartAt: START, nextAttemptAt: START });
    expect(step.records.map((r) => r.action)).toEqual(['APPROVED', 'START_SCHEDULED']);
    const started = startGranting(
      step.grant,
      {
        user: { id: 'u1', login: 'n@x' },
        endsAt: '2026-11-22T15:00:00.000Z',
        approval: { approvals: [approval], statusName: 'Approved', needed: 1 },
        preexistingMembership: false,
      },
      START,
    );
    expect(started.grant.scheduledStartAt).toBeUndefined();
    // The approval recorded when the start was scheduled is not recorded again.
    expect(started.records.map((r) => r.action)).toEqual(['GRANT_STARTED']);
    expect(unscheduleStart(step.grant, LATER).grant).toMatchObject({ status: 'REQUESTED' });
    expect(unscheduleStart(step.grant, LATER).grant.scheduledStartAt).toBeUndefined();
  });

  it.each(GRANT_STATUSES.filter((s) => s !== 'REQUESTED'))('cannot schedule a %s grant', (status) => {
    expect(() => scheduleStart(in_(status), { at: START }, NOW)).toThrow(IllegalTransitionError);
  });
});
