/**
 * Seeding for the benchmarks. ACTIVE grants are written through the app's own adapter,
 * `new KvsGrantStore().create()` (inside `sb.app.run`, the real @forge/kvs client), and point at real
 * Jira issues, real Jira/Okta users and real Okta memberships, so everything the app does with them
 * (reminders, Okta DELETE, close-out, drift check) runs for real. Load that only has to be there
 * (other people's grants, history) is written straight into the store by scripts/bench/table.ts.
 */
import type { Sandbox } from '../../sandbox';
import type { DemoWorld } from '../../sandbox/seed';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import type { Grant } from '../../src/domain/grant';
import { seededRandom } from '../../sandbox/random';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();

/** Deterministic PRNG (the sandbox's mulberry32), so every run draws the same "random" end times. */
export const prng = seededRandom;

export interface Person {
  jiraAccountId: string;
  oktaUserId: string;
  email: string;
}

/** A requester who exists in Jira (email visible) and in Okta with the same email. */
export function addPerson(sb: Sandbox, tag: string): Person {
  const email = `${tag}@bench.example`;
  const jiraAccountId = sb.jira.addUser({ displayName: `Bench ${tag}`, email, timeZone: 'UTC' }).accountId;
  const oktaUserId = sb.okta.addUser({ login: email, email, firstName: 'Bench', lastName: tag }).id;
  return { jiraAccountId, oktaUserId, email };
}

export function allowlistedGroups(w: DemoWorld): string[] {
  return [w.groups.linux, w.groups.windows, w.groups.database];
}

/**
 * ACTIVE grants as if the worker had granted them at `startedAt`: a real issue (created while product
 * events are held, so no trigger runs for it), a real Okta membership, the grant via the adapter.
 */
export async function seedActiveGrants(
  sb: Sandbox,
  w: DemoWorld,
  specs: Array<{ person: Person; groupId: string; startedAtMs: number; endsAtMs: number }>,
): Promise<Grant[]> {
  sb.holdEvents();
  const grants: Grant[] = [];
  for (const s of specs) {
    const { id, key } = await sb.jira.createIssue({
      projectKey: w.projectKey,
      summary: `Bench access ${s.person.email}`,
      reporter: s.person.jiraAccountId,
      fields: {},
    });
    sb.okta.addMember(s.groupId, s.person.oktaUserId);
    grants.push({
      id: `grant-${id}`,
      issueId: id,
      issueKey: key,
      projectKey: w.projectKey,
      requesterAccountId: s.person.jiraAccountId,
      groupId: s.groupId,
      oktaUserId: s.person.oktaUserId,
      status: 'ACTIVE',
      requestedAt: iso(s.startedAtMs),
      changeType: 'Standard',
      emergency: false,
      firstStartedAt: iso(s.startedAtMs),
      startedAt: iso(s.startedAtMs),
      endsAt: iso(s.endsAtMs),
      extensions: 0,
      preexistingMembership: false,
      attempts: 0,
      version: 3,
      updatedAt: iso(s.startedAtMs),
    });
  }
  await sb.app.run(async () => {
    const store = new KvsGrantStore();
    for (const g of grants) if ((await store.create(g)) !== 'created') throw new Error(`bench: ${g.id} exists`);
  });
  return grants;
}
