import type { Grant } from '../../src/domain/grant';
import type { GroupPolicy } from '../../src/domain/policy';

export const LINUX = '00gLINUXSYSADMIN0001';
export const WINDOWS = '00gWINDOWSADMIN00002';

export function makeGrant(over: Partial<Grant> = {}): Grant {
  return {
    id: 'grant-10001',
    issueId: '10001',
    issueKey: 'ACC-1',
    projectKey: 'ACC',
    requesterAccountId: 'acc-neville',
    groupId: LINUX,
    status: 'ACTIVE',
    requestedAt: '2026-11-22T09:00:00.000Z',
    emergency: false,
    firstStartedAt: '2026-11-22T09:00:00.000Z',
    startedAt: '2026-11-22T09:00:00.000Z',
    endsAt: '2026-11-22T13:00:00.000Z',
    extensions: 0,
    preexistingMembership: false,
    attempts: 0,
    version: 1,
    updatedAt: '2026-11-22T09:00:00.000Z',
    oktaUserId: '00uNEVILLE00000000001',
    ...over,
  };
}

export function makeGroupPolicy(over: Partial<GroupPolicy> = {}): GroupPolicy {
  return {
    groupId: LINUX,
    displayName: 'PAM Linux Sysadmins',
    maxDurationHours: 12,
    maxLifetimeHours: 24,
    maxExtensions: 2,
    reminderLeadMinutes: 60,
    approvalMode: 'none',
    allowedProjectKeys: [],
    ...over,
  };
}
