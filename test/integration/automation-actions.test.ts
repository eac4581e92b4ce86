/**
 * Jira Automation's actions (ADR 0026), invoked through the sandbox as Automation would invoke them:
 * the function the manifest's `action` module names, with the rule's inputs as payload, run as the
 * rule's account. Policy holds for a rule as for a person: caps, allowlist, approvals; a retried run
 * grants, extends and revokes once.
 */
import type { AutomationResult } from '../../src/app/automation-actions';
import { at, HOUR, MIN, useWorlds, world, type World } from './world';

useWorlds();

type Answer = AutomationResult | { errors: Array<{ message: string }> };

/** A world with an Automation account and a P1 incident raised by Alice, assigned to Neville. */
async function incident(t: World) {
  const { sb, w } = t;
  const automation = sb.jira.addUser({
    displayName: 'Automation for Jira',
    email: 'automation@atko.email',
    timeZone: 'UTC',
  }).accountId;
  const r = await sb.jira.createIssue({ projectKey: w.projectKey, summary: 'P1: db01 down', reporter: w.jira.alice });
  await sb.jira.assign(r.key, w.jira.neville, w.jira.alice);
  const run = (action: string, inputs: Record<string, unknown>) =>
    sb.automation.run<Answer>(action, { issueKey: r.key, ruleName: 'P1 access', ...inputs }, { accountId: automation });
  return { key: r.key, grantId: `grant-${r.id}`, automation, run };
}

const linuxFor2h = { group: 'PAM Linux Sysadmins', requestFor: 'assignee', hours: 2 };

