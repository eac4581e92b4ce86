/**
 * Unsaved edits survive switching admin tabs (issue 13 §4, ADR 0030), in Debian's chromium against the
 * sandbox. For each editable tab (Okta connection, Allowlist, Policy): an edit is still there after
 * visiting another tab, the tab's label says "unsaved changes", saving (or Cancel / Discard changes)
 * takes the mark away, and a tab without edits reads fresh data when opened again, including data
 * changed behind its back. Reloading with unsaved edits asks first; reloading a clean page does not.
 * Screens: test-output/screenshots/unsaved-*.png.
 */
import type { FrameLocator, Page } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import { connectAndAllowlistLinux, openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';
import { runAxe } from '../../support/axe';

jest.setTimeout(180_000);

let ui: AdminBrowser | undefined;
let sb: Sandbox;
let world: DemoWorld;
let page: Page;
let app: FrameLocator;

const byId = (id: string) => app.locator(`[id="${id}"]`);
const openTab = async (tabId: string, screen: string) => {
  await app.getByTestId(tabId).click();
  await app.getByTestId(screen).waitFor();
};
const marked = async (tabId: string) => (await app.getByTestId(tabId).getByTestId('unsaved-marker').count()) === 1;
/** Waits (bounded) for a condition the page reaches by itself. */
async function until(ok: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ok()) return;
    await page.waitForTimeout(50);
  }
  throw new Error('condition not reached');
}
/** Mounted screens (a hidden one included): a clean tab left behind has none. */
const mounted = (screen: string) => app.getByTestId(screen).count();

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, page, app } = ui);
  await connectAndAllowlistLinux(ui);
  await page.goto(`${ui.host.url}?tab=dashboard`);
  await app.getByTestId('dashboard-screen').waitFor();
});

afterAll(async () => {
  await ui?.close();
});

