/**
 * The admin page's contract, imported by the resolver (src/entry/admin-resolver.ts), the admin use
 * cases (src/app/admin) and the Custom UI (static/admin). One list of resolver keys, one zod schema
 * per payload (the server parses with it, the UI validates forms with it for inline messages), and
 * the DTOs the resolvers answer with. No DTO has a field that could carry a secret: credentials
 * travel only UI -> server, and come back as 'set' / 'not set'.
 */
import { APPROVAL_MODES, DEFAULT_APPROVAL_WINDOW_DAYS, type GroupPolicy } from '../domain/policy';
import { z } from 'zod';
import { MAX_CANCEL_REASON } from '../domain/grant-transitions';
import { MAX_APPROVAL_STEPS, MAX_APPROVALS_PER_STEP } from '../domain/approval-policy';
import {
  OKTA_AUTH_METHODS,
  OKTA_SCOPES,
  validateOktaDomain,
  type OktaAuthMethod,
  type OktaScope,
} from '../domain/okta-domain';
import type { CheckGroup, CheckStatus, SelfCheckState, SelfCheckTrigger } from '../domain/self-check';
import { OKTA_GROUP_ID, type AuditAction, type GrantStatus } from './vocabulary';

export const ADMIN_KEYS = {
  connectionGet: 'admin/connection/get',
  connectionSave: 'admin/connection/save',
  connectionTest: 'admin/connection/test',
  allowlistList: 'admin/allowlist/list',
  allowlistAdd: 'admin/allowlist/add',
  allowlistUpdate: 'admin/allowlist/update',
  allowlistRemove: 'admin/allowlist/remove',
  groupsSearch: 'admin/groups/search',
  policyGet: 'admin/policy/get',
  policySave: 'admin/policy/save',
  dashboardGet: 'admin/dashboard/get',
  auditQuery: 'admin/audit/query',
  auditOptions: 'admin/audit/options',
  auditVerify: 'admin/audit/verify',
  grantRevoke: 'admin/grants/revoke',
  requestCancel: 'admin/requests/cancel',
  /** Acknowledge a dashboard alert whose cause is resolved (ADR 0017); answers the dashboard read back. */
  alertAcknowledge: 'admin/alerts/acknowledge',
  /** Pickers for approver settings: Jira people, Jira groups, project roles (read from Jira as the app). */
  approverPeopleSearch: 'admin/approvers/people',
  approverGroupsSearch: 'admin/approvers/groups',
  approverRolesList: 'admin/approvers/roles',
  /** The installation self-check: the last result, and a run on demand (ADR 0014). */
  diagnosticsGet: 'admin/diagnostics/get',
  diagnosticsRun: 'admin/diagnostics/run',
  /**
   * Pickers for the policy and the allowlist, read from Jira as the app: select-list fields (the
   * duration field), a field's options, the statuses and workflow transitions of the projects in use,
   * and projects.
   */
  jiraFields: 'admin/jira/fields',
  /** Date-time fields: what a change window's planned start and end may be (ADR 0025). */
  jiraDateTimeFields: 'admin/jira/datetime-fields',
  jiraFieldOptions: 'admin/jira/field-options',
  jiraStatuses: 'admin/jira/statuses',
  jiraTransitions: 'admin/jira/transitions',
  jiraProjects: 'admin/jira/projects',
  /** The issue types of one project (the break-glass review's issue type, ADR 0027). */
  jiraIssueTypes: 'admin/jira/issue-types',
  /** The requester mapping's Okta user picker: Okta users by the start of a login, email or name (ADR 0016). */
  oktaUsersSearch: 'admin/okta/users',
} as const;
export type AdminKey = (typeof ADMIN_KEYS)[keyof typeof ADMIN_KEYS];

/** Stable error codes the UI may branch on (messages are for people). */
export const ADMIN_ERRORS = {
  notAdmin: 'AUTH.NOT_ADMIN',
  invalid: 'VALIDATION.INVALID',
  domain: 'CONNECTION.INVALID_DOMAIN',
  secretRequired: 'CONNECTION.SECRET_REQUIRED',
  notConnected: 'OKTA.NOT_CONNECTED',
  oktaUnavailable: 'OKTA.UNAVAILABLE',
  oktaRefused: 'OKTA.REFUSED',
  oktaNotFound: 'OKTA.NOT_FOUND',
  oktaPermissionMissing: 'OKTA.PERMISSION_MISSING',
  duplicate: 'ALLOWLIST.DUPLICATE',
  notAllowlisted: 'ALLOWLIST.NOT_FOUND',
  allowlistFull: 'ALLOWLIST.FULL',
  unknownAccount: 'POLICY.UNKNOWN_ACCOUNT',
  /** A requester mapping names an Okta login no Okta user has, or whose user is not ACTIVE. */
  unusableOktaUser: 'POLICY.UNUSABLE_OKTA_USER',
  /** An approver setting names a Jira group, project role or person Jira does not know. */
  unknownApprover: 'POLICY.UNKNOWN_APPROVER',
  jiraUnavailable: 'JIRA.UNAVAILABLE',
  /**
   * A setting names something Jira does not have (a field, a field option, a status, a transition, a
   * project); the refusal's `fields` put the message on each setting concerned.
   */
  notInJira: 'JIRA.NOT_FOUND',
  /** An alert to acknowledge has nothing new, or its cause is still there (ADR 0017). */
  nothingToAcknowledge: 'ALERT.NOTHING_TO_ACKNOWLEDGE',
  alertNotResolved: 'ALERT.NOT_RESOLVED',
} as const;

