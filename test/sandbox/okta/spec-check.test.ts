import { loadOktaSpec, OktaSpec } from '../../../sandbox/okta/spec-check';

const spec = loadOktaSpec();
const check = (method: string, pathAndQuery: string) => {
  const u = new URL(pathAndQuery, 'http://x');
  return spec.check(method, u.pathname, u.searchParams);
};
const opId = (method: string, p: string) => {
  const r = check(method, p);
  return r.ok ? r.operation.operationId : `violation: ${r.reason}`;
};

describe('Okta spec check', () => {
  it('matches the operations the app uses', () => {
    expect(opId('GET', '/api/v1/users?search=profile.email%20eq%20%22a%40b%22')).toBe('listUsers');
    expect(opId('GET', '/api/v1/users/00u1')).toBe('getUser');
    expect(opId('GET', '/api/v1/users/00u1/groups')).toBe('listUserGroups');
    expect(opId('GET', '/api/v1/groups?q=PAM&limit=20')).toBe('listGroups');
    expect(opId('GET', '/api/v1/groups/00g1')).toBe('getGroup');
    expect(opId('GET', '/api/v1/groups/00g1/roles')).toBe('listGroupAssignedRoles');
    expect(opId('GET', '/api/v1/groups/00g1/users?limit=200&after=abc')).toBe('listGroupUsers');
    expect(opId('PUT', '/api/v1/groups/00g1/users/00u1')).toBe('addUserToGroup');
    expect(opId('DELETE', '/api/v1/groups/00g1/users/00u1')).toBe('removeUserFromGroup');
    expect(opId('GET', '/api/v1/org')).toBe('getOrgSettings');
  });

  it('prefers literal segments over templates', () => {
    expect(opId('GET', '/api/v1/groups/rules?limit=50')).toBe('listGroupRules');
    const r = check('GET', '/api/v1/groups/rules');
    expect(r.ok && r.params).toEqual({});
    const g = check('GET', '/api/v1/groups/00gabc');
    expect(g.ok && g.params).toEqual({ groupId: '00gabc' });
  });

  it('prefers literal segments even when the templated path comes first in the document', () => {
    const doc = {
      info: { version: 't' },
      paths: {
        '/g/{id}': { get: { operationId: 'getG', parameters: [{ in: 'path', name: 'id' }] } },
        '/g/rules': { parameters: [{ $ref: '#/parameters/limit' }], get: { operationId: 'listRules' } },
      },
      parameters: { limit: { in: 'query', name: 'limit', type: 'integer' } },
    };
    const s = new OktaSpec(doc);
    const r = s.check('GET', '/g/rules', new URLSearchParams('limit=5'));
    expect(r.ok && r.operation.operationId).toBe('listRules'); // path-level $ref parameter resolved
    const g = s.check('GET', '/g/00g1', new URLSearchParams());
    expect(g.ok && g.operation.operationId).toBe('getG');
  });

  it('flags undeclared query parameters, bad integers, unknown paths and methods', () => {
    expect(opId('GET', '/api/v1/users/00u1/groups?limit=10')).toMatch(/"limit" is not declared for listUserGroups/);
    expect(opId('GET', '/api/v1/groups/00g1/users?limit=ten')).toMatch(/must be an integer/);
    expect(opId('GET', '/api/v1/groups/00g1/members')).toMatch(/no path/);
    expect(opId('PATCH', '/api/v1/groups/00g1')).toMatch(/no PATCH operation/);
    expect(opId('GET', '/oauth2/v1/token')).toMatch(/no path/); // not in this spec; the emulator allows POST explicitly
  });

  it('understands path keys that embed a query string', () => {
    expect(opId('POST', '/api/v1/users/00u1/lifecycle/expire_password?tempPassword=true')).toMatch(/expirePassword/);
    expect(opId('POST', '/api/v1/users/00u1/lifecycle/expire_password?tempPassword=maybe')).toMatch(/must be one of/);
  });
});
