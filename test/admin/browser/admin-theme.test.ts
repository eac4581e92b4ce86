/**
 * The admin page follows Jira's theme (issue 13 §4, §5): with the host's context saying dark, the page
 * asks the bridge to theme it (`view.theme.enable()`), loads the dark design tokens, and every colour
 * — its own surface included — comes from them. Screenshots of every tab at 1440 and 1024 px in light
 * and dark (admin-<tab>-<width>-<theme>.png), each without sideways scrolling and with no serious or
 * critical axe-core violation (colour contrast included, so dark text on a dark surface fails); the axe
 * results of all 24 are printed as one summary.
 */
import type { Frame } from 'playwright-core';
import {
  ADMIN_TABS,
  connectAndAllowlistLinux,
  openAdminPage,
  SHOTS,
  type AdminBrowser,
} from '../../support/admin-browser';
import { runAxe } from '../../support/axe';
import { axeSummary, type AxeRecord } from '../../support/uikit-browser';

jest.setTimeout(120_000);

let ui: AdminBrowser;
const axeLog: AxeRecord[] = [];

beforeAll(async () => {
  ui = await openAdminPage();
  await connectAndAllowlistLinux(ui);
});
afterAll(async () => {
  console.log(axeSummary(axeLog));
  await ui?.close();
});

const frame = (): Frame => ui.page.frame({ url: /\/app\// })!;

async function axe(screen: string): Promise<string[]> {
  const { violations, serious } = await runAxe(frame());
  axeLog.push({ screen, violations, serious });
  return serious;
}

/** The sum of the R, G and B of a computed colour (0 black … 765 white). */
const brightness = (css: string): number =>
  css
    .match(/\d+(\.\d+)?/g)!
    .slice(0, 3)
    .map(Number)
    .reduce((a, b) => a + b, 0);

describe.each([
  ['light', 1440],
  ['light', 1024],
  ['dark', 1440],
  ['dark', 1024],
] as const)('%s theme at %i px', (theme, width) => {
  beforeAll(async () => {
    await ui.page.setViewportSize({ width, height: 900 });
    await ui.page.goto(theme === 'dark' ? `${ui.host.url}?theme=dark` : ui.host.url);
    await ui.app.getByTestId('dashboard-screen').waitFor();
    await frame().waitForFunction((mode) => document.documentElement.getAttribute('data-color-mode') === mode, theme);
  });

  test.each(ADMIN_TABS)('%s in the theme, fitting the width, with no serious axe violation', async (tab, screen) => {
    await ui.app.getByTestId(tab).click();
    await ui.app.getByTestId(screen).waitFor();
    await ui.page.waitForLoadState('networkidle');
    const f = frame();
    // Fades finished first: axe measures a colour mid-fade at part opacity.
    await f.evaluate(() =>
      Promise.allSettled(
        document
          .getAnimations()
          .filter((a) => a.effect?.getTiming().iterations !== Infinity)
          .map((a) => a.finished),
      ),
    );
    // The page's own surface and text come from the theme's tokens.
    const [bg, fg] = await f.evaluate(() => [
      getComputedStyle(document.body).backgroundColor,
      getComputedStyle(document.body).color,
    ]);
    if (theme === 'dark') {
      expect(brightness(bg)).toBeLessThan(240);
      expect(brightness(fg)).toBeGreaterThan(450);
    } else {
      expect(brightness(bg)).toBeGreaterThan(700);
      expect(brightness(fg)).toBeLessThan(300);
    }
    // No sideways scrolling of the page at this width.
    expect(await f.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    const name = tab.replace(/^tab-/, '');
    await ui.page.screenshot({ path: `${SHOTS}/admin-${name}-${width}-${theme}.png`, fullPage: true });
    expect(await axe(`admin ${name} ${width} ${theme}`)).toEqual([]);
  });
});
