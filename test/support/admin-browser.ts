/**
 * The admin page in Debian's chromium, hosted like Jira hosts a Custom UI (iframe + bridge), on a fresh
 * sandbox with the demo people (the app itself unconfigured), as Ada, a Jira admin. Shared by every
 * browser test so they start the page the same way. Waits are on selectors and text, never on sleeps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Frame, type FrameLocator, type Locator, type Page } from 'playwright-core';
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

/**
 * What every browser suite needs before it starts, with what to do if it is missing: the built page
 * (`built`, from `npm --prefix static/admin run build`), Debian's chromium, and the screenshot folder.
 */
export function assertBrowserReady(built: string, what: string): void {
  if (!fs.existsSync(built)) throw new Error(`${what} is missing: run \`npm --prefix static/admin run build\` first.`);
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH).`);
  fs.mkdirSync(SHOTS, { recursive: true });
}

export async function openAdminPage(opts: { acceptDownloads?: boolean } = {}): Promise<AdminBrowser> {
  assertBrowserReady(path.join(ADMIN_BUILD_DIR, 'index.html'), 'static/admin/build');
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

/** The allowlist policy the browser suites give a group: 8 h, two extensions, no approval, the demo project. */
export const groupPolicy = (world: DemoWorld, groupId: string, over: Record<string, unknown> = {}) => ({
  groupId,
  maxDurationHours: 8,
  maxLifetimeHours: 24,
  maxExtensions: 2,
  reminderLeadMinutes: 30,
  approvalMode: 'none',
  allowedProjectKeys: [world.projectKey],
  ...over,
});

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
  const added = await ui.asAdmin('admin/allowlist/add', groupPolicy(world, world.groups.linux, over));
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

/** The admin page's own frame (the Custom UI iframe), for evaluating in it. */
export const adminFrame = (page: Page): Frame => page.frame({ url: /\/app\// })!;

/** One stop of a keyboard walk: the focused control as `role:accessible name` (tag when it has no role), and whether its focus shows. */
export interface TabStop {
  name: string;
  focusShows: boolean;
}

/**
 * Puts the keyboard's starting point at the top of the admin frame (the next Tab reaches its first
 * stop), and forgets the marks of an earlier walk.
 */
async function focusFrameTop(page: Page): Promise<void> {
  await adminFrame(page).evaluate(() => {
    for (const el of Array.from(document.querySelectorAll('[data-kb-stop]'))) el.removeAttribute('data-kb-stop');
    const body = document.body;
    body.tabIndex = -1;
    body.focus();
    body.removeAttribute('tabindex');
  });
}

/**
 * The focused control of the admin frame: `role:name` (its tag when it has no role) (aria-label, aria-labelledby, its label, its own
 * text, placeholder), the element marked so the walk knows when it comes round again, and its box in
 * the host page's coordinates (the frame's offset added) grown by 4 px for an outline or a ring.
 * Null when the focus has left the frame.
 */
async function focusedStop(
  page: Page,
  n: number,
): Promise<{ name: string; seen: boolean; box: { x: number; y: number; width: number; height: number } } | null> {
  const at = await adminFrame(page).evaluate((mark) => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || !document.hasFocus()) return null;
    const byIds = (ids: string | null) =>
      (ids ?? '')
        .split(/\s+/)
        .map((id) => document.getElementById(id)?.textContent ?? '')
        .join(' ')
        .trim();
    const labels = (el as HTMLInputElement).labels;
    const name =
      el.getAttribute('aria-label') ||
      byIds(el.getAttribute('aria-labelledby')) ||
      (labels && labels.length > 0 ? (labels[0]!.textContent ?? '') : '') ||
      el.textContent ||
      el.getAttribute('placeholder') ||
      '';
    const seen = el.hasAttribute('data-kb-stop');
    if (!seen) el.setAttribute('data-kb-stop', String(mark));
    // A select's input is a sliver inside the box that shows the focus (react-select's control, which
    // Atlaskit's Select and DatePicker draw): measure that box.
    // A date picker's input has no such class: there, the nearest ancestor that draws a border.
    let shown: HTMLElement = (el.closest('[class*="__control"]') as HTMLElement | null) ?? el;
    if (shown === el && el.getAttribute('role') === 'combobox')
      for (let p = el.parentElement, k = 0; p && k < 5; p = p.parentElement, k++)
        if (parseFloat(getComputedStyle(p).borderTopWidth) > 0) {
          shown = p;
          break;
        }
    const r = shown.getBoundingClientRect();
    return {
      name: `${el.getAttribute('role') ?? el.tagName.toLowerCase()}:${name.replace(/\s+/g, ' ').trim().slice(0, 60)}`,
      seen,
      rect: { x: r.left, y: r.top, width: r.width, height: r.height },
    };
  }, n);
  if (!at) return null;
  const frameBox = (await page.locator('#forge-admin-page').boundingBox())!;
  const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  const pad = 4;
  return {
    name: at.name,
    seen: at.seen,
    box: {
      x: Math.max(0, frameBox.x + scroll.x + at.rect.x - pad),
      y: Math.max(0, frameBox.y + scroll.y + at.rect.y - pad),
      width: Math.max(1, at.rect.width + 2 * pad),
      height: Math.max(1, at.rect.height + 2 * pad),
    },
  };
}

/**
 * Walks the admin frame with Tab alone, from its top, until the focus leaves the frame or comes back
 * to a control already reached (so a trap, a control Tab cannot leave, ends the walk early and shows
 * as a short list). Each stop's focus indicator is checked by pixels: the control's box (and 4 px
 * round it) is shot while it has the focus and again once Tab has moved on; the two must differ.
 */
export async function adminTabStops(page: Page, limit = 80): Promise<TabStop[]> {
  await focusFrameTop(page);
  const stops: TabStop[] = [];
  const shoot = (clip: { x: number; y: number; width: number; height: number }) =>
    page.screenshot({ clip, fullPage: true, animations: 'disabled', caret: 'hide' });
  const shots: { box: { x: number; y: number; width: number; height: number }; focused: Buffer }[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const prev = shots[shots.length - 1];
    if (prev) stops[stops.length - 1]!.focusShows = !(await shoot(prev.box)).equals(prev.focused);
    const at = await focusedStop(page, i);
    if (!at || at.seen) {
      await recheckFocus(page, stops, shots, shoot);
      return stops;
    }
    stops.push({ name: at.name, focusShows: false });
    shots.push({ box: at.box, focused: await shoot(at.box) });
  }
  throw new Error(`Tab went on for ${limit} stops without leaving the frame: ${stops.map((s) => s.name).join(', ')}`);
}

/**
 * A stop that looked the same once Tab moved on may still show its focus: a date picker's field keeps
 * its ring while the focus is in its calendar. Those are compared again with the focus put back at the
 * top of the frame (nothing focused): only a control that looks the same both ways has no indicator.
 */
async function recheckFocus(
  page: Page,
  stops: TabStop[],
  shots: { box: { x: number; y: number; width: number; height: number }; focused: Buffer }[],
  shoot: (clip: { x: number; y: number; width: number; height: number }) => Promise<Buffer>,
): Promise<void> {
  if (stops.every((s) => s.focusShows)) return;
  await adminFrame(page).evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute('tabindex');
  });
  for (const [i, stop] of stops.entries())
    if (!stop.focusShows) stop.focusShows = !(await shoot(shots[i]!.box)).equals(shots[i]!.focused);
}

/**
 * Moves the focus with Tab alone, from the top of the admin frame, to the first stop whose name
 * matches `stop` (as adminTabStops names it: `role:name`).
 */
export async function adminTabTo(page: Page, stop: string | RegExp): Promise<void> {
  await focusFrameTop(page);
  const seen: string[] = [];
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    const at = await focusedStop(page, i);
    if (!at || at.seen) break;
    if (typeof stop === 'string' ? at.name === stop : stop.test(at.name)) return;
    seen.push(at.name);
  }
  throw new Error(`Tab does not reach ${String(stop)}; it reaches: ${seen.join(', ')}`);
}

/**
 * The visible, enabled controls of the admin frame that the last walk (adminTabStops) did not reach:
 * anything a keyboard cannot get to. Read straight after the walk, while its marks are on the page.
 */
export const adminUnreached = (page: Page): Promise<string[]> =>
  adminFrame(page).evaluate(() =>
    Array.from(
      document.querySelectorAll<HTMLElement>(
        'a[href], button, input:not([type="hidden"]), select, textarea, [tabindex]:not([tabindex="-1"])',
      ),
    )
      // A native control taken out of the Tab order (tabindex -1) counts as unreached too; only the
      // roving-tabindex widgets (the tab list's other tabs, a calendar's other days) are reached by arrows.
      .filter((el) => !el.hasAttribute('data-kb-stop'))
      .filter(
        (el) => el.tabIndex >= 0 || !['tab', 'option', 'gridcell', 'menuitem'].includes(el.getAttribute('role') ?? ''),
      )
      // A select's clear button is off the Tab order by design: Backspace in the select clears it.
      .filter((el) => !(el.tabIndex < 0 && el.closest('[class*="__control"]')))
      // A radio group is one Tab stop (its checked radio); the arrow keys move between its radios.
      .filter(
        (el) =>
          !(
            el instanceof HTMLInputElement &&
            el.type === 'radio' &&
            el.name &&
            document.querySelector(`input[type="radio"][name="${CSS.escape(el.name)}"][data-kb-stop]`)
          ),
      )
      .filter((el) => !(el as HTMLButtonElement).disabled && el.checkVisibility({ visibilityProperty: true }))
      .map((el) => `${el.tagName.toLowerCase()}:${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}`),
  );
