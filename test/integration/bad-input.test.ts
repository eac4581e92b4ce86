/**
 * Every bad input of issue 3, through the sandbox: each gets one clear comment, the right grant state
 * (none, DENIED or FAILED), and nothing else changes — no Okta membership write, no membership moved,
 * no second comment when the event comes again.
 */
import { KvsConfigStore } from '../../src/adapters/kvs/config-store';
import { at, HOUR, useWorlds, world, type World } from './world';

useWorlds();

/** Runs `act` and checks that no membership changed and no membership write reached Okta meanwhile. */
async function nothingElseChanges<T>(t: World, act: () => Promise<T>): Promise<T> {
  const before = t.memberships();
  const writes = t.oktaWrites().length;
  const result = await act();
  expect(t.memberships()).toEqual(before);
  expect(t.oktaWrites().slice(writes)).toEqual([]);
  return result;
}

/** The event delivered again gives no second comment. */
async function deliveredAgainSaysNothingMore(t: World, r: { key: string; eventId: string }) {
  const n = t.comments(r.key).length;
  await t.sb.jira.deliverAgain(r.eventId);
  expect(t.comments(r.key)).toHaveLength(n);
}

describe('request fields', () => {
  it.each([
    [
      'Access type missing',
      (g: string) => ({ adminGroup: g }),
      'Set Access type to New access, Extend access or View access, then raise a new request.',
    ],
    [
      'Access type invalid',
      (g: string) => ({ accessType: 'Gimme root', adminGroup: g }),
      '"Gimme root" is not an Access type. Use New access, Extend access or View access, then raise a new request.',
    ],
    [
      'Admin group missing',
      () => ({ accessType: 'New access', changeType: 'Standard' }),
      'Choose the Admin group you need, then raise a new request.',
    ],
    [
      'Admin group invalid',
      () => ({ accessType: 'New access', adminGroup: 'PAM Linux Sysadmins' }),
      '"PAM Linux Sysadmins" is not an Okta group this app knows. Choose the Admin group from the list, then raise a new request.',
    ],
    [
      'Admin group invalid on Extend',
      () => ({ accessType: 'Extend access', adminGroup: '00g-not-an-id' }),
      '"00g-not-an-id" is not an Okta group this app knows.',
    ],
  ])('%s: a comment saying what to fix, no grant, no Okta call', async (_name, fields, message) => {
    const t = await world();
    const r = await nothingElseChanges(t, () => t.raise(fields(t.w.groups.linux)));
    expect(t.comments(r.key)).toEqual([expect.stringContaining('This access request cannot be processed.')]);
    expect(t.comments(r.key)[0]).toContain(message);
    expect(t.comments(r.key)[0]).toMatch(/^@Neville Newadmin /);
    expect(t.grants()).toEqual([]);
    expect(t.sb.okta.requests).toEqual([]);
    await deliveredAgainSaysNothingMore(t, r);
  });

  it('an issue without the app fields is not an access request: no comment at all', async () => {
    const t = await world();
    const r = await t.raise({ changeType: 'Standard' });
    expect(t.comments(r.key)).toEqual([]);
    expect(t.grants()).toEqual([]);
  });
});

