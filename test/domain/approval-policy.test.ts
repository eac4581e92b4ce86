import fc from 'fast-check';
import {
  ANYONE_ONE_APPROVAL,
  describeSteps,
  matchesSet,
  mayActAsApprover,
  mayDeny,
  refusalWords,
  tallyApprovals,
  type Approval,
  type ApprovalStep,
  type ApproverFacts,
} from '../../src/domain/approval-policy';

const set = (s: Partial<ApprovalStep['approvers']> = {}): ApprovalStep['approvers'] => ({
  jiraGroups: [],
  projectRoles: [],
  accountIds: [],
  ...s,
});
const at = (i: number) => new Date(Date.UTC(2026, 10, 30, 10, i)).toISOString();
const approval = (by: string, i: number, via: Approval['via'] = 'panel'): Approval => ({
  by,
  at: at(i),
  via,
  historyAt: i,
});

/** Ana and Bo are in the Jira group "security"; Cy holds the project role "Administrators"; Dee is nobody. */
const FACTS: Record<string, ApproverFacts> = {
  ana: { accountId: 'ana', jiraGroups: ['security'], projectRoles: [] },
  bo: { accountId: 'bo', jiraGroups: ['security'], projectRoles: [] },
  cy: { accountId: 'cy', jiraGroups: [], projectRoles: ['Administrators'] },
  dee: { accountId: 'dee', jiraGroups: [], projectRoles: [] },
  req: { accountId: 'req', jiraGroups: ['security'], projectRoles: ['Administrators'] },
};
const facts = (a: string) => FACTS[a];

const TWO_SECURITY: ApprovalStep[] = [{ approvers: set({ jiraGroups: ['security'] }), count: 2 }];
const SECURITY_THEN_ADMIN: ApprovalStep[] = [
  { approvers: set({ jiraGroups: ['security'] }), count: 1 },
  { approvers: set({ projectRoles: ['Administrators'] }), count: 1 },
];

describe('approval steps', () => {
  it('the default is one approval by anyone who can transition the issue; the requester never counts', () => {
    const t = tallyApprovals({
      steps: ANYONE_ONE_APPROVAL,
      approvals: [approval('req', 1), approval('dee', 2)],
      requesterAccountId: 'req',
      facts,
    });
    expect(t).toMatchObject({ complete: true, given: 1, needed: 1 });
    expect(t.counted.map((c) => c.by)).toEqual(['dee']);
    expect(t.refused).toEqual([{ approval: approval('req', 1), why: 'requester' }]);
  });

  it('two-person rule: two distinct eligible people; the same person twice counts once', () => {
    const t = tallyApprovals({
      steps: TWO_SECURITY,
      approvals: [approval('ana', 1), approval('ana', 2, 'status'), approval('dee', 3)],
      requesterAccountId: 'req',
      facts,
    });
    expect(t).toMatchObject({ complete: false, given: 1, needed: 2, step: 0 });
    expect(t.refused.map((r) => [r.approval.by, r.why])).toEqual([['dee', 'not-eligible']]);
    const done = tallyApprovals({
      steps: TWO_SECURITY,
      approvals: [approval('ana', 1), approval('bo', 4)],
      requesterAccountId: 'req',
      facts,
    });
    expect(done.complete).toBe(true);
  });

  it('ordered steps: a later step approving first is out of order and does not count', () => {
    const early = tallyApprovals({
      steps: SECURITY_THEN_ADMIN,
      approvals: [approval('cy', 1), approval('ana', 2)],
      requesterAccountId: 'req',
      facts,
    });
    expect(early).toMatchObject({ complete: false, step: 1, given: 1 });
    expect(early.refused.map((r) => [r.approval.by, r.why])).toEqual([['cy', 'out-of-order']]);
    const inOrder = tallyApprovals({
      steps: SECURITY_THEN_ADMIN,
      approvals: [approval('ana', 1), approval('cy', 2)],
      requesterAccountId: 'req',
      facts,
    });
    expect(inOrder.complete).toBe(true);
    expect(inOrder.counted.map((c) => [c.by, c.step])).toEqual([
      ['ana', 0],
      ['cy', 1],
    ]);
  });

  it('who raised a request for someone else never counts, even when eligible', () => {
    const t = tallyApprovals({
      steps: TWO_SECURITY,
      approvals: [approval('ana', 1), approval('bo', 2)],
      requesterAccountId: 'req',
      raisedBy: 'bo',
      facts,
    });
    expect(t.complete).toBe(false);
    expect(t.refused).toEqual([{ approval: approval('bo', 2), why: 'raised-by' }]);
  });

  it('an open step needs the person to be able to transition the issue when Jira was asked', () => {
    const open = set();
    expect(matchesSet(open, { accountId: 'x', jiraGroups: [], projectRoles: [] })).toBe(true);
    expect(matchesSet(open, { accountId: 'x', jiraGroups: [], projectRoles: [], mayTransition: false })).toBe(false);
  });

  it('says what a viewer may do, and why not, naming who may approve', () => {
    const tally = tallyApprovals({ steps: SECURITY_THEN_ADMIN, approvals: [], requesterAccountId: 'req', facts });
    const who = { steps: SECURITY_THEN_ADMIN, tally, requesterAccountId: 'req' };
    expect(mayActAsApprover({ ...who, facts: FACTS.ana })).toEqual({ ok: true });
    expect(mayActAsApprover({ ...who, facts: FACTS.cy })).toEqual({ ok: false, why: 'out-of-order' });
    expect(mayActAsApprover({ ...who, facts: FACTS.dee })).toEqual({ ok: false, why: 'not-eligible' });
    expect(mayActAsApprover({ ...who, facts: FACTS.req })).toEqual({ ok: false, why: 'requester' });
    expect(mayDeny({ steps: SECURITY_THEN_ADMIN, requesterAccountId: 'req', facts: FACTS.cy })).toBe(true);
    expect(mayDeny({ steps: SECURITY_THEN_ADMIN, requesterAccountId: 'req', facts: FACTS.dee })).toBe(false);
    expect(refusalWords('not-eligible', SECURITY_THEN_ADMIN, 0)).toBe(
      'Only members of the Jira group "security" may approve this request (step 1 of 2).',
    );
    expect(refusalWords('out-of-order', SECURITY_THEN_ADMIN, 0)).toContain('Step 1 of 2 must be approved first');
  });

  it('describes a policy in words, with people by name', () => {
    const steps: ApprovalStep[] = [
      { approvers: set({ jiraGroups: ['security', 'sre'] }), count: 2 },
      { approvers: set({ projectRoles: ['Administrators'], accountIds: ['u1'] }), count: 1 },
    ];
    expect(describeSteps(steps, (a) => (a === 'u1' ? 'Una Ames' : a))).toBe(
      '2 approvals by members of the Jira groups "security" or "sre", then 1 approval by the project role "Administrators" or Una Ames',
    );
    expect(describeSteps(ANYONE_ONE_APPROVAL)).toBe(
      '1 approval by anyone who can transition the issue, except the requester',
    );
  });
});

