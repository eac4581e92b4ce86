/**
 * Okta calls per New access (issue 11, ADR 0021): the group's type and admin roles are read live at
 * every grant; the org-wide group-rule listing is read at most once per five minutes per installation
 * (kept in storage, so a cold instance does not read it again).
 */
import { MIN, useWorlds, world, type World } from './world';

useWorlds();

/** The Okta requests one New access made, as `METHOD path` (query left off). */
async function oktaCallsOf(t: World, reporter: string, group: string) {
  const before = t.sb.okta.requests.length;
  const { grantId } = await t.raise(
    { changeType: 'Standard', accessType: 'New access', adminGroup: group },
    { reporter },
  );
  const calls = t.sb.okta.requests.slice(before).map((r) => `${r.method} ${r.path}`);
  return { grantId, calls };
}

describe('Okta calls per New access', () => {
  it('reads the rule listing once per five minutes; type, roles, user, membership and the PUT every time', async () => {
    const t = await world();
    const { w } = t;

    const first = await oktaCallsOf(t, w.jira.neville, w.groups.linux);
    expect(t.grant(first.grantId)?.status).toBe('ACTIVE');
    expect(first.calls.filter((c) => c === 'GET /api/v1/groups/rules')).toHaveLength(1);

    await t.sb.clock.advance(2 * MIN);
    const second = await oktaCallsOf(t, w.jira.alice, w.groups.windows);
    expect(t.grant(second.grantId)?.status).toBe('ACTIVE');
    expect(second.calls).toEqual([
      `GET /api/v1/groups/${w.groups.windows}`,
      `GET /api/v1/groups/${w.groups.windows}/roles`,
      'GET /api/v1/users',
      `GET /api/v1/users/${w.okta.alice}/groups`,
      `PUT /api/v1/groups/${w.groups.windows}/users/${w.okta.alice}`,
    ]);
    expect(second.calls.length).toBeLessThanOrEqual(5);

    // Past five minutes the listing is read again.
    await t.sb.clock.advance(4 * MIN);
    const third = await oktaCallsOf(t, w.jira.neville, w.groups.windows);
    expect(t.grant(third.grantId)?.status).toBe('ACTIVE');
    expect(third.calls.filter((c) => c === 'GET /api/v1/groups/rules')).toHaveLength(1);
  });

  it('refuses at once a group that gained an admin role, even with the rule listing cached', async () => {
    const t = await world();
    const { w } = t;
    await oktaCallsOf(t, w.jira.neville, w.groups.linux);
    t.sb.okta.addRole(w.groups.windows, 'USER_ADMIN');
    const { grantId, calls } = await oktaCallsOf(t, w.jira.alice, w.groups.windows);
    expect(t.grant(grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.audit({ grantId, action: 'DENIED' })[0].detail).toMatch(/^GROUP.HAS_ADMIN_ROLE: /);
    expect(calls).not.toContain('GET /api/v1/groups/rules');
    expect(t.sb.okta.members(w.groups.windows)).not.toContain(w.okta.alice);
  });

  it('sees a rule that targets the group once the cached listing is five minutes old', async () => {
    const t = await world();
    const { w } = t;
    await oktaCallsOf(t, w.jira.neville, w.groups.linux);
    t.sb.okta.addRule({ name: 'Sysadmins by department', groupIds: [w.groups.windows] });
    await t.sb.clock.advance(5 * MIN + 1_000);
    const { grantId } = await oktaCallsOf(t, w.jira.alice, w.groups.windows);
    expect(t.grant(grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.audit({ grantId, action: 'DENIED' })[0].detail).toMatch(/^GROUP.RULE_TARGETED: /);
    expect(t.sb.okta.members(w.groups.windows)).not.toContain(w.okta.alice);
  });
});