describe('groups', () => {
  it('a group not on the allowlist is refused at once: DENIED, no Okta call', async () => {
    const t = await world();
    const other = t.sb.okta.addGroup({ name: 'PAM Network Admins' }).id;
    const r = await nothingElseChanges(t, () =>
      t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: other }),
    );
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'DENIED',
      reason: expect.stringContaining('not on the list of groups this app may grant'),
    });
    expect(t.comments(r.key)).toEqual([expect.stringContaining('Access request refused.')]);
    expect(t.comments(r.key)[0]).toContain('ask a Jira admin to allowlist it');
    expect(t.actions(r.grantId)).toEqual(['DENIED']);
    expect(t.sb.okta.requests).toEqual([]);
    await deliveredAgainSaysNothingMore(t, r);
  });

  it('a group removed from the allowlist after the request is refused when the grant would happen', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    await t.removeFromAllowlist(w.groups.linux);
    await nothingElseChanges(t, () => sb.jira.transition(r.key, 'Approved', w.jira.alice));
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'DENIED',
      reason: expect.stringContaining('removed from the allowlist before access was granted'),
    });
    expect(t.comments(r.key)).toHaveLength(2);
    expect(t.comments(r.key)[1]).toContain('could not be granted.');
    expect(t.comments(r.key)[1]).toContain('This group was removed from the allowlist before access was granted.');
    expect(sb.okta.requests).toEqual([]);
  });

  it.each([
    ['raised with a requested end already past', 'Emergency', undefined],
    ['approved only after its requested end', 'Standard', '11:30:00'],
  ] as const)(
    'a request %s grants nothing: DENIED, saying why, no Okta write',
    async (_name, changeType, approvedAt) => {
      const t = await world({ now: at('10:00:00') });
      const { w, sb } = t;
      await t.setGroup(w.groups.linux, { approvalMode: 'status' });
      const requestedEnd = approvedAt ? at('11:00:00') : at('09:30:00');
      const r = await nothingElseChanges(t, async () => {
        const raised = await t.raise({
          changeType,
          accessType: 'New access',
          adminGroup: w.groups.linux,
          requestedEnd,
        });
        if (approvedAt) {
          expect(t.grant(raised.grantId)).toMatchObject({ status: 'REQUESTED' });
          await sb.clock.advanceTo(at(approvedAt));
          await sb.jira.transition(raised.key, 'Approved', w.jira.alice);
        }
        return raised;
      });
      expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED', reasonCode: 'GRANT.REQUESTED_END_PASSED' });
      expect(t.comments(r.key).at(-1)).toContain('passed before access could start, so nothing was granted');
      expect(sb.okta.members(w.groups.linux)).toEqual([]);
      await deliveredAgainSaysNothingMore(t, r);
    },
  );

  it.each([
    ['an APP_GROUP', 'appGroup', 'GROUP.NOT_OKTA_GROUP', 'is of type APP_GROUP; only OKTA_GROUP groups'],
    [
      'a group targeted by a group rule',
      'ruleTargeted',
      'GROUP.RULE_TARGETED',
      'is assigned by the group rule "Engineering department"',
    ],
    [
      'a group holding an Okta admin role',
      'superAdmins',
      'GROUP.HAS_ADMIN_ROLE',
      'holds Okta admin roles (SUPER_ADMIN); the app never grants admin rights',
    ],
  ] as const)(
    '%s (allowlisted before it changed in Okta) is re-checked at grant time and DENIED',
    async (_name, which, code, message) => {
      const t = await world();
      const groupId = t.w.groups[which];
      await t.allowlistDirectly(groupId, `Group ${which}`);
      const r = await nothingElseChanges(t, () =>
        t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: groupId }),
      );
      expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED', reason: expect.stringContaining(message) });
      expect(t.comments(r.key)).toEqual([expect.stringContaining(`access to Group ${which} could not be granted.`)]);
      expect(t.comments(r.key)[0]).toContain(message);
      expect(t.audit({ grantId: r.grantId, action: 'DENIED' })[0].detail).toMatch(new RegExp(`^${code}: `));
      // Okta was only read.
      expect(t.sb.okta.requests.every((q) => q.method === 'GET')).toBe(true);
      await deliveredAgainSaysNothingMore(t, r);
    },
  );

  it('a group deleted in Okta after allowlisting is DENIED with the reason', async () => {
    const t = await world();
    await t.allowlistDirectly('00gGONE0000000000000', 'Gone group');
    const r = await nothingElseChanges(t, () =>
      t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: '00gGONE0000000000000' }),
    );
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key)[0]).toContain('Okta has no group with id 00gGONE0000000000000');
  });
});

describe('identity', () => {
  async function requestAs(t: World, reporter: string) {
    return nothingElseChanges(t, () =>
      t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux }, { reporter }),
    );
  }

  it('hidden email and no mapping: DENIED, telling the admin what to do', async () => {
    const t = await world();
    const r = await requestAs(t, t.w.jira.henry);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key)).toEqual([
      expect.stringContaining("Jira does not show Hidden Henry's email address to the app"),
    ]);
    expect(t.comments(r.key)[0]).toContain(
      'add Hidden Henry to the requester mapping (Okta JIT Access admin page, Policy, Requester mapping)',
    );
    // No user search was made with anything the issue supplied.
    expect(t.sb.okta.requests.filter((q) => q.path === '/api/v1/users')).toEqual([]);
  });

  it('no Okta user with that email: DENIED', async () => {
    const t = await world();
    const nobody = t.sb.jira.addUser({ displayName: 'Nora Nobody', email: 'nora.nobody@atko.email' }).accountId;
    const r = await requestAs(t, nobody);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key)[0]).toContain('No Okta user matches the email address Jira shows for this person.');
  });

  it('two active Okta users with that email: DENIED, asking for an explicit mapping', async () => {
    const t = await world();
    t.sb.okta.addUser({ login: 'sam.one@atko.email', email: 'sam@atko.email' });
    t.sb.okta.addUser({ login: 'sam.two@atko.email', email: 'sam@atko.email' });
    const sam = t.sb.jira.addUser({ displayName: 'Sam Twice', email: 'sam@atko.email' }).accountId;
    const r = await requestAs(t, sam);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key)[0]).toContain(
      'More than one active Okta user matches the email address Jira shows for this person. An admin must add an explicit requester mapping',
    );
  });

  it('a deactivated Okta user: DENIED', async () => {
    const t = await world();
    const old = t.sb.jira.addUser({ displayName: 'Old Neville', email: 'neville.old@atko.email' }).accountId;
    const r = await requestAs(t, old);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key)[0]).toContain('is not active. An Okta admin must activate the account first.');
  });
});

