/**
 * Accessibility of the admin page (issue 13 §5), in Debian's chromium against the sandbox: axe-core
 * (WCAG 2.0/2.1 A and AA rules) finds no serious or critical violation on any tab, with real data on it
 * (a connection, an allowlisted group, active, failed and pending grants, audit entries); and a keyboard
 * alone reaches every tab, opens a destructive action's reason dialog, stays inside it, and leaves it
 * with Escape, focus back where it was.
 */
import type { Frame, FrameLocator, Page } from 'playwright-core';
import {
  ADMIN_TABS,
  connectAndAllowlistLinux,
  openAdminPage,
  UI_TIMEOUT,
  type AdminBrowser,
} from '../../support/admin-browser';
import { makeGrant } from '../../factories/grant';
import { runAxe } from '../../support/axe';
import { KvsGrantStore } from '../../../src/adapters/kvs/grant-store';

jest.setTimeout(180_000);

let ui: AdminBrowser | undefined;
let page: Page;
let app: FrameLocator;

const frame = (): Frame => page.frame({ url: /\/app\// })!;

/** Runs axe-core in the admin page's frame; the serious and critical violations, in a readable form. */
async function axeViolations(): Promise<string[]> {
  return (await runAxe(frame())).serious;
}

/** What has the keyboard focus in the admin page's frame: its test id, or its role and text. */
const focused = () =>
  frame().evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    return (
      el.getAttribute('data-testid') ?? `${el.tagName.toLowerCase()}:${(el.textContent ?? '').trim().slice(0, 40)}`
    );
  });

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ page, app } = ui);
  await connectAndAllowlistLinux(ui);
  const { world, sb } = ui;
  const now = sb.clock.now();
  const later = new Date(Date.parse(now) + 3_600_000).toISOString();
  await sb.app.run(async () => {
    const store = new KvsGrantStore();
    for (const g of [
      makeGrant({
        id: 'grant-a11y-1',
        status: 'ACTIVE',
        groupId: world.groups.linux,
        requesterAccountId: world.jira.neville,
        endsAt: later,
      }),
      makeGrant({
        id: 'grant-a11y-2',
        status: 'FAILED',
        groupId: world.groups.linux,
        requesterAccountId: world.jira.alice,
        endReason: 'EXPIRED',
        reason: 'Okta refused the change.',
      }),
    ])
      await store.create(g);
  });
});

afterAll(async () => {
  await ui?.close();
});

test.each(ADMIN_TABS)('axe-core finds no serious or critical violation on %s', async (tab, screen) => {
  await app.getByTestId(tab).click();
  await app.getByTestId(screen).waitFor({ timeout: UI_TIMEOUT });
  // Let the tab's data arrive (its loading state is checked too, but the filled screen matters most).
  await page.waitForLoadState('networkidle');
  expect(await axeViolations()).toEqual([]);
});

test('a keyboard alone reaches every tab and a revoke, and the reason dialog keeps focus until Escape returns it', async () => {
  // The tab list is one stop in the Tab order (WAI-ARIA tabs pattern: the selected tab); the arrow
  // keys move between its tabs.
  await app.getByTestId('tab-dashboard').click();
  await app.getByTestId('dashboard-screen').waitFor();
  await app.getByTestId('tab-dashboard').focus();
  const seen = new Set<string>();
  for (let i = 0; i < ADMIN_TABS.length; i++) {
    seen.add(await focused());
    await page.keyboard.press('ArrowRight');
  }
  expect([...seen].sort()).toEqual(ADMIN_TABS.map(([t]) => t).sort());
  // Tab leaves the tab list for the selected tab's content, not the next tab. (The arrows may have
  // selected another tab: select the dashboard again first, so it is the list's one Tab stop.)
  await app.getByTestId('tab-dashboard').click();
  await app.getByTestId('dashboard-screen').waitFor();
  await app.getByTestId('tab-dashboard').focus();
  await page.keyboard.press('Tab');
  const next = await focused();
  expect(ADMIN_TABS.some(([t]) => t === next)).toBe(false);

  // Every focusable control shows where the focus is (an outline or a box shadow).
  await app.getByTestId('tab-allowlist').focus();
  const visible = await frame().evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && s.outlineWidth !== '0px') || s.boxShadow !== 'none';
  });
  expect(visible).toBe(true);

  // Enter opens the dashboard; the first revoke button is reached by Tab and opened by Enter.
  await app.getByTestId('tab-dashboard').focus();
  await page.keyboard.press('Enter');
  await app.getByTestId('dashboard-screen').waitFor();
  const revoke = app.getByRole('button', { name: /^Revoke/ }).first();
  await revoke.waitFor();
  await revoke.focus();
  const opener = await focused();
  await page.keyboard.press('Enter');
  await app.getByTestId('confirm-revoke').waitFor();
  // The open modal (Atlaskit's, with its blanket and focus guards) has no serious or critical violation,
  // once its fade-in has finished (mid-fade, its text is measured at part opacity).
  await frame().evaluate(() =>
    Promise.allSettled(
      document
        .getAnimations()
        .filter((a) => a.effect?.getTiming().iterations !== Infinity)
        .map((a) => a.finished),
    ),
  );
  expect(await axeViolations()).toEqual([]);
  // Focus is inside the dialog, and Tab never leaves it.
  for (let i = 0; i < 8; i++) {
    expect(await frame().evaluate(() => !!document.activeElement?.closest('[role="dialog"][aria-modal="true"]'))).toBe(
      true,
    );
    await page.keyboard.press('Tab');
  }
  await page.keyboard.press('Escape');
  await app.getByTestId('confirm-revoke').waitFor({ state: 'hidden' });
  expect(await focused()).toBe(opener);
});

test('an expandable section opens and closes from the keyboard, says so (aria-expanded, aria-controls), and stays axe-clean open', async () => {
  await app.getByTestId('tab-allowlist').click();
  await app.getByTestId('allowlist-screen').waitFor();
  const toggle = app.getByTestId('role-permissions-toggle');
  const content = app.getByTestId('role-permissions-content');
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  // aria-controls names the very element that shows and hides.
  expect(await toggle.getAttribute('aria-controls')).toBe(await content.getAttribute('id'));
  expect(await content.isVisible()).toBe(false);
  await toggle.focus();
  await page.keyboard.press('Enter');
  await content.waitFor({ timeout: UI_TIMEOUT });
  expect(await toggle.getAttribute('aria-expanded')).toBe('true');
  expect(await content.textContent()).toContain('okta.groups.members.manage');
  expect(await axeViolations()).toEqual([]);
  await page.keyboard.press('Space');
  await content.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
  expect(await toggle.getAttribute('aria-expanded')).toBe('false');
  expect(await focused()).toBe('role-permissions-toggle');
});
