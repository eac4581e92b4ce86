/**
 * The admin resolver as Forge runs it: loaded from manifest.yml and src/index.ts by the sandbox, the
 * caller's Jira admin rights asked of the Jira emulator as that user, storage in the KVS emulator and
 * Okta behind the emulator. A non-admin gets the refusal from every key and causes no storage
 * write and no Okta call; no answer carries the Okta token.
 */
import { createSandbox, type Sandbox } from '../../sandbox';
import { seedDemo, type DemoWorld } from '../../sandbox/seed';
import { ADMIN_KEYS, type AdminKey } from '../../src/shared/admin-contract';
import { validAdminPayloads } from '../support/admin-payloads';

let sb: Sandbox;
let w: DemoWorld;

beforeEach(async () => {
  sb = await createSandbox();
  if (!sb.app.loaded.resolvers.has('admin-page'))
    throw new Error(
      'manifest.yml has no jira:adminPage module "admin-page" with a resolver: see docs/notes/admin-integration.md.',
    );
  w = await seedDemo(sb);
  await sb.jira.createIssue({
    projectKey: w.projectKey,
    summary: 'Linux work',
    reporter: w.jira.neville,
    fields: { changeType: 'Standard', accessType: 'New access', adminGroup: w.groups.linux },
  });
});
afterEach(() => sb.close());

const payloads = (): Record<AdminKey, unknown> => validAdminPayloads(sb, w);

test('every admin/* key refuses a non-admin, writes nothing and calls Okta never; an admin gets through', async () => {
  const invoke = (key: string, payload: unknown, accountId: string) =>
    sb.app.invoke<any>(key, payload, { accountId, moduleKey: 'admin-page' });
  const writes = () =>
    sb.kvs.requests.filter((r) => !/\/(get|query)$/.test(r.path) && !/batch\/get$/.test(r.path)).length;
  for (const key of Object.values(ADMIN_KEYS)) {
    const [kvsWrites, oktaCalls] = [writes(), sb.okta.requests.length];
    for (const accountId of [w.jira.neville, w.jira.alice]) {
      expect([key, await invoke(key, payloads()[key], accountId)]).toEqual([
        key,
        { ok: false, error: { code: 'AUTH.NOT_ADMIN', message: expect.any(String) } },
      ]);
    }
    expect([key, writes(), sb.okta.requests.length]).toEqual([key, kvsWrites, oktaCalls]);
  }
  expect(sb.okta.members(w.groups.linux)).toContain(w.okta.neville);

  const answers: unknown[] = [];
  for (const key of Object.values(ADMIN_KEYS)) {
    // The admin saves the real token again (the non-admin's attempt to replace it must have failed).
    const payload =
      key === ADMIN_KEYS.connectionSave
        ? { domain: sb.okta.domain, method: 'api-token', apiToken: sb.okta.apiToken }
        : payloads()[key];
    const r = await invoke(key, payload, w.jira.ada);
    // Past the permission check: the group has an admin role, the demo's grant no longer waits for
    // approval, and there is no drift to acknowledge.
    const expected =
      key === 'admin/allowlist/add'
        ? 'GROUP.HAS_ADMIN_ROLE'
        : key === 'admin/requests/cancel'
          ? 'REQUEST.NOT_PENDING'
          : key === 'admin/alerts/acknowledge'
            ? 'ALERT.NOTHING_TO_ACKNOWLEDGE' // no reconcile has found a member without a grant
            : true;
    expect([key, r.ok || r.error.code]).toEqual([key, expected]);
    answers.push(r);
  }
  expect(JSON.stringify(answers)).not.toContain(sb.okta.apiToken);
  expect(sb.unhandled).toEqual([]);
  expect(sb.jira.specViolations).toEqual([]);
});
