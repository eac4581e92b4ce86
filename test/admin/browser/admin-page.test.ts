/**
 * The admin page in Debian's chromium, hosted like Jira hosts a Custom UI (iframe + bridge), talking
 * to the real resolver on the sandbox (Okta and Jira emulators, KVS emulator, virtual clock). One
 * admin's session, in order: connect Okta, test it, allowlist a group (and be refused an admin-role
 * group), set policy, watch a grant appear, revoke it, export the audit trail. Each screen is saved as
 * a PNG under test-output/screenshots/. Waits are on selectors and text, never on fixed sleeps.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import { startAdminHost } from '../../../scripts/serve-sandbox';
import { isModalOver, openAdminPage, pickDay, SHOTS, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';
import { parseCsv } from '../../support/csv';

jest.setTimeout(120_000);

let sb: Sandbox;
let world: DemoWorld;
let browser: Browser;
let page: Page;
let app: FrameLocator;

const shot = (name: string) => ui!.shot(name);
const asAdmin = <T = any>(key: string, payload: unknown = {}) => ui!.asAdmin<T>(key, payload);
const openTab = async (testId: string, screen: string) => {
  await app.getByTestId(testId).click();
  await app.getByTestId(screen).waitFor({ timeout: UI_TIMEOUT });
};

let ui: AdminBrowser | undefined;

beforeAll(async () => {
  ui = await openAdminPage({ acceptDownloads: true });
  ({ sb, world, browser, page, app } = ui);
});

afterAll(async () => {
  await ui?.close();
});

test('a fresh install opens on the Okta connection, with no secret set', async () => {
  await app.getByTestId('connection-screen').waitFor();
  await expectExact(app.getByTestId('apiToken-state'), 'not set');
});

test('bad input gets inline messages and stores nothing', async () => {
  await app.locator('#domain').fill('atko.okta.com.evil.com');
  await app.locator('#apiToken').fill(sb.okta.apiToken);
  await app.getByTestId('save-connection').click();
  await expectText(app.getByTestId('domain-error'), 'must be an Okta org host');

  await app.locator('#domain').fill(sb.okta.domain);
  await app.locator('#apiToken').fill('short');
  await app.getByTestId('save-connection').click();
  await expectText(app.getByTestId('apiToken-error'), 'too short');
  expect(await asAdmin('admin/connection/get')).toMatchObject({
    ok: true,
    data: { configured: false, apiToken: 'not set' },
  });
});

test('Test connection reports wrong credentials, then the org for the right ones; Save keeps the token write-only', async () => {
  await app.locator('#apiToken').fill('00' + 'w'.repeat(40));
  await app.getByTestId('test-connection').click();
  await expectText(app.getByTestId('test-result'), 'did not accept the API token');
  await expectExact(app.getByTestId('credentials-ok'), 'not accepted');

  await app.locator('#apiToken').fill(sb.okta.apiToken);
  await app.getByTestId('test-connection').click();
  await expectText(app.getByTestId('test-result'), 'Okta org: Atko');
  await expectExact(app.getByTestId('credentials-ok'), 'accepted');
  expect(await asAdmin('admin/connection/get')).toMatchObject({ data: { configured: false } });

  await app.getByTestId('save-connection').click();
  await app.getByTestId('connection-saved').waitFor();
  await expectExact(app.getByTestId('apiToken-state'), 'set');
  expect(await app.locator('#apiToken').inputValue()).toBe('');
  expect(await page.frame({ url: /\/app\// })!.content()).not.toContain(sb.okta.apiToken);
  expect(await asAdmin('admin/connection/get')).toMatchObject({
    data: { configured: true, domain: sb.okta.domain, apiToken: 'set' },
  });
  await shot('page-okta-connection-connected');
});

test('the allowlist refuses an admin-role group with the reason and adds an ordinary one', async () => {
  await openTab('tab-allowlist', 'allowlist-screen');
  await app.getByTestId('empty').waitFor();
  await app.locator('#group-query').fill('Okta');
  await app.getByTestId('search-groups').click();
  // Refused at the search, before any policy is filled (issue 13 §3): the reason shows, Choose is disabled.
  await expectText(app.getByTestId(`refusal-${world.groups.superAdmins}`), 'holds Okta admin roles');
  expect(await app.getByTestId(`choose-${world.groups.superAdmins}`).isDisabled()).toBe(true);
  expect(await asAdmin('admin/allowlist/list')).toEqual({ ok: true, data: [] });
  await shot('page-allowlist-admin-group-refused');

  await app.locator('#group-query').fill('PAM Linux');
  await app.getByTestId('search-groups').click();
  await app.getByTestId(`choose-${world.groups.linux}`).click();
  await app.locator('#maxDurationHours').fill('0');
  await app.getByTestId('submit-policy').click();
  await expectText(app.getByTestId('maxDurationHours-error'), 'at least 1');
  await app.locator('#maxDurationHours').fill('8');
  // Projects are picked from Jira's (issue 13 §3), no longer typed.
  await app.locator('#allowedProjectKeys').fill(world.projectKey);
  await app.getByRole('option', { name: `${world.projectKey} · Access Requests` }).click();
  await app.getByTestId('submit-policy').click();
  await expectText(app.getByTestId('allowlist-notice'), 'PAM Linux Sysadmins was added');
  await expectText(app.getByTestId('allowlist-table'), 'PAM Linux Sysadmins');
  expect(await asAdmin('admin/allowlist/list')).toMatchObject({
    data: [{ groupId: world.groups.linux, maxDurationHours: 8, allowedProjectKeys: [world.projectKey] }],
  });
  await shot('page-allowlist-group-added');
});

test('policy: an invalid cap is refused inline and nothing is saved; then the policy is saved', async () => {
  await openTab('tab-policy', 'policy-screen');
  await app.locator('#emergencyMaxHours').fill('48');
  // The close-out transition is picked from the workflows' transitions (issue 13 §3), no longer typed.
  await app.locator('#closeOutTransitionName').fill('Done');
  await app.getByRole('option', { name: 'Done', exact: true }).click();
  await app.getByTestId('save-policy').click();
  await expectText(app.getByTestId('emergencyMaxHours-error'), 'at most 24');
  await app.getByTestId('policy-problem').waitFor();
  expect(await asAdmin('admin/policy/get')).toMatchObject({ data: { emergencyMaxHours: 4 } });

  await app.locator('#emergencyMaxHours').fill('2');
  await app.getByTestId('add-person').click();
  await app.locator('[id="requesterMapping.0.accountId"]').fill(world.jira.henry);
  await app.locator('[id="requesterMapping.0.oktaLogin"]').fill('henry.hidden@atko.email');
  await app.getByTestId('save-policy').click();
  await app.getByTestId('policy-saved').waitFor();
  await expectText(app.getByTestId('requester-mapping'), 'Hidden Henry');
  expect(await asAdmin('admin/policy/get')).toMatchObject({
    data: {
      emergencyMaxHours: 2,
      closeOutTransitionName: 'Done',
      requesterMapping: [{ accountId: world.jira.henry, oktaLogin: 'henry.hidden@atko.email' }],
    },
  });
  await shot('page-policy-saved');
});

let grantId = '';

test('a request raised in Jira appears on the dashboard, and the admin revokes it', async () => {
  const { id } = await sb.jira.createIssue({
    projectKey: world.projectKey,
    summary: 'Urgent Linux work',
    reporter: world.jira.neville,
    fields: { changeType: 'Standard', accessType: 'New access', adminGroup: world.groups.linux },
  });
  await sb.clock.advance(6 * 60_000);
  grantId = `grant-${id}`;
  expect(sb.okta.members(world.groups.linux)).toContain(world.okta.neville);
  await sb.app.runScheduled('drift-reconcile'); // the hourly work: drift check, intake catch-up, dashboard counts

  await openTab('tab-dashboard', 'dashboard-screen');
  const table = app.getByTestId('grants-table');
  await expectText(table, 'Neville Newadmin');
  await expectText(table, 'PAM Linux Sysadmins');
  await expectText(table, 'active');
  await expectText(app.getByTestId('last-sweep-value'), 'ago');
  await expectExact(app.getByTestId('overdue-value'), '0');
  await expectExact(app.getByTestId('catch-up-value'), '0');
  await expectText(app.getByTestId('catch-up'), '1 examined, 0 missed, 0 recorded');
  await app.getByTestId('grants-chart').waitFor();
  // Totals from the hourly count (ADR 0022), with its time; the rows above are read live.
  await expectText(app.getByTestId('grant-counts'), 'Counts as of');
  await expectText(app.getByTestId('grant-counts'), ': 1 active, 0 granting');
  await expectText(app.getByTestId('chart-as-of'), 'Counts as of');
  await shot('page-dashboard-active-grants');

  // The confirmation is a modal: Escape cancels it and focus goes back to the Revoke button.
  const revokeButton = app.getByTestId(`revoke-${grantId}`);
  await revokeButton.click();
  const dialog = app.getByTestId('confirm-revoke');
  await dialog.waitFor();
  expect(await isModalOver(dialog, revokeButton)).toBe(true);
  await expectText(dialog, 'Neville Newadmin is removed from the Okta group PAM Linux Sysadmins');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect(await revokeButton.evaluate((b) => b === document.activeElement)).toBe(true);
  expect(sb.okta.members(world.groups.linux)).toContain(world.okta.neville);

  await revokeButton.click();
  await dialog.waitFor();
  await app.getByTestId('confirm-revoke-confirm').click();
  await expectText(app.getByTestId('confirm-revoke-message'), 'Reason is required');
  await app.getByTestId('confirm-revoke-reason').fill('Change ACC-1 finished early.');
  await shot('page-dashboard-confirm-revoke');
  await app.getByTestId('confirm-revoke-confirm').click();
  await expectText(app.getByTestId('revoke-notice'), 'Access of Neville Newadmin to PAM Linux Sysadmins');
  await expectText(app.getByTestId('revoke-notice'), 'is revoked');
  await app.getByText('No grant is active, in progress or failed.').waitFor();
  expect(sb.okta.members(world.groups.linux)).not.toContain(world.okta.neville);
  // The reason is in the audit trail, with who gave it.
  const started = (await asAdmin('admin/audit/query', {})).data.rows.filter(
    (r: { action: string; grantId?: string }) => r.action === 'REVOKE_STARTED',
  );
  expect(started).toEqual([
    expect.objectContaining({
      actor: world.jira.ada,
      detail: 'Revoked by an administrator: Change ACC-1 finished early.',
    }),
  ]);
});

test('a request waiting for approval is listed on the dashboard, and the admin cancels it with a reason', async () => {
  const entry = (await asAdmin('admin/allowlist/list')).data.find(
    (e: { groupId: string }) => e.groupId === world.groups.linux,
  );
  const { activeGrants: _count, displayName: _name, ...limits } = entry;
  expect(
    await asAdmin('admin/allowlist/update', { ...limits, approvalMode: 'status', approvalWindowDays: 3 }),
  ).toMatchObject({ ok: true });
  const { id, key } = await sb.jira.createIssue({
    projectKey: world.projectKey,
    summary: 'Linux work, needs approval',
    reporter: world.jira.neville,
    fields: { changeType: 'Standard', accessType: 'New access', adminGroup: world.groups.linux },
  });
  await sb.clock.advance(2 * 60_000);
  const pendingId = `grant-${id}`;

  await app.getByTestId('refresh-dashboard').click();
  const table = app.getByTestId('pending-table');
  await expectText(table, 'Neville Newadmin');
  await expectText(table, 'move the issue to "Approved"');
  await expectText(table, '1 approval by anyone who can transition the issue, except the requester');
  await expectText(table, '0 of 1');
  await expectText(table, key);
  await shot('page-dashboard-pending-approval');

  await app.getByTestId(`cancel-${pendingId}`).click();
  await app.getByTestId('confirm-cancel').waitFor();
  await app.getByTestId('confirm-cancel-confirm').click();
  await expectText(app.getByTestId('confirm-cancel-message'), 'Reason is required');
  expect(sb.kvs.entity('grant').find((e) => e.key === pendingId)?.value.doc).toMatchObject({ status: 'REQUESTED' });

  await app.getByTestId('confirm-cancel-reason').fill('Raised for the wrong change.');
  await shot('page-dashboard-cancel-request');
  await app.getByTestId('confirm-cancel-confirm').click();
  await expectText(app.getByTestId('revoke-notice'), 'is cancelled');
  await app.getByText('No request is waiting for approval.').waitFor();
  expect(sb.kvs.entity('grant').find((e) => e.key === pendingId)?.value.doc).toMatchObject({
    status: 'WITHDRAWN',
    reason: 'Raised for the wrong change.',
    endedBy: world.jira.ada,
  });
  expect(
    sb.jira
      .comments(key)
      .map((c) => c.text)
      .join('\n'),
  ).toContain('Raised for the wrong change.');
});

test('the audit trail filters and exports exactly the rows shown as CSV', async () => {
  await openTab('tab-audit', 'audit-screen');
  await expectText(app.getByTestId('audit-table'), 'Removal started');

  await pickDay(app, 'fromDay', '2026-11-23');
  await pickDay(app, 'toDay', '2026-11-22');
  await app.getByTestId('apply-filters').click();
  await expectText(app.getByTestId('toDay-error'), 'before the start');
  await pickDay(app, 'fromDay', '2026-11-22');

  await app.locator('#audit-group').fill('PAM Linux');
  await app.locator('#audit-group').press('Enter');
  await app.getByTestId('apply-filters').click();
  await expectText(app.getByTestId('audit-table'), 'Removed from the Okta group');
  // People read labels; the codes are for the export (checked below).
  expect(await app.getByTestId('audit-table').textContent()).not.toMatch(/REVOKE_STARTED|MEMBERSHIP_REMOVED/);
  const shownSeqs = (await app.locator('[data-testid="audit-table"] tbody tr td:first-child').allTextContents()).map(
    Number,
  );
  expect(shownSeqs.length).toBeGreaterThan(3);
  await expectText(app.getByTestId('audit-count'), `${shownSeqs.length} entries shown`);
  await app.getByTestId('verify-audit').click();
  await expectText(app.getByTestId('audit-verified'), 'The audit trail is intact');
  await shot('page-audit-verified');

  const [download] = await Promise.all([page.waitForEvent('download'), app.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^okta-jit-audit_2026-11-22_2026-11-22_PAM-Linux-Sysadmins\.csv$/);
  const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
  fs.writeFileSync(path.join(SHOTS, '..', 'audit-export.csv'), csv);
  const [head, ...rows] = parseCsv(csv);
  expect(head.slice(0, 4)).toEqual(['Seq', 'Time (UTC)', 'Action', 'Actor']);
  expect(rows.map((r) => Number(r[0]))).toEqual(shownSeqs);
  const byAction = (a: string) => rows.find((r) => r[2] === a)!;
  expect(byAction('REVOKE_STARTED')).toEqual(
    expect.arrayContaining(['Ada Admin', 'Neville Newadmin', 'PAM Linux Sysadmins']),
  );
  expect(byAction('MEMBERSHIP_REMOVED')[11]).toMatch(/\S/);
  for (const r of rows) expect(r[8]).toBe(world.groups.linux);
  expect(csv).not.toContain(sb.okta.apiToken);
});

test('a Jira user who is not an admin gets nothing but the refusal', async () => {
  const userHost = await startAdminHost(sb, { accountId: world.jira.neville });
  const other = await browser.newPage({ viewport: { width: 1280, height: 500 } });
  try {
    const seen: string[] = [];
    other.on('response', (r) => {
      if (r.url().endsWith('/__bridge/invoke')) void r.text().then((t) => seen.push(t));
    });
    await other.goto(userHost.url);
    await expectText(other.frameLocator('#forge-admin-page').getByTestId('not-admin'), 'Only Jira administrators');
    await other.screenshot({ path: path.join(SHOTS, 'page-not-admin.png') });
    expect(seen.length).toBeGreaterThan(0);
    for (const body of seen)
      expect(JSON.parse(body)).toEqual({
        result: { ok: false, error: { code: 'AUTH.NOT_ADMIN', message: expect.any(String) } },
      });
  } finally {
    await other.close();
    await userHost.close();
  }
});

async function expectText(locator: ReturnType<FrameLocator['getByTestId']>, text: string) {
  await locator.filter({ hasText: text }).first().waitFor({ timeout: UI_TIMEOUT });
}

async function expectExact(locator: ReturnType<FrameLocator['getByTestId']>, text: string) {
  await locator
    .filter({ hasText: new RegExp(`^${text}$`) })
    .first()
    .waitFor({ timeout: UI_TIMEOUT });
}