describe('Request Okta access', () => {
  it('grants the assignee 2 h without approval, recorded as raised by the rule; a retried run grants nothing more', async () => {
    const t = await world();
    const { sb, w } = t;
    const p1 = await incident(t);
    expect(t.comments(p1.key)).toEqual([]); // the incident itself is no access request

    const first = await p1.run('request-okta-access', linuxFor2h);
    expect(first).toEqual({
      outcome: 'GRANTING',
      code: 'GRANT.QUEUED',
      message: 'Recorded; access is being granted.',
      endsAt: null,
      grantId: p1.grantId,
    });
    // The worker ran when the sandbox settled: Neville (the assignee, not the reporter) is in the group.
    expect(t.grant(p1.grantId)).toMatchObject({
      status: 'ACTIVE',
      requesterAccountId: w.jira.neville,
      raisedBy: p1.automation,
      raisedByRule: { actor: p1.automation, rule: 'P1 access' },
      requestedHours: 2,
      endsAt: at('11:00:00'),
    });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
    expect(t.audit({ grantId: p1.grantId, action: 'REQUESTED' })).toEqual([
      expect.objectContaining({
        actor: p1.automation,
        detail: expect.stringContaining(`by Automation rule "P1 access" (run as ${p1.automation}), 2 h asked`),
      }),
    ]);

    await sb.clock.advance(1 * MIN);
    const retried = await p1.run('request-okta-access', linuxFor2h);
    expect(retried).toMatchObject({ outcome: 'GRANTED', code: 'GRANT.ACTIVE', endsAt: at('11:00:00') });
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(1);
    expect(t.grants()).toHaveLength(1);
    expect(t.audit({ action: 'REQUESTED' })).toHaveLength(1);

    // Access ends at 11:00 as any grant does; the incident is the rule's, so it is not closed out.
    await sb.clock.advanceTo(at('11:01:00'));
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'EXPIRED' });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(sb.jira.issue(p1.key).status).toBe('To Do');
  });

  it('waits for approval like a person would; the rule cannot approve its own request, nor skip approval by input', async () => {
    const t = await world();
    const { sb, w } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const p1 = await incident(t);

    // Inputs the manifest does not declare are no way around policy: they are ignored.
    const asked = await p1.run('request-okta-access', { ...linuxFor2h, approved: true, skipApproval: true });
    expect(asked).toMatchObject({ outcome: 'AWAITING_APPROVAL', code: 'APPROVAL.REQUIRED', grantId: p1.grantId });
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'REQUESTED' });

    // The rule's next step moves the issue to Approved, as its own account: not an approval.
    await sb.jira.transition(p1.key, 'Approved', p1.automation);
    await sb.clock.advance(20 * MIN);
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.oktaWrites()).toEqual([]);
    expect(await p1.run('request-okta-access', linuxFor2h)).toMatchObject({ outcome: 'AWAITING_APPROVAL' });

    // A person's approval counts.
    await sb.jira.transition(p1.key, 'To Do', w.jira.alice);
    await sb.jira.transition(p1.key, 'Approved', w.jira.alice);
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice });
    expect(await p1.run('request-okta-access', linuxFor2h)).toMatchObject({ outcome: 'GRANTED' });
  });

  it("is the rule's inputs, not the issue's fields: edits of the incident neither withdraw it, nor void its approval", async () => {
    const t = await world();
    const { sb, w } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const p1 = await incident(t);
    await p1.run('request-okta-access', linuxFor2h);
    // The requester (the assignee) takes over as reporter while it waits: no withdrawal, no comment.
    await sb.jira.setReporter(p1.key, w.jira.neville, w.jira.neville);
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'REQUESTED' });
    await sb.jira.transition(p1.key, 'Approved', w.jira.alice);
    // Someone edits the incident after the approval: it still stands.
    await sb.jira.setReporter(p1.key, w.jira.alice, w.jira.ada);
    await sb.clock.advance(10 * MIN);
    expect(t.grant(p1.grantId)).toMatchObject({
      status: 'ACTIVE',
      approvedBy: w.jira.alice,
      requesterAccountId: w.jira.neville,
    });
    expect(t.comments(p1.key).filter((c) => c.includes('not applied') || c.includes('cannot be processed'))).toEqual(
      [],
    );
    expect(t.audit({ action: 'EDIT_IGNORED' })).toEqual([]);
  });

  it('takes the emergency path only as policy allows it: no approval, flagged, capped at the emergency hours', async () => {
    const t = await world();
    const { w } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const p1 = await incident(t);
    const r = await p1.run('request-okta-access', { ...linuxFor2h, hours: 8, changeType: 'Emergency' });
    expect(r).toMatchObject({ outcome: 'GRANTING', code: 'GRANT.EMERGENCY' });
    expect((r as AutomationResult).message).toContain('Asked for 8 h; capped at 4 h.');
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'ACTIVE', emergency: true, endsAt: at('13:00:00') });
    expect(t.actions(p1.grantId)).toContain('EMERGENCY_USED');
  });

  it('never exceeds a cap: more hours than the group allows are cut to the cap, and the answer says so', async () => {
    const t = await world();
    const { w } = t;
    const p1 = await incident(t);
    // PAM Database Admins allows 8 h.
    const r = await p1.run('request-okta-access', { group: 'PAM Database Admins', requestFor: 'assignee', hours: 48 });
    expect(r).toMatchObject({ outcome: 'GRANTING', code: 'GRANT.QUEUED' });
    expect((r as AutomationResult).message).toContain('Asked for 48 h; capped at 8 h.');
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'ACTIVE', endsAt: at('17:00:00') });
    expect(t.sb.okta.members(w.groups.database)).toEqual([w.okta.neville]);
  });

  it('refuses a group off the allowlist, by name or id: nothing recorded, nothing in Okta, audited once per group named', async () => {
    const t = await world();
    const { w } = t;
    const p1 = await incident(t);
    for (const group of ['Okta Super Admins', w.groups.superAdmins, 'Okta Super Admins']) {
      expect(await p1.run('request-okta-access', { group, requestFor: 'assignee' })).toMatchObject({
        outcome: 'REFUSED',
        code: 'GRANT.NOT_ALLOWLISTED',
        grantId: null,
      });
    }
    expect(t.grants()).toEqual([]);
    expect(t.oktaWrites()).toEqual([]);
    // Once per group named (the repeated name is a retried run): by name, then by id.
    expect(t.audit({ action: 'AUTOMATION_REFUSED' })).toEqual([
      expect.objectContaining({
        actor: p1.automation,
        issueKey: p1.key,
        detail: expect.stringContaining('"Okta Super Admins"'),
      }),
      expect.objectContaining({ actor: p1.automation, detail: expect.stringContaining(w.groups.superAdmins) }),
    ]);
  });

  it('refuses a second person or group on an issue that already carries a request', async () => {
    const t = await world();
    const p1 = await incident(t);
    await p1.run('request-okta-access', linuxFor2h);
    expect(await p1.run('request-okta-access', { ...linuxFor2h, requestFor: 'reporter' })).toMatchObject({
      outcome: 'REFUSED',
      code: 'AUTOMATION.ISSUE_HAS_REQUEST',
    });
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(1);
  });

  it('stops the rule (errors for its owner) when the configuration cannot work', async () => {
    const t = await world();
    const p1 = await incident(t);
    expect(await p1.run('request-okta-access', { ...linuxFor2h, issueKey: 'not a key' })).toEqual({
      errors: [{ message: 'issueKey must be an issue key such as INC-42' }],
    });
    expect(await p1.run('request-okta-access', { ...linuxFor2h, issueKey: 'ACC-999' })).toEqual({
      errors: [{ message: 'Issue ACC-999 was not found, or the app cannot see it.' }],
    });
    expect(await p1.run('request-okta-access', { ...linuxFor2h, requestFor: 'watcher' })).toEqual({
      errors: [{ message: 'requestFor must be reporter or assignee' }],
    });
    expect(t.grants()).toEqual([]);
  });

  it('takes the account from the invocation, never the payload: none means the rule stops', async () => {
    const t = await world();
    const p1 = await incident(t);
    const fnKey = t.sb.app.loaded.actions.get('request-okta-access')!;
    const handler = t.sb.app.loaded.functions.get(fnKey)!;
    const inputs = { issueKey: p1.key, group: 'PAM Linux Sysadmins', principal: { accountId: t.w.jira.neville } };
    expect(await t.sb.app.run(async () => handler(inputs, {}))).toEqual({
      errors: [expect.objectContaining({ message: expect.stringContaining('without a Jira account') })],
    });
    expect(t.grants()).toEqual([]);
  });

  it('reads smart values as Automation resolves them: hours as text, empty inputs as not given', async () => {
    const t = await world();
    const { w } = t;
    const p1 = await incident(t);
    // requestFor '' is the reporter (Alice); changeType '' is the issue's own (none).
    const r = await p1.run('request-okta-access', {
      group: w.groups.linux,
      requestFor: '',
      hours: '3',
      changeType: '',
    });
    expect(r).toMatchObject({ outcome: 'GRANTING' });
    expect(t.grant(p1.grantId)).toMatchObject({
      status: 'ACTIVE',
      requesterAccountId: w.jira.alice,
      requestedHours: 3,
      endsAt: at('12:00:00'),
    });
  });

  it("refuses a group the issue's project may not request, and an issue without the named person", async () => {
    const t = await world();
    const { sb, w } = t;
    await t.setGroup(w.groups.linux, { allowedProjectKeys: ['OPS'] });
    const p1 = await incident(t);
    expect(await p1.run('request-okta-access', linuxFor2h)).toMatchObject({
      outcome: 'REFUSED',
      code: 'GRANT.PROJECT_NOT_ALLOWED',
    });
    await sb.jira.assign(p1.key, null, w.jira.alice);
    expect(await p1.run('request-okta-access', { ...linuxFor2h, group: 'PAM Windows Admins' })).toMatchObject({
      outcome: 'REFUSED',
      code: 'AUTOMATION.NO_REQUESTER',
    });
    expect(t.grants()).toEqual([]);
    expect(t.oktaWrites()).toEqual([]);
  });
});

