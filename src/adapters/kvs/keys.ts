/**
 * Every KVS key, entity and stored-value schema in one place. Stored data outlives the code that wrote
 * it, so everything read back is parsed with zod; the entity shapes mirror manifest.yml
 * (app.storage.entities), which can only ever grow.
 */
import { z } from 'zod';
import { END_REASONS, GRANT_STATUSES, type Grant } from '../../domain/grant';
import { APPROVAL_MODES } from '../../domain/policy';
import { CHECK_IDS, type SelfCheckRun } from '../../domain/self-check';
import { NOTICE_STATUSES } from '../../domain/notice';
import { REVIEW_STATUSES, type BreakGlassReviewSettings, type Review } from '../../domain/break-glass-review';
import { SUMMARY_DENIED_KEPT, type OwedNotice } from '../../app/ports';
import { AUDIT_ACTIONS } from '../../shared/vocabulary';

export const ENTITY = {
  grant: 'grant',
  audit: 'audit',
  /** The self-check's own items (manifest.yml): no index, nothing else reads them (ADR 0014). */
  selfCheck: 'self-check',
  /** The audit chain's head and verification checkpoint (ADR 0019): items that always exist once created. */
  auditChain: 'audit-chain',
  /** Notices owed and their delivery (ADR 0020). */
  notice: 'notice',
  /** Break-glass reviews owed and opened (ADR 0027). */
  review: 'break-glass-review',
} as const;

export const REVIEW_INDEX = {
  /** OPENING by next attempt (the sweep's backstop); OPEN by due time (the dashboard). */
  byStatusDue: 'by-status-due',
  /** A review issue's key to its review (the issue trigger, on a review issue changing). */
  byIssue: 'by-review-issue',
} as const;

export const NOTICE_INDEX = {
  /** PENDING by due time: the sweep's backstop. UNDELIVERABLE, newest first: the dashboard. */
  byStatusDue: 'by-status-due',
} as const;

/** The grant entity's indexes (manifest.yml); the query each one serves is in ADR 0002. */
export const GRANT_INDEX = {
  byStatusEnd: 'by-status-end',
  byRequester: 'by-requester',
  byGroupStatus: 'by-group-status',
  byRequested: 'by-requested',
  byRequesterStatus: 'by-requester-status',
  /** Partition requester + group, range status: one user's grants of one group, one status at a time. */
  byRequesterGroupStatus: 'by-requester-group-status',
  /** Range startsAt, present only on a request waiting for its planned start: due starts (ADR 0025). */
  byStart: 'by-start',
} as const;

export const AUDIT_INDEX = {
  byGrant: 'by-grant',
  byTime: 'by-time',
  byRequester: 'by-requester',
  byGroup: 'by-group',
  byIssue: 'by-issue',
  /** Partition `chain` ('pending' | 'linked'), range `order`: the sequencer reads the pending partition. */
  byChain: 'by-chain',
} as const;

export const KEY = {
  connection: 'config:connection',
  policy: 'config:policy',
  allowlist: 'config:allowlist',
  /** Secret storage (kvs.setSecret), never a plain key. */
  oktaSecrets: 'okta-credentials',
  /** Create-only, short-lived: "a sequencer run is already scheduled" (ADR 0019). */
  auditSequencerScheduled: 'audit-sequencer-scheduled',
  lastSweep: 'health:last-sweep',
  oktaErrors: 'health:okta-errors',
  unmanagedMembers: 'health:unmanaged-members',
  oktaBreaker: 'health:okta-breaker',
  connectionCheck: 'health:connection-check',
  lastCatchUp: 'health:last-catch-up',
  /** The dashboard's counts, recomputed hourly (ADR 0022). */
  dashboardSummary: 'health:dashboard-summary',
  selfCheck: 'health:self-check',
  /** What an admin acknowledged on the dashboard's health cards (ADR 0017). */
  alertAcks: 'health:alert-acks',
} as const;

/** When the self-check run `runId`'s delayed queue event arrived. */
export const queueArrivalKey = (runId: string): string => `health:self-check-arrival:${runId}`;
/** Plain keys of one self-check run's storage probes start with this (and nothing else does). */
export const selfCheckSpace = (space: string): string => `self-check:${space}`;