describe('approval counting over every order of approvals (property)', () => {
  const people = ['ana', 'bo', 'cy', 'dee', 'req'];
  const stepArb = fc.record({
    approvers: fc.record({
      jiraGroups: fc.subarray(['security']),
      projectRoles: fc.subarray(['Administrators']),
      accountIds: fc.subarray(['ana', 'bo', 'cy', 'dee']),
    }),
    count: fc.integer({ min: 1, max: 3 }),
  });
  const arb = fc.record({
    steps: fc.array(stepArb, { minLength: 1, maxLength: 3 }),
    approvals: fc.array(fc.record({ by: fc.constantFrom(...people), via: fc.constantFrom('status', 'panel') }), {
      maxLength: 8,
    }),
    raisedBy: fc.option(fc.constantFrom(...people), { nil: undefined }),
  });

  it('counts only distinct, eligible people who are neither the requester nor who raised it, step by step', () => {
    fc.assert(
      fc.property(arb, ({ steps, approvals, raisedBy }) => {
        const list = approvals.map((a, i) => ({ ...a, at: at(i), historyAt: i }) as Approval);
        const t = tallyApprovals({ steps, approvals: list, requesterAccountId: 'req', raisedBy, facts });
        const by = t.counted.map((c) => c.by);
        expect(new Set(by).size).toBe(by.length);
        expect(by).not.toContain('req');
        if (raisedBy) expect(by).not.toContain(raisedBy);
        t.counted.forEach((c, i) => {
          expect(matchesSet(steps[c.step].approvers, FACTS[c.by])).toBe(true);
          if (i > 0) expect(c.step).toBeGreaterThanOrEqual(t.counted[i - 1].step);
        });
        steps.forEach((s, i) => expect(t.counted.filter((c) => c.step === i).length).toBeLessThanOrEqual(s.count));
        const full = steps.every((s, i) => t.counted.filter((c) => c.step === i).length === s.count);
        expect(t.complete).toBe(full);
        expect(t.given).toBe(t.counted.length);
      }),
      { numRuns: 500 },
    );
  });
});
