/** The two app fields as the requester filled them in, checked before anything else happens. */
export const ACCESS_TYPES = ['New access', 'Extend access', 'View access'] as const;
export type AccessType = (typeof ACCESS_TYPES)[number];

export const isAccessType = (v: unknown): v is AccessType =>
  typeof v === 'string' && (ACCESS_TYPES as readonly string[]).includes(v);

/** Okta group ids are 20 characters starting with 00g; we accept the documented shape only. */
export const OKTA_GROUP_ID = /^00g[A-Za-z0-9]{17}$/;
export const isOktaGroupId = (v: unknown): v is string => typeof v === 'string' && OKTA_GROUP_ID.test(v);

export type FieldProblem =
  | { code: 'REQUEST.ACCESS_TYPE_MISSING' }
  | { code: 'REQUEST.ACCESS_TYPE_INVALID'; value: string }
  | { code: 'REQUEST.GROUP_MISSING' }
  | { code: 'REQUEST.GROUP_INVALID'; value: string };

export type ParsedRequest =
  | { ok: true; accessType: 'View access' }
  | { ok: true; accessType: 'New access' | 'Extend access'; groupId: string }
  | { ok: false; problem: FieldProblem };

/** View access needs no group; the other two need a well-formed Okta group id. */
export function parseAccessRequest(accessType: unknown, adminGroup: unknown): ParsedRequest {
  if (accessType === null || accessType === undefined || accessType === '') {
    return { ok: false, problem: { code: 'REQUEST.ACCESS_TYPE_MISSING' } };
  }
  if (!isAccessType(accessType)) {
    return { ok: false, problem: { code: 'REQUEST.ACCESS_TYPE_INVALID', value: String(accessType).slice(0, 80) } };
  }
  if (accessType === 'View access') return { ok: true, accessType };
  if (adminGroup === null || adminGroup === undefined || adminGroup === '') {
    return { ok: false, problem: { code: 'REQUEST.GROUP_MISSING' } };
  }
  if (!isOktaGroupId(adminGroup)) {
    return { ok: false, problem: { code: 'REQUEST.GROUP_INVALID', value: String(adminGroup).slice(0, 80) } };
  }
  return { ok: true, accessType, groupId: adminGroup };
}
