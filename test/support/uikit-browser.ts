/**
 * The app's UI Kit panel and fields in Debian's chromium, through the local UI Kit host (ADR 0028):
 * the real resources bundled for the browser, their ForgeDoc rendered with Atlaskit in a mock issue
 * view, `invoke` served by the real UI resolver on a demo-seeded sandbox. One browser and one page per
 * test file; waits are on selectors and text, never on sleeps. Also runs axe-core and records what it
 * found per screen, so a file can print one summary.
 */
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createSandbox, type Sandbox } from '../../sandbox';
import { seedDemo, type DemoWorld } from '../../sandbox/seed';
import { startAdminHost, type AdminHost } from '../../scripts/serve-sandbox';
import { UIKIT_BUILD_DIR } from '../../scripts/uikit-host';
import { assertBrowserReady, CHROMIUM, CHROMIUM_ARGS, SHOTS, UI_TIMEOUT } from './admin-browser';
import { runAxe } from './axe';

export interface AxeRecord {
  screen: string;
  violations: number;
  serious: string[];
}

export interface IssueBrowser {
  sb: Sandbox;
  world: DemoWorld;
  host: AdminHost;
  browser: Browser;
  page: Page;
  /** Opens the issue view of `key` as a demo person (ada, neville, alice, henry) and waits for the panel's first ForgeDoc. */
  open(key: string, o?: { as?: string; theme?: 'light' | 'dark'; waitForPanel?: boolean }): Promise<void>;
  /** The panel's rendered text, whitespace collapsed. */
  panelText(): Promise<string>;
  /** Waits until the panel shows `text`. */
  panelShows(text: string | RegExp): Promise<void>;
  shot(name: string): Promise<void>;
  /** axe-core (WCAG 2.0/2.1 A, AA) on the page: serious and critical violations, recorded under `screen`. */
  axe(screen: string): Promise<string[]>;
  readonly axeLog: AxeRecord[];
  /** Tab from the top of the page until focus comes back round; the accessible names of what it reached. */
  tabStops(limit?: number): Promise<string[]>;
  /** Moves the focus with Tab alone, from the top of the page, to the stop named `stop` (as tabStops names it). */
  tabTo(stop: string): Promise<void>;
  /**
   * The controls named `name` as Chromium's accessibility tree has them (what a screen reader is given):
   * role and the states checked / expanded / pressed when the node has them.
   */
  axControls(name: string): Promise<AxControl[]>;
  close(): Promise<void>;
}

/** A focusable node of Chromium's accessibility tree, by its computed role, name and states. */
export interface AxControl {
  role: string;
  name: string;
  checked?: string;
  expanded?: string;
  pressed?: string;
}

interface CdpAxNode {
  ignored: boolean;
  role?: { value?: unknown };
  name?: { value?: unknown };
  properties?: Array<{ name: string; value: { value?: unknown } }>;
}

export async function openIssueBrowser(): Promise<IssueBrowser> {
  assertBrowserReady(path.join(UIKIT_BUILD_DIR, 'uikit.html'), 'static/admin/build-uikit');
  const sb = await createSandbox();
  const world = await seedDemo(sb);
  const host = await startAdminHost(sb, { accountId: world.jira.ada, people: { ...world.jira } });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  // Reduced motion: menus and messages appear without a fade, so axe never measures a colour mid-animation.
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-GB',
    reducedMotion: 'reduce',
  });
  page.setDefaultTimeout(UI_TIMEOUT);
  const axeLog: AxeRecord[] = [];
  /** Puts the keyboard's starting point at the top of the page (the next Tab reaches the first stop). */
  const focusTop = () =>
    page.evaluate(() => {
      const body = document.body;
      body.tabIndex = -1;
      body.focus();
      body.removeAttribute('tabindex');
    });
  /** The focused element as `tag:accessible name` (aria-label, else its label's text, else its own text). */
  const focusedName = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return '';
      const labels = (el as HTMLInputElement).labels;
      const label =
        el.getAttribute('aria-label') ??
        (labels && labels.length > 0 ? labels[0].textContent : undefined) ??
        el.textContent ??
        '';
      return `${el.tagName.toLowerCase()}:${label.replace(/\s+/g, ' ').trim().slice(0, 60)}`;
    });
  const panel = page.getByTestId('issue-panel');
  const panelText = async () => ((await panel.textContent()) ?? '').replace(/\s+/g, ' ').trim();

  return {
    sb,
    world,
    host,
    browser,
    page,
    axeLog,
    async open(key, o = {}) {
      await page.goto(host.issueUrl(key, { as: o.as, theme: o.theme }));
      if (o.waitForPanel !== false)
        await page.locator('[data-testid="uikit-panel"][data-rendered="yes"]').waitFor({ timeout: UI_TIMEOUT });
    },
    panelText,
    async panelShows(text) {
      await panel.getByText(text).first().waitFor({ timeout: UI_TIMEOUT });
    },
    async shot(name) {
      await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
    },
    async axe(screen) {
      const { violations, serious } = await runAxe(page);
      axeLog.push({ screen, violations, serious });
      return serious;
    },
    async tabStops(limit = 60) {
      await focusTop();
      const stops: string[] = [];
      for (let i = 0; i < limit; i++) {
        await page.keyboard.press('Tab');
        const name = await focusedName();
        if (name === '' || stops.includes(name)) break;
        stops.push(name);
      }
      return stops;
    },
    async tabTo(stop) {
      await focusTop();
      const seen: string[] = [];
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press('Tab');
        const name = await focusedName();
        if (name === stop) return;
        if (name === '' || seen.includes(name)) break;
        seen.push(name);
      }
      throw new Error(`Tab does not reach ${stop}; it reaches: ${seen.join(', ')}`);
    },
    async axControls(name) {
      // Chromium's own tree over CDP, not Playwright's role computation: the states a screen reader gets.
      const cdp = await page.context().newCDPSession(page);
      try {
        const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: CdpAxNode[] };
        const prop = (n: CdpAxNode, key: string) => {
          const v = n.properties?.find((p) => p.name === key)?.value.value;
          return v === undefined ? {} : { [key]: String(v) };
        };
        return nodes
          .filter((n) => !n.ignored && n.name?.value === name)
          .filter((n) => n.properties?.some((p) => p.name === 'focusable' && p.value.value === true))
          .map((n) => ({
            role: String(n.role?.value ?? ''),
            name,
            ...prop(n, 'checked'),
            ...prop(n, 'expanded'),
            ...prop(n, 'pressed'),
          }));
      } finally {
        await cdp.detach();
      }
    },
    async close() {
      await browser.close();
      await host.close();
      await sb.close();
    },
  };
}

/** One line per screen: how many axe violations of any impact, and the serious/critical ones (must be none). */
export function axeSummary(log: AxeRecord[]): string {
  const lines = log.map(
    (r) =>
      `  ${r.screen.padEnd(40)} ${String(r.violations).padStart(2)} violation(s), ${r.serious.length} serious/critical`,
  );
  return `axe-core (WCAG 2.0/2.1 A+AA) on ${log.length} screen(s):\n${lines.join('\n')}`;
}
