/**
 * The requester mapping on the Policy tab (ADR 0016), in Debian's chromium against the sandbox (hosted
 * like admin-page.test.ts: the real resolvers, Jira and Okta emulators; nothing stubbed). Hidden Henry,
 * whose request was denied because Jira hides his email, is listed with Map this person and mapped
 * with the Okta picker; Alice is mapped with both pickers (a deactivated Okta user is listed but cannot
 * be chosen); a CSV with one bad line imports the good line and reports the bad one by its number; a
 * login the server finds inactive is refused on its row and nothing is saved; after removing that row
 * the policy saves and survives a reload. Screens are saved under test-output/screenshots/.
 */
import type { FrameLocator, Page } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import { KvsAuditLog } from '../../../src/adapters/kvs/audit-log';
import { KvsGrantStore } from '../../../src/adapters/kvs/grant-store';
import { makeGrant } from '../../factories/grant';
import { openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';

jest.setTimeout(120_000);

let ui: AdminBrowser | undefined;
let sb: Sandbox;
let world: DemoWorld;
let page: Page;
let app: FrameLocator;
let grace = '';

const shot = (name: string) => ui!.shot(name);
const asAdmin = <T = any>(key: string, payload: unknown = {}) => ui!.asAdmin<T>(key, payload);
const expectText = (locator: ReturnType<FrameLocator['getByTestId']>, text: string | RegExp) =>
  locator.filter({ hasText: text }).first().waitFor({ timeout: UI_TIMEOUT });
const byId = (id: string) => app.locator(`[id="${id}"]`);
const openPolicy = async () => {
  await app.getByTestId('tab-policy').click();
  await app.getByTestId('policy-screen').waitFor();
};
async function pick(row: number, kind: 'jira' | 'okta', query: string, key: string) {
  await byId(`mapping-${row}-${kind}-query`).fill(query);
  await app.getByTestId(`mapping-${row}-${kind}-search`).click();
  await app.getByTestId(`mapping-${row}-${kind}-add-${key}`).click();
}

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, page, app } = ui);
  expect(
    await asAdmin('admin/connection/save', { domain: sb.okta.domain, method: 'api-token', apiToken: sb.okta.apiToken }),
  ).toMatchObject({ ok: true });
  grace = sb.jira.addUser({ displayName: 'Grace Private', email: 'grace@atko.email', emailVisible: false }).accountId;
  sb.okta.addUser({
    login: 'grace.private@atko.email',
    email: 'grace@atko.email',
    firstName: 'Grace',
    lastName: 'Private',
  });
  sb.okta.addUser({ login: 'sam.suspended@atko.email', email: 'sam@atko.email', status: 'SUSPENDED' });
  // Henry's request was denied this morning: Jira hides his email from the app.
  await sb.app.run(() =>
    new KvsGrantStore(new KvsAuditLog()).create(
      makeGrant({
        id: 'grant-henry',
        requesterAccountId: world.jira.henry,
        issueKey: 'ACC-7',
        requestedAt: '2026-11-22T08:00:00.000Z',
        status: 'DENIED',
        reasonCode: 'IDENTITY.EMAIL_HIDDEN',
        reason: 'Jira does not show the email address.',
      }),
    ),
  );
});

afterAll(async () => {
  await ui?.close();
});

test('map people with the pickers and a CSV, see a bad line and a refused row, save, reload', async () => {
  await openPolicy();
  // Who needs a mapping: Henry, with one click to map him.
  await expectText(app.getByTestId('needs-mapping'), 'Hidden Henry');
  await app.getByTestId(`map-person-${world.jira.henry}`).click();
  await expect(byId('requesterMapping.0.accountId').inputValue()).resolves.toBe(world.jira.henry);
  await pick(0, 'okta', 'hen', 'henry.hidden@atko.email');
  await expect(byId('requesterMapping.0.oktaLogin').inputValue()).resolves.toBe('henry.hidden@atko.email');
  await expectText(app.getByTestId('mapping-0-okta-name'), 'Henry Hidden');

  // Alice with both pickers; a deactivated Okta user is listed but cannot be chosen.
  await app.getByTestId('add-person').click();
  await pick(1, 'jira', 'Alice', world.jira.alice);
  await expectText(app.getByTestId('mapping-1-jira-name'), 'Alice Approver');
  await byId('mapping-1-okta-query').fill('old.');
  await app.getByTestId('mapping-1-okta-search').click();
  await expectText(app.getByTestId('mapping-1-okta-cannot-old.neville@atko.email'), 'only active users');
  await pick(1, 'okta', 'alice', 'alice.approver@atko.email');
  await shot('mapping-1-pickers');

  // A CSV with a header, one good line and one bad line.
  await app.getByTestId('import-csv').click();
  await app
    .getByTestId('mapping-csv')
    .fill(
      [
        'Jira account id,Okta login',
        `${grace},grace.private@atko.email`,
        'grace@atko.email,grace.private@atko.email',
      ].join('\n'),
    );
  await app.getByTestId('run-import').click();
  await expectText(app.getByTestId('mapping-import-report'), '1 added, 0 changed');
  await expectText(app.getByTestId('import-problem-line-3'), '"grace@atko.email" is not a Jira account id.');
  await expect(byId('requesterMapping.2.accountId').inputValue()).resolves.toBe(grace);
  await shot('mapping-2-csv-import');

  // A typed login of a suspended Okta user: refused on its row by the server, nothing saved.
  await app.getByTestId('add-person').click();
  await byId('requesterMapping.3.accountId').fill(world.jira.neville);
  await byId('requesterMapping.3.oktaLogin').fill('sam.suspended@atko.email');
  await app.getByTestId('save-policy').click();
  await expectText(app.getByTestId('policy-problem'), 'sam.suspended@atko.email');
  await expectText(app.getByTestId('requesterMapping.3.oktaLogin-error'), 'is SUSPENDED, not ACTIVE');
  expect((await asAdmin('admin/policy/get')).data.requesterMapping).toEqual([]);
  await shot('mapping-3-refused-row');

  await app.getByTestId('mapping-3-remove').click();
  await app.getByTestId('save-policy').click();
  await app.getByTestId('policy-saved').waitFor();
  const mapping = [
    { accountId: world.jira.henry, oktaLogin: 'henry.hidden@atko.email' },
    { accountId: world.jira.alice, oktaLogin: 'alice.approver@atko.email' },
    { accountId: grace, oktaLogin: 'grace.private@atko.email' },
  ];
  expect((await asAdmin('admin/policy/get')).data.requesterMapping).toEqual(mapping);

  await page.reload();
  await openPolicy();
  await expectText(app.getByTestId('mapping-2-jira-name'), 'Grace Private');
  for (const [i, m] of mapping.entries()) {
    await expect(byId(`requesterMapping.${i}.accountId`).inputValue()).resolves.toBe(m.accountId);
    await expect(byId(`requesterMapping.${i}.oktaLogin`).inputValue()).resolves.toBe(m.oktaLogin);
  }
  await expectText(app.getByTestId('mapping-0-jira-name'), 'Hidden Henry');
  // Henry is mapped now: no longer listed as needing a mapping.
  expect(await app.getByTestId('needs-mapping').count()).toBe(0);
  await shot('mapping-4-saved');
});
