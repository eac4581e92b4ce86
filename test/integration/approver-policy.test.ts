/**
 * Approver policy through the real resolvers and worker on the sandbox: who may approve (Jira groups,
 * project roles, named people, or anyone who can transition), how many (two-person rule), in what order
 * (steps), Approve and Deny in the panel, and the refusals that name who may approve.
 */
import type { ApprovalStep } from '../../src/domain/approval-policy';
import type { PanelData } from '../../src/shared/panel-contract';
import { MIN, useWorlds, world, type World } from './world';

useWorlds();

type Issue = { id: string; key: string };

const panel = (t: World, key: string, payload: unknown, accountId: string, issue: Issue): Promise<any> =>
  t.sb.app.invoke(key, payload, { accountId, extension: { issue, project: { key: 'ACC' } } });
async function load(t: World, accountId: string, issue: Issue): Promise<PanelData> {
  const r = await panel(t, 'panel/load', {}, accountId, issue);
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data;
}

const step = (approvers: Partial<ApprovalStep['approvers']>, count = 1): ApprovalStep => ({
  approvers: { jiraGroups: [], projectRoles: [], accountIds: [], ...approvers },
  count,
});

/** Ada and Henry are in the Jira group "Security"; Alice holds the role "Administrators" in ACC. */
function people(t: World) {
  const { sb, w } = t;
  sb.jira.addJiraGroup('Security');
  sb.jira.addUserToJiraGroup(w.jira.ada, 'Security');
  sb.jira.addUserToJiraGroup(w.jira.henry, 'Security');
  sb.jira.setProjectRole(w.projectKey, 'Administrators', { accountIds: [w.jira.alice] });
}

async function waitingFor(t: World, steps: ApprovalStep[]) {
  people(t);
  await t.setGroup(t.w.groups.linux, { approvalMode: 'status', approvalSteps: steps });
  const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux });
  expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
  return { ...r, issue: { id: r.id, key: r.key } };
}

describe('two-person rule: two members of a Jira group', () => {
  it('grants only after two distinct eligible approvals; the first is recorded and shown', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, [step({ jiraGroups: ['Security'] }, 2)]);
    expect(t.comments(r.key).at(-1)).toContain(
      'waiting for approval: 2 approvals by members of the Jira group "Security"',
    );

    const first = await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue);
    expect(first).toMatchObject({ ok: true, data: { notice: expect.stringContaining('Approved (1 of 2)') } });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED', approvals: [{ by: w.jira.ada, via: 'panel' }] });
    expect(first.data.panel.grant.approval).toMatchObject({ given: 1, needed: 2 });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);

    // The same person again is refused, and changes nothing.
    const again = await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue);
    expect(again).toMatchObject({ ok: false, error: { code: 'APPROVAL.NOT_ELIGIBLE' } });
    expect(t.grant(r.grantId)!.approvals).toHaveLength(1);

    // The second approval is a status move by Henry: it completes the request.
    await sb.jira.transition(r.key, 'Approved', w.jira.henry);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.henry });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.audit({ grantId: r.grantId, action: 'APPROVED' }).map((a) => [a.actor, a.detail])).toEqual([
      [w.jira.ada, 'Approved in the Okta access panel (approval 1 of 2).'],
      [w.jira.henry, 'Approved by moving the issue to "Approved" (approval 2 of 2).'],
    ]);
  });

  it('an ineligible status move is refused once, naming who may approve; nothing is granted', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, [step({ jiraGroups: ['Security'] }, 2)]);
    await sb.jira.transition(r.key, 'Approved', w.jira.alice); // Alice is not in Security
    await sb.clock.advance(30 * MIN); // sweeps look again: said once
    const refusals = t
      .comments(r.key)
      .filter((c) => c.includes('Only members of the Jira group "Security" may approve'));
    expect(refusals).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'APPROVAL_REFUSED' })).toEqual([
      expect.objectContaining({ actor: w.jira.alice }),
    ]);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.oktaWrites()).toEqual([]);
  });
});

describe('concurrent approvals', () => {
  it('two approvers pressing Approve at once are both counted: the write that loses reads again', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, [step({ jiraGroups: ['Security'] }, 2)]);
    const answers = await Promise.all([
      panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue),
      panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.henry, r.issue),
    ]);
    expect(answers).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
    await sb.clock.advance(1 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });
    expect(
      t
        .audit({ grantId: r.grantId, action: 'APPROVED' })
        .map((a) => a.actor)
        .sort(),
    ).toEqual([w.jira.ada, w.jira.henry].sort());
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(1);
  });
});

describe('ordered steps: a Security member, then a project administrator', () => {
  const steps = () => [step({ jiraGroups: ['Security'] }), step({ projectRoles: ['Administrators'] })];

  it('refuses the second step first, then takes both in order', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, steps());
    const view = await load(t, w.jira.alice, r.issue);
    expect(view.actions?.approve).toEqual({
      enabled: false,
      reason: expect.stringContaining('Step 1 of 2 must be approved first'),
    });
    const early = await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.alice, r.issue);
    expect(early).toMatchObject({ ok: false, error: { code: 'APPROVAL.NOT_ELIGIBLE' } });

    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue)).toMatchObject({ ok: true });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect((await load(t, w.jira.alice, r.issue)).actions?.approve).toEqual({ enabled: true });
    const last = await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.alice, r.issue);
    expect(last).toMatchObject({ ok: true, data: { notice: expect.stringContaining('last approval') } });
    await sb.clock.advance(1 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
  });
});

