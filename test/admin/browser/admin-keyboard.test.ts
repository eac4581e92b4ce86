/**
 * Issue 13 §5, "keyboard-only walk through each screen": on every admin tab, Tab alone reaches every
 * visible control, the walk leaves the page at the end (no trap), each stop shows where the focus is
 * (pixels round the control change as it gets the focus), and the tab's main task is done with keys
 * only. Axe runs on each tab once its task is done; one summary is printed for the file.
 */
import type { FrameLocator, Page } from 'playwright-core';
import {
  ADMIN_TABS,
  adminFrame,
  adminTabStops,
  adminTabTo,
  adminUnreached,
  connectAndAllowlistLinux,
  openAdminPage,
  type AdminBrowser,
} from '../../support/admin-browser';
import { makeGrant } from '../../factories/grant';
import { runAxe } from '../../support/axe';
import { axeSummary, type AxeRecord } from '../../support/uikit-browser';
import { KvsGrantStore } from '../../../src/adapters/kvs/grant-store';

jest.setTimeout(180_000);

let ui: AdminBrowser;
let page: Page;
let app: FrameLocator;
const axeLog: AxeRecord[] = [];

beforeAll(async () => {
  ui = await openAdminPage({ acceptDownloads: true });
  ({ page, app } = ui);
  await connectAndAllowlistLinux(ui);
  const { world, sb } = ui;
  await sb.app.run(async () => {
    await new KvsGrantStore().create(
      makeGrant({
        id: 'grant-kb-1',
        status: 'ACTIVE',
        groupId: world.groups.linux,
        requesterAccountId: world.jira.neville,
        endsAt: new Date(Date.parse(sb.clock.now()) + 3_600_000).toISOString(),
      }),
    );
  });
});
afterAll(async () => {
  console.log(axeSummary(axeLog));
  await ui?.close();
});

/** Tab to the control named `stop`, then press `key` on it. */
async function press(stop: string | RegExp, key = 'Enter'): Promise<void> {
  await adminTabTo(page, stop);
  await page.keyboard.press(key);
}

