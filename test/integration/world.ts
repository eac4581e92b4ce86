/**
 * The shared world of the integration tests: one sandbox per test (it replaces Date, fetch and the
 * Forge runtime globals, so never two at once), seeded like the demo, with small readers over what
 * the emulators and the app's own storage recorded. Everything the app does here goes through the
 * real @forge/* SDKs, the handlers named in manifest.yml, the KVS and Jira emulators and the Okta
 * emulator over HTTP.
 *
 * `useWorlds()` registers the hooks every file needs: app logs silenced, and after each test the
 * invariants that must always hold (no request outside Okta's published API, no SDK call the sandbox
 * could not serve, no Jira call the emulator does not know, no queue event dropped after retention).
 */
import { createSandbox, type Sandbox } from '../../sandbox';
import { groupPolicy, seedDemo, seedPeople, type DemoWorld } from '../../sandbox/seed';
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { AUDIT_SEQUENCE_KIND } from '../../src/adapters/queue/audit-sequencer-queue';
import { KvsConfigStore } from '../../src/adapters/kvs/config-store';
import { KvsHealthStore } from '../../src/adapters/kvs/health-store';
import type { AuditAction, AuditEntry } from '../../src/app/ports';
import type { Grant } from '../../src/domain/grant';
import type { GroupPolicy, PolicySettings } from '../../src/domain/policy';

export const SEC = 1_000;
export const MIN = 60_000;
export const HOUR = 3_600_000;
/** The sandbox's default start: the first sweep runs at 09:05, then every five minutes. */
export const T0 = '2026-11-22T09:00:00.000Z';
export const at = (hhmmss: string) => `2026-11-22T${hhmmss}.000Z`;

export type World = Awaited<ReturnType<typeof world>>;

const open: Sandbox[] = [];

const isSequencerRun = (body: unknown): boolean =>
  (body as { kind?: unknown } | undefined)?.kind === AUDIT_SEQUENCE_KIND;