export const LIMITS = {
  maxAllowlist: 100,
  /** Statuses that end access early (resolved, cancelled...: ADR 0025). */
  maxAccessEndingStatuses: 20,
  maxDurationHours: 168,
  maxLifetimeHours: 720,
  maxExtensions: 20,
  maxReminderLeadMinutes: 1440,
  maxProjectKeys: 50,
  maxDurationMappings: 20,
  maxRequesterMappings: 500,
  /** Okta users the requester mapping's Okta picker lists at once. */
  oktaUserHits: 20,
  /** People the policy tab lists as "needs a mapping" (requests denied for want of one). */
  needsMappingHits: 20,
  maxEmergencyHours: 24,
  maxApprovalWindowDays: 90,
  maxApprovalSteps: MAX_APPROVAL_STEPS,
  maxApprovalsPerStep: MAX_APPROVALS_PER_STEP,
  maxApproversPerList: 20,
  auditPageSize: 200,
  searchQuery: 100,
  /** Projects a project picker lists at once. */
  projectHits: 50,
  /** Projects read for "every project" when the policy's statuses and transitions are listed or checked. */
  maxProjectsInUse: 100,
} as const;

// ---------------------------------------------------------------- helpers

const text = (label: string, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .max(max, `${label} must be at most ${max} characters.`);
const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .optional()
    .transform((v) => (v === undefined || v === '' ? undefined : v));
const number = (label: string, min: number, max: number, opts: { int?: boolean } = {}) => {
  let n = z.number({ error: `${label} must be a number.` });
  if (opts.int) n = n.int(`${label} must be a whole number.`);
  return n.min(min, `${label} must be at least ${min}.`).max(max, `${label} must be at most ${max}.`);
};

const groupId = z
  .string({ error: 'Choose an Okta group.' })
  .regex(OKTA_GROUP_ID, 'That is not an Okta group id (00g followed by 17 letters or digits).');
const ACCOUNT_ID = /^[A-Za-z0-9:_-]{1,128}$/;
const accountId = z.string().regex(ACCOUNT_ID, 'That is not a Jira account id.');

/** `{ 'auth.clientId': 'Client id is required.' }`: the first message per field, for inline display. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '_';
    if (!(path in out)) out[path] = issue.message;
  }
  return out;
}

/** One sentence for the envelope's message, naming the fields that need attention. */
export function describeIssues(error: z.ZodError): string {
  const msgs = [...new Set(error.issues.map((i) => i.message))];
  return msgs.slice(0, 4).join(' ') + (msgs.length > 4 ? ` (and ${msgs.length - 4} more)` : '');
}

// ---------------------------------------------------------------- connection

export type SecretState = 'set' | 'not set';

export interface ConnectionView {
  configured: boolean;
  domain?: string;
  method: OktaAuthMethod;
  clientId?: string;
  keyId?: string;
  apiToken: SecretState;
  privateKey: SecretState;
  /** How the saved connection stands; absent until a connection is saved. */
  status?: ConnectionStatus;
}

/**
 * The lasting status of the saved connection, shown on the connection tab and the dashboard: the last
 * test of the saved credentials, and whether Okta rejects them now (the credential breaker).
 */
export interface ConnectionStatus {
  /** ok: the last check passed and Okta accepts the credentials; problem: something is wrong; unchecked: never tested. */
  state: 'ok' | 'problem' | 'unchecked';
  checkedAt?: string;
  orgName?: string;
  /** What is wrong and what to do, for a person. */
  problem?: string;
  /** Okta's technical side of `problem` (HTTP status, Okta error code, request id), shown on request. */
  problemDetails?: string;
}

const domainField = z
  .string({ error: 'Enter your Okta domain.' })
  .max(300, 'That domain is too long.')
  .superRefine((v, ctx) => {
    const r = validateOktaDomain(v);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason });
  });

const PEM = /^-----BEGIN (RSA |EC )?PRIVATE KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END (RSA |EC )?PRIVATE KEY-----\s*$/;

/**
 * What the Okta connection form sends. A secret left empty means "keep the stored one"; the server
 * refuses the save when the chosen method then has no secret at all.
 */
export const ConnectionInput = z
  .object({
    domain: domainField,
    method: z.enum(OKTA_AUTH_METHODS, { error: 'Choose how the app signs in to Okta.' }),
    clientId: z
      .string()
      .trim()
      .max(100, 'Client id must be at most 100 characters.')
      .regex(
        /^[A-Za-z0-9_-]*$/,
        "Client id has only letters, digits, - and _ (copy it from the Okta app's General tab).",
      )
      .optional(),
    keyId: z
      .string()
      .trim()
      .max(100, 'Key id must be at most 100 characters.')
      .regex(/^[A-Za-z0-9_.-]*$/, 'Key id has only letters, digits, ., - and _.')
      .optional(),
    apiToken: z
      .string()
      .trim()
      .max(200, 'That API token is too long.')
      .regex(/^\S*$/, 'An API token has no spaces.')
      .optional(),
    privateKeyPem: z
      .string()
      .trim()
      .max(10_000, 'That private key is too long.')
      .optional()
      .refine(
        (v) => !v || PEM.test(v),
        'Paste the private key in PEM form, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY----- (not the public key or a JWK).',
      ),
  })
  .superRefine((v, ctx) => {
    if (v.method === 'oauth' && !v.clientId)
      ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'Client id is required for an OAuth service app.' });
    if (v.apiToken && v.apiToken.length < 20)
      ctx.addIssue({
        code: 'custom',
        path: ['apiToken'],
        message: 'That is too short for an Okta API token (they are 42 characters).',
      });
  });
export type ConnectionInput = z.input<typeof ConnectionInput>;
export type ConnectionInputParsed = z.output<typeof ConnectionInput>;

/** The scopes the app requests (one list for the token request, this page and the README), and why. */
export { OKTA_SCOPES, type OktaScope };
export const OKTA_SCOPE_PURPOSES: Record<OktaScope, string> = {
  'okta.users.read': 'find requesters in Okta and read their group memberships',
  'okta.groups.read': 'read groups, their members and group rules',
  'okta.groups.manage': 'add and remove group members',
  'okta.roles.read': 'check that a group holds no admin role',
};

