/**
 * The self-check on the admin page, in Debian's chromium against the sandbox (hosted like
 * admin-page.test.ts): the result of the run on install, the delayed queue check settling on Refresh,
 * a run on demand that catches a storage semantic altered in the KVS emulator (the verdict says new
 * grants are paused, the failed check says what it saw, the report for support is there), the
 * dashboard's alert pointing to Diagnostics, and the alert gone once a run passes again. Screens are
 * saved under test-output/screenshots/.
 */
import type { FrameLocator } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import { openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';

jest.setTimeout(120_000);

let sb: Sandbox;
let world: DemoWorld;
let app: FrameLocator;
let ui: AdminBrowser | undefined;

const shot = (name: string) => ui!.shot(name);
const expectText = (locator: ReturnType<FrameLocator['getByTestId']>, text: string) =>
  locator.filter({ hasText: text }).first().waitFor({ timeout: UI_TIMEOUT });
const statusOf = (id: string) => app.getByTestId(`check-status-${id}`).getAttribute('data-status');
const waitStatus = async (id: string, status: string) =>
  app.locator(`[data-testid="check-status-${id}"][data-status="${status}"]`).waitFor({ timeout: UI_TIMEOUT });

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, app } = ui);
});

afterAll(async () => {
  await ui?.close();
});

test('Diagnostics shows the run on install, and the queue check passes once its event arrived', async () => {
  await app.getByTestId('connection-screen').waitFor();
  await sb.app.lifecycle('installed', { accountId: world.jira.ada, version: '2.0.0' });

  await app.getByTestId('tab-diagnostics').click();
  await app.getByTestId('diagnostics-screen').waitFor();
  await expectText(app.getByTestId('self-check-ran'), 'Ran on install by Ada Admin');
  await expectText(app.getByTestId('self-check-ran'), 'app version 2.0.0');
  await expectText(app.getByTestId('self-check-verdict'), 'Waiting for the delayed queue event');
  expect(await statusOf('queue.delayed-event')).toBe('pending');
  for (const id of ['storage.create-only', 'storage.condition-existing', 'storage.condition-missing', 'jira.fields'])
    expect([id, await statusOf(id)]).toEqual([id, 'pass']);
  // Okta is not connected on this fresh site: its checks say so rather than fail.
  expect(await statusOf('okta.token')).toBe('skipped');
  await expectText(app.getByTestId('check-saw-okta.token'), 'Okta is not connected yet');
  await shot('diagnostics-1-install-waiting');

  await sb.clock.advance(11_000);
  await app.getByTestId('refresh-diagnostics').click();
  await waitStatus('queue.delayed-event', 'pass');
  await expectText(app.getByTestId('self-check-verdict'), 'Every check passed');
  await expectText(app.getByTestId('check-saw-queue.delayed-event'), 'arrived 0 s after it was due');
  await shot('diagnostics-2-install-passed');
});

test('Run self-check catches an altered storage semantic: grants paused, what it saw, the report for support, the dashboard alert', async () => {
  sb.kvs.createOnlyWrites = 'ignored';
  await app.getByTestId('run-self-check').click();
  await waitStatus('storage.create-only', 'fail');
  await expectText(app.getByTestId('self-check-ran'), 'Ran from this page by Ada Admin');
  await expectText(app.getByTestId('self-check-verdict'), 'New grants are paused');
  await expectText(app.getByTestId('check-saw-storage.create-only'), 'KVS did not enforce FAIL_IF_EXISTS');
  expect(await statusOf('storage.condition-missing')).toBe('pass');
  const report = app.getByTestId('support-report');
  await expectText(report, '[FAIL] storage.create-only');
  await expectText(report, 'New grants: PAUSED');
  await shot('diagnostics-3-storage-failed');

  await app.getByTestId('tab-dashboard').click();
  await app.getByTestId('dashboard-screen').waitFor();
  const alert = app.getByTestId('self-check-alert');
  await expectText(alert, 'New grants are paused: the self-check failed');
  await expectText(alert, 'Create-only write on an existing key is refused');
  expect(await alert.getAttribute('data-paused')).toBe('true');
  await shot('diagnostics-4-dashboard-alert');

  await app.getByTestId('open-diagnostics').click();
  await app.getByTestId('diagnostics-screen').waitFor();

  // Storage behaves again: a new run passes its storage checks and the dashboard's alert is gone.
  sb.kvs.createOnlyWrites = 'enforced';
  await app.getByTestId('run-self-check').click();
  await waitStatus('storage.create-only', 'pass');
  await expectText(app.getByTestId('self-check-verdict'), 'Waiting for the delayed queue event');
  await app.getByTestId('tab-dashboard').click();
  await app.getByTestId('dashboard-screen').waitFor();
  await app.locator('[data-testid="self-check-status"][data-state="pending"]').waitFor({ timeout: UI_TIMEOUT });
  expect(await app.getByTestId('self-check-alert').count()).toBe(0);
});
