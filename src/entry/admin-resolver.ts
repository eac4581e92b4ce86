/**
 * The admin page's resolver (jira:adminPage, `admin/*`). Every key, in this order: the caller must be
 * a Jira admin (asked of Jira as that user) — a non-admin gets a refusal and nothing else; the
 * payload is parsed with the contract's schema; one use case runs; the answer is the shared envelope.
 * Expected refusals and Okta failures become clean envelopes; anything else is rethrown so Forge
 * records the invocation as failed. No answer may carry a stored or submitted credential.
 */
import Resolver from '@forge/resolver';
import type { z } from 'zod';
import { acknowledgeAlert } from '../app/admin/alerts';
import {
  addToAllowlist,
  listAllowlist,
  removeFromAllowlist,
  searchGroups,
  updateAllowlistEntry,
} from '../app/admin/allowlist';
import { listApproverRoles, searchApproverGroups, searchApproverPeople } from '../app/admin/approvers';
import { auditOptions, verifyAudit, queryAudit } from '../app/admin/audit';
import { getConnection, saveConnection, testConnection } from '../app/admin/connection';
import { getDashboard } from '../app/admin/dashboard';
import { getDiagnostics, runDiagnostics } from '../app/admin/diagnostics';
import {
  listDurationFields,
  listDateTimeFields,
  listFieldOptions,
  listIssueTypes,
  listStatuses,
  listTransitions,
  searchProjects,
} from '../app/admin/jira-choices';
import { getPolicy, savePolicy } from '../app/admin/policy';
import { searchOktaUsers } from '../app/admin/requester-mapping';
import { cancelRequest } from '../app/admin/requests';
import { revokeGrant } from '../app/admin/revoke';
import { directoryRefusal, type AdminOutcome } from '../app/admin/shared';
import type { AppDeps } from '../app/deps';
import { DirectoryError } from '../app/ports';
import {
  ADMIN_ERRORS,
  ADMIN_KEYS,
  ADMIN_PAYLOADS,
  describeIssues,
  type AdminKey,
  type AdminResponses,
} from '../shared/admin-contract';
import { failure, success, type Envelope } from '../shared/envelope';
import { compose } from './compose';

type Input<K extends AdminKey> = z.output<(typeof ADMIN_PAYLOADS)[K]>;
type UseCase<K extends AdminKey> = (
  deps: AppDeps,
  actor: string,
  input: Input<K>,
) => Promise<AdminOutcome<AdminResponses[K]>>;

/** Which use case serves which key: one line each, nothing else happens in a handler. */
const USE_CASES: { [K in AdminKey]: UseCase<K> } = {
  [ADMIN_KEYS.connectionGet]: (deps) => getConnection(deps),
  [ADMIN_KEYS.connectionSave]: (deps, actor, input) => saveConnection(deps, actor, input),
  [ADMIN_KEYS.connectionTest]: (deps, _actor, input) => testConnection(deps, input),
  [ADMIN_KEYS.allowlistList]: (deps) => listAllowlist(deps),
  [ADMIN_KEYS.allowlistAdd]: (deps, actor, input) => addToAllowlist(deps, actor, input),
  [ADMIN_KEYS.allowlistUpdate]: (deps, actor, input) => updateAllowlistEntry(deps, actor, input),
  [ADMIN_KEYS.allowlistRemove]: (deps, actor, input) => removeFromAllowlist(deps, actor, input),
  [ADMIN_KEYS.groupsSearch]: (deps, _actor, input) => searchGroups(deps, input),
  [ADMIN_KEYS.policyGet]: (deps) => getPolicy(deps),
  [ADMIN_KEYS.policySave]: (deps, actor, input) => savePolicy(deps, actor, input),
  [ADMIN_KEYS.dashboardGet]: (deps) => getDashboard(deps),
  [ADMIN_KEYS.auditQuery]: (deps, _actor, input) => queryAudit(deps, input),
  [ADMIN_KEYS.auditOptions]: (deps) => auditOptions(deps),
  [ADMIN_KEYS.auditVerify]: (deps) => verifyAudit(deps),
  [ADMIN_KEYS.grantRevoke]: (deps, actor, input) => revokeGrant(deps, actor, input),
  [ADMIN_KEYS.requestCancel]: (deps, actor, input) => cancelRequest(deps, actor, input),
  [ADMIN_KEYS.alertAcknowledge]: (deps, actor, input) => acknowledgeAlert(deps, actor, input),
  [ADMIN_KEYS.approverPeopleSearch]: (deps, _actor, input) => searchApproverPeople(deps, input),
  [ADMIN_KEYS.approverGroupsSearch]: (deps, _actor, input) => searchApproverGroups(deps, input),
  [ADMIN_KEYS.approverRolesList]: (deps) => listApproverRoles(deps),
  [ADMIN_KEYS.diagnosticsGet]: (deps) => getDiagnostics(deps),
  [ADMIN_KEYS.diagnosticsRun]: (deps, actor) => runDiagnostics(deps, actor),
  [ADMIN_KEYS.jiraFields]: (deps) => listDurationFields(deps),
  [ADMIN_KEYS.jiraDateTimeFields]: (deps) => listDateTimeFields(deps),
  [ADMIN_KEYS.jiraFieldOptions]: (deps, _actor, input) => listFieldOptions(deps, input),
  [ADMIN_KEYS.jiraStatuses]: (deps) => listStatuses(deps),
  [ADMIN_KEYS.jiraTransitions]: (deps) => listTransitions(deps),
  [ADMIN_KEYS.jiraProjects]: (deps, _actor, input) => searchProjects(deps, input),
  [ADMIN_KEYS.jiraIssueTypes]: (deps, _actor, input) => listIssueTypes(deps, input),
  [ADMIN_KEYS.oktaUsersSearch]: (deps, _actor, input) => searchOktaUsers(deps, input),
};