export interface ConnectionTestResult {
  /** Credentials were accepted by Okta. */
  credentialsOk: boolean;
  orgName?: string;
  missingScopes: string[];
  /** ok: all good; warning: works but something is missing; error: does not work. */
  level: 'ok' | 'warning' | 'error';
  /** What happened and what to do, for a person. */
  message: string;
  /** Okta's technical side of `message` (HTTP status, Okta error code, request id), shown on request. */
  details?: string;
  /** The form differs from the saved connection: this result says nothing about the saved one. */
  unsaved?: boolean;
}

/** A save answers with what was stored and the test of exactly that. */
export interface ConnectionSaved extends ConnectionView {
  test: ConnectionTestResult;
}

// ---------------------------------------------------------------- allowlist

/**
 * The least-privilege custom admin role for the app's Okta credentials (service app or the API token's
 * admin): each permission, the resource set it must cover, and why (docs/adr/0008-okta-scopes-and-role.md).
 * Allowlisting a group proves them on that group before anything is saved.
 */
export const OKTA_ROLE_PERMISSIONS = {
  'okta.users.read': { resources: 'all users', why: "find a requester by email or login, and read a user's groups" },
  'okta.groups.read': {
    resources: 'all groups',
    why: 'search groups, read a group and its members, and list group rules (an org-wide list)',
  },
  'okta.groups.members.manage': {
    resources: 'each allowlisted group',
    why: 'add and remove members of allowlisted groups only',
  },
  'okta.iam.read': { resources: 'the role assignments', why: 'check that an allowlisted group holds no admin role' },
} as const;
export type OktaRolePermission = keyof typeof OKTA_ROLE_PERMISSIONS;

const approverNames = (label: string) =>
  z
    .array(
      z
        .string()
        .trim()
        .min(1, `A ${label} name cannot be empty.`)
        .max(255, `A ${label} name is at most 255 characters.`),
    )
    .max(LIMITS.maxApproversPerList, `At most ${LIMITS.maxApproversPerList} ${label}s per step.`)
    .default([]);

/**
 * One approval step: who may approve it (Jira groups, project roles, named people; none: anyone who can
 * transition the issue) and how many distinct people must.
 */
export const ApprovalStepInput = z
  .object({
    approvers: z
      .object({
        jiraGroups: approverNames('Jira group'),
        projectRoles: approverNames('project role'),
        accountIds: z
          .array(accountId)
          .max(LIMITS.maxApproversPerList, `At most ${LIMITS.maxApproversPerList} people per step.`)
          .default([]),
      })
      .strict(),
    count: number('Approvals needed', 1, LIMITS.maxApprovalsPerStep, { int: true }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const { jiraGroups, projectRoles, accountIds } = v.approvers;
    // Only named people (no group, no role): more approvals than people can never be met.
    if (jiraGroups.length === 0 && projectRoles.length === 0 && accountIds.length > 0 && v.count > accountIds.length)
      ctx.addIssue({
        code: 'custom',
        path: ['count'],
        message: `This step names ${accountIds.length} ${accountIds.length === 1 ? 'person' : 'people'}, so it cannot need ${v.count} approvals.`,
      });
    for (const [key, list] of [
      ['jiraGroups', jiraGroups],
      ['projectRoles', projectRoles],
      ['accountIds', accountIds],
    ] as const) {
      const dup = list.find((x, i) => list.indexOf(x) !== i);
      if (dup) ctx.addIssue({ code: 'custom', path: ['approvers', key], message: `${dup} is listed twice.` });
    }
  });

export const GroupPolicyInput = z
  .object({
    groupId,
    maxDurationHours: number('Max duration (hours)', 1, LIMITS.maxDurationHours, { int: true }),
    maxLifetimeHours: number('Max lifetime with extensions (hours)', 1, LIMITS.maxLifetimeHours, { int: true }),
    maxExtensions: number('Max extensions', 0, LIMITS.maxExtensions, { int: true }),
    reminderLeadMinutes: number('Reminder lead (minutes)', 0, LIMITS.maxReminderLeadMinutes, { int: true }),
    approvalMode: z.enum(APPROVAL_MODES, { error: 'Choose an approval mode.' }),
    allowedProjectKeys: z
      .array(
        z
          .string()
          .trim()
          .toUpperCase()
          .regex(
            /^[A-Z][A-Z0-9_]{1,9}$/,
            'Project keys are 2-10 capital letters, digits or _, starting with a letter (e.g. OPS).',
          ),
      )
      .max(LIMITS.maxProjectKeys, `At most ${LIMITS.maxProjectKeys} projects.`),
    /** Days a request may wait for approval before it is closed; optional for older callers. */
    approvalWindowDays: number('Approval window (days)', 1, LIMITS.maxApprovalWindowDays, { int: true })
      .optional()
      .default(DEFAULT_APPROVAL_WINDOW_DAYS),
    /** Who approves, how many, in what order; unset: one approval by anyone who can transition the issue. */
    approvalSteps: z
      .array(ApprovalStepInput)
      .max(LIMITS.maxApprovalSteps, `At most ${LIMITS.maxApprovalSteps} approval steps.`)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.maxLifetimeHours < v.maxDurationHours)
      ctx.addIssue({
        code: 'custom',
        path: ['maxLifetimeHours'],
        message: 'Max lifetime must be at least the max duration.',
      });
    if (v.reminderLeadMinutes >= v.maxDurationHours * 60)
      ctx.addIssue({
        code: 'custom',
        path: ['reminderLeadMinutes'],
        message: 'The reminder must come before the end of the shortest grant: make it shorter than the max duration.',
      });
    const dup = v.allowedProjectKeys.find((k, i) => v.allowedProjectKeys.indexOf(k) !== i);
    if (dup) ctx.addIssue({ code: 'custom', path: ['allowedProjectKeys'], message: `Project ${dup} is listed twice.` });
  });