describe('Extend and Revoke Okta access', () => {
  it('extends within the group caps, once per run (a retry within the window adds nothing)', async () => {
    const t = await world();
    const { sb } = t;
    const p1 = await incident(t);
    await p1.run('request-okta-access', linuxFor2h);
    await sb.clock.advance(1 * HOUR); // 10:00, access ends 11:00

    const extended = await p1.run('extend-okta-access', {});
    // The group's 12 h from now, inside its 24 h lifetime.
    expect(extended).toMatchObject({ outcome: 'EXTENDED', code: 'EXTEND.APPLIED', endsAt: at('22:00:00') });
    await sb.clock.advance(2 * MIN);
    expect(await p1.run('extend-okta-access', {})).toMatchObject({
      outcome: 'EXTENDED',
      code: 'EXTEND.ALREADY_APPLIED',
      endsAt: at('22:00:00'),
    });
    expect(t.grant(p1.grantId)).toMatchObject({ extensions: 1, endsAt: at('22:00:00') });
    expect(t.audit({ grantId: p1.grantId, action: 'EXTENDED' })).toEqual([
      expect.objectContaining({ actor: p1.automation, detail: expect.stringContaining('Automation rule "P1 access"') }),
    ]);
    expect(t.comments(p1.key).filter((c) => c.includes('now runs until'))).toHaveLength(1);

    // A later run is a new extension, until the group's limit (2).
    await sb.clock.advance(11 * HOUR); // 21:02
    expect(await p1.run('extend-okta-access', {})).toMatchObject({ outcome: 'EXTENDED', code: 'EXTEND.APPLIED' });
    await sb.clock.advance(20 * MIN);
    expect(await p1.run('extend-okta-access', {})).toMatchObject({
      outcome: 'REFUSED',
      code: 'EXTEND.LIMIT_REACHED',
    });
    // The lifetime cap (24 h from 09:00) bounds every extension.
    expect(Date.parse(t.grant(p1.grantId)!.endsAt!)).toBeLessThanOrEqual(Date.parse('2026-11-23T09:00:00.000Z'));
  });

  it('revokes through the removal path, once; a retried run answers REVOKED and removes nothing more', async () => {
    const t = await world();
    const { sb, w } = t;
    const p1 = await incident(t);
    await p1.run('request-okta-access', linuxFor2h);
    await sb.clock.advance(10 * MIN);

    expect(await p1.run('revoke-okta-access', {})).toMatchObject({ outcome: 'REVOKING', grantId: p1.grantId });
    expect(t.grant(p1.grantId)).toMatchObject({
      status: 'REVOKED',
      endReason: 'REVOKED_BY_ADMIN',
      endedBy: p1.automation,
    });
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.audit({ grantId: p1.grantId, action: 'REVOKE_STARTED' })).toEqual([
      expect.objectContaining({ actor: p1.automation, detail: expect.stringContaining('Automation rule "P1 access"') }),
    ]);

    expect(await p1.run('revoke-okta-access', {})).toMatchObject({
      outcome: 'REVOKED',
      code: 'ENDED.REVOKED_BY_ADMIN',
    });
    expect(t.oktaWrites({ method: 'DELETE' })).toHaveLength(1);
    expect(sb.jira.issue(p1.key).status).toBe('To Do');
  });

  it('cancels a request still waiting for approval', async () => {
    const t = await world();
    const { w } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const p1 = await incident(t);
    await p1.run('request-okta-access', linuxFor2h);
    expect(await p1.run('revoke-okta-access', {})).toMatchObject({ outcome: 'REVOKED', code: 'REQUEST.CANCELLED' });
    expect(t.grant(p1.grantId)).toMatchObject({ status: 'WITHDRAWN', reasonCode: 'REQUEST.CANCELLED' });
    expect(t.oktaWrites()).toEqual([]);
  });

  it('answers REFUSED on an issue without a request', async () => {
    const t = await world();
    const p1 = await incident(t);
    expect(await p1.run('extend-okta-access', {})).toMatchObject({ outcome: 'REFUSED', code: 'AUTOMATION.NO_REQUEST' });
    expect(await p1.run('revoke-okta-access', {})).toMatchObject({ outcome: 'REFUSED', code: 'AUTOMATION.NO_REQUEST' });
  });
});
