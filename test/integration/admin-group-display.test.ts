/**
 * The issue property behind the Admin group field's formatter (ADR 0018) and the JQL index (ADR 0024):
 * every stored change of a New access request's grant writes it, once, and a Jira failure on that
 * write never fails the grant's work.
 */
import { ISSUE_PROPERTY_KEY } from '../../src/domain/issue-property';
import { world, useWorlds } from './world';

useWorlds();

const propertyPuts = (t: Awaited<ReturnType<typeof world>>) =>
  t.sb.jira.requests.filter((r) => r.method === 'PUT' && r.path.includes(`/properties/${ISSUE_PROPERTY_KEY}`));

describe('Admin group display property', () => {
  it("sets the group's id and name (and the request's state) on the issue, once per stored change", async () => {
    const t = await world();
    const { key, id, grantId } = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: t.w.groups.linux,
    });
    expect(t.grant(grantId)?.status).toBe('ACTIVE');
    expect(t.sb.jira.issueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      v: 2,
      groupId: t.w.groups.linux,
      groupName: 'PAM Linux Sysadmins',
      status: 'ACTIVE',
      rev: t.grant(grantId)?.version,
    });
    // One write per stored change of the grant (REQUESTED, GRANTING, ACTIVE), none twice.
    const puts = propertyPuts(t);
    expect(puts.map((p) => (p.body as { status: string; rev: number }).status)).toEqual([
      'REQUESTED',
      'GRANTING',
      'ACTIVE',
    ]);
    expect(puts.map((p) => (p.body as { rev: number }).rev)).toEqual([1, 2, 3]);
    expect(puts[0].path).toBe(`/rest/api/3/issue/${id}/properties/${ISSUE_PROPERTY_KEY}`);
    expect(puts[0].asAccountId).toBeUndefined();
  });

  it('a Jira failure on the property does not fail the grant; the next stored change writes it', async () => {
    const t = await world();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    t.sb.jira.failNext({ method: 'PUT', pathIncludes: '/properties/', status: 503 });
    const { key, grantId } = await t.raise({
      changeType: 'Standard',
      accessType: 'New access',
      adminGroup: t.w.groups.linux,
    });
    expect(t.grant(grantId)?.status).toBe('ACTIVE');
    expect(t.actions(grantId)).toEqual(['REQUESTED', 'GRANT_STARTED', 'MEMBERSHIP_ADDED', 'ACTIVE']);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining(`${ISSUE_PROPERTY_KEY} property of ${key} was not set to REQUESTED`),
      expect.anything(),
    );
    expect(propertyPuts(t)).toHaveLength(3);
    expect(t.sb.jira.issueProperty(key, ISSUE_PROPERTY_KEY)).toMatchObject({
      groupName: 'PAM Linux Sysadmins',
      status: 'ACTIVE',
    });
    warn.mockRestore();
  });

  it('the emulator serves the property as Jira does: GET after PUT, 404 before and for no issue', async () => {
    const t = await world();
    const { key } = await t.raise({ accessType: 'View access' });
    const get = () => t.sb.jira.handle({ method: 'GET', path: `/rest/api/3/issue/${key}/properties/other` });
    expect(get().status).toBe(404);
    const put = (body: unknown) =>
      t.sb.jira.handle({
        method: 'PUT',
        path: `/rest/api/3/issue/${key}/properties/other`,
        body,
        headers: { 'content-type': 'application/json' },
      });
    expect(put({ a: 1 }).status).toBe(201);
    expect(put({ a: 2 }).status).toBe(200);
    expect(get()).toMatchObject({ status: 200, body: { key: 'other', value: { a: 2 } } });
    expect(put({ big: 'x'.repeat(40_000) }).status).toBe(400);
    expect(
      t.sb.jira.handle({ method: 'PUT', path: '/rest/api/3/issue/0/properties/other', body: { a: 1 } }).status,
    ).toBe(404);
  });
});