export type GroupPolicyInput = z.input<typeof GroupPolicyInput>;
export type GroupPolicyParsed = z.output<typeof GroupPolicyInput>;

/** A search of Jira people or groups for the approver pickers. */
export const ApproverSearchInput = z
  .object({ query: z.string().trim().min(1, 'Type part of a name.').max(LIMITS.searchQuery) })
  .strict();
export interface ApproverPersonHit {
  accountId: string;
  displayName: string;
}
export interface ApproverGroupHit {
  name: string;
  groupId: string;
}
export interface ApproverRoleHit {
  name: string;
  id: string;
}

// ---------------------------------------------------------------- Jira pickers

/** A single-choice select list field of the site: what the duration field may be. */
export interface JiraFieldHit {
  id: string;
  name: string;
}
/** Options of a select field, over all its contexts. */
export interface JiraOptionList {
  /** false: Jira does not let the app read the field's options; values are typed (checked only as far as Jira lets). */
  listed: boolean;
  options: Array<{ id: string; value: string; disabled: boolean }>;
  /** Why the options are not listed, for a person. */
  note?: string;
}
/**
 * The projects whose statuses and transitions the policy may name: those the allowlisted groups name,
 * or every project when a group allows any project (or none is allowlisted yet).
 */
export interface ProjectsInUse {
  all: boolean;
  /** The keys read (all: the first ones Jira lists, at most LIMITS.maxProjectsInUse). */
  keys: string[];
  /** All projects were meant but Jira has more than were read: a list may miss some names. */
  truncated: boolean;
}
export interface JiraStatusList {
  projects: ProjectsInUse;
  names: string[];
}
export interface JiraTransitionList {
  projects: ProjectsInUse;
  /** false: Jira does not let the app read workflows; the name is typed and checked on the issue when used. */
  listed: boolean;
  names: string[];
  note?: string;
}
export interface JiraProjectHit {
  key: string;
  name: string;
}

export const FieldOptionsInput = z
  .object({ fieldId: z.string().regex(/^customfield_\d{1,18}$/, 'That is not the id of a Jira custom field.') })
  .strict();
export interface JiraIssueTypeHit {
  id: string;
  name: string;
}
const projectKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'That is not a Jira project key.');
export const IssueTypesInput = z.object({ projectKey }).strict();

/** Where break-glass reviews are filed and who gets them (ADR 0027); absent: no reviews. */
export const BreakGlassReviewInput = z
  .object({
    projectKey,
    issueTypeId: z.string().regex(/^\d{1,18}$/, 'Choose an issue type of the project.'),
    issueTypeName: z.string().trim().max(255).optional(),
    assignee: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('project-default') }).strict(),
      z
        .object({
          kind: z.literal('user'),
          accountId: z.string().regex(/^[A-Za-z0-9:_-]{1,128}$/, 'That is not a Jira account id.'),
        })
        .strict(),
    ]),
  })
  .strict();

export const ProjectSearchInput = z
  .object({ query: z.string().trim().max(LIMITS.searchQuery, `At most ${LIMITS.searchQuery} characters.`).optional() })
  .strict();

/** Removing a group from the allowlist: the group and the admin's reason (kept in the audit entry). */
export const AllowlistRemoveInput = z.object({ groupId, reason: text('Reason', MAX_CANCEL_REASON) });

export const GroupSearchInput = z.object({
  query: z
    .string()
    .trim()
    .min(1, 'Type part of a group name.')
    .max(LIMITS.searchQuery, `At most ${LIMITS.searchQuery} characters.`),
});

export interface AllowlistEntryView extends GroupPolicy {
  /** Grants holding this group right now (ACTIVE, GRANTING, REVOKING); shown before removing. */
  activeGrants: number;
  /** The approval steps in words ("1 approval by members of the Jira group "Security""), for the list. */
  approversInWords: string;
  /** Display names of the people named in approvalSteps, by account id (for the pickers' chips). */
  approverNames: Record<string, string>;
}

export interface GroupSearchHit {
  id: string;
  name: string;
  type: string;
  allowlisted: boolean;
  /** The group's description in Okta, when it has one. */
  description?: string;
  /**
   * Why the app refuses this group, in words for the admin (and the particulars for "Details"), as
   * Okta answered at the search; adding the group checks again.
   */
  refusal?: { reason: string; details?: string };
  /** False for results past the first few checked at the search: they are checked when added. */
  checked: boolean;
}

// ---------------------------------------------------------------- policy

/** An Okta login as the mapping takes it: what Okta's login field accepts, no spaces. */
export const oktaLogin = z
  .string({ error: 'Okta login is required.' })
  .trim()
  .min(1, 'Okta login is required.')
  .max(100, 'Okta login must be at most 100 characters.')
  .regex(/^\S+$/, 'An Okta login has no spaces.');

/** One row of the requester mapping: a Jira account and the Okta login that stands for it. */
export const RequesterMappingEntry = z.object({ accountId, oktaLogin });
export type RequesterMappingEntry = z.output<typeof RequesterMappingEntry>;

