/**
 * The demo world of product.md section 7: Neville and colleagues in Jira and Okta, the PAM groups,
 * groups the app must refuse, and the app configured through its own storage adapters (as the admin
 * page would). Used by the demo, the local admin host and tests.
 */
import type { Sandbox } from './index';
import { KvsConfigStore } from '../src/adapters/kvs/config-store';
import { DEFAULT_POLICY, type GroupPolicy } from '../src/domain/policy';

export interface DemoWorld {
  projectKey: string;
  jira: { neville: string; alice: string; ada: string; henry: string };
  okta: { neville: string; alice: string; ada: string };
  groups: {
    linux: string;
    windows: string;
    database: string;
    appGroup: string;
    ruleTargeted: string;
    superAdmins: string;
  };
}

export function groupPolicy(groupId: string, displayName: string, over: Partial<GroupPolicy> = {}): GroupPolicy {
  return {
    groupId,
    displayName,
    maxDurationHours: 12,
    maxLifetimeHours: 24,
    maxExtensions: 2,
    reminderLeadMinutes: 60,
    approvalMode: 'none',
    allowedProjectKeys: [],
    ...over,
  };
}

/** People and groups only; the app stays unconfigured (for admin-page flows that connect Okta). */
export function seedPeople(sb: Sandbox): DemoWorld {
  const projectKey = 'ACC';
  sb.jira.addProject({ key: projectKey, name: 'Access Requests' });
  const neville = sb.jira.addUser({
    displayName: 'Neville Newadmin',
    email: 'neville.newadmin@atko.email',
    timeZone: 'Europe/London',
  }).accountId;
  const alice = sb.jira.addUser({
    displayName: 'Alice Approver',
    email: 'alice.approver@atko.email',
    timeZone: 'America/New_York',
  }).accountId;
  const ada = sb.jira.addUser({
    displayName: 'Ada Admin',
    email: 'ada.admin@atko.email',
    timeZone: 'UTC',
    admin: true,
  }).accountId;
  const henry = sb.jira.addUser({
    displayName: 'Hidden Henry',
    email: 'henry.hidden@atko.email',
    emailVisible: false,
    timeZone: 'Asia/Tokyo',
  }).accountId;

  const oNeville = sb.okta.addUser({
    login: 'neville.newadmin@atko.email',
    email: 'neville.newadmin@atko.email',
    firstName: 'Neville',
    lastName: 'Newadmin',
  }).id;
  const oAlice = sb.okta.addUser({
    login: 'alice.approver@atko.email',
    email: 'alice.approver@atko.email',
    firstName: 'Alice',
    lastName: 'Approver',
  }).id;
  const oAda = sb.okta.addUser({
    login: 'ada.admin@atko.email',
    email: 'ada.admin@atko.email',
    firstName: 'Ada',
    lastName: 'Admin',
  }).id;
  sb.okta.addUser({
    login: 'henry.hidden@atko.email',
    email: 'henry.hidden@atko.email',
    firstName: 'Henry',
    lastName: 'Hidden',
  });
  sb.okta.addUser({ login: 'old.neville@atko.email', email: 'neville.old@atko.email', status: 'DEPROVISIONED' });

  const linux = sb.okta.addGroup({ name: 'PAM Linux Sysadmins', description: 'OPA: sudo on Linux servers' }).id;
  const windows = sb.okta.addGroup({ name: 'PAM Windows Admins', description: 'OPA: RDP admin on Windows servers' }).id;
  const database = sb.okta.addGroup({ name: 'PAM Database Admins', description: 'OPA: DBA access' }).id;
  const appGroup = sb.okta.addGroup({ name: 'Salesforce Users', type: 'APP_GROUP' }).id;
  const ruleTargeted = sb.okta.addGroup({ name: 'All Engineers', description: 'Managed by a group rule' }).id;
  sb.okta.addRule({ name: 'Engineering department', groupIds: [ruleTargeted] });
  const superAdmins = sb.okta.addGroup({ name: 'Okta Super Admins' }).id;
  sb.okta.addRole(superAdmins, 'SUPER_ADMIN');

  return {
    projectKey,
    jira: { neville, alice, ada, henry },
    okta: { neville: oNeville, alice: oAlice, ada: oAda },
    groups: { linux, windows, database, appGroup, ruleTargeted, superAdmins },
  };
}

/** People, groups, and the app connected to the Okta emulator with three PAM groups allowlisted. */
/** The project break-glass reviews are filed in when `seedDemo` is asked for them (ADR 0027). */
export const REVIEW_PROJECT = 'SECREV';

export async function seedDemo(
  sb: Sandbox,
  opts: { closeOutTransitionName?: string; breakGlassReview?: boolean } = {},
): Promise<DemoWorld> {
  const world = seedPeople(sb);
  if (opts.breakGlassReview) sb.jira.addProject({ key: REVIEW_PROJECT, name: 'Security Reviews' });
  await sb.app.run(async () => {
    const config = new KvsConfigStore();
    await config.saveConnection({ domain: sb.okta.domain, auth: { method: 'api-token' } });
    await config.saveSecrets({ apiToken: sb.okta.apiToken });
    await config.savePolicy({
      ...DEFAULT_POLICY,
      closeOutTransitionName: opts.closeOutTransitionName ?? 'Done',
      // Emergency grants are reviewed by Ada (the security admin), in the Security Reviews project.
      ...(opts.breakGlassReview
        ? {
            breakGlassReview: {
              projectKey: REVIEW_PROJECT,
              issueTypeId: '10001',
              issueTypeName: 'Task',
              assignee: { kind: 'user' as const, accountId: world.jira.ada },
            },
          }
        : {}),
    });
    await config.saveAllowlist([
      groupPolicy(world.groups.linux, 'PAM Linux Sysadmins'),
      groupPolicy(world.groups.windows, 'PAM Windows Admins'),
      groupPolicy(world.groups.database, 'PAM Database Admins', { maxDurationHours: 8 }),
    ]);
  });
  return world;
}
