/**
 * Fit and finish (issue 13 §4), in Debian's chromium against the sandbox: the setup checklist of a fresh
 * install follows the real state and links to its tabs; the tab and the audit filters live in the URL
 * (a reload keeps them); a destructive action confirms in a modal that asks for a reason (Escape
 * cancels, focus returns, the reason lands in the audit trail); and at 1024 px, with long names, long
 * ids and many rows, no tab makes the page scroll sideways. Screens: test-output/screenshots/fit-*.png.
 */
import type { FrameLocator, Page } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import {
  confirmWithReason,
  connectAndAllowlistLinux,
  dayValue,
  isModalOver,
  openAdminPage,
  pickDay,
  UI_TIMEOUT,
  type AdminBrowser,
} from '../../support/admin-browser';

jest.setTimeout(180_000);

let ui: AdminBrowser | undefined;
let sb: Sandbox;
let world: DemoWorld;
let page: Page;
let app: FrameLocator;

const TABS = [
  ['tab-dashboard', 'dashboard-screen', 'dashboard'],
  ['tab-okta-connection', 'connection-screen', 'connection'],
  ['tab-allowlist', 'allowlist-screen', 'allowlist'],
  ['tab-policy', 'policy-screen', 'policy'],
  ['tab-audit', 'audit-screen', 'audit'],
  ['tab-diagnostics', 'diagnostics-screen', 'diagnostics'],
] as const;

const expectText = (locator: ReturnType<FrameLocator['getByTestId']>, text: string) =>
  locator.filter({ hasText: text }).first().waitFor({ timeout: UI_TIMEOUT });
const stateOf = (id: string) => app.getByTestId(`setup-${id}`).getAttribute('data-state');
const hostQuery = () => new URL(page.url()).searchParams;
const openTab = async (tabId: string, screen: string) => {
  await app.getByTestId(tabId).click();
  await app.getByTestId(screen).waitFor();
};

/** Waits (bounded) for a condition the page reaches by itself, such as the host URL after a push. */
async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await page.waitForTimeout(50);
  }
  throw new Error('condition not reached');
}

/** The admin page's document (inside the iframe) and the host page: widths that would scroll sideways. */
async function widths() {
  const frame = page.frame({ url: /\/app\// })!;
  const inner = await frame.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  const outer = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }));
  return { inner, outer };
}

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, page, app } = ui);
});

afterAll(async () => {
  await ui?.close();
});

test('a fresh install shows the setup checklist from real state, each step linked to its tab', async () => {
  await app.getByTestId('connection-screen').waitFor();
  expect(hostQuery().get('tab')).toBeNull();
  await openTab('tab-dashboard', 'dashboard-screen');
  expect(hostQuery().get('tab')).toBe('dashboard');
  const list = app.getByTestId('setup-checklist');
  await expectText(list, '0 of 4 done');
  expect(await stateOf('okta')).toBe('todo');
  expect(await stateOf('allowlist')).toBe('todo');
  expect(await stateOf('fields')).toBe('todo');
  await ui!.shot('fit-1-setup-checklist-fresh');

  await app.getByTestId('setup-allowlist-open').click();
  await app.getByTestId('allowlist-screen').waitFor();
  expect(hostQuery().get('tab')).toBe('allowlist');

  // Done for real (connection checked, a group allowlisted, the self-check finding the fields): the steps follow.
  await connectAndAllowlistLinux(ui!, { approvalMode: 'status' });
  await page.goto(`${ui!.host.url}?tab=dashboard`);
  await app.getByTestId('dashboard-screen').waitFor();
  await expectText(app.getByTestId('setup-checklist'), '3 of 4 done');
  expect(await stateOf('okta')).toBe('done');
  expect(await stateOf('allowlist')).toBe('done');
  // The policy's approval status ("Approved") exists in the demo project's workflow.
  expect(await stateOf('approval')).toBe('done');
  expect(await stateOf('fields')).toBe('todo');
  await ui!.shot('fit-1-setup-checklist-3-of-4');
  // The self-check finds the app's fields in Jira: every step is done and the checklist leaves.
  expect((await ui!.asAdmin('admin/diagnostics/run')).ok).toBe(true);
  await page.reload();
  await app.getByTestId('dashboard-screen').waitFor();
  await app.getByTestId('grants-table').waitFor();
  expect(await app.getByTestId('setup-checklist').count()).toBe(0);
});