export const PolicyInput = z
  .object({
    durationFieldName: text('Duration field name', 100),
    durationMapping: z
      .array(
        z.object({
          value: text('Field value', 100),
          hours: number('Hours', 1, LIMITS.maxDurationHours, { int: true }),
        }),
      )
      .max(LIMITS.maxDurationMappings, `At most ${LIMITS.maxDurationMappings} values.`),
    defaultDurationHours: number('Default duration (hours)', 1, LIMITS.maxDurationHours, { int: true }),
    approvalStatusName: text('Approval status name', 100),
    emergencyValue: optionalText('Emergency value', 100),
    emergencyMaxHours: number('Emergency cap (hours)', 1, LIMITS.maxEmergencyHours, { int: true }),
    closeOutTransitionName: optionalText('Close-out transition', 100),
    requesterMapping: z
      .array(RequesterMappingEntry)
      .max(LIMITS.maxRequesterMappings, `At most ${LIMITS.maxRequesterMappings} people.`),
    notifyByEmail: z.boolean(),
    breakGlassReview: BreakGlassReviewInput.optional(),
    /** The change window (ADR 0025): date-time field ids, and the statuses that end access early. */
    plannedStartFieldId: optionalText('Planned start field', 100),
    plannedEndFieldId: optionalText('Planned end field', 100),
    accessEndingStatuses: z
      .array(text('Status', 100))
      .max(LIMITS.maxAccessEndingStatuses, `At most ${LIMITS.maxAccessEndingStatuses} statuses.`)
      .optional(),
  })
  .superRefine((v, ctx) => {
    if (v.plannedStartFieldId && v.plannedStartFieldId === v.plannedEndFieldId)
      ctx.addIssue({
        code: 'custom',
        path: ['plannedEndFieldId'],
        message: 'The planned end must be another field than the planned start.',
      });
    const seen = new Set<string>();
    v.durationMapping.forEach((m, i) => {
      const k = m.value.toLowerCase();
      if (seen.has(k))
        ctx.addIssue({
          code: 'custom',
          path: ['durationMapping', i, 'value'],
          message: `"${m.value}" is listed twice.`,
        });
      seen.add(k);
    });
    const people = new Set<string>();
    v.requesterMapping.forEach((m, i) => {
      if (people.has(m.accountId))
        ctx.addIssue({
          code: 'custom',
          path: ['requesterMapping', i, 'accountId'],
          message: 'This Jira account is mapped twice.',
        });
      people.add(m.accountId);
    });
    if (v.emergencyValue && !v.durationMapping.some((m) => m.value === v.emergencyValue)) {
      ctx.addIssue({
        code: 'custom',
        path: ['emergencyValue'],
        message: `The emergency value must be one of the duration field values above (add "${v.emergencyValue}" to the mapping first).`,
      });
    }
  });
export type PolicyInput = z.input<typeof PolicyInput>;
export type PolicyParsed = z.output<typeof PolicyInput>;

export interface PolicyView extends PolicyParsed {
  /** Jira display names of the mapped accounts (absent when Jira no longer knows the account). */
  people: Record<string, string>;
  /**
   * People whose recent requests were denied because the app could not find them in Okta by email (Jira
   * hides it, or no Okta user has it) and who are not mapped now: newest first, at most
   * LIMITS.needsMappingHits, read from the requests of the last NEEDS_MAPPING_DAYS days.
   */
  needsMapping: NeedsMapping[];
}

/** How far back the policy tab looks for requests denied for want of a mapping. */
export const NEEDS_MAPPING_DAYS = 14;

export interface NeedsMapping {
  accountId: string;
  name: string;
  /** The latest such request. */
  issueKey: string;
  at: string;
  /** Why it was denied, in words. */
  reason: string;
}

export const OktaUserSearchInput = z
  .object({ query: z.string().trim().min(1, 'Type the start of a login, email or name.').max(LIMITS.searchQuery) })
  .strict();

/** An Okta user in the requester mapping's picker; only ACTIVE users can be mapped. */
export interface OktaUserHit {
  login: string;
  name: string;
  email: string;
  status: string;
}

// ---------------------------------------------------------------- dashboard

export interface DashboardGrant {
  id: string;
  status: GrantStatus;
  issueKey: string;
  requesterAccountId: string;
  requesterName: string;
  groupId: string;
  groupName: string;
  startedAt?: string;
  endsAt?: string;
  emergency: boolean;
  attempts: number;
  /** Why it failed or what went wrong last, in words (ids as names, no Okta path, status or code). */
  problem?: string;
  /** The technical side of `problem` (Okta's path, HTTP status, error codes), shown on request. */
  problemDetails?: string;
  /** The admin page's tab where the problem is fixed, when the words send the admin there. */
  problemOpens?: 'okta-connection';
  /**
   * Still holds (or may hold) the membership more than the grace period after its removal became due:
   * its end time while active; once ending, when the end was asked for (the expiry, an admin's revoke
   * or a relinquish, a retried removal), so a grant revoked a minute ago is not overdue.
   */
  overdue: boolean;
  /** Only ACTIVE grants can be revoked from here. */
  revocable: boolean;
}

export interface DashboardHealth {
  lastSweepAt?: string;
  nextSweepAt?: string;
  /** The sweep has not run for more than two intervals: the scheduled trigger may be stuck. */
  sweepLate: boolean;
  /** Overdue among the rows read (fresh); see `overdueRevocationsMore`. */
  overdueRevocations: number;
  /** Set when a full page may hide more overdue removals: the count is a lower bound ("100+"). */
  overdueRevocationsMore?: boolean;
  oktaErrors24h: number;
  /** Newest first, in words; `details` holds Okta's path, status and codes, shown on request. */
  recentOktaErrors: Array<{ at: string; message: string; details?: string }>;
  unmanagedMembers?: { at: string; count: number };
  /** The saved Okta connection's status; absent when none is saved. */
  connection?: ConnectionStatus;
  /** The last hourly search for access requests intake never answered; absent before the first run. */
  intakeCatchUp?: DashboardCatchUp;
  /**
   * Notices Jira refused for good (the issue was deleted, the app may no longer comment there), newest
   * first (ADR 0020): nobody was told on those issues; absent when there are none.
   */
  undeliveredNotices?: { recent: DashboardUndeliveredNotice[]; more: boolean };
  /** The last installation self-check, in short (Diagnostics has it in full). */
  selfCheck: DashboardSelfCheck;
  /**
   * The cards an admin may acknowledge (ADR 0017) and their last acknowledgement: `oktaErrors24h`,
   * `recentOktaErrors` and `unmanagedMembers.count` count only what came after it.
   */
  acks: { oktaErrors: DashboardAlertAck; drift: DashboardAlertAck };
}

