/**
 * A request is what the issue said when the app recorded it (product spec, flow 0): edits of the
 * reporter, Access type, Admin group or duration driver afterwards never create, change or extend a
 * grant by themselves, on New, Extend and View issues alike, and the audit names who edited.
 */
import { at, MIN, useWorlds, world, type World } from './world';

useWorlds();

const linux = (t: World, over: Record<string, string> = {}) =>
  t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux, ...over });

describe('the reporter is part of the request', () => {
  it('a reporter change by someone else after the grant: not applied, the grant stays with the person approved, the editor is audited', async () => {
    const t = await world();
    const { w, sb } = t;
    const r = await linux(t);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', requesterAccountId: w.jira.neville });
    await sb.jira.setReporter(r.key, w.jira.alice, w.jira.ada);
    await sb.clock.advance(MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', requesterAccountId: w.jira.neville });
    expect(t.audit({ grantId: r.grantId, action: 'EDIT_IGNORED' })).toEqual([
      expect.objectContaining({
        actor: w.jira.ada,
        detail: expect.stringContaining('Reporter changed after access was granted'),
      }),
    ]);
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
  });

  it('a reporter change by someone else while waiting: not applied; a later approval grants the person who asked, never the new reporter', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await linux(t);
    await sb.jira.setReporter(r.key, w.jira.alice, w.jira.ada);
    expect(t.comments(r.key).at(-1)).toContain('Reporter changed after it was recorded');
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'ACTIVE',
      requesterAccountId: w.jira.neville,
      approvedBy: w.jira.ada,
    });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);
  });

  it('the requester handing a waiting request to someone else withdraws it; the new request is theirs and needs its own approval', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await linux(t);
    await sb.jira.setReporter(r.key, w.jira.alice, w.jira.neville);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN', endedBy: w.jira.neville });
    expect(t.grant(`${r.grantId}-r2`)).toMatchObject({ status: 'REQUESTED', requesterAccountId: w.jira.alice });
    // Alice cannot approve her own request; Ada can.
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    expect(t.grant(`${r.grantId}-r2`)).toMatchObject({ status: 'REQUESTED' });
    await sb.jira.transition(r.key, 'To Do', w.jira.ada);
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(`${r.grantId}-r2`)).toMatchObject({
      status: 'ACTIVE',
      requesterAccountId: w.jira.alice,
      approvedBy: w.jira.ada,
    });
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.alice]);
  });
  it('who handed a waiting request to someone else cannot approve it: the new request needs a third person', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await linux(t);
    await sb.jira.setReporter(r.key, w.jira.alice, w.jira.neville);
    const second = `${r.grantId}-r2`;
    expect(t.grant(second)).toMatchObject({
      status: 'REQUESTED',
      requesterAccountId: w.jira.alice,
      raisedBy: w.jira.neville,
    });
    await sb.jira.transition(r.key, 'Approved', w.jira.neville);
    expect(t.grant(second)).toMatchObject({ status: 'REQUESTED' });
    expect(t.comments(r.key).at(-1)).toContain('The person who raised this request for someone else cannot approve it');
    expect(t.audit({ grantId: second, action: 'APPROVAL_REFUSED' })).toEqual([
      expect.objectContaining({ actor: w.jira.neville }),
    ]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    await sb.jira.transition(r.key, 'To Do', w.jira.ada);
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(second)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.ada });
  });
});

describe('Extend and View issues are answered once, as raised', () => {
  it('an Extend access issue whose Admin group is edited later does not extend a second grant', async () => {
    const t = await world();
    const { w, sb } = t;
    const l = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.linux }); // 09:00 → 13:00
    const win = await t.raise({ changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.windows });
    await sb.clock.advanceTo(at('10:00:00'));
    const ext = await t.raise({ changeType: 'Emergency', accessType: 'Extend access', adminGroup: w.groups.linux });
    expect(t.grant(l.grantId)).toMatchObject({ extensions: 1, endsAt: at('14:00:00') });
    const windowsBefore = t.grant(win.grantId);

    const edit = await sb.jira.updateFields(ext.key, { adminGroup: w.groups.windows }, w.jira.neville);
    await sb.jira.deliverAgain(edit!.eventId);
    expect(t.grant(win.grantId)).toEqual(windowsBefore);
    expect(t.grant(l.grantId)).toMatchObject({ extensions: 1 });
    expect(t.audit({ action: 'EXTENDED' })).toHaveLength(1);
    expect(t.comments(ext.key).filter((c) => c.includes('Changes to this request are not applied'))).toHaveLength(1);
    expect(t.audit({ issueKey: ext.key, action: 'EDIT_IGNORED' })).toEqual([
      expect.objectContaining({ actor: w.jira.neville, detail: expect.stringContaining('Admin group changed') }),
    ]);
  });

  it('a View access issue edited into New access by someone else grants nothing, and the editor is named', async () => {
    const t = await world();
    const { w, sb } = t;
    const view = await t.raise({ accessType: 'View access' });
    await sb.jira.updateFields(view.key, { accessType: 'New access', adminGroup: w.groups.linux }, w.jira.alice);
    await sb.clock.advance(10 * MIN);
    expect(t.grants()).toEqual([]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
    expect(t.audit({ issueKey: view.key, action: 'EDIT_IGNORED' })).toEqual([
      expect.objectContaining({ actor: w.jira.alice }),
    ]);
    expect(t.audit({ action: 'REQUESTED' })).toEqual([]);
  });

  it("an edit of the app's own fields is noticed by their field ids when the changelog does not call them custom", async () => {
    const t = await world();
    const { w, sb } = t;
    // What Jira's changelog says of a Forge field's `fieldtype` is undocumented: here it says nothing.
    sb.jira.appFieldChangeType = undefined;
    const view = await t.raise({ accessType: 'View access' });
    const edit = await sb.jira.updateFields(
      view.key,
      { accessType: 'New access', adminGroup: w.groups.linux },
      w.jira.alice,
    );
    expect(edit!.changelog!.items.map((i) => [i.fieldId, i.fieldtype])).toEqual([
      [sb.jira.fieldDefinitions().find((f) => f.name === 'Access type')!.id, undefined],
      [sb.jira.fieldDefinitions().find((f) => f.name === 'Admin group')!.id, undefined],
    ]);
    await sb.clock.advance(10 * MIN);
    expect(t.grants()).toEqual([]);
    expect(t.audit({ issueKey: view.key, action: 'EDIT_IGNORED' })).toEqual([
      expect.objectContaining({ actor: w.jira.alice }),
    ]);
  });
});
