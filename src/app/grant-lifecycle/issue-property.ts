/**
 * Keeps each request issue's `okta-jit-access` property (src/domain/issue-property.ts, ADR 0024) in
 * step with its grant. The hook sits on the grant store itself, wrapped once in the composition
 * root: every stored change of a grant (recordRequest's create, commit's conditional update) passes
 * through it, so no use case has to remember the property and none can forget it.
 *
 * The property is written after the store write has landed, never before: Jira must not say a state
 * the store never reached. The write is idempotent (the same grant version gives the same value) and
 * never fails the grant's work: a refusal or outage is logged and the hourly reconcile repairs every
 * property that lags behind its grant (repairIssueProperties below), which also covers a crash between
 * the two writes, where no "owed" record could have been written.
 */
import type { Grant } from '../../domain/grant';
import { accessIssueProperty, ISSUE_PROPERTY_KEY, ownsIssueProperty, propertyLags } from '../../domain/issue-property';
import type { ConfigStore, GrantStore, IssueTracker } from '../ports';

type Needs = { issues: Pick<IssueTracker, 'setIssueProperty'>; config: Pick<ConfigStore, 'getAllowlist'> };

/** Writes the property for a grant as stored; false when Jira did not take it (logged, repaired later). */
export async function writeIssueProperty(deps: Needs, g: Grant): Promise<boolean> {
  if (!ownsIssueProperty(g)) return true;
  try {
    const group = (await deps.config.getAllowlist()).find((x) => x.groupId === g.groupId);
    // A group no longer (or never) allowlisted keeps its id as its name: the formatter then shows the
    // id, never a wrong name (ADR 0018).
    await deps.issues.setIssueProperty(
      g.issueId,
      ISSUE_PROPERTY_KEY,
      accessIssueProperty(g, group?.displayName ?? g.groupId),
    );
    return true;
  } catch (e) {
    console.warn(
      `the ${ISSUE_PROPERTY_KEY} property of ${g.issueKey} was not set to ${g.status} (version ${g.version}); the hourly reconcile repairs it`,
      e instanceof Error ? e.message : String(e),
    );
    return false;
  }
}

/** The grant store, with the issue property written after each stored change. */
export function mirroredToIssueProperty(store: GrantStore, deps: Needs): GrantStore {
  // Every method named, so a method added to the port fails to compile here until it is decided.
  return {
    get: (id) => store.get(id),
    create: async (g) => {
      const result = await store.create(g);
      if (result === 'created') await writeIssueProperty(deps, g);
      return result;
    },
    update: async (next, audit) => {
      await store.update(next, audit);
      await writeIssueProperty(deps, next);
    },
    listByRequester: (a) => store.listByRequester(a),
    listRunningByRequester: (a, n) => store.listRunningByRequester(a, n),
    pageByRequester: (a, p) => store.pageByRequester(a, p),
    listHeldByRequesterAndGroup: (a, g) => store.listHeldByRequesterAndGroup(a, g),
    listByStatus: (s, e) => store.listByStatus(s, e),
    pageByStatus: (s, n) => store.pageByStatus(s, n),
    pageByStatusFrom: (s, n, c) => store.pageByStatusFrom(s, n, c),
    pageScheduledStarts: (t, n) => store.pageScheduledStarts(t, n),
    listByGroupAndStatus: (g, s) => store.listByGroupAndStatus(g, s),
    listRequestedBetween: (f, t) => store.listRequestedBetween(f, t),
    pageRequestedBetween: (f, t, n) => store.pageRequestedBetween(f, t, n),
  };
}

export interface PropertyRepairSummary {
  checked: number;
  repaired: number;
  failed: number;
}

/**
 * The reconcile's repair: for the grants most likely to be read through JQL (those still under way,
 * and those Jira's index still shows as under way), rewrites each property that lags behind its grant.
 * Bounded: at most `limit` grants are checked per run; the rest wait for the next hour.
 */
export async function repairIssueProperties(
  deps: Needs & {
    grants: Pick<GrantStore, 'get' | 'pageByStatus'>;
    issues: Pick<IssueTracker, 'setIssueProperty' | 'searchAccessProperties'>;
  },
  limit: number,
): Promise<PropertyRepairSummary> {
  const summary: PropertyRepairSummary = { checked: 0, repaired: 0, failed: 0 };
  // What Jira shows as under way: a lost final write leaves an ended grant "ACTIVE" in every filter.
  const shown = await deps.issues.searchAccessProperties(UNDER_WAY, limit);
  const seen = new Map<string, unknown>();
  for (const p of shown) if (p.grantId) seen.set(p.grantId, p.property);
  const candidates = new Set(seen.keys());
  // What the store has under way: a lost first write leaves the issue with no property, or an old one.
  for (const status of UNDER_WAY) {
    if (candidates.size >= limit) break;
    const { grants } = await deps.grants.pageByStatus(status, limit - candidates.size);
    for (const g of grants) candidates.add(g.id);
  }
  for (const id of [...candidates].slice(0, limit)) {
    const g = await deps.grants.get(id);
    if (!g || !ownsIssueProperty(g)) continue;
    summary.checked++;
    // A grant found only in the store is checked against what Jira returned for it, if anything;
    // one Jira did not return under way may hold a newer property: rewriting it is harmless (idempotent).
    if (seen.has(id) && !propertyLags(seen.get(id), g)) continue;
    if (await writeIssueProperty(deps, g)) summary.repaired++;
    else summary.failed++;
  }
  return summary;
}

/** The states a filter of running access shows; the rest are settled. */
export const UNDER_WAY = ['REQUESTED', 'GRANTING', 'ACTIVE', 'REVOKING'] as const;
