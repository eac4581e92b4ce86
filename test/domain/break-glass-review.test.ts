/** The break-glass review's pure rules (ADR 0027), table-driven. */
import {
  isReviewChainDead,
  issueCreated,
  judgeReviewChange,
  opened,
  oweReview,
  retryOpeningLater,
  reviewDueDate,
  reviewLabel,
  reviewSummary,
  REVIEW_LEASE_MS,
  startOpening,
  type Review,
} from '../../src/domain/break-glass-review';
import { doneChangeOf, IssueEventSchema } from '../../src/entry/issue-event';

const T = '2026-11-22T09:00:00.000Z';
const plus = (ms: number) => new Date(Date.parse(T) + ms).toISOString();
const owed = (): Review =>
  oweReview(
    {
      grantId: 'grant-10003',
      requestIssueKey: 'ACC-3',
      subjectAccountId: 'neville',
      groupId: '00g1',
      groupName: 'PAM Linux Sysadmins',
      startedAt: T,
      endsAt: '2026-11-22T13:00:00.000Z',
      oktaRequestIds: ['req-1'],
    },
    { projectKey: 'SEC', issueTypeId: '10001', assignee: { kind: 'project-default' } },
    T,
  );

describe('opening a review', () => {
  it('claims it for one attempt at a time; a holder past its lease has crashed, and the next attempt looks before creating', () => {
    const first = startOpening(owed(), T)!;
    expect(first).toMatchObject({
      mayExist: false,
      review: { attempts: 1, inFlightSince: T, dueAt: plus(REVIEW_LEASE_MS) },
    });
    expect(startOpening(first.review, plus(REVIEW_LEASE_MS - 1))).toBeUndefined();
    expect(startOpening(first.review, plus(REVIEW_LEASE_MS))).toMatchObject({
      mayExist: true,
      review: { attempts: 2 },
    });
  });

  it.each([
    ['a create that failed without an answer', (r: Review) => retryOpeningLater(r, plus(60_000), 'HTTP 504'), true],
    [
      'a create recorded before the link failed',
      (r: Review) => retryOpeningLater(issueCreated(r, 'SEC-1'), plus(60_000), 'HTTP 503'),
      false,
    ],
  ])('after %s, the next attempt looks for the issue only when the create is uncertain', (_what, fail, mayExist) => {
    const failed = fail(startOpening(owed(), T)!.review);
    expect(startOpening(failed, plus(59_000))).toBeDefined();
    expect(startOpening(failed, plus(60_000))?.mayExist).toBe(mayExist);
  });

  it('opened: OPEN, due at the grant end, never claimed again; a dead chain is one whose next attempt is 5 minutes late', () => {
    const r = opened(issueCreated(startOpening(owed(), T)!.review, 'SEC-1'), plus(1000));
    expect(r).toMatchObject({ status: 'OPEN', reviewIssueKey: 'SEC-1', dueAt: r.endsAt });
    expect(r.inFlightSince).toBeUndefined();
    expect(startOpening(r, plus(REVIEW_LEASE_MS * 2))).toBeUndefined();
    const waiting = retryOpeningLater(startOpening(owed(), T)!.review, plus(60_000), 'HTTP 503');
    expect(isReviewChainDead(waiting, plus(60_000 + 5 * 60_000 - 1))).toBe(false);
    expect(isReviewChainDead(waiting, plus(60_000 + 5 * 60_000))).toBe(true);
    expect(isReviewChainDead(r, plus(10 * 3_600_000))).toBe(false);
  });

  it('names: label, due day (UTC), summary within 255 characters', () => {
    expect(reviewLabel('grant-10003-r2')).toBe('okta-jit-review-grant-10003-r2');
    expect(reviewDueDate('2026-11-23T01:30:00.000Z')).toBe('2026-11-23');
    expect(reviewSummary(owed(), 'Neville')).toBe('Break-glass review: PAM Linux Sysadmins for Neville (ACC-3)');
    expect(reviewSummary({ ...owed(), groupName: 'G'.repeat(400) }, 'N')).toHaveLength(255);
  });
});

describe('who may resolve it', () => {
  const open = opened(issueCreated(startOpening(owed(), T)!.review, 'SEC-1'), T);
  const done = { enteredDone: true, leftDone: false };
  const back = { enteredDone: false, leftDone: true };
  it.each([
    ['the subject closes it', open, { actor: 'neville', ...done }, 'refuse-self-resolution'],
    ['another person closes it', open, { actor: 'ada', ...done }, 'resolved'],
    [
      'the subject closes a resolved one again',
      { ...open, status: 'RESOLVED' as const },
      { actor: 'neville', ...done },
      'refuse-self-resolution',
    ],
    [
      'someone closes a resolved one again',
      { ...open, status: 'RESOLVED' as const },
      { actor: 'ada', ...done },
      'ignore',
    ],
    [
      'someone re-opens a resolved one',
      { ...open, status: 'RESOLVED' as const },
      { actor: 'ada', ...back },
      'reopened',
    ],
    ['someone moves an open one out of done', open, { actor: 'ada', ...back }, 'ignore'],
    ['a change before the review is open', owed(), { actor: 'ada', ...done }, 'ignore'],
    [
      'the subject closes it while it is being linked',
      issueCreated(owed(), 'SEC-1'),
      { actor: 'neville', ...done },
      'refuse-self-resolution',
    ],
    ['another closes it while it is being linked', issueCreated(owed(), 'SEC-1'), { actor: 'ada', ...done }, 'ignore'],
  ])('%s: %s', (_what, review, change, verdict) => {
    const v = judgeReviewChange(review, change, plus(1000));
    expect(v.kind).toBe(verdict);
    if (v.kind === 'resolved')
      expect(v.review).toMatchObject({ status: 'RESOLVED', resolvedBy: 'ada', resolvedAt: plus(1000) });
  });
});

describe('doneChangeOf (the trigger predicate)', () => {
  const event = (o: { selfGenerated?: boolean; category: string; items: Array<Record<string, unknown>> }) =>
    IssueEventSchema.parse({
      eventType: 'avi:jira:updated:issue',
      selfGenerated: o.selfGenerated ?? false,
      atlassianId: 'neville',
      issue: { id: '1', key: 'SEC-1', fields: { status: { name: 'X', statusCategory: { key: o.category } } } },
      changelog: { id: '7', items: o.items },
    });
  const status = { field: 'status', fieldId: 'status', toString: 'Done' };
  it.each([
    [
      'into a done status',
      event({ category: 'done', items: [status] }),
      { actor: 'neville', enteredDone: true, leftDone: false },
    ],
    [
      'a resolution set',
      event({ category: 'indeterminate', items: [{ field: 'resolution', to: '10000', toString: 'Done' }] }),
      { actor: 'neville', enteredDone: true, leftDone: false },
    ],
    [
      'out of done',
      event({
        category: 'new',
        items: [
          { ...status, toString: 'To Do' },
          { field: 'resolution', to: null, toString: '' },
        ],
      }),
      { actor: 'neville', enteredDone: false, leftDone: true },
    ],
    ['the app itself', event({ selfGenerated: true, category: 'done', items: [status] }), undefined],
    ['an edit of something else', event({ category: 'done', items: [{ field: 'summary', toString: 'x' }] }), undefined],
  ])('%s', (_what, e, expected) => {
    expect(doneChangeOf(e)).toEqual(expected);
  });
});
