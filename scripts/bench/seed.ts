/**
 * Fast seeding for the benchmarks. Thousands of grants are not raised through thousands of issues:
 * - ACTIVE grants (few) are written through the app's own adapter, `new KvsGrantStore().create()`,
 *   and point at real Jira issues, real Jira/Okta users and real Okta memberships, so everything the
 *   app does with them (reminders, Okta DELETE, close-out, drift check) runs for real;
 * - the EXPIRED history (many) is written with `kvs.batchSet` (25 items a request, the KVS maximum)
 *   in the exact stored shape the adapter writes (`toGrantEntity`), and read back through
 *   `KvsGrantStore.get` to prove it.
 * All writes happen inside `sb.app.run(...)`, i.e. through the real @forge/kvs client.
 */
import { isDeepStrictEqual } from 'node:util';
import { kvs } from '@forge/kvs';
import type { Sandbox } from '../../sandbox';
import type { DemoWorld } from '../../sandbox/seed';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import { ENTITY, toGrantEntity } from '../../src/adapters/kvs/keys';
import type { Grant } from '../../src/domain/grant';
import { seededRandom } from '../../sandbox/random';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
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

/** A long-ended grant (history): requested `agoMs` before `nowMs`, ran 4-12 h, EXPIRED. */
export function historyGrant(
  i: number,
  nowMs: number,
  agoMs: number,
  requesterAccountId: string,
  groupId: string,
  oktaUserId: string,
): Grant {
  const requested = nowMs - agoMs;
  const ends = requested + (4 + (i % 9)) * HOUR;
  const id = `h${String(i).padStart(7, '0')}`;
  return {
    id: `grant-${id}`,
    issueId: id,
    issueKey: `HIST-${i}`,
    projectKey: 'HIST',
    requesterAccountId,
    groupId,
    oktaUserId,
    status: 'EXPIRED',
    requestedAt: iso(requested),
    changeType: 'Standard',
    emergency: false,
    firstStartedAt: iso(requested + MIN),
    startedAt: iso(requested + MIN),
    endsAt: iso(ends),
    endedAt: iso(ends + 20_000),
    endReason: 'EXPIRED',
    endedBy: 'app',
    extensions: i % 3 === 0 ? 1 : 0,
    preexistingMembership: false,
    attempts: 0,
    version: 5,
    updatedAt: iso(ends + 20_000),
  };
}

/** Writes grants in batches of 25 through `kvs.batchSet`, a few batches in flight at once. */
export async function batchWriteGrants(sb: Sandbox, grants: Grant[]): Promise<void> {
  const BATCH = 25;
  const IN_FLIGHT = 8;
  await sb.app.run(async () => {
    const batches: Grant[][] = [];
    for (let i = 0; i < grants.length; i += BATCH) batches.push(grants.slice(i, i + BATCH));
    for (let i = 0; i < batches.length; i += IN_FLIGHT) {
      const results = await Promise.all(
        batches
          .slice(i, i + IN_FLIGHT)
          .map((b) => kvs.batchSet(b.map((g) => ({ entityName: ENTITY.grant, key: g.id, value: toGrantEntity(g) })))),
      );
      const failed = results.flatMap((r) => r.failedKeys);
      if (failed.length > 0)
        throw new Error(`bench: batchSet failed for ${failed.length} grants, e.g. ${JSON.stringify(failed[0])}`);
    }
    // The adapter must read what was seeded exactly as if it had written it.
    const sample = grants[grants.length - 1];
    if (sample) {
      const back = await new KvsGrantStore().get(sample.id);
      if (!isDeepStrictEqual(back, sample))
        throw new Error(`bench: seeded grant ${sample.id} does not read back through KvsGrantStore`);
    }
  });
}