test('the tab and the audit filters live in the URL: a reload and Back keep them', async () => {
  await page.goto(`${ui!.host.url}?tab=policy`);
  await app.getByTestId('policy-screen').waitFor();
  await openTab('tab-audit', 'audit-screen');
  expect(hostQuery().get('tab')).toBe('audit');

  // Filter by group and day; the URL carries ids and days, the reload shows the group's name again.
  await app.locator('#audit-group').fill('PAM Linux');
  await app.locator('#audit-group').press('Enter');
  await pickDay(app, 'fromDay', '2026-11-01');
  await app.getByTestId('apply-filters').click();
  await app.getByTestId('audit-table').waitFor();
  await until(() => hostQuery().get('group') === world.groups.linux);
  expect(hostQuery().get('from')).toBe('2026-11-01');
  const count = await app.getByTestId('audit-count').innerText();

  await page.reload();
  await app.getByTestId('audit-screen').waitFor();
  await expectText(app.getByTestId('audit-screen'), 'PAM Linux Sysadmins');
  expect(await dayValue(app, 'fromDay')).toBe('2026-11-01');
  await expectText(app.getByTestId('audit-screen'), '2026-11-01');
  await expectText(app.getByTestId('audit-count'), count);

  await page.goBack();
  await app.getByTestId('policy-screen').waitFor();
  expect(hostQuery().get('tab')).toBe('policy');
});

test('removing a group confirms in a modal that asks why: Escape cancels, focus returns, the reason is audited', async () => {
  await page.goto(`${ui!.host.url}?tab=allowlist`);
  await app.getByTestId('allowlist-screen').waitFor();
  const remove = app.getByTestId(`remove-${world.groups.linux}`);
  await remove.click();
  const dialog = app.getByTestId('confirm-remove');
  await dialog.waitFor();
  expect(await isModalOver(dialog, remove)).toBe(true);
  // Focus starts in the reason field, and the page behind is covered (a click there lands on the blanket).
  expect(await app.getByTestId('confirm-remove-reason').evaluate((t) => t === document.activeElement)).toBe(true);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect(await remove.evaluate((b) => b === document.activeElement)).toBe(true);
  expect((await ui!.asAdmin('admin/allowlist/list')).data).toHaveLength(1);

  await remove.click();
  await dialog.waitFor();
  await ui!.shot('fit-2-confirm-remove');
  await confirmWithReason(app, 'confirm-remove', 'Linux servers moved to the new PAM gateway.');
  await expectText(app.getByTestId('allowlist-notice'), 'was removed from the allowlist');
  expect((await ui!.asAdmin('admin/allowlist/list')).data).toEqual([]);
  const rows = (await ui!.asAdmin('admin/audit/query', {})).data.rows as Array<{ action: string; detail: string }>;
  expect(rows[0]).toMatchObject({
    action: 'CONFIG_CHANGED',
    detail: expect.stringMatching(
      /^Removed Okta group PAM Linux Sysadmins .*Reason: Linux servers moved to the new PAM gateway\.$/,
    ),
  });
});

