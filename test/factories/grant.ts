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

/**
 * A requester's history: `count` EXPIRED grants of `groupId`, one requested every 2 h back from 2 h
 * before `nowIso`, each active for an hour, on issues HIST-1 (newest) to HIST-<count>.
 */
export function expiredHistory(opts: {
  count: number;
  nowIso: string;
  requesterAccountId: string;
  groupId: string;
}): Grant[] {
  const now = Date.parse(opts.nowIso);
  const HOUR = 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  return Array.from({ length: opts.count }, (_, i) => {
    const requested = now - (i + 1) * 2 * HOUR;
    const id = `9${String(i).padStart(5, '0')}`;
    return makeGrant({
      id: `grant-${id}`,
      issueId: id,
      issueKey: `HIST-${i + 1}`,
      requesterAccountId: opts.requesterAccountId,
      groupId: opts.groupId,
      status: 'EXPIRED',
      requestedAt: iso(requested),
      firstStartedAt: iso(requested),
      startedAt: iso(requested),
      endsAt: iso(requested + HOUR),
      endedAt: iso(requested + HOUR),
      endReason: 'EXPIRED',
      endedBy: 'app',
      updatedAt: iso(requested + HOUR),
      version: 5,
    });
  });
}
