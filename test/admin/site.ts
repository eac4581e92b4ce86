/**
 * The admin page's world on the sandbox: the demo people and groups (the app itself unconfigured, or
 * connected), and the admin resolver called through the real @forge/resolver routing as Ada (a Jira
 * admin) or anyone else. Stored state is read back through the app's own KVS adapters; grants and
 * audit entries a test needs are written through them too (never into a fake).
 */
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import type { AuditEntryInput } from '../../src/app/ports';
import type { Grant } from '../../src/domain/grant';
import { world, type World } from '../integration/world';

export type AdminSite = World & Awaited<ReturnType<typeof extras>>;

/** An unconfigured app (no Okta connection, no allowlist) on the demo people, at `now`. */
export async function adminSite(opts: { now?: string; seed?: 'people' | 'demo' } = {}): Promise<AdminSite> {
  const t = await world({ now: opts.now, seed: opts.seed ?? 'people' });
  return Object.assign(t, await extras(t));
}

async function extras(t: World) {
  const { sb, w } = t;
  const site = {
    /** Calls an admin/* key as `accountId` (Ada by default) through the admin page's resolver. */
    admin: (key: string, payload: unknown = {}, accountId: string = w.jira.ada): Promise<any> =>
      sb.app.invoke(key, payload, { accountId, moduleKey: 'admin-page' }),
    /** Connects the app to the Okta emulator with its API token, as an admin would. */
    async connect() {
      const r = await site.admin('admin/connection/save', {
        domain: sb.okta.domain,
        method: 'api-token',
        apiToken: sb.okta.apiToken,
      });
      if (!r.ok) throw new Error(`connect: ${JSON.stringify(r)}`);
    },
    /** Writes grants through the app's grant store (the KVS emulator underneath). */
    async putGrants(...grants: Grant[]) {
      await sb.app.run(async () => {
        const store = new KvsGrantStore(new KvsAuditLog());
        for (const g of grants) await store.create(g);
      });
    },
    /** Writes entries as the app does (pending), then runs the sequencer that links them (ADR 0019). */
    async appendAudit(...entries: AuditEntryInput[]) {
      await sb.app.run(async () => {
        const log = new KvsAuditLog();
        for (const e of entries) await log.append(e);
        await log.sequence();
      });
    },
    stored: {
      connection: () => t.config((c) => c.getConnection()),
      secrets: () => t.config((c) => c.getSecrets()),
      policy: () => t.config((c) => c.getPolicy()),
      allowlist: () => t.config((c) => c.getAllowlist()),
    },
    /** Okta requests made so far. */
    oktaCalls: () => sb.okta.requests.length,
  };
  return site;
}