/** The last listing of Okta's group rules for the org at `origin` (a cache: see okta-rule-cache.ts). */
export const oktaRuleListingKey = (origin: string): string => `okta:group-rules:${new URL(origin).host}`;

/** Zero-padded so that key order is seq order. */
export const auditKey = (seq: number): string => `audit-${String(seq).padStart(12, '0')}`;
/**
 * A pending (not yet sequenced) entry: the instant, the writer's own write number, then a random id.
 * Unique (written without conflict), and key order is the sequencer's deterministic order: `at`, then
 * the order one writer wrote in (a step's entries, and a grant's steps, which run one at a time), then
 * the id (ADR 0019).
 */
export const pendingAuditKey = (atIso: string, writerTick: number, id: string): string =>
  `audit-p-${atIso}-${String(writerTick).padStart(12, '0')}-${id}`;
export const AUDIT_CHAIN_KEY = { head: 'head', verified: 'verified', rescan: 'rescan' } as const;

/** Index attributes are compared as strings: normalise every instant to one ISO form first. */
export const isoUtc = (iso: string): string => new Date(Date.parse(iso)).toISOString();

/** KVS pages hold at most 100 items. */
export const PAGE = 100;

// ---- grant ----

const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not an ISO instant');

export const GrantSchema = z.object({
  id: z.string(),
  issueId: z.string(),
  issueKey: z.string(),
  projectKey: z.string(),
  requesterAccountId: z.string(),
  groupId: z.string(),
  oktaUserId: z.string().optional(),
  status: z.enum(GRANT_STATUSES),
  requestedAt: iso,
  changeType: z.string().optional(),
  requestedEnd: iso.optional(),
  plannedStart: iso.optional(),
  plannedEnd: iso.optional(),
  scheduledStartAt: iso.optional(),
  requestNumber: z.number().int().positive().optional(),
  historySeen: z.number().int().nonnegative().optional(),
  raisedBy: z.string().optional(),
  raisedByRule: z.object({ actor: z.string(), rule: z.string().optional() }).optional(),
  requestedHours: z.number().positive().optional(),
  supersededBy: z.string().optional(),
  emergency: z.boolean(),
  approvedBy: z.string().optional(),
  approvals: z
    .array(
      z.object({
        by: z.string(),
        at: z.string(),
        via: z.enum(['status', 'panel']),
        historyAt: z.number().int().nonnegative(),
      }),
    )
    .optional(),
  firstStartedAt: iso.optional(),
  startedAt: iso.optional(),
  endsAt: iso.optional(),
  endedAt: iso.optional(),
  endRequestedAt: iso.optional(),
  endReason: z.enum(END_REASONS).optional(),
  endedBy: z.string().optional(),
  extensions: z.number().int().nonnegative(),
  extendedVia: z.array(z.string()).optional(),
  preexistingMembership: z.boolean(),
  reminderSentAt: iso.optional(),
  attempts: z.number().int().nonnegative(),
  lastError: z.string().optional(),
  nextAttemptAt: iso.optional(),
  reason: z.string().optional(),
  reasonCode: z.string().optional(),
  version: z.number().int(),
  updatedAt: iso,
}) satisfies z.ZodType<Grant>;

/**
 * zod drops keys its schema does not name, so a Grant field missing here would be lost on the next
 * read: the type check fails unless the schema names exactly the fields of Grant.
 */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const GRANT_SCHEMA_NAMES_EVERY_FIELD: SameKeys<keyof z.infer<typeof GrantSchema>, keyof Grant> = true;

/** The stored grant entity: the indexed attributes plus the whole grant as `doc`. */
export type GrantEntity = Pick<
  Grant,
  | 'issueId'
  | 'issueKey'
  | 'projectKey'
  | 'requesterAccountId'
  | 'groupId'
  | 'oktaUserId'
  | 'status'
  | 'requestedAt'
  | 'updatedAt'
  | 'version'
> & {
  /** Always set in storage (see toGrantEntity), unlike Grant.endsAt. */
  endsAt: string;
  /** Only while an approved request waits for its planned start (ADR 0025). */
  startsAt?: string;
  doc: Grant;
};