describe('named people and the requester', () => {
  it('the requester is never an approver, even when named; the panel says why', async () => {
    const t = await world();
    const { w } = t;
    const r = await waitingFor(t, [step({ accountIds: [w.jira.neville, w.jira.ada] })]);
    const own = await load(t, w.jira.neville, r.issue);
    expect(own.actions?.approve).toBeUndefined();
    expect(own.approver).toMatchObject({
      mayApprove: false,
      message: expect.stringContaining('cannot approve your own'),
    });
    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.neville, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL.NOT_ELIGIBLE' },
    });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    const ada = await load(t, w.jira.ada, r.issue);
    expect(ada.actions?.approve).toEqual({ enabled: true });
    expect(ada.grant?.approval.policy).toContain('Ada');
  });
});

describe('the default: anyone who can transition the issue', () => {
  it('the panel asks Jira, as the viewer, whether they can transition the issue', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, []);
    sb.jira.restrictTransitions(w.projectKey, [w.jira.ada]);
    const alice = await load(t, w.jira.alice, r.issue);
    expect(alice.actions?.approve).toMatchObject({ enabled: false });
    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.alice, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL.NOT_ELIGIBLE' },
    });
    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue)).toMatchObject({ ok: true });
    await sb.clock.advance(1 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.ada });
  });
});

describe('Deny', () => {
  it('an eligible approver denies with a reason: DENIED, the requester is told once, a later approval grants nothing', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, [step({ jiraGroups: ['Security'] })]);
    expect(await panel(t, 'panel/deny', { grantId: r.grantId, reason: '   ' }, w.jira.ada, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION.INVALID' },
    });
    expect(await panel(t, 'panel/deny', { grantId: r.grantId, reason: 'No' }, w.jira.alice, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL.NOT_ELIGIBLE' },
    });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });

    const denied = await panel(
      t,
      'panel/deny',
      { grantId: r.grantId, reason: 'No change ticket.' },
      w.jira.ada,
      r.issue,
    );
    expect(denied).toMatchObject({ ok: true, data: { panel: { grant: { status: 'DENIED' } } } });
    await sb.clock.advance(1 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED', endedBy: w.jira.ada, reasonCode: 'APPROVAL.DENIED' });
    expect(t.comments(r.key).filter((c) => c.includes('Denied by an approver: No change ticket.'))).toHaveLength(1);
    expect(t.audit({ grantId: r.grantId, action: 'DENIED' })).toEqual([expect.objectContaining({ actor: w.jira.ada })]);

    // Approving afterwards: refused in the panel, and a status move grants nothing.
    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.henry, r.issue)).toMatchObject({
      ok: false,
      error: { code: 'REQUEST.NOT_PENDING' },
    });
    await sb.jira.transition(r.key, 'Approved', w.jira.henry);
    await sb.clock.advance(10 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.oktaWrites()).toEqual([]);
  });
});

describe('stale panel actions', () => {
  it('an approval of a request its requester has since changed is refused; the new request needs its own', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, [step({ jiraGroups: ['Security'] })]);
    await sb.jira.updateFields(r.key, { changeType: 'Emergency' }, w.jira.neville);
    const stale = await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue);
    expect(stale).toMatchObject({ ok: false, error: { code: 'PANEL.STALE' } });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN' });
  });

  it('an approval voided by a later edit of a request field no longer counts, said once', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, [step({ jiraGroups: ['Security'] }, 2)]);
    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue)).toMatchObject({ ok: true });
    // Alice (not the requester) edits the group: not applied, and Ada's approval no longer counts.
    await sb.jira.updateFields(r.key, { adminGroup: w.groups.windows }, w.jira.alice);
    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.henry, r.issue)).toMatchObject({ ok: true });
    await sb.clock.advance(10 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.audit({ grantId: r.grantId, action: 'APPROVAL_VOIDED' })).toHaveLength(1);
    expect(t.oktaWrites()).toEqual([]);
  });
});

describe('one approver, two ways', () => {
  it('an approver who pressed Approve and then moves the issue to "Approved" (same instant) counts and is recorded once', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await waitingFor(t, [step({ jiraGroups: ['Security'] }, 2)]);
    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.henry, r.issue)).toMatchObject({ ok: true });
    // The virtual clock has not moved: the move has the press's time, by the same person.
    await sb.jira.transition(r.key, 'Approved', w.jira.henry);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.grant(r.grantId)!.approvals).toEqual([expect.objectContaining({ by: w.jira.henry, via: 'panel' })]);
    expect(t.audit({ grantId: r.grantId, action: 'APPROVED' })).toHaveLength(1);

    expect(await panel(t, 'panel/approve', { grantId: r.grantId }, w.jira.ada, r.issue)).toMatchObject({ ok: true });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.ada });
    expect(t.audit({ grantId: r.grantId, action: 'APPROVED' }).map((a) => [a.actor, a.detail])).toEqual([
      [w.jira.henry, 'Approved in the Okta access panel (approval 1 of 2).'],
      [w.jira.ada, 'Approved in the Okta access panel (approval 2 of 2).'],
    ]);
  });
});
