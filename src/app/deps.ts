/**
 * Everything a use case may reach, as ports. The composition root (src/entry/compose.ts) builds the
 * real set; tests run that same set on the sandbox. Use cases name the subset they need with Pick.
 */
import type {
  ApproverDirectory,
  AuditLog,
  Clock,
  ConfigStore,
  Directory,
  GrantStore,
  HealthStore,
  IssueTracker,
  JiraProbe,
  JiraCatalog,
  Notifier,
  NoticeOutbox,
  OktaConnection,
  OktaSecrets,
  PermissionChecker,
  PushBudget,
  RequestLedger,
  ReviewStore,
  ReviewTracker,
  StorageProbe,
  SweepState,
  WorkQueue,
} from './ports';

export interface AppDeps {
  clock: Clock;
  /** A uniform number in [0, 1): spreads retries (full jitter) so they never move in lockstep. */
  random: () => number;
  grants: GrantStore;
  audit: AuditLog;
  config: ConfigStore;
  health: HealthStore;
  ledger: RequestLedger;
  /** Every comment and email the app owes, recorded before it is sent (ADR 0020). */
  notices: NoticeOutbox;
  /** The directory for the stored connection; throws DirectoryError('configuration') when unset. */
  directory: () => Promise<Directory>;
  /** A directory for connection settings not yet saved (admin "Test connection"). */
  directoryFor: (connection: OktaConnection, secrets: OktaSecrets) => Directory;
  issues: IssueTracker;
  notifier: Notifier;
  permissions: PermissionChecker;
  /** Jira people, groups and project roles, for approver policy and its pickers. */
  approvers: ApproverDirectory;
  /** Jira fields, options, projects, statuses and transitions, for the admin page's pickers and checks. */
  catalog: JiraCatalog;
  queue: WorkQueue;
  /** The sweep's share of Forge's queue push limit, shared by overlapping runs (ADR 0023). */
  pushBudget: PushBudget;
  /** Where the sweep's bounded reads continue next run. */
  sweepState: SweepState;
  /** Break-glass reviews owed and their Jira issues (ADR 0027). */
  reviews: ReviewStore;
  reviewIssues: ReviewTracker;
  /** What the install self-check exercises on the real platform (ADR 0014). */
  probes: { storage: StorageProbe; jira: JiraProbe };
}