export const GrantEntitySchema = z.object({ version: z.number().int(), doc: GrantSchema });

export function toGrantEntity(g: Grant): GrantEntity {
  return {
    issueId: g.issueId,
    issueKey: g.issueKey,
    projectKey: g.projectKey,
    requesterAccountId: g.requesterAccountId,
    groupId: g.groupId,
    ...(g.oktaUserId !== undefined ? { oktaUserId: g.oktaUserId } : {}),
    status: g.status,
    requestedAt: isoUtc(g.requestedAt),
    // A grant without an end yet (REQUESTED, GRANTING, DENIED...) would be missing from every index
    // ranged on endsAt (by-status-end, by-group-status): KVS leaves items without
    // the range attribute out of the index. Its request time stands in, so status sweeps still see it.
    endsAt: isoUtc(g.endsAt ?? g.requestedAt),
    // KVS leaves items without the range attribute out of an index: by-start holds only waiting starts,
    // so reading it up to a time reads what is due and nothing else.
    ...(g.status === 'REQUESTED' && g.scheduledStartAt ? { startsAt: isoUtc(g.scheduledStartAt) } : {}),
    updatedAt: isoUtc(g.updatedAt),
    version: g.version,
    // JSON drops undefined fields: the doc round-trips to the same Grant.
    doc: JSON.parse(JSON.stringify(g)) as Grant,
  };
}

// ---- audit ----

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: iso,
  action: z.enum(AUDIT_ACTIONS),
  actor: z.string(),
  grantId: z.string().optional(),
  issueKey: z.string().optional(),
  requesterAccountId: z.string().optional(),
  groupId: z.string().optional(),
  detail: z.string(),
  oktaRequestId: z.string().optional(),
  prevHash: z.string(),
  hash: z.string(),
});

/** An entry as its writer stored it: no number or hashes until the sequencer links it. */
export const PendingAuditDocSchema = AuditEntrySchema.omit({ seq: true, prevHash: true, hash: true });

const auditIndexed = {
  at: z.string(),
  action: z.string(),
  grantId: z.string().optional(),
  issueKey: z.string().optional(),
  requesterAccountId: z.string().optional(),
  groupId: z.string().optional(),
  /** The pending key the entry was written under: its place in the sequencer's order. */
  order: z.string(),
};
export const LinkedAuditEntitySchema = z.object({
  ...auditIndexed,
  seq: z.number().int(),
  chain: z.literal('linked'),
  doc: AuditEntrySchema,
});
export const PendingAuditEntitySchema = z.object({
  ...auditIndexed,
  chain: z.literal('pending'),
  doc: PendingAuditDocSchema,
});
export const AuditEntitySchema = z.discriminatedUnion('chain', [LinkedAuditEntitySchema, PendingAuditEntitySchema]);

/** The chain head (last linked seq and its hash) and the verification checkpoint share this shape. */
export const AuditHeadSchema = z.object({ seq: z.number().int().nonnegative(), hash: z.string() });

// ---- config ----

export const OktaConnectionSchema = z.object({
  domain: z.string().min(1),
  auth: z.discriminatedUnion('method', [
    z.object({ method: z.literal('api-token') }),
    z.object({ method: z.literal('oauth'), clientId: z.string().min(1), keyId: z.string().optional() }),
  ]),
});

export const OktaSecretsSchema = z.object({
  apiToken: z.string().optional(),
  privateKeyPem: z.string().optional(),
  boundTo: z.string().optional(),
});

/**
 * Every field optional: settings saved by an older version are completed from DEFAULT_POLICY. The
 * settings that can be switched off are stored as null when off, so "off" never reads as "not saved
 * yet" and comes back on from the defaults.
 */
const BreakGlassReviewSettingsSchema = z.object({
  projectKey: z.string().min(1),
  issueTypeId: z.string().min(1),
  issueTypeName: z.string().optional(),
  assignee: z.union([
    z.object({ kind: z.literal('project-default') }),
    z.object({ kind: z.literal('user'), accountId: z.string().min(1) }),
  ]),
}) satisfies z.ZodType<BreakGlassReviewSettings>;

