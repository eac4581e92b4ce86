/**
 * The admin page in Debian's chromium, hosted like Jira hosts a Custom UI (iframe + bridge), on a fresh
 * sandbox with the demo people (the app itself unconfigured), as Ada, a Jira admin. Shared by every
 * browser test so they start the page the same way. Waits are on selectors and text, never on sleeps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { createSandbox, type Sandbox } from '../../sandbox';
import { seedPeople, type DemoWorld } from '../../sandbox/seed';
import { ADMIN_BUILD_DIR, startAdminHost, type AdminHost } from '../../scripts/serve-sandbox';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = path.resolve(__dirname, '..', '..', 'test-output', 'screenshots');
export const UI_TIMEOUT = 15_000;
/** The admin page's tabs: each tab's test id and the test id of the screen it opens. */
export const ADMIN_TABS = [
  ['tab-dashboard', 'dashboard-screen'],
  ['tab-okta-connection', 'connection-screen'],
  ['tab-allowlist', 'allowlist-screen'],
  ['tab-policy', 'policy-screen'],
  ['tab-audit', 'audit-screen'],
  ['tab-diagnostics', 'diagnostics-screen'],
] as const;

/** The flags this machine's closed network needs (no background connections, no first-run work). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface AdminBrowser {
  sb: Sandbox;
  world: DemoWorld;
  host: AdminHost;
  browser: Browser;
  page: Page;
  /** The admin page's iframe. */
  app: FrameLocator;
  /** Saves the page as test-output/screenshots/<name>.png. */
  shot(name: string): Promise<Buffer>;
  /** An admin resolver call as Ada (the page's user), for a test's setup and read-backs. */
  asAdmin<T = any>(key: string, payload?: unknown): Promise<T>;
  close(): Promise<void>;
}

export async function openAdminPage(opts: { acceptDownloads?: boolean } = {}): Promise<AdminBrowser> {
  if (!fs.existsSync(path.join(ADMIN_BUILD_DIR, 'index.html')))
    throw new Error('static/admin/build is missing: run `npm --prefix static/admin run build` first.');
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  fs.mkdirSync(SHOTS, { recursive: true });
  const sb = await createSandbox();
  if (!sb.app.loaded.resolvers.has('admin-page'))
    throw new Error('manifest.yml has no jira:adminPage module "admin-page" with a resolver.');
  const world = seedPeople(sb);
  const host = await startAdminHost(sb, { accountId: world.jira.ada });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    acceptDownloads: opts.acceptDownloads ?? false,
    timezoneId: 'UTC',
    locale: 'en-GB',
  });
  page.setDefaultTimeout(UI_TIMEOUT);
  await page.goto(host.url);
  return {
    sb,
    world,
    host,
    browser,
    page,
    app: page.frameLocator('#forge-admin-page'),
    // Animations finished first: an Atlaskit modal fades in, and a shot mid-fade shows it half there.
    shot: (name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true, animations: 'disabled' }),
    asAdmin: (key, payload = {}) => sb.app.invoke(key, payload, { accountId: world.jira.ada, moduleKey: 'admin-page' }),
    async close() {
      await browser.close();
      await host.close();
      await sb.close();
    },
  };
}

/**
 * The start most suites share: the sandbox's Okta connected with its API token and PAM Linux Sysadmins
 * allowlisted (no approval, the demo project), through the resolvers as Ada. `over` changes the policy.
 */
export async function connectAndAllowlistLinux(ui: AdminBrowser, over: Record<string, unknown> = {}): Promise<void> {
  const { sb, world } = ui;
  const saved = await ui.asAdmin('admin/connection/save', {
    domain: sb.okta.domain,
    method: 'api-token',
    apiToken: sb.okta.apiToken,
  });
  if (!saved.ok) throw new Error(`connection/save refused: ${JSON.stringify(saved)}`);
  const added = await ui.asAdmin('admin/allowlist/add', {
    groupId: world.groups.linux,
    maxDurationHours: 8,
    maxLifetimeHours: 24,
    maxExtensions: 2,
    reminderLeadMinutes: 30,
    approvalMode: 'none',
    allowedProjectKeys: [world.projectKey],
    ...over,
  });
  if (!added.ok) throw new Error(`allowlist/add refused: ${JSON.stringify(added)}`);
}

/**
 * Confirms a destructive action in its reason dialog (components/ReasonDialog): waits for the modal,
 * types the reason, presses its confirm button. The dialog's test id is the screen's (confirm-revoke, …).
 */
export async function confirmWithReason(app: FrameLocator, dialog: string, reason: string): Promise<void> {
  await app.getByTestId(dialog).waitFor();
  await app.getByTestId(`${dialog}-reason`).fill(reason);
  await app.getByTestId(`${dialog}-confirm`).click();
}

/**
 * Whether a reason dialog is modal over the control that opened it: announced as a modal dialog
 * (role dialog, aria-modal) and the page behind covered, so a click at the opener lands on the modal's
 * blanket, not on the opener.
 */
export async function isModalOver(dialog: Locator, opener: Locator): Promise<boolean> {
  const announced = await dialog.evaluate(
    (d) => d.getAttribute('role') === 'dialog' && d.getAttribute('aria-modal') === 'true',
  );
  const covered = await opener.evaluate((b) => {
    const r = b.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return !!hit && !b.contains(hit);
  });
  return announced && covered;
}

/**
 * Types a day into one of the audit filters' Atlaskit date pickers (components/DayField) and presses
 * Enter, which is how the picker takes a typed day (leaving the field keeps the previous one).
 */
export async function pickDay(app: FrameLocator, id: string, day: string): Promise<void> {
  await app.locator(`#${id}`).fill(day);
  await app.locator(`#${id}`).press('Enter');
}

/** The day a date picker holds: its form value (the hidden input the picker keeps under its name). */
export const dayValue = (app: FrameLocator, id: string): Promise<string> =>
  app.locator(`input[type="hidden"][name="${id}"]`).inputValue();
