/**
 * The composition root: the only place that knows which adapter implements which port.
 * Built per invocation (cheap); the Okta client is cached per connection so an OAuth token is reused
 * while the function instance stays warm.
 */
import type { AppDeps } from '../app/deps';
import { DirectoryError, type Directory, type OktaConnection, type OktaSecrets } from '../app/ports';
import { credentialTarget, validateOktaDomain } from '../domain/okta-domain';
import { mirroredToIssueProperty } from '../app/grant-lifecycle';
import { systemClock } from '../adapters/clock/system-clock';
import { KvsGrantStore } from '../adapters/kvs/grant-store';
import { KvsAuditLog } from '../adapters/kvs/audit-log';
import { auditSequencerTrigger } from '../adapters/queue/audit-sequencer-queue';
import { KvsConfigStore } from '../adapters/kvs/config-store';
import { KvsHealthStore } from '../adapters/kvs/health-store';
import { KvsNoticeOutbox } from '../adapters/kvs/notice-outbox';
import { KvsReviewStore } from '../adapters/kvs/review-store';
import { JiraReviewTracker } from '../adapters/jira/jira-review-tracker';
import { KvsRequestLedger } from '../adapters/kvs/request-ledger';
import { KvsStorageProbe } from '../adapters/kvs/storage-probe';
import { KvsPushBudget } from '../adapters/kvs/push-budget';
import { KvsSweepState } from '../adapters/kvs/sweep-state';
import { KvsOktaRuleCache } from '../adapters/kvs/okta-rule-cache';
import { OktaHttpClient } from '../adapters/okta/okta-http-client';
import { OktaDirectory } from '../adapters/okta/okta-directory';
import { FieldCatalog } from '../adapters/jira/field-ids';
import { getAppContext } from '@forge/api';
import { JiraApproverDirectory } from '../adapters/jira/jira-approver-directory';
import { JiraCatalogReader } from '../adapters/jira/jira-catalog';
import { JiraIssueTracker } from '../adapters/jira/jira-issue-tracker';
import { JiraNotifier } from '../adapters/jira/jira-notifier';
import { JiraPermissionChecker } from '../adapters/jira/jira-permission-checker';
import { JiraRouteProbe } from '../adapters/jira/jira-probe';
import { ForgeWorkQueue } from '../adapters/queue/forge-work-queue';

const directories = new Map<string, Directory>();
/** Kept across invocations of a warm instance, like the Okta clients (it caches per installation). */
const fieldCatalog = new FieldCatalog(systemClock);

function buildDirectory(connection: OktaConnection, secrets: OktaSecrets): Directory {
  const domain = validateOktaDomain(connection.domain);
  if (!domain.ok) throw new DirectoryError('configuration', `The saved Okta domain is not valid: ${domain.reason}`);
  const auth =
    connection.auth.method === 'api-token'
      ? secrets.apiToken
        ? { kind: 'api-token' as const, token: secrets.apiToken }
        : undefined
      : secrets.privateKeyPem
        ? {
            kind: 'oauth' as const,
            clientId: connection.auth.clientId,
            keyId: connection.auth.keyId,
            privateKeyPem: secrets.privateKeyPem,
          }
        : undefined;
  if (!auth)
    throw new DirectoryError(
      'configuration',
      'The Okta credentials are not set. A Jira admin must enter them in the Okta JIT Access admin page.',
    );
  const target = credentialTarget(
    domain.host,
    connection.auth.method === 'oauth' ? connection.auth.clientId : undefined,
  );
  if (secrets.boundTo !== undefined && secrets.boundTo !== target) {
    throw new DirectoryError(
      'configuration',
      'The stored Okta credentials were entered for another Okta org or service app. A Jira admin must enter them again in the Okta JIT Access admin page.',
    );
  }
  // Per installation too: a warm instance may serve several sites, and the pacing an Okta client learned
  // (and the virtual clock it learned it on, in the sandbox) belongs to the installation that called.
  const installation = installationId();
  const cacheKey = JSON.stringify([installation, domain.origin, connection.auth, fingerprint(secrets)]);
  let directory = directories.get(cacheKey);
  if (!directory) {
    directory = new OktaDirectory(
      new OktaHttpClient({ origin: domain.origin, auth, clock: systemClock }),
      new KvsOktaRuleCache(),
    );
    directories.set(cacheKey, directory);
  }
  return directory;
}

/** The calling installation; code run outside an invocation (a unit test of the composition) has none. */
function installationId(): string {
  try {
    return getAppContext().installationAri.installationId;
  } catch {
    return 'outside-an-invocation';
  }
}

// Distinguishes rotated secrets in the cache key without keeping them in it.
function fingerprint(s: OktaSecrets): string {
  const text = `${s.apiToken ?? ''}|${s.privateKeyPem ?? ''}`;
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return String(h);
}

export function compose(): AppDeps {
  const clock = systemClock;
  const config = new KvsConfigStore();
  const audit = new KvsAuditLog(auditSequencerTrigger());
  const issues = new JiraIssueTracker(clock, fieldCatalog);
  return {
    clock,
    random: Math.random,
    config,
    // Every stored change of a grant also updates its issue's JQL-searchable property (ADR 0024).
    grants: mirroredToIssueProperty(new KvsGrantStore(audit), { issues, config }),
    audit,
    health: new KvsHealthStore(),
    ledger: new KvsRequestLedger(() => clock.now()),
    notices: new KvsNoticeOutbox(),
    directory: async () => {
      const [connection, secrets] = await Promise.all([config.getConnection(), config.getSecrets()]);
      if (!connection)
        throw new DirectoryError(
          'configuration',
          'Okta is not connected yet. A Jira admin must connect it in the Okta JIT Access admin page.',
        );
      return buildDirectory(connection, secrets);
    },
    directoryFor: buildDirectory,
    issues,
    notifier: new JiraNotifier(clock),
    permissions: new JiraPermissionChecker(clock),
    approvers: new JiraApproverDirectory(clock),
    catalog: new JiraCatalogReader(clock),
    queue: new ForgeWorkQueue(),
    pushBudget: new KvsPushBudget(() => clock.now()),
    sweepState: new KvsSweepState(),
    reviews: new KvsReviewStore(),
    reviewIssues: new JiraReviewTracker(clock),
    probes: { storage: new KvsStorageProbe(() => clock.now()), jira: new JiraRouteProbe(clock) },
  };
}
