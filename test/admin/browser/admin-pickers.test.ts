/**
 * Pick, don't type (issue 13 §3), in Debian's chromium against the sandbox (hosted like
 * admin-page.test.ts: the real resolvers, Jira and Okta emulators; nothing stubbed). An admin limits a
 * group to two projects picked from Jira's, sees each number's limits beside it, then on the Policy tab
 * picks the duration field and its values, the approval status and the close-out transition from what
 * Jira has; saves, reloads and finds them as saved. Jira not answering while the values load says so
 * with Try again. A choice Jira no longer has among the projects in use is refused on its field, and
 * nothing is saved. Screens are saved under test-output/screenshots/.
 */
import type { FrameLocator, Page } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import { openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';

jest.setTimeout(120_000);

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
/** Types into a picker and clicks the option Jira listed (never a value typed in). */
async function choose(id: string, typed: string, option: string) {
  await byId(id).fill(typed);
  await app.getByRole('option', { name: option, exact: true }).click();
}
const openTab = async (tab: string, screen: string) => {
  await app.getByTestId(tab).click();
  await app.getByTestId(screen).waitFor();
};

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, page, app } = ui);
  // Jira's side: two more projects, OPS's workflow with its own status, a second select list.
  sb.jira.addProject({ key: 'OPS', name: 'Operations' });
  sb.jira.addProject({ key: 'SEC', name: 'Security desk' });
  sb.jira.addWorkflowStatus('OPS', 'Security review', 'Send to security');
  sb.jira.addSelectField('Change risk', ['Low', 'Medium', 'High']);
  expect(
    await asAdmin('admin/connection/save', { domain: sb.okta.domain, method: 'api-token', apiToken: sb.okta.apiToken }),
  ).toMatchObject({ ok: true });
});

afterAll(async () => {
  await ui?.close();
});

test("a group's projects are picked from Jira's, with each number's limits shown beside it", async () => {
  await openTab('tab-allowlist', 'allowlist-screen');
  await byId('group-query').fill('PAM Linux');
  await app.getByTestId('search-groups').click();
  await app.getByTestId(`choose-${world.groups.linux}`).click();
  for (const [id, limit] of [
    ['maxDurationHours', '1–168 h'],
    ['maxLifetimeHours', '1–720 h'],
    ['maxExtensions', '0–20'],
    ['reminderLeadMinutes', '0–1440 min'],
  ])
    expect([id, await app.getByTestId(`${id}-limit`).textContent()]).toEqual([id, limit]);

  await choose('allowedProjectKeys', 'acc', `${world.projectKey} · Access Requests`);
  await choose('allowedProjectKeys', 'oper', 'OPS · Operations');
  await expectText(app.getByTestId('allowedProjectKeys-picker'), 'OPS · Operations');
  await shot('pickers-1-allowlist-projects');
  await app.getByTestId('submit-policy').click();
  await expectText(app.getByTestId('allowlist-notice'), 'PAM Linux Sysadmins was added');
  expect((await asAdmin('admin/allowlist/list')).data).toMatchObject([
    { groupId: world.groups.linux, allowedProjectKeys: [world.projectKey, 'OPS'] },
  ]);
});

test('the duration field and its values, the approval status and the close-out transition are picked, saved and read back', async () => {
  // The first load of the field's values fails: said, with Try again.
  sb.jira.failNext({ pathIncludes: '/context', status: 503 });
  await openTab('tab-policy', 'policy-screen');
  await expectText(app.getByTestId('durationFieldName-picker'), 'Change type');
  await expectText(app.getByTestId('duration-values-problem'), 'Could not load the values of Change type from Jira');
  await app.getByTestId('duration-values-problem').getByTestId('try-again').click();
  await app.getByTestId('duration-values-problem').waitFor({ state: 'detached' });

  await choose('durationFieldName', 'risk', 'Change risk');
  // The rows mapped for Change type are not values of Change risk: marked, then removed.
  await expectText(app.getByTestId('duration-mapping'), 'Emergency (not in Jira)');
  const removeRow = () => app.getByTestId('duration-mapping').getByRole('button', { name: 'Remove' }).first().click();
  for (let i = 0; i < 3; i++) await removeRow();
  await app.getByTestId('add-duration-value').click();
  await choose('durationMapping.0.value', 'lo', 'Low');
  await byId('durationMapping.0.hours').fill('24');
  await app.getByTestId('add-duration-value').click();
  await choose('durationMapping.1.value', 'hi', 'High');
  await byId('durationMapping.1.hours').fill('2');
  await choose('emergencyValue', 'High', 'High');
  expect(await app.getByTestId('emergencyMaxHours-limit').textContent()).toBe('1–24 h');
  expect(await app.getByTestId('defaultDurationHours-limit').textContent()).toBe('1–168 h');

  // Statuses and transitions of the projects in use: OPS is, so its own status and transition are listed.
  await expectText(app.getByTestId('approvalStatusName-picker'), `(${world.projectKey}, OPS)`);
  await choose('approvalStatusName', 'secur', 'Security review');
  await choose('closeOutTransitionName', 'send', 'Send to security');
  await shot('pickers-2-policy-chosen');
  await app.getByTestId('save-policy').click();
  await app.getByTestId('policy-saved').waitFor();
  expect((await asAdmin('admin/policy/get')).data).toMatchObject({
    durationFieldName: 'Change risk',
    durationMapping: [
      { value: 'Low', hours: 24 },
      { value: 'High', hours: 2 },
    ],
    emergencyValue: 'High',
    approvalStatusName: 'Security review',
    closeOutTransitionName: 'Send to security',
  });

  await page.reload();
  await openTab('tab-policy', 'policy-screen');
  await expectText(app.getByTestId('durationFieldName-picker'), 'Change risk');
  await expectText(app.getByTestId('duration-mapping'), 'Low');
  await expectText(app.getByTestId('duration-mapping'), 'High');
  await expectText(app.getByTestId('approvalStatusName-picker'), 'Security review');
  await expectText(app.getByTestId('closeOutTransitionName-picker'), 'Send to security');
  await expectText(app.getByTestId('emergencyValue-picker'), 'High');
  expect(await app.getByTestId('duration-mapping').textContent()).not.toContain('not in Jira');
  await shot('pickers-3-policy-reloaded');
});

test('a choice Jira no longer has among the projects in use is refused on its field, and nothing is saved', async () => {
  // Another admin limits the group to ACC: "Security review" (OPS's workflow) is no longer in use.
  const entry = (await asAdmin('admin/allowlist/list')).data[0];
  const { activeGrants: _a, displayName: _d, approversInWords: _w, approverNames: _n, ...limits } = entry;
  expect(await asAdmin('admin/allowlist/update', { ...limits, allowedProjectKeys: [world.projectKey] })).toMatchObject({
    ok: true,
  });
  const before = (await asAdmin('admin/policy/get')).data;

  await byId('emergencyMaxHours').fill('3');
  await app.getByTestId('save-policy').click();
  await expectText(
    app.getByTestId('approvalStatusName-error'),
    `No status named "Security review" is in the projects in use (${world.projectKey}).`,
  );
  await expectText(app.getByTestId('closeOutTransitionName-error'), 'has a transition named "Send to security"');
  await expectText(app.getByTestId('policy-problem'), 'nothing was saved');
  // The lists are read again: the refused choices now show as not in Jira.
  await expectText(app.getByTestId('approvalStatusName-picker'), 'Security review (not in Jira)');
  await shot('pickers-4-refused-on-field');
  expect((await asAdmin('admin/policy/get')).data).toEqual(before);
});