/** The last acknowledgement of a card: who, when, how many it covered, and up to when. */
export interface DashboardAlertAck {
  acknowledged?: { by: string; byName: string; at: string; upTo: string; count: number };
}

/** Which dashboard alerts can be acknowledged; every other card clears only when its cause is gone. */
export const ACKNOWLEDGEABLE_ALERTS = ['okta-errors', 'drift'] as const;
export const AcknowledgeAlertInput = z.object({
  alert: z.enum(ACKNOWLEDGEABLE_ALERTS, { error: 'Choose an alert that can be acknowledged.' }),
});
export type AcknowledgeAlertInput = z.input<typeof AcknowledgeAlertInput>;

/**
 * A request denied for a reason only an admin can fix (no Okta user for the requester, a group that is
 * not allowlisted or that Okta will not let the app manage), with what to do and where.
 */
export interface DashboardDeniedRequest {
  id: string;
  issueKey: string;
  requesterAccountId: string;
  requesterName: string;
  groupId: string;
  groupName: string;
  deniedAt: string;
  /** The stable reason code (GRANT.NOT_ALLOWLISTED, USER.NOT_FOUND, …): kept for support, not shown. */
  reasonCode: string;
  /** What the requester was told. */
  reason: string;
  /** What the admin should do, in words. */
  action: string;
  /** The tab where that is done. */
  link?: 'policy' | 'allowlist' | 'okta-connection';
}

/**
 * One run of the hourly intake catch-up: requests it looked at, found unanswered and recorded, those it could not
 * (tried again next hour), whether it stopped at its bound with more left, and what went wrong.
 */
export interface DashboardUndeliveredNotice {
  issueKey: string;
  /** When Jira refused it for good. */
  at: string;
  reason: string;
}

export interface DashboardCatchUp {
  at: string;
  /** Access-request issues of the last 25 hours it looked at. */
  examined: number;
  found: number;
  recorded: number;
  failed: number;
  more: boolean;
  problem?: string;
}

/**
 * The self-check on the dashboard: never run, all good, waiting for the queue event, or a problem;
 * `grantsPaused` when a storage check failed (new grants wait; revocations continue).
 */
export interface DashboardSelfCheck {
  state: SelfCheckState | 'never';
  grantsPaused: boolean;
  ranAt?: string;
  summary: string;
  failed: Array<{ title: string; saw: string }>;
}

export interface DashboardChart {
  /** YYYY-MM-DD (UTC), oldest first. */
  days: string[];
  series: Array<{ groupId: string; groupName: string; counts: number[] }>;
  /**
   * Counts up to this time come from the hourly summary (ADR 0022), later ones are read live; absent
   * before the first hourly run (then every count is read live).
   */
  asOf?: string;
  /** False when more requests came in since `asOf` than a render reads: the latest counts are partial. */
  complete: boolean;
}

/** A request waiting for approval (REQUESTED), as the dashboard lists it, oldest first. */
export interface DashboardPendingRequest {
  id: string;
  issueKey: string;
  requesterAccountId: string;
  requesterName: string;
  groupId: string;
  groupName: string;
  requestedAt: string;
  /** Approvals given so far and needed (today: one, the issue moved to the approval status). */
  approvals: { given: number; needed: number };
  /** What it waits for, or what blocks it, in words for people. */
  waitingFor: string;
  /** Who may approve it, in words (today the weakest policy: anyone who can transition the issue but the requester). */
  approvers: string;
  /** When it is closed if still not approved (the group's approval window); absent when none applies. */
  closesAt?: string;
  emergency: boolean;
}

export interface DashboardView {
  now: string;
  grants: DashboardGrant[];
  /** Requests waiting for approval, oldest first, at most `limit` of them; `more` when there are more. */
  pending: { requests: DashboardPendingRequest[]; more: boolean; limit: number };
  /**
   * Requests denied in the last `days` days for a reason an admin must fix, newest first, at most
   * `limit` (`more` when there were more); one per requester and group, and none the admin has fixed
   * since or that a later request of the same person for the same group replaced.
   */
  denied: { requests: DashboardDeniedRequest[]; more: boolean; limit: number; days: number };
  health: DashboardHealth;
  chart: DashboardChart;
  /**
   * `grants` holds at most `perStatus` rows of each status, in the order shown; `more` names the
   * statuses that have more than that (ADR 0022).
   */
  listed: { perStatus: number; more: GrantStatus[] };
  /** Totals as of the last hourly summary; absent before its first run. */
  counts?: DashboardCounts;
  /**
   * Break-glass reviews not yet resolved (ADR 0027), soonest due first: those Jira has not taken yet
   * (`opening`, with the last error) and those open in Jira, each at most `limit`; `more` when either had more.
   */
  reviews?: { opening: DashboardReview[]; open: DashboardReview[]; more: boolean; limit: number };
}

/** One break-glass review on the dashboard. */
export interface DashboardReview {
  grantId: string;
  requestIssueKey: string;
  /** Absent until Jira has created it. */
  reviewIssueKey?: string;
  subjectAccountId: string;
  subjectName: string;
  groupName: string;
  /** The grant's end: when the review is due. */
  endsAt: string;
  /** How often the person who had access tried to close it (each refused). */
  refusals: number;
  /** Why it is not in Jira yet (OPENING only). */
  problem?: string;
}

