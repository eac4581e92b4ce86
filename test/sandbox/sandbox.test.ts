/**
 * The sandbox as a whole: the real @forge/* SDKs run against it unmodified (issue 2, "must show").
 */
import { kvs, WhereConditions } from '@forge/kvs';
import { asApp, route } from '@forge/api';
import { Queue } from '@forge/events';
import { createSandbox, type Sandbox } from '../../sandbox';

let sb: Sandbox;
beforeEach(async () => {
  sb = await createSandbox({ now: '2026-11-22T09:00:00Z' });
});
afterEach(async () => {
  await sb.close();
});

describe('sandbox', () => {
  it('serves custom entities with the manifest indexes through the real @forge/kvs client', async () => {
    await sb.app.run(async () => {
      for (const [id, status, endsAt] of [
        ['a', 'ACTIVE', '2026-11-22T10:00:00.000Z'],
        ['b', 'ACTIVE', '2026-11-22T12:00:00.000Z'],
        ['c', 'EXPIRED', '2026-11-22T08:00:00.000Z'],
      ]) {
        await kvs
          .entity('grant')
          .set(`grant-${id}`, { status, endsAt, requestedAt: '2026-11-22T09:00:00.000Z', version: 1, doc: { id } });
      }
      const due = await kvs
        .entity<{ status: string }>('grant')
        .query()
        .index('by-status-end', { partition: ['ACTIVE'] })
        .where(WhereConditions.lessThanEqualTo('2026-11-22T11:00:00.000Z'))
        .getMany();
      expect(due.results.map((r) => r.key)).toEqual(['grant-a']);
    });
    expect(sb.kvs.entity('grant')).toHaveLength(3);
  });

  it('answers requestJira as the app and as the user from the Jira emulator', async () => {
    sb.jira.addProject({ key: 'ACC', name: 'Access' });
    const ada = sb.jira.addUser({ displayName: 'Ada Admin', email: 'ada@atko.email', admin: true }).accountId;
    const { key } = await sb.jira.createIssue({ projectKey: 'ACC', summary: 'hello', reporter: ada, fields: {} });
    const issue = await sb.app.run(async () =>
      (await asApp().requestJira(route`/rest/api/3/issue/${key}?fields=summary`)).json(),
    );
    expect(issue.fields.summary).toBe('hello');
    const perms = await sb.app.run(
      async () => {
        const { asUser } = await import('@forge/api');
        return (await asUser().requestJira(route`/rest/api/3/mypermissions?permissions=ADMINISTER`)).json();
      },
      { principal: ada },
    );
    expect(perms.permissions.ADMINISTER.havePermission).toBe(true);
  });

  it('delivers a delayed queue event to the manifest consumer when the virtual clock reaches it', async () => {
    await sb.app.run(() =>
      new Queue({ key: 'okta-work' }).push({ body: { kind: 'expire', grantId: 'grant-none' }, delayInSeconds: 120 }),
    );
    await sb.clock.advance(119_000);
    expect(sb.events.deliveries).toHaveLength(0);
    await sb.clock.advance(1_000);
    expect(sb.events.deliveries).toEqual([
      expect.objectContaining({
        queueName: 'okta-work',
        outcome: 'ok',
        body: { kind: 'expire', grantId: 'grant-none' },
      }),
    ]);
  });

  it('runs scheduled triggers at their manifest intervals', async () => {
    await sb.clock.advance(60 * 60_000);
    const health = await sb.app.run(async () => {
      const { KvsHealthStore } = await import('../../src/adapters/kvs/health-store');
      return new KvsHealthStore().lastSweep();
    });
    expect(health?.at).toBe('2026-11-22T10:00:00.000Z');
  });

  it('routes fetch for the configured Okta host to the emulator, and the emulator refuses what Okta does not define', async () => {
    const ok = await fetch(`https://${sb.okta.domain}/api/v1/groups?q=PAM`, {
      headers: { authorization: `SSWS ${sb.okta.apiToken}` },
    });
    expect(ok.status).toBe(200);
    expect(sb.okta.violations).toEqual([]);
    const bad = await fetch(`https://${sb.okta.domain}/api/v1/groups/00g1/expiry`, {
      headers: { authorization: `SSWS ${sb.okta.apiToken}` },
    });
    expect(bad.status).toBe(501);
    expect(sb.okta.violations).toHaveLength(1);
    await expect(fetch('https://example.com/')).rejects.toThrow(/not in manifest/);
  });

  it('moves Date with the virtual clock', async () => {
    expect(new Date().toISOString()).toBe('2026-11-22T09:00:00.000Z');
    await sb.clock.advance(90_000);
    expect(Date.now()).toBe(Date.parse('2026-11-22T09:01:30.000Z'));
  });
});