describe('Okta connection', () => {
  it('an app never configured (people only): the request is refused, Okta is never called', async () => {
    const t = await world({ seed: 'people' });
    const r = await nothingElseChanges(t, () =>
      t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux }),
    );
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key)).toEqual([
      expect.stringContaining('This group is not on the list of groups this app may grant.'),
    ]);
    expect(t.sb.okta.requests).toEqual([]);
  });

  it('groups allowlisted but Okta not connected: FAILED, saying the admin must connect Okta', async () => {
    const t = await world({ seed: 'people' });
    await t.allowlistDirectly(t.w.groups.linux, 'PAM Linux Sysadmins');
    const r = await nothingElseChanges(t, () =>
      t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux }),
    );
    expect(t.grant(r.grantId)).toMatchObject({
      status: 'FAILED',
      reason: expect.stringContaining('Okta is not connected yet'),
    });
    expect(t.comments(r.key)).toEqual([expect.stringContaining('access to PAM Linux Sysadmins could not be granted.')]);
    expect(t.comments(r.key)[0]).toContain(
      'A Jira admin must fix it in the Okta JIT Access admin page (Okta connection)',
    );
    expect(t.sb.okta.requests).toEqual([]);
    expect(await t.health((h) => h.oktaErrorsSince(at('00:00:00')))).toEqual([
      expect.objectContaining({ message: expect.stringContaining('Okta is not connected yet') }),
    ]);
    // Nothing keeps retrying it: a later sweep leaves it FAILED and says nothing more.
    await t.sb.clock.advance(1 * HOUR);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'FAILED' });
    expect(t.comments(r.key)).toHaveLength(1);
  });

  it('a wrong API token: FAILED, saying the credentials were rejected, without the token', async () => {
    const t = await world();
    const wrong = '00' + 'x'.repeat(40);
    await t.config((c: KvsConfigStore) => c.saveSecrets({ apiToken: wrong }));
    const r = await nothingElseChanges(t, () =>
      t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux }),
    );
    expect(t.grant(r.grantId)).toMatchObject({ status: 'FAILED' });
    expect(t.comments(r.key)).toEqual([
      expect.stringContaining(
        'Okta rejected the credentials (HTTP 401 E0000011). A Jira admin must check the API token',
      ),
    ]);
    expect(t.sb.okta.requests.map((q) => q.status)).toEqual([401]);
    const everything = JSON.stringify([
      t.sb.jira.comments(r.key),
      t.grants(),
      t.audit(),
      t.sb.kvs.keys().map((k) => t.sb.kvs.value(k)),
    ]);
    expect(everything).not.toContain(wrong);
    expect(everything).not.toContain(t.sb.okta.apiToken);
  });
});

describe('Extend and View', () => {
  it('Extend with no active grant: a comment saying so, nothing extended', async () => {
    const t = await world();
    const { w, sb } = t;
    // An ended grant does not count.
    const done = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: w.groups.linux,
      requestedEnd: at('09:20:00'),
    });
    await sb.clock.advanceTo(at('09:30:00'));
    expect(t.grant(done.grantId)).toMatchObject({ status: 'EXPIRED' });
    const version = t.grant(done.grantId)!.version;

    const r = await nothingElseChanges(t, () =>
      t.raise({ changeType: 'Standard', accessType: 'Extend access', adminGroup: w.groups.linux }),
    );
    expect(t.comments(r.key)).toEqual([
      '@Neville Newadmin Access not extended.\nYou have no active access to PAM Linux Sysadmins to extend. Raise a New access request instead.',
    ]);
    expect(t.grant(r.grantId)).toBeUndefined();
    expect(t.grant(done.grantId)!.version).toBe(version);
    await deliveredAgainSaysNothingMore(t, r);

    // Someone else's active grant does not count either.
    await t.raise(
      { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.windows },
      { reporter: w.jira.alice },
    );
    const mine = await t.raise({ changeType: 'Standard', accessType: 'Extend access', adminGroup: w.groups.windows });
    expect(t.comments(mine.key)[0]).toContain('You have no active access to PAM Windows Admins to extend.');
  });

  it('View with no grants: a comment saying so', async () => {
    const t = await world();
    await t.raise(
      { changeType: 'Standard', accessType: 'New access', adminGroup: t.w.groups.linux },
      { reporter: t.w.jira.alice },
    );
    const r = await nothingElseChanges(t, () => t.raise({ accessType: 'View access' }));
    expect(t.comments(r.key)).toEqual([
      '@Neville Newadmin you have no Okta access grants from the last 90 days. Raise a New access request to get one.',
    ]);
    await deliveredAgainSaysNothingMore(t, r);
  });
});