/** Tab to a field, select what it holds, and type `text` over it. */
async function typeInto(stop: string | RegExp, text: string): Promise<void> {
  await adminTabTo(page, stop);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Tab to a picker, type to narrow its choices, and take the first with Enter. */
async function pick(stop: string | RegExp, text: string): Promise<void> {
  await typeInto(stop, text);
  await app.locator('[class*="__option"]').first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Each tab's named stops that must come in this order (others may sit between them), and its main
 * task done with keys alone.
 */
const TASKS: Record<(typeof ADMIN_TABS)[number][0], { order: (string | RegExp)[]; task: () => Promise<void> }> = {
  'tab-dashboard': {
    order: ['tab:Dashboard', 'button:Refresh', 'a:ACC-1', /^button:Revoke/],
    async task() {
      // Open the revoke dialog from the keyboard, leave it by its Cancel button: focus back on Revoke.
      await press(/^button:Revoke/);
      await app.getByTestId('confirm-revoke').waitFor();
      await app.getByTestId('confirm-revoke-cancel').focus();
      expect(await focusedTestId()).toBe('confirm-revoke-cancel');
      await page.keyboard.press('Enter');
      await app.getByTestId('confirm-revoke').waitFor({ state: 'hidden' });
      expect(await focusedName()).toMatch(/^Revoke/);
    },
  },
  'tab-okta-connection': {
    order: ['tab:Okta connection', 'input:Okta domain *', 'input:API token', 'button:Save', 'button:Test connection'],
    async task() {
      await typeInto('input:Okta domain *', ui.sb.okta.domain);
      await typeInto('input:API token', ui.sb.okta.apiToken);
      await press('button:Test connection');
      await app.getByTestId('test-result').filter({ hasText: 'Okta org' }).waitFor();
    },
  },
  'tab-allowlist': {
    order: ['tab:Allowlist', 'input:Find an Okta group', 'button:Search'],
    async task() {
      await typeInto('input:Find an Okta group', 'PAM Windows');
      await page.keyboard.press('Enter');
      await app.getByTestId(`choose-${ui.world.groups.windows}`).waitFor();
      await press(/^button:Choose/);
      await app.getByTestId('policy-form').waitFor();
      await pick(/^combobox:.*[Pp]roject/, ui.world.projectKey);
      await press(/^button:(Add|Allowlist)/);
      await app.getByTestId('allowlist-notice').filter({ hasText: 'PAM Windows' }).waitFor();
      expect(
        (await ui.asAdmin('admin/allowlist/list')).data.some((e: any) => e.groupId === ui.world.groups.windows),
      ).toBe(true);
    },
  },
  'tab-policy': {
    order: ['tab:Policy', 'combobox:Duration field *', 'combobox:Close-out transition', 'button:Save policy'],
    async task() {
      await pick('combobox:Close-out transition', 'Done');
      // The emergency value's clear button is off the Tab order (react-select's): Backspace clears it.
      expect((await ui.asAdmin('admin/policy/get')).data.emergencyValue).toBeTruthy();
      await press('combobox:Emergency value', 'Backspace');
      await press('button:Save policy');
      await app.getByTestId('policy-saved').waitFor();
      const saved = (await ui.asAdmin('admin/policy/get')).data;
      expect(saved.closeOutTransitionName).toBe('Done');
      expect(saved.emergencyValue ?? '').toBe('');
    },
  },
  'tab-audit': {
    order: ['tab:Audit', 'combobox:Requester', 'combobox:Group', 'input:Issue', 'button:Apply', /^button:Export CSV/],
    async task() {
      await pick('combobox:Group', 'PAM Linux');
      await press('button:Apply');
      // Applied: the filter is in the (host page's) URL, and only the group's rows are listed.
      await page.waitForURL(/[?&]group=/);
      await app.getByTestId('audit-count').filter({ hasText: /shown/ }).waitFor();
      const download = page.waitForEvent('download');
      await press(/^button:Export CSV/);
      expect((await download).suggestedFilename()).toContain('PAM-Linux-Sysadmins');
    },
  },
  'tab-diagnostics': {
    order: ['tab:Diagnostics', 'button:Refresh', 'button:Run self-check'],
    async task() {
      await press('button:Run self-check');
      await app.getByTestId('self-check-verdict').waitFor();
    },
  },
};

const focusedTestId = () => adminFrame(page).evaluate(() => document.activeElement?.getAttribute('data-testid'));
const focusedName = () =>
  adminFrame(page).evaluate(() => (document.activeElement?.textContent ?? '').replace(/\s+/g, ' ').trim());

/** Whether `order` comes, in order, among `names` (each entry the first later name it matches). */
function inOrder(names: string[], order: (string | RegExp)[]): string[] {
  const missing: string[] = [];
  let at = 0;
  for (const want of order) {
    const i = names.findIndex((n, j) => j >= at && (typeof want === 'string' ? n === want : want.test(n)));
    if (i < 0) missing.push(String(want));
    else at = i + 1;
  }
  return missing;
}

test.each(ADMIN_TABS)(
  '%s: Tab reaches every control in order with a visible focus, and the task is done by keys',
  async (tab, screen) => {
    await page.reload();
    await app.getByTestId(tab).click();
    await app.getByTestId(screen).waitFor();
    await page.waitForLoadState('networkidle');
    const stops = await adminTabStops(page);
    const names = stops.map((s) => s.name);
    console.log(
      `${tab}: ${stops.length} Tab stops\n${stops.map((s) => `${s.focusShows ? '  ' : '! '}${s.name}`).join('\n')}`,
    );
    // Every visible control was reached, and the walk ended by leaving the page (none a trap).
    expect(await adminUnreached(page)).toEqual([]);
    expect(inOrder(names, TASKS[tab].order)).toEqual([]);
    // Every stop has a name and shows its focus.
    expect(names.filter((n) => /:$/.test(n))).toEqual([]);
    expect(stops.filter((s) => !s.focusShows).map((s) => s.name)).toEqual([]);
    await TASKS[tab].task();
    await page.waitForLoadState('networkidle');
    // Messages fade in: axe measures colours once the fades have finished, not at part opacity.
    await adminFrame(page).evaluate(() =>
      Promise.allSettled(
        document
          .getAnimations()
          .filter((a) => a.effect?.getTiming().iterations !== Infinity)
          .map((a) => a.finished),
      ),
    );
    const { violations, serious } = await runAxe(adminFrame(page));
    axeLog.push({ screen: `admin ${tab.replace(/^tab-/, '')} after its keyboard task`, violations, serious });
    expect(serious).toEqual([]);
  },
);