/** Counted by the hourly run (ADR 0022): up to an hour old, shown with its time. */
export interface DashboardCounts {
  asOf: string;
  byStatus: Partial<Record<GrantStatus, number>>;
  overdueRevocations: number;
}

/**
 * What a revoke did, read back from the grant after the request: done (ended), queued (the worker has
 * not run yet), retrying (Okta refused; the app tries again) or failed (an admin must act).
 */
export interface RevokeResult {
  grantId: string;
  status: GrantStatus;
  outcome: 'done' | 'queued' | 'retrying' | 'failed';
  /** Why it is not done, for a person (retrying, failed). */
  problem?: string;
  nextAttemptAt?: string;
}

/** The longest cancellation reason (shown on the issue and kept in the audit trail). */
export const MAX_CANCEL_REASON_LENGTH = MAX_CANCEL_REASON;
/**
 * The longest reason an admin gives for any destructive action (revoke, remove from the allowlist,
 * cancel a request): required, kept in the audit entry's detail.
 */
export const MAX_ADMIN_REASON_LENGTH = MAX_CANCEL_REASON;
const adminReason = text('Reason', MAX_ADMIN_REASON_LENGTH);

export const RevokeInput = z.object({
  grantId: z.string().trim().min(1, 'Choose a grant.').max(100),
  reason: adminReason,
});

export const CancelRequestInput = z.object({
  grantId: z.string().trim().min(1, 'Choose a request.').max(100),
  reason: adminReason,
});

// ---------------------------------------------------------------- diagnostics

export interface SelfCheckCheckView {
  id: string;
  group: CheckGroup;
  title: string;
  /** What of the app rests on it. */
  reliesOn: string;
  status: CheckStatus;
  saw: string;
  details?: string[];
}

export interface SelfCheckRunView {
  runId: string;
  trigger: SelfCheckTrigger;
  actorName?: string;
  appVersion?: string;
  startedAt: string;
  finishedAt: string;
  state: SelfCheckState;
  summary: string;
  /** A storage check failed: new grants wait, revocations continue. */
  grantsPaused: boolean;
  checks: SelfCheckCheckView[];
  /** Plain text for the admin to send to support. */
  supportReport: string;
}

export interface DiagnosticsView {
  now: string;
  /** Absent until the self-check has run once (on install, on upgrade or from this page). */
  lastRun?: SelfCheckRunView;
}

// ---------------------------------------------------------------- audit

const DAY = /^\d{4}-\d{2}-\d{2}$/;
export const AuditQueryInput = z
  .object({
    requesterAccountId: accountId.optional(),
    groupId: groupId.optional(),
    issueKey: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z][A-Z0-9_]{1,9}-\d{1,9}$/, 'An issue key looks like OPS-123.')
      .optional(),
    /** Inclusive days (UTC). */
    fromDay: z.string().regex(DAY, 'Use a date like 2026-11-22.').optional(),
    toDay: z.string().regex(DAY, 'Use a date like 2026-11-22.').optional(),
    cursor: z.string().max(2000).optional(),
  })
  .superRefine((v, ctx) => {
    for (const k of ['fromDay', 'toDay'] as const) {
      const d = v[k];
      if (d && Number.isNaN(Date.parse(`${d}T00:00:00Z`)))
        ctx.addIssue({ code: 'custom', path: [k], message: 'That date does not exist.' });
    }
    if (v.fromDay && v.toDay && v.fromDay > v.toDay)
      ctx.addIssue({ code: 'custom', path: ['toDay'], message: 'The end date is before the start date.' });
  });
export type AuditQueryInput = z.input<typeof AuditQueryInput>;
export type AuditQueryParsed = z.output<typeof AuditQueryInput>;

export interface AuditRow {
  /** 0 while `pending`: written but not yet linked into the hash chain by the sequencer (ADR 0019). */
  seq: number;
  pending?: true;
  at: string;
  /** The code: the CSV exports it as is, the page shows AUDIT_ACTION_LABELS. */
  action: AuditAction;
  actor: string;
  actorName?: string;
  requesterAccountId?: string;
  requesterName?: string;
  groupId?: string;
  groupName?: string;
  issueKey?: string;
  grantId?: string;
  /** As stored: the CSV exports it unchanged. */
  detail: string;
  /** `detail` for the page: ids as names, times in UTC, without Okta's path, status and codes. */
  detailWords?: string;
  /** What `detailWords` leaves out (Okta's path, HTTP status, error codes), shown on request. */
  detailTechnical?: string;
  oktaRequestId?: string;
  hash: string;
}

export interface AuditPage {
  rows: AuditRow[];
  cursor?: string;
  /** Set when the cursor sent was refused (stale or not one of ours): these rows start the list again. */
  restarted?: string;
}

export interface AuditOptions {
  requesters: Array<{ accountId: string; name: string }>;
  groups: Array<{ groupId: string; name: string }>;
}

export const AUDIT_CSV_COLUMNS: Array<{ header: string; value: (r: AuditRow) => string | number | undefined }> = [
  { header: 'Seq', value: (r) => (r.pending ? 'pending' : r.seq) },
  { header: 'Time (UTC)', value: (r) => r.at },
  { header: 'Action', value: (r) => r.action },
  { header: 'Actor', value: (r) => r.actorName ?? r.actor },
  { header: 'Actor account id', value: (r) => r.actor },
  { header: 'Requester', value: (r) => r.requesterName ?? r.requesterAccountId },
  { header: 'Requester account id', value: (r) => r.requesterAccountId },
  { header: 'Group', value: (r) => r.groupName ?? r.groupId },
  { header: 'Group id', value: (r) => r.groupId },
  { header: 'Issue', value: (r) => r.issueKey },
  { header: 'Detail', value: (r) => r.detail },
  { header: 'Okta request id', value: (r) => r.oktaRequestId },
  { header: 'Hash', value: (r) => r.hash },
];

