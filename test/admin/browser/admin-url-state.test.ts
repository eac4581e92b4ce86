/**
 * Issue 13 §4, "each tab has its own URL state": the audit tab, filtered, then the dashboard, then the
 * audit tab again by click: the filters, the filtered rows and the URL's query are all back. Back and
 * Forward still walk the tabs as they were seen, each with its own query.
 */
import type { FrameLocator, Page } from 'playwright-core';
import {
  adminFrame,
  connectAndAllowlistLinux,
  dayValue,
  openAdminPage,
  pickDay,
  type AdminBrowser,
} from '../../support/admin-browser';
import { runAxe } from '../../support/axe';
import { axeSummary, type AxeRecord } from '../../support/uikit-browser';

jest.setTimeout(120_000);

let ui: AdminBrowser;
let page: Page;
let app: FrameLocator;
const axeLog: AxeRecord[] = [];

beforeAll(async () => {
  ui = await openAdminPage();
  ({ page, app } = ui);
  // Two audit entries: the connection saved (no group) and PAM Linux Sysadmins allowlisted.
  await connectAndAllowlistLinux(ui);
  await page.reload();
});
afterAll(async () => {
  console.log(axeSummary(axeLog));
  await ui?.close();
});

/** The host page's query (where the admin page's route lives, as in Jira) as key → value. */
const query = (): Record<string, string> => Object.fromEntries(new URL(page.url()).searchParams.entries());
const count = () => app.getByTestId('audit-count');
const groupShown = () => app.getByTestId('audit-screen').getByText('PAM Linux Sysadmins', { exact: true }).first();

async function expectFilteredAudit(): Promise<void> {
  await app.getByTestId('audit-screen').waitFor();
  await count().filter({ hasText: '1 entry shown' }).waitFor();
  expect(query()).toMatchObject({ tab: 'audit', group: ui.world.groups.linux, from: '2026-11-22' });
  expect(await dayValue(app, 'fromDay')).toBe('2026-11-22');
  // The group filter shows the group's name again (the URL carries its id).
  await groupShown().waitFor();
  expect(await app.getByTestId('audit-table').textContent()).not.toContain('Okta connection saved');
}

test('audit filtered → Dashboard → Audit by click: the filters, the filtered rows and the URL are back', async () => {
  await app.getByTestId('tab-audit').click();
  await count().filter({ hasText: '2 entries shown' }).waitFor();
  await pickDay(app, 'fromDay', '2026-11-22');
  await app.locator('#audit-group').fill('PAM Linux');
  await app.locator('#audit-group').press('Enter');
  await app.getByTestId('apply-filters').click();
  await expectFilteredAudit();

  await app.getByTestId('tab-dashboard').click();
  await app.getByTestId('dashboard-screen').waitFor();
  // The dashboard's URL is its own: no audit filters in it.
  expect(query()).toEqual({ tab: 'dashboard' });

  await app.getByTestId('tab-audit').click();
  await expectFilteredAudit();
  await ui.shot('admin-audit-filters-restored');
  const { violations, serious } = await runAxe(adminFrame(page));
  axeLog.push({ screen: 'admin audit, filters restored', violations, serious });
  expect(serious).toEqual([]);
});

test('Back and Forward walk the tabs as seen, each with its own query', async () => {
  // History now: …, audit (filtered), dashboard, audit (filtered).
  await page.goBack();
  await app.getByTestId('dashboard-screen').waitFor();
  expect(query()).toEqual({ tab: 'dashboard' });
  await page.goBack();
  await expectFilteredAudit();
  await page.goForward();
  await app.getByTestId('dashboard-screen').waitFor();
  expect(query()).toEqual({ tab: 'dashboard' });
  // A tab never opened before opens with its tab alone.
  await app.getByTestId('tab-diagnostics').click();
  await app.getByTestId('diagnostics-screen').waitFor();
  expect(query()).toEqual({ tab: 'diagnostics' });
  // And the audit tab opened by click after Back/Forward still comes back filtered.
  await app.getByTestId('tab-audit').click();
  await expectFilteredAudit();
});