describe('an issue edited after the request', () => {
  const notApplied = (what: string, stage: string) =>
    `@Neville Newadmin Changes to this request are not applied.\n${what} changed after ${stage}. The request stays as it was recorded. For a different group, person or kind of request, raise a new issue.`;

  it('after approval: the group change is not applied, one comment, audited with the editor, membership untouched', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', groupId: w.groups.linux });
    const grantBefore = t.grant(r.grantId);
    const comments = t.comments(r.key).length;

    const edit = await nothingElseChanges(t, () =>
      sb.jira.updateFields(r.key, { adminGroup: w.groups.windows }, w.jira.neville),
    );
    expect(t.grant(r.grantId)).toEqual(grantBefore);
    expect(t.comments(r.key).slice(comments)).toEqual([notApplied('Admin group', 'access was granted')]);
    expect(t.audit({ grantId: r.grantId, action: 'EDIT_IGNORED' })).toEqual([
      expect.objectContaining({
        actor: w.jira.neville,
        detail: expect.stringContaining(`Admin group changed after access was granted (by ${w.jira.neville})`),
      }),
    ]);
    expect(sb.okta.members(w.groups.windows)).toEqual([]);
    expect(sb.okta.members(w.groups.linux)).toEqual([w.okta.neville]);

    // The same edit event again: nothing more. The duration driver is part of the request too: said once.
    await sb.jira.deliverAgain(edit!.eventId);
    expect(t.comments(r.key)).toHaveLength(comments + 1);
    await sb.jira.updateFields(r.key, { changeType: 'Emergency' }, w.jira.alice);
    expect(t.comments(r.key).slice(comments + 1)).toEqual([
      notApplied('Admin group, the duration field', 'access was granted'),
    ]);
    expect(
      t
        .audit({ grantId: r.grantId, action: 'EDIT_IGNORED' })
        .map((e) => e.actor)
        .sort(),
    ).toEqual([w.jira.alice, w.jira.neville].sort());
    expect(t.grant(r.grantId)).toEqual(grantBefore);
  });

  it("before approval, the requester's own edit withdraws the request and records a new one, which needs its own approval", async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    await t.setGroup(w.groups.windows, { approvalMode: 'status' });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    await sb.jira.updateFields(r.key, { adminGroup: w.groups.windows }, w.jira.neville);
    const second = `${r.grantId}-r2`;
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN', endedBy: w.jira.neville, supersededBy: second });
    expect(t.grant(second)).toMatchObject({
      status: 'REQUESTED',
      groupId: w.groups.windows,
      requesterAccountId: w.jira.neville,
      requestNumber: 2,
    });
    expect(t.audit({ grantId: r.grantId, action: 'WITHDRAWN' })).toEqual([
      expect.objectContaining({ actor: w.jira.neville, detail: expect.stringContaining('changed Admin group') }),
    ]);
    expect(t.comments(r.key).at(-1)).toContain('is waiting for approval');

    await sb.jira.transition(r.key, 'Approved', w.jira.alice);
    expect(t.grant(second)).toMatchObject({ status: 'ACTIVE', groupId: w.groups.windows, approvedBy: w.jira.alice });
    expect(t.grant(r.grantId)).toMatchObject({ status: 'WITHDRAWN' });
    expect(sb.okta.members(w.groups.windows)).toEqual([w.okta.neville]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);
  });

  it('before approval, an edit by someone else is not applied, and voids an approval given before it', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux });
    // Approved while Okta is away (the grant cannot start), then Alice edits the group.
    sb.okta.fault({ method: 'GET', path: /^\/api\/v1\/groups\/[^/]+$/, status: 503, times: 1 });
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    await sb.jira.updateFields(r.key, { adminGroup: w.groups.windows }, w.jira.alice);
    await sb.clock.advance(60_000);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED', groupId: w.groups.linux });
    expect(t.comments(r.key)).toEqual(
      expect.arrayContaining([
        notApplied('Admin group', 'it was recorded'),
        expect.stringContaining(
          'Admin group changed after this request was approved, so the approval no longer counts',
        ),
      ]),
    );
    expect(t.audit({ grantId: r.grantId, action: 'APPROVAL_VOIDED' })).toEqual([
      expect.objectContaining({ actor: w.jira.alice }),
    ]);
    expect(sb.okta.members(w.groups.linux)).toEqual([]);

    // Approved again, after the edit: the request as recorded is granted, the edit never is.
    await sb.jira.transition(r.key, 'To Do', w.jira.ada);
    await sb.jira.transition(r.key, 'Approved', w.jira.ada);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', groupId: w.groups.linux, approvedBy: w.jira.ada });
    expect(sb.okta.members(w.groups.windows)).toEqual([]);
  });
});