export const PolicySettingsSchema = z
  .object({
    durationFieldName: z.string(),
    durationHoursByValue: z.record(z.string(), z.number().positive()),
    defaultDurationHours: z.number().positive(),
    approvalStatusName: z.string(),
    emergencyValue: z.string().nullable(),
    emergencyMaxHours: z.number().positive(),
    closeOutTransitionName: z.string().nullable(),
    requesterMapping: z.record(z.string(), z.string()),
    notifyByEmail: z.boolean(),
    breakGlassReview: BreakGlassReviewSettingsSchema,
    plannedStartFieldId: z.string().nullable(),
    plannedEndFieldId: z.string().nullable(),
    accessEndingStatuses: z.array(z.string()),
  })
  .partial();

export const GroupPolicySchema = z.object({
  groupId: z.string().min(1),
  displayName: z.string(),
  maxDurationHours: z.number().positive(),
  maxLifetimeHours: z.number().positive(),
  maxExtensions: z.number().int().nonnegative(),
  reminderLeadMinutes: z.number().nonnegative(),
  approvalMode: z.enum(APPROVAL_MODES),
  allowedProjectKeys: z.array(z.string()),
  // Entries stored before the approval window existed have none: they read back as stored, and the
  // domain's approvalWindowDays() gives them the default (one place decides it, not every reader).
  approvalWindowDays: z.number().int().positive().optional(),
  // Unset in entries stored before approver policy existed: the domain's stepsOf() gives the default.
  approvalSteps: z
    .array(
      z.object({
        approvers: z.object({
          jiraGroups: z.array(z.string()),
          projectRoles: z.array(z.string()),
          accountIds: z.array(z.string()),
        }),
        count: z.number().int().positive(),
      }),
    )
    .optional(),
});

// ---- health ----

export const OktaBreakerSchema = z.object({
  openedAt: z.string(),
  message: z.string().max(1000),
  requestId: z.string().max(200).optional(),
});
export const ConnectionCheckSchema = z.object({
  at: z.string(),
  ok: z.boolean(),
  orgName: z.string().max(300).optional(),
  problem: z.string().max(1000).optional(),
  problemDetails: z.string().max(1000).optional(),
});

export const SweepRecordSchema = z.object({ at: z.string(), summary: z.record(z.string(), z.number()) });
export const OktaErrorsSchema = z.array(z.object({ at: z.string(), message: z.string() }));
export const UnmanagedSchema = z.object({ at: z.string(), byGroup: z.record(z.string(), z.array(z.string())) });
const count = z.number().int().nonnegative();
export const CatchUpRunSchema = z.object({
  at: z.string(),
  examined: count,
  found: count,
  recorded: count,
  failed: count,
  more: z.boolean(),
  problem: z.string().max(1000).optional(),
});
export const OKTA_ERRORS_KEPT = 50;
export const DashboardSummarySchema = z.object({
  asOf: iso,
  byStatus: z.partialRecord(z.enum(GRANT_STATUSES), count),
  overdueRevocations: count,
  requestsByDay: z.record(z.string(), z.record(z.string(), count)),
  denied: z
    .array(
      z.object({
        id: z.string(),
        issueKey: z.string(),
        requesterAccountId: z.string(),
        groupId: z.string(),
        status: z.enum(GRANT_STATUSES),
        requestedAt: iso,
        updatedAt: iso,
        endedAt: iso.optional(),
        reason: z.string().max(1000).optional(),
        reasonCode: z.string().max(200).optional(),
      }),
    )
    .max(SUMMARY_DENIED_KEPT),
});

const ackBase = { by: z.string(), at: z.string(), upTo: z.string(), count: z.number().int().nonnegative() };
export const AlertAcksSchema = z.object({
  'okta-errors': z.object({ alert: z.literal('okta-errors'), ...ackBase }).optional(),
  drift: z
    .object({ alert: z.literal('drift'), ...ackBase, byGroup: z.record(z.string(), z.array(z.string())) })
    .optional(),
});

