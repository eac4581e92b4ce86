/**
 * Approver policy on the admin page, in Debian's chromium against the sandbox (hosted like
 * admin-page.test.ts: the real resolvers, Jira and Okta emulators; nothing stubbed). An admin sets a
 * two-step policy picked from Jira (a Jira group that must give 2 approvals, then a named person), saves
 * it and reads it back in words after a reload; a picker whose search Jira does not answer says so with
 * Try again; a save the server refuses (a person Jira no longer knows) says so on the form and on the
 * field it names, and nothing is saved. Screens are saved under test-output/screenshots/.
 */
import type { FrameLocator, Page } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import { connectAndAllowlistLinux, openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';

jest.setTimeout(120_000);

const SECURITY = 'Security Approvers';
const ROLE = 'Change Managers';

let ui: AdminBrowser | undefined;
let sb: Sandbox;
let world: DemoWorld;
let page: Page;
let app: FrameLocator;

const shot = (name: string) => ui!.shot(name);
const asAdmin = <T = any>(key: string, payload: unknown = {}) => ui!.asAdmin<T>(key, payload);
const expectText = (locator: ReturnType<FrameLocator['getByTestId']>, text: string | RegExp) =>
  locator.filter({ hasText: text }).first().waitFor({ timeout: UI_TIMEOUT });
const byId = (id: string) => app.locator(`[id="${id}"]`);
const openAllowlist = async () => {
  await app.getByTestId('tab-allowlist').click();
  await app.getByTestId('allowlist-table').waitFor();
};
const entry = async (groupId: string) =>
  (await asAdmin('admin/allowlist/list')).data.find((e: { groupId: string }) => e.groupId === groupId);

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, page, app } = ui);
  // Jira's side of the approvers (driver of the Jira emulator).
  sb.jira.addJiraGroup(SECURITY);
  sb.jira.addUserToJiraGroup(world.jira.alice, SECURITY);
  sb.jira.setProjectRole(world.projectKey, ROLE, { accountIds: [world.jira.alice] });
  await connectAndAllowlistLinux(ui);
});

afterAll(async () => {
  await ui?.close();
});

test('a two-step policy picked from Jira is saved, and read back in words after a reload', async () => {
  const linux = world.groups.linux;
  await openAllowlist();
  await expectText(app.getByTestId('allowlist-table'), 'PAM Linux Sysadmins');
  await app.getByTestId(`edit-${linux}`).click();
  await app.getByTestId('approval-status--radio-input').check();
  await expectText(app.getByTestId('approval-mode-words'), 'Approval required');
  // No step: the default, said to be the weakest.
  await expectText(app.getByTestId('approvers-default'), 'anyone who can transition the issue, except the requester');
  await expectText(app.getByTestId('approvers-help'), 'two-person rule');

  // Step 1: members of a Jira group found with the picker, 2 of them.
  await app.getByTestId('add-step').click();
  await expectText(
    app.getByTestId('step-0-words'),
    'Anyone who can transition the issue, except the requester (weakest)',
  );
  await byId('step-0-groups-query').fill('Security');
  await app.getByTestId('step-0-groups-search').click();
  await app.getByTestId(`step-0-groups-add-${SECURITY}`).click();
  await expectText(app.getByTestId('step-0-groups-chips'), SECURITY);
  await byId('approvalSteps.0.count').fill('2');

  // Step 2: a named person found with the people picker (Enter searches; it does not save the form).
  await app.getByTestId('add-step').click();
  await byId('step-1-people-query').fill('Hidden');
  await byId('step-1-people-query').press('Enter');
  await app.getByTestId(`step-1-people-add-${world.jira.henry}`).click();
  await expectText(app.getByTestId(`step-1-people-chip-${world.jira.henry}`), 'Hidden Henry');
  expect(await app.getByTestId('allowlist-notice').count()).toBe(0);

  const words = `2 approvals by members of the Jira group "${SECURITY}", then 1 approval by Hidden Henry`;
  await expectText(app.getByTestId('approvers-words'), words);
  await shot('approvers-1-two-steps');
  await app.getByTestId('submit-policy').click();
  await expectText(app.getByTestId('allowlist-notice'), 'PAM Linux Sysadmins was saved');
  expect(await entry(linux)).toMatchObject({
    approvalMode: 'status',
    approvalSteps: [
      { approvers: { jiraGroups: [SECURITY], projectRoles: [], accountIds: [] }, count: 2 },
      { approvers: { jiraGroups: [], projectRoles: [], accountIds: [world.jira.henry] }, count: 1 },
    ],
    approversInWords: words,
  });

  await page.reload();
  await openAllowlist();
  await expectText(app.getByTestId(`approvers-${linux}`), words);
  await shot('approvers-2-allowlist');

  // Editing again shows the steps as saved, the person by name.
  await app.getByTestId(`edit-${linux}`).click();
  expect(await byId('approvalSteps.0.count').inputValue()).toBe('2');
  await expectText(app.getByTestId('step-0-groups-chips'), SECURITY);
  await expectText(app.getByTestId(`step-1-people-chip-${world.jira.henry}`), 'Hidden Henry');
  await app.getByRole('button', { name: 'Cancel' }).click();
});

