/** Grants seeded straight into the sandbox's store, for tests of what happens to many at once. */
import type { Sandbox } from '../../sandbox';
import { toGrantEntity } from '../../src/adapters/kvs/keys';
import type { Grant } from '../../src/domain/grant';
import { makeGrant } from '../factories/grant';
import { at, type World } from './world';

/** Writes a grant straight into the sandbox's store, as the app would have. */
export function putGrant(sb: Sandbox, g: Grant): void {
  const r = sb.kvs.handle('/api/v1/entity/set', { entityName: 'grant', key: g.id, value: toGrantEntity(g) });
  if (r.status >= 300) throw new Error(JSON.stringify(r.body));
}

/** `n` ACTIVE Linux grants of `n` people (each an Okta member), ending at `endsAt(i)`. */
export function seedActiveGrants(t: World, n: number, endsAt: (i: number) => string): Grant[] {
  const made: Grant[] = [];
  for (let i = 0; i < n; i++) {
    const accountId = t.sb.jira.addUser({
      displayName: `Person ${i}`,
      email: `person.${i}@atko.email`,
      timeZone: 'UTC',
    }).accountId;
    const oktaId = t.sb.okta.addUser({ login: `person.${i}@atko.email`, email: `person.${i}@atko.email` }).id;
    t.sb.okta.addMember(t.w.groups.linux, oktaId);
    const id = String(500_000 + i);
    const g = makeGrant({
      id: `grant-${id}`,
      issueId: id,
      issueKey: `SWP-${i + 1}`,
      requesterAccountId: accountId,
      oktaUserId: oktaId,
      groupId: t.w.groups.linux,
      status: 'ACTIVE',
      requestedAt: at('08:00:00'),
      firstStartedAt: at('08:00:00'),
      startedAt: at('08:00:00'),
      endsAt: endsAt(i),
      updatedAt: at('08:00:00'),
    });
    putGrant(t.sb, g);
    made.push(g);
  }
  return made;
}