interface Call {
  payload?: unknown;
  context?: { accountId?: string };
}

export const NOT_ADMIN_MESSAGE = 'Only Jira administrators can use the Okta JIT Access admin page.';

async function handle<K extends AdminKey>(deps: AppDeps, key: K, call: Call): Promise<Envelope<AdminResponses[K]>> {
  const accountId = call.context?.accountId;
  if (!accountId || !(await deps.permissions.isJiraAdmin(accountId)))
    return failure(ADMIN_ERRORS.notAdmin, NOT_ADMIN_MESSAGE);
  const parsed = ADMIN_PAYLOADS[key].safeParse(call.payload ?? {});
  if (!parsed.success) return failure(ADMIN_ERRORS.invalid, describeIssues(parsed.error));
  // Read before the use case runs: a save replaces them, and the old ones must not leak either.
  const secrets = [...(await storedSecrets(deps)), ...submittedSecrets(call.payload)];
  let envelope: Envelope<AdminResponses[K]>;
  try {
    const outcome = await USE_CASES[key](deps, accountId, parsed.data as Input<K>);
    envelope = outcome.ok
      ? success(outcome.data)
      : failure(outcome.code, outcome.message, outcome.fields, outcome.details);
  } catch (e) {
    if (!(e instanceof DirectoryError)) throw e;
    const refusal = directoryRefusal(e);
    envelope = failure(refusal.code, refusal.message);
  }
  return withoutSecrets(envelope, secrets);
}

async function storedSecrets(deps: AppDeps): Promise<string[]> {
  const s = await deps.config.getSecrets();
  return [s.apiToken, s.privateKeyPem].filter((x): x is string => !!x);
}

function submittedSecrets(payload: unknown): string[] {
  const p = (payload ?? {}) as { apiToken?: unknown; privateKeyPem?: unknown };
  return [p.apiToken, p.privateKeyPem]
    .filter((x): x is string => typeof x === 'string' && x.trim() !== '')
    .map((x) => x.trim());
}

/**
 * Last line of defence: the Okta adapter already keeps credentials out of its messages, but an answer
 * must never echo one, whatever a lower layer wrote. A private key is matched by its base64 lines too.
 */
export function withoutSecrets<T>(value: T, secrets: string[]): T {
  const needles = secrets
    .flatMap((s) => [s, ...s.split(/\r?\n/).filter((line) => line.length >= 16 && !line.startsWith('-----'))])
    .filter((s) => s.length >= 8)
    .sort((a, b) => b.length - a.length);
  if (needles.length === 0) return value;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return needles.reduce((s, n) => s.split(n).join('[redacted]'), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value) as T;
}

export function buildAdminResolver(deps: () => AppDeps) {
  const resolver = new Resolver();
  for (const key of Object.values(ADMIN_KEYS)) {
    resolver.define(key, (call: Call) => handle(deps(), key, call));
  }
  return resolver.getDefinitions();
}

export const adminResolver = buildAdminResolver(compose);