test('Jira not answering a picker says so with Try again; a save the server refuses is shown on the form and the field it names', async () => {
  const windows = world.groups.windows;
  await openAllowlist();
  await byId('group-query').fill('PAM Windows');
  await app.getByTestId('search-groups').click();
  await app.getByTestId(`choose-${windows}`).click();
  await app.getByTestId('approval-status--radio-input').check();
  await app.getByTestId('add-step').click();

  // Project roles come from Jira; a chosen one can be removed again.
  await byId('step-0-roles-select').fill('Change');
  await byId('step-0-roles-select').press('Enter');
  await expectText(app.getByTestId('step-0-roles-chips'), ROLE);
  await expectText(app.getByTestId('step-0-words'), `the project role "${ROLE}"`);
  await app.getByTestId(`step-0-roles-remove-${ROLE}`).click();
  await expectText(
    app.getByTestId('step-0-words'),
    'Anyone who can transition the issue, except the requester (weakest)',
  );

  // The people search, Jira down: the error and Try again, which works once Jira answers.
  sb.jira.failNext({ method: 'GET', pathIncludes: '/rest/api/3/user', status: 503 });
  await byId('step-0-people-query').fill('Alice');
  await app.getByTestId('step-0-people-search').click();
  const problem = app.getByTestId('step-0-people-problem');
  await expectText(problem, 'Could not search Jira for a person');
  await expectText(problem, /Jira (is not answering|refused)/);
  await shot('approvers-3-picker-jira-down');
  await problem.getByTestId('try-again').click();
  await app.getByTestId(`step-0-people-add-${world.jira.alice}`).click();
  expect(await app.getByTestId('step-0-people-problem').count()).toBe(0);

  // One named person cannot give two approvals: said on the count, before anything is sent.
  await byId('approvalSteps.0.count').fill('2');
  await app.getByTestId('submit-policy').click();
  await expectText(app.getByTestId('approvalSteps.0.count-error'), 'names 1 person, so it cannot need 2 approvals');
  await byId('approvalSteps.0.count').fill('1');

  // Alice is gone from Jira by the time of the save: the server refuses, naming her.
  sb.jira.failNext({ method: 'GET', pathIncludes: '/rest/api/3/user', status: 404 });
  await app.getByTestId('submit-policy').click();
  const refusal = app.getByTestId('allowlist-refusal');
  await expectText(refusal, 'Not saved');
  await expectText(refusal, 'Jira does not know the person');
  await expectText(
    app.getByTestId('approvalSteps.0.approvers.accountIds-error'),
    'Jira does not know the person Alice Approver',
  );
  await shot('approvers-4-save-refused');
  expect(await entry(windows)).toBeUndefined();
  expect(await app.getByTestId('allowlist-notice').count()).toBe(0);

  // Saved once Jira knows her again; the list says who approves.
  await app.getByTestId('submit-policy').click();
  await expectText(app.getByTestId('allowlist-notice'), 'PAM Windows');
  await expectText(app.getByTestId(`approvers-${windows}`), '1 approval by Alice Approver');
});