export async function world(
  opts: { now?: string; seed?: 'demo' | 'people'; closeOut?: string | null; breakGlassReview?: boolean } = {},
) {
  if (open.length > 0) throw new Error('one sandbox at a time: it replaces global Date, fetch and the Forge runtime');
  const sb = await createSandbox({ now: opts.now ?? T0 });
  open.push(sb);
  const w: DemoWorld =
    opts.seed === 'people'
      ? seedPeople(sb)
      : await seedDemo(sb, {
          ...(opts.closeOut === null ? {} : { closeOutTransitionName: opts.closeOut ?? 'Done' }),
          ...(opts.breakGlassReview ? { breakGlassReview: true } : {}),
        });
  if (opts.seed !== 'people' && opts.closeOut === null) {
    await sb.app.run(async () => {
      const c = new KvsConfigStore();
      await c.savePolicy({ ...(await c.getPolicy()), closeOutTransitionName: undefined });
    });
  }

  const config = <T>(fn: (c: KvsConfigStore) => Promise<T>) => sb.app.run(() => fn(new KvsConfigStore()));

  const t = {
    sb,
    w,
    /** Raises an issue as `reporter` (Neville by default); the sandbox delivers the created event at once. */
    async raise(
      fields: {
        accessType?: string;
        adminGroup?: string;
        changeType?: string;
        requestedEnd?: string;
        plannedStart?: string;
        plannedEnd?: string;
      },
      o: { reporter?: string; summary?: string } = {},
    ) {
      const r = await sb.jira.createIssue({
        projectKey: w.projectKey,
        summary: o.summary ?? 'Access request',
        reporter: o.reporter ?? w.jira.neville,
        fields,
      });
      return { key: r.key, id: r.id, grantId: `grant-${r.id}`, eventId: r.event.eventId };
    },
    /** New access to `group` as a Standard change, ending at `until` (the requested end). */
    newAccess(group: string, until: string, o: { reporter?: string } = {}) {
      return t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: group, requestedEnd: until }, o);
    },
    /** The stored grant, read from the KVS emulator (no app code involved). */
    grant(grantId: string): Grant | undefined {
      return sb.kvs.entity('grant').find((e) => e.key === grantId)?.value.doc as Grant | undefined;
    },
    grants(): Grant[] {
      return sb.kvs.entity('grant').map((e) => e.value.doc as Grant);
    },
    /**
     * Audit entries in chain order, then any still pending (ADR 0019) in the sequencer's order,
     * optionally those of one grant and/or one action.
     */
    audit(filter: { grantId?: string; action?: AuditAction; issueKey?: string } = {}): AuditEntry[] {
      const rank = (a: AuditEntry & { order: string }) => (a.pending ? Number.MAX_SAFE_INTEGER : a.seq);
      return sb.kvs
        .entity('audit')
        .map((e) => {
          const v = e.value as { chain: string; order: string; doc: AuditEntry };
          return v.chain === 'pending'
            ? { ...v.doc, seq: 0, prevHash: '', hash: '', pending: true as const, order: v.order }
            : { ...v.doc, order: v.order };
        })
        .filter(
          (a) =>
            (filter.grantId === undefined || a.grantId === filter.grantId) &&
            (filter.action === undefined || a.action === filter.action) &&
            (filter.issueKey === undefined || a.issueKey === filter.issueKey),
        )
        .sort((a, b) => rank(a) - rank(b) || (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
        .map(({ order: _order, ...entry }) => entry);
    },
    actions(grantId: string): AuditAction[] {
      return t.audit({ grantId }).map((a) => a.action);
    },
    /** Comment texts on an issue (mentions rendered as @Display Name). */
    comments(key: string): string[] {
      return sb.jira.comments(key).map((c) => c.text);
    },
    notifications(key: string) {
      return sb.jira.notifications(key);
    },
    /** Membership writes the app sent to Okta (PUT/DELETE /api/v1/groups/{g}/users/{u}), with their answers. */
    oktaWrites(filter: { method?: 'PUT' | 'DELETE'; status?: number; groupId?: string } = {}) {
      return sb.okta.requests.filter(
        (r) =>
          /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/.test(r.path) &&
          (r.method === 'PUT' || r.method === 'DELETE') &&
          (filter.method === undefined || r.method === filter.method) &&
          (filter.status === undefined || r.status === filter.status) &&
          (filter.groupId === undefined || r.path.startsWith(`/api/v1/groups/${filter.groupId}/`)),
      );
    },
    /** Every group's members, to show that "nothing else changed". */
    memberships(): Record<string, string[]> {
      return Object.fromEntries(
        Object.entries(w.groups).map(([name, id]) => [name, sb.okta.members(id).slice().sort()]),
      );
    },
    config,
    /** Changes one allowlisted group's policy (as the admin page would, through the app's own store). */
    async setGroup(groupId: string, patch: Partial<GroupPolicy>) {
      await config(async (c) => {
        const list = await c.getAllowlist();
        if (!list.some((g) => g.groupId === groupId)) throw new Error(`group ${groupId} is not allowlisted`);
        await c.saveAllowlist(list.map((g) => (g.groupId === groupId ? { ...g, ...patch } : g)));
      });
    },
    /** Puts a group on the allowlist directly, skipping the admin page's checks (a group that changed in Okta after allowlisting). */
    async allowlistDirectly(groupId: string, displayName: string, over: Partial<GroupPolicy> = {}) {
      await config(async (c) =>
        c.saveAllowlist([...(await c.getAllowlist()), groupPolicy(groupId, displayName, over)]),
      );
    },
    async removeFromAllowlist(groupId: string) {
      await config(async (c) => c.saveAllowlist((await c.getAllowlist()).filter((g) => g.groupId !== groupId)));
    },
    async setPolicy(patch: Partial<PolicySettings>) {
      await config(async (c) => c.savePolicy({ ...(await c.getPolicy()), ...patch }));
    },
    health: <T>(fn: (h: KvsHealthStore) => Promise<T>) => sb.app.run(() => fn(new KvsHealthStore())),
    /**
     * Links what is still pending first, as the sequencer's coalesced run (queued a few seconds on,
     * ADR 0029) would, then verifies the whole chain.
     */
    verifyAudit: () =>
      sb.app.run(async () => {
        const log = new KvsAuditLog();
        await log.sequence();
        return log.verify();
      }),
    /**
     * Queue deliveries of grant work so far, for assertions on retries. The audit sequencer's runs
     * (ADR 0019) share the queue and are left out: `sequencerRuns` has them.
     */
    deliveries: () => sb.events.deliveries.filter((d) => !isSequencerRun(d.body)),
    sequencerRuns: () => sb.events.deliveries.filter((d) => isSequencerRun(d.body)),
  };
  return t;
}

/** Hooks for a test file: quiet app logs, and the invariants checked after every test. */
export function useWorlds(): void {
  beforeAll(() => {
    jest.spyOn(console, 'info').mockImplementation(() => {});
  });
  afterAll(() => {
    jest.restoreAllMocks();
  });
  afterEach(closeWorlds);
}

/**
 * Checks what every sandbox must end with (no Okta or Jira spec violation, nothing unhandled, no queue
 * event expired) and closes them: after each test, or after each run of a property.
 */
export async function closeWorlds(): Promise<void> {
  const sandboxes = open.splice(0);
  try {
    for (const sb of sandboxes) {
      expect({
        oktaViolations: sb.okta.violations,
        unhandled: sb.unhandled,
        jiraUnhandled: sb.jira.unhandled,
        jiraSpecViolations: sb.jira.specViolations,
        expiredQueueEvents: sb.events.expired,
      }).toEqual({
        oktaViolations: [],
        unhandled: [],
        jiraUnhandled: [],
        jiraSpecViolations: [],
        expiredQueueEvents: [],
      });
    }
  } finally {
    for (const sb of sandboxes) await sb.close();
  }
}
