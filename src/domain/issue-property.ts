/**
 * The issue property the app keeps on each New access request issue (docs/adr/0018-admin-group-display.md,
 * docs/adr/0024-jql-entity-property.md).
 *
 * Two readers. Jira renders the Admin group field without the app's UI in the issue navigator, list
 * view, boards and notifications: there the field's formatter expression (manifest.yml) reads
 * `groupId` and `groupName` to show the group's name instead of its raw Okta id. And Jira indexes the
 * paths the `jira:entityProperty` module declares (manifest.yml, `access-state-index`), so people find
 * access with JQL such as `issue.property[okta-jit-access].status = "ACTIVE"`, in saved filters,
 * subscriptions and dashboards, without the app's UI.
 *
 * Pure: the property is a function of the grant as stored, so writing it twice writes the same thing,
 * and the reconcile can tell a property that lags behind its grant (`rev` < the grant's version).
 */
import type { Grant, GrantStatus } from './grant';

/** The property key (Jira's limit is 255 characters). manifest.yml's formatter and index name it too. */
export const ISSUE_PROPERTY_KEY = 'okta-jit-access';

export interface AccessIssueProperty {
  /**
   * The shape's version. 2 added the request's state; what version 1 held (`groupId`, `groupName`)
   * keeps its meaning, so the formatter reads both versions alike.
   */
  v: 2;
  /** The Okta group id the request was recorded for: the formatter shows the name only for this id. */
  groupId: string;
  /** The group's display name on the allowlist when the request was recorded. */
  groupName: string;
  /** The grant this issue's newest request recorded. */
  grantId: string;
  /** The grant's version this property was made from: a property behind its grant is repaired. */
  rev: number;
  status: GrantStatus;
  /** The requester's Jira account id (indexed as a user: `= currentUser()` works). */
  requester: string;
  requestedAt: string;
  startedAt?: string;
  endsAt?: string;
  endedAt?: string;
  /** Why it ended or is ending (EXPIRED, RELINQUISHED, REVOKED_BY_ADMIN, REMOVED_EXTERNALLY, ISSUE_RESOLVED). */
  endReason?: string;
  /**
   * "true" when the emergency path skipped approval. A string, not a JSON boolean: Jira's index types
   * are number, string, text, user and date, and a string compares the same in every JQL client.
   */
  emergency: 'true' | 'false';
}

/**
 * The paths Jira indexes, with their index types and JQL aliases (manifest.yml declares exactly
 * these; test/shared/manifest-vocabulary.test.ts holds the two together). At most 30 per app.
 */
export const INDEXED_PATHS: ReadonlyArray<{
  path: keyof AccessIssueProperty;
  type: 'string' | 'date' | 'user';
  searchAlias: string;
}> = [
  { path: 'status', type: 'string', searchAlias: 'oktaAccessStatus' },
  { path: 'groupName', type: 'string', searchAlias: 'oktaAccessGroup' },
  { path: 'groupId', type: 'string', searchAlias: 'oktaAccessGroupId' },
  { path: 'requester', type: 'user', searchAlias: 'oktaAccessRequester' },
  { path: 'requestedAt', type: 'date', searchAlias: 'oktaAccessRequested' },
  { path: 'startedAt', type: 'date', searchAlias: 'oktaAccessStart' },
  { path: 'endsAt', type: 'date', searchAlias: 'oktaAccessEnd' },
  { path: 'endedAt', type: 'date', searchAlias: 'oktaAccessEnded' },
  { path: 'endReason', type: 'string', searchAlias: 'oktaAccessEndReason' },
  { path: 'emergency', type: 'string', searchAlias: 'oktaAccessEmergency' },
];

/** What the property says about a grant, as stored (with its new version). */
export function accessIssueProperty(g: Grant, groupName: string): AccessIssueProperty {
  return {
    v: 2,
    groupId: g.groupId,
    groupName,
    grantId: g.id,
    rev: g.version,
    status: g.status,
    requester: g.requesterAccountId,
    requestedAt: g.requestedAt,
    ...(g.startedAt ? { startedAt: g.startedAt } : {}),
    ...(g.endsAt ? { endsAt: g.endsAt } : {}),
    ...(g.endedAt ? { endedAt: g.endedAt } : {}),
    ...(g.endReason ? { endReason: g.endReason } : {}),
    emergency: g.emergency ? 'true' : 'false',
  };
}

/**
 * Whether a grant's change should be written to its issue's property. A request withdrawn by its
 * requester's edit has a successor on the same issue, which owns the property from then on: the old
 * request's last write must not overwrite the new one's.
 */
export const ownsIssueProperty = (g: Pick<Grant, 'supersededBy'>): boolean => g.supersededBy === undefined;

/** Whether the property as Jira holds it lags behind the grant as stored (or was never written). */
export function propertyLags(stored: unknown, g: Pick<Grant, 'id' | 'version'>): boolean {
  if (!stored || typeof stored !== 'object') return true;
  const p = stored as Partial<AccessIssueProperty>;
  return p.v !== 2 || p.grantId !== g.id || typeof p.rev !== 'number' || p.rev < g.version;
}
