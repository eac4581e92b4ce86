/**
 * A valid payload for every admin resolver key, on a demo world, so a refusal in a test can only come
 * from what the test is about (the permission check, a crafted value). Shared by the admin resolver
 * tests; `over` replaces the payloads a test needs different.
 */
import type { Sandbox } from '../../sandbox';
import type { DemoWorld } from '../../sandbox/seed';
import type { AdminKey } from '../../src/shared/admin-contract';

export const validAdminPayloads = (
  sb: Sandbox,
  w: DemoWorld,
  over: Partial<Record<AdminKey, unknown>> = {},
): Record<AdminKey, unknown> => ({
  'admin/connection/get': {},
  'admin/connection/save': { domain: sb.okta.domain, method: 'api-token', apiToken: 'n'.repeat(42) },
  'admin/connection/test': { domain: sb.okta.domain, method: 'api-token' },
  'admin/allowlist/list': {},
  'admin/allowlist/add': {
    groupId: w.groups.superAdmins,
    maxDurationHours: 8,
    maxLifetimeHours: 24,
    maxExtensions: 1,
    reminderLeadMinutes: 30,
    approvalMode: 'none',
    allowedProjectKeys: [],
  },
  'admin/allowlist/update': {
    groupId: w.groups.linux,
    maxDurationHours: 2,
    maxLifetimeHours: 4,
    maxExtensions: 0,
    reminderLeadMinutes: 15,
    approvalMode: 'none',
    allowedProjectKeys: [],
  },
  'admin/allowlist/remove': { groupId: w.groups.windows, reason: 'No longer used.' },
  'admin/groups/search': { query: 'PAM' },
  'admin/policy/get': {},
  'admin/policy/save': {
    durationFieldName: 'Change type',
    durationMapping: [{ value: 'Emergency', hours: 2 }],
    defaultDurationHours: 4,
    approvalStatusName: 'Approved',
    emergencyValue: 'Emergency',
    emergencyMaxHours: 2,
    closeOutTransitionName: '',
    requesterMapping: [],
    notifyByEmail: true,
  },
  'admin/dashboard/get': {},
  'admin/audit/query': {},
  'admin/audit/options': {},
  'admin/audit/verify': {},
  'admin/grants/revoke': { grantId: 'grant-10001', reason: 'Work finished.' },
  'admin/requests/cancel': { grantId: 'grant-10001', reason: 'Raised by mistake.' },
  'admin/alerts/acknowledge': { alert: 'drift' },
  'admin/approvers/people': { query: 'Alice' },
  'admin/approvers/groups': { query: 'jira' },
  'admin/approvers/roles': {},
  'admin/diagnostics/get': {},
  'admin/diagnostics/run': {},
  'admin/jira/fields': {},
  'admin/jira/datetime-fields': {},
  'admin/jira/field-options': { fieldId: 'customfield_10050' },
  'admin/jira/statuses': {},
  'admin/jira/transitions': {},
  'admin/jira/projects': { query: 'AC' },
  'admin/jira/issue-types': { projectKey: 'ACC' },
  'admin/okta/users': { query: 'neville' },
  ...over,
});