test('at 1024 px, with long names, long ids and many rows, no tab scrolls the page sideways', async () => {
  // Realistic long data: a long group name, a long person name, approval pending, a failed grant, denials.
  const longGroup = sb.okta.addGroup({
    name: 'PAM Production Database Administrators – EMEA Region (break-glass, 24x7 on-call)',
    description: 'OPA: DBA on production',
  }).id;
  const longPerson = sb.jira.addUser({
    displayName: 'Maximiliane Alexandra von Hohenzollern-Sigmaringen',
    email: 'maximiliane.hohenzollern-sigmaringen@atko.email',
    timeZone: 'Europe/Berlin',
  }).accountId;
  sb.okta.addUser({
    login: 'maximiliane.hohenzollern-sigmaringen@atko.email',
    email: 'maximiliane.hohenzollern-sigmaringen@atko.email',
    firstName: 'Maximiliane',
    lastName: 'von Hohenzollern-Sigmaringen',
  });
  sb.jira.addProject({ key: 'SECOPSACCS', name: 'Security Operations Access Requests' });
  await connectAndAllowlistLinux(ui!, { allowedProjectKeys: [] });
  const limits = {
    maxDurationHours: 12,
    maxLifetimeHours: 72,
    maxExtensions: 3,
    reminderLeadMinutes: 60,
    allowedProjectKeys: [],
  };
  expect((await ui!.asAdmin('admin/allowlist/add', { groupId: longGroup, approvalMode: 'status', ...limits })).ok).toBe(
    true,
  );
  expect(
    (await ui!.asAdmin('admin/allowlist/add', { groupId: world.groups.windows, approvalMode: 'none', ...limits })).ok,
  ).toBe(true);
  const raise = (reporter: string, group: string, projectKey = 'SECOPSACCS') =>
    sb.jira.createIssue({
      projectKey,
      summary: 'Production access for the quarterly patch window',
      reporter,
      fields: { changeType: 'Standard', accessType: 'New access', adminGroup: group },
    });
  for (let i = 0; i < 6; i++) await raise(i % 2 ? longPerson : world.jira.neville, world.groups.linux);
  await raise(longPerson, longGroup);
  await raise(world.jira.henry, world.groups.windows); // hidden email, unmapped: denied, needs the admin
  sb.okta.fault({ method: 'PUT', path: /^\/api\/v1\/groups\/[^/]+\/users\/[^/]+$/, status: 403, times: 1 });
  await raise(longPerson, world.groups.windows);
  await sb.clock.advance(6 * 60_000);

  await page.setViewportSize({ width: 1024, height: 800 });
  await page.goto(`${ui!.host.url}?tab=dashboard`);
  const measured: Record<string, { inner: number; outer: number; client: number; tables: string[] }> = {};
  for (const [tabId, screen, name] of TABS) {
    await openTab(tabId, screen);
    if (name === 'dashboard') {
      await app.getByTestId('grants-table').waitFor();
      await expectText(app.getByTestId('pending-table'), 'Maximiliane');
      await expectText(app.getByTestId('denied-table'), 'Hidden Henry');
    }
    if (name === 'audit') await app.getByTestId('audit-table').waitFor();
    if (name === 'allowlist') await expectText(app.getByTestId('allowlist-table'), 'break-glass');
    const w = await widths();
    const frame = page.frame({ url: /\/app\// })!;
    // Which tables scroll inside themselves (allowed), and what does not wrap (issue keys, times).
    const tables = await frame.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.table-scroll')).map(
        (t) => `${t.dataset.testid}: ${t.scrollWidth}/${t.clientWidth}`,
      ),
    );
    // Issue keys and times in table cells, found by their text: a wrapped one spans two line boxes.
    const wrapped = await frame.evaluate(() => {
      const out: string[] = [];
      const looks = /^([A-Z][A-Z0-9_]+-\d+|\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?( UTC)?)$/;
      for (const table of Array.from(document.querySelectorAll('.table-scroll'))) {
        const walk = document.createTreeWalker(table, NodeFilter.SHOW_TEXT);
        for (let n = walk.nextNode(); n; n = walk.nextNode()) {
          const text = (n.textContent ?? '').trim();
          if (!looks.test(text)) continue;
          const range = document.createRange();
          range.selectNodeContents(n);
          const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push(text);
        }
      }
      return out;
    });
    expect({ name, wrapped }).toEqual({ name, wrapped: [] });
    measured[name] = { inner: w.inner.scroll, outer: w.outer.scroll, client: w.inner.client, tables };
    await ui!.shot(`fit-3-1024-${name}`);
  }
  console.log(`scrollWidth / clientWidth at 1024 px: ${JSON.stringify(measured)}`);

  // The frame is as tall as its content (like Jira's): a modal opened low on the dashboard still opens
  // where the admin is looking, inside the screen, not in the middle of a frame taller than the screen.
  await openTab('tab-dashboard', 'dashboard-screen');
  const last = app.locator('[data-testid^="revoke-grant-"]').last();
  await last.click();
  const dialog = app.getByTestId('confirm-revoke');
  await dialog.waitFor();
  const box = (await dialog.boundingBox())!;
  const screen = await page.evaluate(() => ({ top: window.scrollY, height: window.innerHeight }));
  const frameHeight = await page.locator('#forge-admin-page').evaluate((f) => f.getBoundingClientRect().height);
  console.log(
    `frame ${Math.round(frameHeight)} px tall; dialog at ${Math.round(box.y)}–${Math.round(box.y + box.height)} in a screen of ${screen.height} px`,
  );
  expect(frameHeight).toBeGreaterThan(screen.height);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(screen.height);
  await ui!.shot('fit-4-1024-confirm-revoke-low-on-the-page');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  expect(await last.evaluate((b) => b === document.activeElement)).toBe(true);
  for (const [name, m] of Object.entries(measured)) {
    expect({ name, inner: m.inner <= m.client, outer: m.outer <= 1024 }).toEqual({ name, inner: true, outer: true });
  }
});
