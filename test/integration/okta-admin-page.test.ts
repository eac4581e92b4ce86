/**
 * The admin page in Debian's chromium (hosted as in test/admin/browser/admin-page.test.ts) showing what
 * Okta refuses, by name: the connection tab lists the scopes to grant and names the one a service app
 * lacks; the allowlist tab lists the role permissions and names the one the app's role lacks for a
 * group. Real resolver, real adapters, Okta emulator over HTTP. Needs `npm run admin:build`.
 */
import type { FrameLocator } from 'playwright-core';
import type { Sandbox } from '../../sandbox';
import { jose } from '../../sandbox/okta/jose';
import type { DemoWorld } from '../../sandbox/seed';
import { openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../support/admin-browser';
import { OKTA_SCOPES } from '../../src/shared/admin-contract';

jest.setTimeout(120_000);

const CLIENT = '0oaJITACCESS00000001';

let sb: Sandbox;
let world: DemoWorld;
let app: FrameLocator;

let ui: AdminBrowser | undefined;

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, app } = ui);
});

afterAll(async () => {
  await ui?.close();
});

test('connection tab: lists the scopes to grant, and Test connection names the one the service app lacks', async () => {
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await jose.exportJWK(publicKey)), kid: 'kid-1', alg: 'RS256', use: 'sig' };
  sb.okta.registerOAuthClient({
    clientId: CLIENT,
    publicJwk,
    scopes: OKTA_SCOPES.filter((s) => s !== 'okta.roles.read'),
    requireDpop: true,
  });

  await app.getByTestId('connection-screen').waitFor();
  await app.locator('#domain').fill(sb.okta.domain);
  // The sign-in method is an Atlaskit RadioGroup: native radios in a named group, one checked.
  const methods = app.getByRole('radiogroup', { name: 'How the app signs in' });
  expect(await methods.getByRole('radio', { name: 'API token' }).isChecked()).toBe(true);
  await app.getByTestId('method-oauth--radio-input').check();
  expect(await methods.getByRole('radio', { name: 'OAuth service app (recommended)' }).isChecked()).toBe(true);
  expect(await methods.getByRole('radio', { name: 'API token' }).isChecked()).toBe(false);
  await app.locator('#clientId').fill(CLIENT);
  await app.locator('#keyId').fill('kid-1');
  await app.locator('#privateKeyPem').fill(await jose.exportPKCS8(privateKey));
  await expectExact(app.getByTestId('required-scopes'), OKTA_SCOPES.join(', '));

  await app.getByTestId('test-connection').click();
  await expectExact(app.getByTestId('missing-scopes'), 'okta.roles.read');
  await expectText(app.getByTestId('test-result'), 'invalid_scope');

  // The Okta admin grants the scope: the same form now passes, and is saved.
  sb.okta.registerOAuthClient({ clientId: CLIENT, publicJwk, scopes: [...OKTA_SCOPES], requireDpop: true });
  await app.getByTestId('test-connection').click();
  await expectText(app.getByTestId('test-result'), 'every scope the app asks for');
  await app.getByTestId('save-connection').click();
  await app.getByTestId('connection-saved').waitFor();
});

test('allowlist tab: lists the role permissions, and names the one the role lacks for the chosen group; nothing is saved', async () => {
  const d = `https://${sb.okta.domain}`;
  sb.okta.setAdminRole(CLIENT, [
    {
      permissions: ['okta.users.read', 'okta.groups.read', 'okta.iam.read'],
      resources: [`${d}/api/v1/users`, `${d}/api/v1/groups`],
    },
  ]);
  await app.getByTestId('tab-allowlist').click();
  await app.getByTestId('allowlist-screen').waitFor();
  await expectText(app.getByTestId('role-permissions'), 'okta.groups.members.manage');

  await app.locator('#group-query').fill('PAM Linux');
  await app.getByTestId('search-groups').click();
  await app.getByTestId(`choose-${world.groups.linux}`).click();
  await app.getByTestId('submit-policy').click();
  await expectText(app.getByTestId('allowlist-refusal'), `okta.groups.members.manage on group ${world.groups.linux}`);
  const list = await sb.app.invoke<any>(
    'admin/allowlist/list',
    {},
    { accountId: world.jira.ada, moduleKey: 'admin-page' },
  );
  expect(list).toEqual({ ok: true, data: [] });
});

async function expectText(locator: ReturnType<FrameLocator['getByTestId']>, text: string) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: UI_TIMEOUT });
}

async function expectExact(locator: ReturnType<FrameLocator['getByTestId']>, text: string) {
  await locator
    .filter({ hasText: new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .first()
    .waitFor({ timeout: UI_TIMEOUT });
}