test('Policy: an edit survives another tab, is marked, and saving clears the mark; a clean tab re-reads', async () => {
  await openTab('tab-policy', 'policy-screen');
  expect(await byId('defaultDurationHours').inputValue()).toBe('12');
  expect(await marked('tab-policy')).toBe(false);

  // Dirty means "differs from what is stored": typing the stored value back is clean again.
  await byId('defaultDurationHours').fill('9');
  await until(() => marked('tab-policy'));
  await byId('defaultDurationHours').fill('12');
  await until(async () => !(await marked('tab-policy')));

  await byId('defaultDurationHours').fill('6');
  await until(() => marked('tab-policy'));
  expect(await app.getByRole('tab', { name: 'Policy, unsaved changes', exact: true }).count()).toBe(1);
  expect(await app.getByRole('tab', { name: 'Policy', exact: true }).count()).toBe(0);
  await ui!.shot('unsaved-1-policy-marked');

  // Away and back: the screen stayed (hidden), the edit is there as left, still marked.
  await openTab('tab-audit', 'audit-screen');
  expect(await app.getByTestId('policy-screen').isVisible()).toBe(false);
  expect(await mounted('policy-screen')).toBe(1);
  expect(await marked('tab-policy')).toBe(true);
  await openTab('tab-policy', 'policy-screen');
  expect(await byId('defaultDurationHours').inputValue()).toBe('6');

  // Accessibility with the mark on the tab (and a hidden screen kept in the page).
  const axe = await runAxe(page.frame({ url: /\/app\// })!);
  expect(axe.serious).toEqual([]);

  await app.getByTestId('save-policy').click();
  await app.getByTestId('policy-saved').waitFor();
  await until(async () => !(await marked('tab-policy')));
  expect(await app.getByRole('tab', { name: 'Policy', exact: true }).count()).toBe(1);
  expect((await ui!.asAdmin('admin/policy/get')).data.defaultDurationHours).toBe(6);

  // Clean: leaving unmounts it; a change made behind its back shows when it is opened again.
  await openTab('tab-dashboard', 'dashboard-screen');
  expect(await mounted('policy-screen')).toBe(0);
  const stored = (await ui!.asAdmin('admin/policy/get')).data;
  const changed = await ui!.asAdmin('admin/policy/save', {
    ...stored,
    emergencyValue: stored.emergencyValue ?? '',
    closeOutTransitionName: stored.closeOutTransitionName ?? '',
    defaultDurationHours: 7,
  });
  expect(changed).toMatchObject({ ok: true });
  await openTab('tab-policy', 'policy-screen');
  await until(async () => (await byId('defaultDurationHours').inputValue()) === '7');
});

test('Policy: Discard changes clears the mark and shows the stored policy, read again', async () => {
  await openTab('tab-policy', 'policy-screen');
  await byId('emergencyMaxHours').fill('2');
  await until(() => marked('tab-policy'));
  await openTab('tab-allowlist', 'allowlist-screen');
  // Changed behind the open (hidden) form: the form keeps the admin's edit; Discard reads the new one.
  const stored = (await ui!.asAdmin('admin/policy/get')).data;
  expect(
    await ui!.asAdmin('admin/policy/save', {
      ...stored,
      emergencyValue: stored.emergencyValue ?? '',
      closeOutTransitionName: stored.closeOutTransitionName ?? '',
      defaultDurationHours: 5,
    }),
  ).toMatchObject({ ok: true });
  await openTab('tab-policy', 'policy-screen');
  expect(await byId('emergencyMaxHours').inputValue()).toBe('2');
  expect(await byId('defaultDurationHours').inputValue()).toBe('7');

  await app.getByTestId('discard-policy').click();
  await until(async () => !(await marked('tab-policy')));
  await until(async () => (await byId('defaultDurationHours').inputValue()) === '5');
  expect(await byId('emergencyMaxHours').inputValue()).toBe(String(stored.emergencyMaxHours));
  expect(await app.getByTestId('discard-policy').count()).toBe(0);
});

test('Policy: CSV pasted into the requester mapping import but not imported yet survives another tab', async () => {
  await openTab('tab-policy', 'policy-screen');
  await app.getByTestId('import-csv').click();
  const csv = `${world.jira.neville},neville.newadmin@atko.email`;
  await app.getByTestId('mapping-csv').fill(csv);
  await until(() => marked('tab-policy'));
  await openTab('tab-dashboard', 'dashboard-screen');
  await openTab('tab-policy', 'policy-screen');
  expect(await app.getByTestId('mapping-csv').inputValue()).toBe(csv);
  // Two edits on one tab: closing the CSV box ends its edit, the tab stays marked for the field.
  await byId('emergencyMaxHours').fill('2');
  await app.getByTestId('import-csv').click();
  await app.getByTestId('mapping-csv').waitFor({ state: 'detached' });
  await openTab('tab-dashboard', 'dashboard-screen');
  expect(await marked('tab-policy')).toBe(true);
  await openTab('tab-policy', 'policy-screen');
  expect(await byId('emergencyMaxHours').inputValue()).toBe('2');
  await app.getByTestId('import-csv').click();
  expect(await app.getByTestId('mapping-csv').inputValue()).toBe(csv);
  // Imported, the rows are the policy's edit: still unsaved until Save.
  await app.getByTestId('run-import').click();
  await app.getByTestId('mapping-row-0').waitFor();
  expect(await marked('tab-policy')).toBe(true);
  await app.getByTestId('discard-policy').click();
  await until(async () => !(await marked('tab-policy')));
  expect(await app.getByTestId('mapping-row-0').count()).toBe(0);
});

test('Okta connection: an edit survives another tab; reload asks first; Discard and Save clear the mark', async () => {
  await openTab('tab-okta-connection', 'connection-screen');
  expect(await byId('domain').inputValue()).toBe(sb.okta.domain);
  await byId('domain').fill('other-org.okta.com');
  await until(() => marked('tab-okta-connection'));
  await openTab('tab-allowlist', 'allowlist-screen');
  await openTab('tab-okta-connection', 'connection-screen');
  expect(await byId('domain').inputValue()).toBe('other-org.okta.com');
  await ui!.shot('unsaved-2-connection-marked');

  // Reloading the page with the edit: the browser asks; staying keeps the edit.
  const dialogs: string[] = [];
  const asked = page.waitForEvent('dialog');
  page.on('dialog', (d) => dialogs.push(d.type()));
  await page.evaluate(() => setTimeout(() => location.reload(), 0));
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.dismiss();
  expect(await byId('domain').inputValue()).toBe('other-org.okta.com');

  await app.getByTestId('discard-connection').click();
  await until(async () => !(await marked('tab-okta-connection')));
  expect(await byId('domain').inputValue()).toBe(sb.okta.domain);

  // A typed token is an edit (the stored one is never shown); saving it clears the mark.
  await byId('apiToken').fill(sb.okta.apiToken);
  await until(() => marked('tab-okta-connection'));
  await app.getByTestId('save-connection').click();
  await app.getByTestId('connection-saved').waitFor();
  await until(async () => !(await marked('tab-okta-connection')));
  expect(await byId('apiToken').inputValue()).toBe('');

  // Clean: a reload leaves without asking.
  const before = dialogs.length;
  await page.reload();
  await app.getByTestId('connection-screen').waitFor({ timeout: UI_TIMEOUT });
  expect(dialogs.length).toBe(before);
});

test('Allowlist: the add form and a group’s policy edits survive another tab; Cancel and Save clear the mark', async () => {
  const { windows, linux } = world.groups;
  await openTab('tab-allowlist', 'allowlist-screen');
  await byId('group-query').fill('PAM Windows');
  await app.getByTestId('search-groups').click();
  await app.getByTestId(`choose-${windows}`).click();
  await app.getByTestId('policy-form').waitFor();
  // A chosen group not yet added is an unsaved edit in itself.
  await until(() => marked('tab-allowlist'));
  await byId('maxDurationHours').fill('3');
  await openTab('tab-dashboard', 'dashboard-screen');
  await openTab('tab-allowlist', 'allowlist-screen');
  expect(await app.getByTestId('form-group-name').innerText()).toContain('Windows');
  expect(await byId('maxDurationHours').inputValue()).toBe('3');
  await app.getByTestId('cancel-policy').click();
  await until(async () => !(await marked('tab-allowlist')));
  expect(await app.getByTestId('policy-form').count()).toBe(0);

  // A group's policy: opening the form is no edit (leaving closes it), changing a field is.
  await app.getByTestId(`edit-${linux}`).click();
  await app.getByTestId('policy-form').waitFor();
  await openTab('tab-dashboard', 'dashboard-screen');
  expect(await mounted('allowlist-screen')).toBe(0);
  await openTab('tab-allowlist', 'allowlist-screen');
  expect(await app.getByTestId('policy-form').count()).toBe(0);
  await app.getByTestId(`edit-${linux}`).click();
  await app.getByTestId('policy-form').waitFor();
  await byId('maxDurationHours').fill('6');
  await until(() => marked('tab-allowlist'));
  await openTab('tab-policy', 'policy-screen');
  await openTab('tab-allowlist', 'allowlist-screen');
  expect(await byId('maxDurationHours').inputValue()).toBe('6');
  await app.getByTestId('submit-policy').click();
  await app.getByTestId('allowlist-notice').waitFor();
  await until(async () => !(await marked('tab-allowlist')));
  const entry = app.getByTestId(`entry-${linux}`);
  expect(await entry.innerText()).toContain('6 h');

  // Clean: changed behind its back, the list shows it when the tab is opened again.
  await openTab('tab-dashboard', 'dashboard-screen');
  expect(await mounted('allowlist-screen')).toBe(0);
  const linuxEntry = (await ui!.asAdmin('admin/allowlist/list')).data.find(
    (e: { groupId: string }) => e.groupId === linux,
  );
  expect(
    await ui!.asAdmin('admin/allowlist/update', {
      groupId: linux,
      maxDurationHours: 5,
      maxLifetimeHours: linuxEntry.maxLifetimeHours,
      maxExtensions: linuxEntry.maxExtensions,
      reminderLeadMinutes: linuxEntry.reminderLeadMinutes,
      approvalMode: linuxEntry.approvalMode,
      allowedProjectKeys: linuxEntry.allowedProjectKeys,
    }),
  ).toMatchObject({ ok: true });
  await openTab('tab-allowlist', 'allowlist-screen');
  await until(async () => (await app.getByTestId(`entry-${linux}`).innerText()).includes('5 h'));
});

test('every editable tab holding edits at once: three marks, no element id twice, axe clean', async () => {
  await openTab('tab-okta-connection', 'connection-screen');
  await byId('domain').fill('third-org.okta.com');
  await openTab('tab-allowlist', 'allowlist-screen');
  await app.getByTestId(`edit-${world.groups.linux}`).click();
  await byId('maxDurationHours').fill('4');
  await openTab('tab-policy', 'policy-screen');
  await byId('emergencyMaxHours').fill('3');
  await openTab('tab-diagnostics', 'diagnostics-screen');
  for (const tab of ['tab-okta-connection', 'tab-allowlist', 'tab-policy']) await until(() => marked(tab));
  expect(await mounted('connection-screen')).toBe(1);
  expect(await mounted('allowlist-screen')).toBe(1);
  expect(await mounted('policy-screen')).toBe(1);
  // Hidden screens stay in the document: a label or aria reference must still find its own field.
  const frame = page.frame({ url: /\/app\// })!;
  const twice = await frame.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of Array.from(document.querySelectorAll('[id]'))) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
  });
  expect(twice).toEqual([]);
  expect((await runAxe(frame)).serious).toEqual([]);
  await ui!.shot('unsaved-3-three-tabs-marked');
});

test('Back and Forward, and the arrow keys, between tabs keep the edits too', async () => {
  // The previous test's edits, dropped where each tab offers it.
  await openTab('tab-okta-connection', 'connection-screen');
  await app.getByTestId('discard-connection').click();
  await openTab('tab-allowlist', 'allowlist-screen');
  await app.getByTestId('cancel-policy').click();
  await openTab('tab-policy', 'policy-screen');
  await app.getByTestId('discard-policy').click();
  for (const tab of ['tab-okta-connection', 'tab-allowlist', 'tab-policy'])
    await until(async () => !(await marked(tab)));

  await openTab('tab-policy', 'policy-screen');
  await byId('emergencyMaxHours').fill('1');
  await openTab('tab-audit', 'audit-screen');
  await page.goBack();
  await app.getByTestId('policy-screen').waitFor();
  expect(new URL(page.url()).searchParams.get('tab')).toBe('policy');
  expect(await byId('emergencyMaxHours').inputValue()).toBe('1');
  await page.goForward();
  await app.getByTestId('audit-screen').waitFor();
  expect(await marked('tab-policy')).toBe(true);
  expect(await mounted('policy-screen')).toBe(1);

  // By keyboard: the arrow keys move between tabs; the edit is kept the same way.
  await app.getByTestId('tab-audit').focus();
  await page.keyboard.press('ArrowLeft');
  await app.getByTestId('policy-screen').waitFor();
  expect(await byId('emergencyMaxHours').inputValue()).toBe('1');
  await page.keyboard.press('ArrowLeft');
  await app.getByTestId('allowlist-screen').waitFor();
  expect(await app.getByTestId('policy-screen').isVisible()).toBe(false);
  await page.keyboard.press('ArrowRight');
  await app.getByTestId('policy-screen').waitFor();
  expect(await byId('emergencyMaxHours').inputValue()).toBe('1');
});