export const SelfCheckRunSchema = z.object({
  runId: z.string(),
  trigger: z.enum(['installed', 'upgraded', 'admin']),
  actor: z.string().optional(),
  appVersion: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string(),
  checks: z.array(
    z.object({
      id: z.enum(CHECK_IDS),
      status: z.enum(['pass', 'fail', 'pending', 'skipped']),
      saw: z.string().max(2000),
      details: z.array(z.string().max(1000)).max(50).optional(),
    }),
  ),
  queueProbe: z.object({ sentAt: z.string(), delaySeconds: z.number().nonnegative() }).optional(),
}) satisfies z.ZodType<SelfCheckRun>;
export const QueueArrivalSchema = z.object({ at: z.string() });

// ---- notice (ADR 0020) ----

// Strict, most specific first: zod drops keys a schema does not name, so a link read as plain text
// would lose its href.
const MessageInlineSchema = z.union([
  z.strictObject({ link: z.string(), text: z.string() }),
  z.strictObject({ mention: z.string() }),
  z.strictObject({ text: z.string(), strong: z.boolean().optional() }),
]);
const MessageSchema = z.object({
  blocks: z.array(
    z.union([
      z.object({ paragraph: z.array(MessageInlineSchema) }),
      z.object({
        table: z.object({ head: z.array(z.string()), rows: z.array(z.array(z.array(MessageInlineSchema))) }),
      }),
    ]),
  ),
});

export const NoticeSchema = z.object({
  key: z.string(),
  issueKey: z.string(),
  comment: MessageSchema,
  email: z.object({ to: z.array(z.string()), subject: z.string() }).optional(),
  status: z.enum(NOTICE_STATUSES),
  createdAt: iso,
  dueAt: iso,
  attempts: z.number().int().nonnegative(),
  inFlightSince: iso.optional(),
  commentPostedAt: iso.optional(),
  commentUncertain: z.boolean().optional(),
  emailDoneAt: iso.optional(),
  sentAt: iso.optional(),
  lastError: z.string().optional(),
  reason: z.string().optional(),
  version: z.number().int(),
}) satisfies z.ZodType<OwedNotice>;

export const NOTICE_SCHEMA_NAMES_EVERY_FIELD: SameKeys<keyof z.infer<typeof NoticeSchema>, keyof OwedNotice> = true;

/** The stored notice entity: the indexed attributes plus the whole notice as `doc`. */
export interface NoticeEntity {
  status: OwedNotice['status'];
  dueAt: string;
  issueKey: string;
  version: number;
  doc: OwedNotice;
}

export const NoticeEntitySchema = z.object({
  status: z.enum(NOTICE_STATUSES),
  dueAt: z.string(),
  issueKey: z.string(),
  version: z.number().int(),
  doc: NoticeSchema,
});

// ---- break-glass review (ADR 0027) ----

export const ReviewSchema = z.object({
  grantId: z.string(),
  requestIssueKey: z.string(),
  subjectAccountId: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  startedAt: iso,
  endsAt: iso,
  oktaRequestIds: z.array(z.string()),
  settings: BreakGlassReviewSettingsSchema,
  status: z.enum(REVIEW_STATUSES),
  createdAt: iso,
  dueAt: iso,
  attempts: z.number().int().nonnegative(),
  inFlightSince: iso.optional(),
  uncertain: z.boolean().optional(),
  reviewIssueKey: z.string().optional(),
  linkedAt: iso.optional(),
  lastError: z.string().optional(),
  resolvedBy: z.string().optional(),
  resolvedAt: iso.optional(),
  refusals: z.number().int().nonnegative(),
  version: z.number().int(),
}) satisfies z.ZodType<Review>;

export const REVIEW_SCHEMA_NAMES_EVERY_FIELD: SameKeys<keyof z.infer<typeof ReviewSchema>, keyof Review> = true;

/** The stored review entity: the indexed attributes plus the whole review as `doc`. */
export interface ReviewEntity {
  status: Review['status'];
  dueAt: string;
  /** '-' until the issue exists (an index attribute needs a value). */
  reviewIssueKey: string;
  version: number;
  doc: Review;
}

export const ReviewEntitySchema = z.object({
  status: z.enum(REVIEW_STATUSES),
  dueAt: z.string(),
  reviewIssueKey: z.string(),
  version: z.number().int(),
  doc: ReviewSchema,
});