/**
 * One CSV cell (RFC 4180). A cell a spreadsheet would read as a formula (starting with = + - @, tab
 * or carriage return, also after leading spaces or non-breaking spaces, which spreadsheets skip) gets
 * a leading apostrophe, so an audit row written from a Jira summary or an Okta message can never run
 * in the auditor's spreadsheet.
 */
export function csvCell(value: string | number | undefined): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  // \s covers space, tab, CR, LF, NBSP (U+00A0) and the other Unicode spaces.
  if (typeof value === 'string' && /^\s*[=+\-@]|^[\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV of exactly these rows, in this order (CRLF line ends, header first). */
export function auditCsv(rows: readonly AuditRow[]): string {
  const lines = [AUDIT_CSV_COLUMNS.map((c) => csvCell(c.header)).join(',')];
  for (const r of rows) lines.push(AUDIT_CSV_COLUMNS.map((c) => csvCell(c.value(r))).join(','));
  return lines.join('\r\n') + '\r\n';
}

// ---------------------------------------------------------------- payload schemas by key

const Empty = z.object({}).optional();

/** Every key's payload schema: the resolver parses with these, so no key is left unvalidated. */
export const ADMIN_PAYLOADS = {
  [ADMIN_KEYS.connectionGet]: Empty,
  [ADMIN_KEYS.connectionSave]: ConnectionInput,
  [ADMIN_KEYS.connectionTest]: ConnectionInput,
  [ADMIN_KEYS.allowlistList]: Empty,
  [ADMIN_KEYS.allowlistAdd]: GroupPolicyInput,
  [ADMIN_KEYS.allowlistUpdate]: GroupPolicyInput,
  [ADMIN_KEYS.allowlistRemove]: AllowlistRemoveInput,
  [ADMIN_KEYS.groupsSearch]: GroupSearchInput,
  [ADMIN_KEYS.policyGet]: Empty,
  [ADMIN_KEYS.policySave]: PolicyInput,
  [ADMIN_KEYS.dashboardGet]: Empty,
  [ADMIN_KEYS.auditQuery]: AuditQueryInput,
  [ADMIN_KEYS.auditOptions]: Empty,
  [ADMIN_KEYS.auditVerify]: Empty,
  [ADMIN_KEYS.grantRevoke]: RevokeInput,
  [ADMIN_KEYS.requestCancel]: CancelRequestInput,
  [ADMIN_KEYS.alertAcknowledge]: AcknowledgeAlertInput,
  [ADMIN_KEYS.approverPeopleSearch]: ApproverSearchInput,
  [ADMIN_KEYS.approverGroupsSearch]: ApproverSearchInput,
  [ADMIN_KEYS.approverRolesList]: Empty,
  [ADMIN_KEYS.diagnosticsGet]: Empty,
  [ADMIN_KEYS.diagnosticsRun]: Empty,
  [ADMIN_KEYS.jiraFields]: Empty,
  [ADMIN_KEYS.jiraDateTimeFields]: Empty,
  [ADMIN_KEYS.jiraFieldOptions]: FieldOptionsInput,
  [ADMIN_KEYS.jiraIssueTypes]: IssueTypesInput,
  [ADMIN_KEYS.jiraStatuses]: Empty,
  [ADMIN_KEYS.jiraTransitions]: Empty,
  [ADMIN_KEYS.jiraProjects]: ProjectSearchInput,
  [ADMIN_KEYS.oktaUsersSearch]: OktaUserSearchInput,
} as const;

/** What each key answers with (the `data` of a successful envelope). */
export interface AdminResponses {
  'admin/connection/get': ConnectionView;
  'admin/connection/save': ConnectionSaved;
  'admin/connection/test': ConnectionTestResult;
  'admin/allowlist/list': AllowlistEntryView[];
  'admin/allowlist/add': AllowlistEntryView[];
  'admin/allowlist/update': AllowlistEntryView[];
  'admin/allowlist/remove': AllowlistEntryView[];
  'admin/groups/search': GroupSearchHit[];
  'admin/policy/get': PolicyView;
  'admin/policy/save': PolicyView;
  'admin/dashboard/get': DashboardView;
  'admin/audit/query': AuditPage;
  'admin/audit/options': AuditOptions;
  'admin/audit/verify': AuditVerification;
  'admin/grants/revoke': RevokeResult;
  'admin/requests/cancel': { grantId: string; status: string };
  'admin/alerts/acknowledge': DashboardView;
  'admin/approvers/people': ApproverPersonHit[];
  'admin/approvers/groups': ApproverGroupHit[];
  'admin/approvers/roles': ApproverRoleHit[];
  'admin/diagnostics/get': DiagnosticsView;
  'admin/diagnostics/run': DiagnosticsView;
  'admin/jira/fields': JiraFieldHit[];
  'admin/jira/datetime-fields': JiraFieldHit[];
  'admin/jira/field-options': JiraOptionList;
  'admin/jira/statuses': JiraStatusList;
  'admin/jira/transitions': JiraTransitionList;
  'admin/jira/projects': JiraProjectHit[];
  'admin/jira/issue-types': JiraIssueTypeHit[];
  'admin/okta/users': OktaUserHit[];
}

/** Result of recomputing the audit trail's hash chain from the first entry. */
export type AuditVerification =
  /** `more`: verified through `entries` of `more.head` so far (the call's budget); verifying again continues. */
  | { intact: true; entries: number; more?: { head: number }; message: string }
  | { intact: false; brokenAt: number; message: string };

export type AdminPayload<K extends AdminKey> = z.input<(typeof ADMIN_PAYLOADS)[K]>;
