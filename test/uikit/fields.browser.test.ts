/**
 * Issue 13 §5: the two custom fields in a browser, in view and in edit, through the local UI Kit host
 * (ADR 0028) — the real field resources, their ForgeDoc rendered with Atlaskit inside the issue view's
 * details, `view.submit` writing the field on the Jira emulator. Edited with the keyboard alone (Tab to
 * Edit, Enter, the arrows in the select, Tab out saves, as Jira's inline edit does). Screenshots
 * field-<field>-<view|edit>.png; axe-core with no serious or critical violation on each. Also the panel
 * in Jira's dark theme, which the host follows with the design tokens.
 */
import { axeSummary, openIssueBrowser, type IssueBrowser } from '../support/uikit-browser';

jest.setTimeout(120_000);

let ui: IssueBrowser;
let key: string;

beforeAll(async () => {
  ui = await openIssueBrowser();
  const r = await ui.sb.jira.createIssue({
    projectKey: ui.world.projectKey,
    summary: 'Patch the Linux bastion hosts',
    reporter: ui.world.jira.neville,
    fields: { changeType: 'Standard', accessType: 'New access', adminGroup: ui.world.groups.linux },
  });
  key = r.key;
});
afterAll(async () => {
  if (ui) {
    console.log(axeSummary(ui.axeLog));
    await ui.close();
  }
});

const field = (k: string) => ui.page.getByTestId(`field-${k}`);

async function capture(name: string): Promise<void> {
  await ui.shot(name);
  expect(await ui.axe(name)).toEqual([]);
}

/** Focuses the field's Edit button by Tab alone, then presses Enter; waits for the edit resource's select. */
async function openEditByKeyboard(k: string, name: string): Promise<void> {
  await ui.tabTo(`button:Edit ${name}`);
  await ui.page.keyboard.press('Enter');
  await field(k)
    .locator('[data-testid="uikit-' + k + '-edit"][data-rendered="yes"]')
    .waitFor();
}

test('Access type: view shows the value; edit offers the three kinds and saves the one chosen by keyboard', async () => {
  await ui.open(key, { as: 'neville' });
  await field('access-type').getByText('New access').waitFor();
  await capture('field-access-type-view');

  await openEditByKeyboard('access-type', 'Access type');
  const input = field('access-type').getByRole('combobox');
  await input.focus();
  await ui.page.keyboard.press('ArrowDown');
  const options = field('access-type').getByRole('option');
  await options.first().waitFor();
  expect(await options.allTextContents()).toEqual(['New access', 'Extend access', 'View access']);
  await ui.page.keyboard.press('ArrowDown'); // New access -> Extend access
  await capture('field-access-type-edit');
  await ui.page.keyboard.press('Enter');
  await ui.page.keyboard.press('Tab'); // leaving the field saves it (Jira's inline edit)
  await field('access-type').getByText('Extend access').waitFor();
  expect(ui.sb.jira.issue(key).fields.accessType).toBe('Extend access');
  expect(ui.host.uikit.submits).toEqual([{ fieldKey: 'access-type', value: 'Extend access' }]);
});

test('Admin group: view shows the group by name; edit offers allowlisted groups by name and stores the id', async () => {
  const { world } = ui;
  await ui.open(key, { as: 'neville' });
  await field('admin-group').getByText('PAM Linux Sysadmins').waitFor();
  await capture('field-admin-group-view');

  await openEditByKeyboard('admin-group', 'Admin group');
  const input = field('admin-group').getByRole('combobox');
  await input.focus();
  await ui.page.keyboard.press('ArrowDown');
  const options = field('admin-group').getByRole('option');
  await options.first().waitFor();
  expect(await options.allTextContents()).toEqual(['PAM Database Admins', 'PAM Linux Sysadmins', 'PAM Windows Admins']);
  await capture('field-admin-group-edit');

  await input.fill('Windows');
  await ui.page.keyboard.press('Enter');
  await ui.page.keyboard.press('Tab');
  await field('admin-group').getByText('PAM Windows Admins').waitFor();
  expect(ui.sb.jira.issue(key).fields.adminGroup).toBe(world.groups.windows);
});

test('Escape leaves the edit without saving', async () => {
  await ui.open(key, { as: 'neville' });
  await field('access-type').getByRole('button', { name: 'Edit Access type' }).click();
  const input = field('access-type').getByRole('combobox');
  await input.waitFor();
  await input.focus();
  await ui.page.keyboard.press('Escape'); // closes the menu if open
  await ui.page.keyboard.press('Escape'); // leaves the edit
  await field('access-type').getByRole('button', { name: 'Edit Access type' }).waitFor();
  expect(ui.sb.jira.issue(key).fields.accessType).toBe('Extend access');
});

test('dark theme: the issue view and the panel follow Jira’s dark colour mode', async () => {
  await ui.open(key, { as: 'neville', theme: 'dark' });
  await ui.page.getByTestId('issue-panel').getByText('Refresh').waitFor();
  expect(await ui.page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe('dark');
  // The page surface is dark: the tokens resolved to the dark theme's colours.
  const bg = await ui.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const [r, g, b] = bg.match(/\d+/g)!.map(Number);
  expect(r + g + b).toBeLessThan(3 * 80);
  await capture('panel-dark');
});
