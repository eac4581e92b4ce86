/**
 * The policy tab's Break-glass review section (issue 14 §4, ADR 0027) in Debian's chromium against the
 * sandbox (hosted like admin-page.test.ts: real resolvers, Jira and Okta emulators). An admin turns it
 * on, picks the project from Jira's, the issue type from that project's own and a named reviewer,
 * saves, and reads it back; an emergency grant then opens its review, which the dashboard lists.
 */
import type { FrameLocator } from 'playwright-core';
import type { Sandbox } from '../../../sandbox';
import type { DemoWorld } from '../../../sandbox/seed';
import { openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';

jest.setTimeout(120_000);

let ui: AdminBrowser | undefined;
let sb: Sandbox;
let world: DemoWorld;
let app: FrameLocator;

const asAdmin = <T = any>(key: string, payload: unknown = {}) => ui!.asAdmin<T>(key, payload);
const byId = (id: string) => app.locator(`[id="${id}"]`);

beforeAll(async () => {
  ui = await openAdminPage({});
  ({ sb, world, app } = ui);
  sb.jira.addProject({ key: 'SECREV', name: 'Security Reviews' });
  expect(
    await asAdmin('admin/connection/save', { domain: sb.okta.domain, method: 'api-token', apiToken: sb.okta.apiToken }),
  ).toMatchObject({ ok: true });
});

afterAll(async () => {
  await ui?.close();
});

test('the review is configured from what Jira has, saved, read back, and its reviews listed on the dashboard', async () => {
  await app.getByTestId('tab-policy').click();
  await app.getByTestId('policy-screen').waitFor();
  await app.getByTestId('review-enabled--hidden-checkbox').check();
  await byId('review-project-query').fill('secur');
  await app.getByTestId('review-project-search').click();
  await app.getByTestId('review-project-add-SECREV').click();
  await app
    .getByTestId('review-project-chosen')
    .filter({ hasText: 'SECREV · Security Reviews' })
    .waitFor({ timeout: UI_TIMEOUT });
  await byId('review-issue-type').fill('Ta');
  await app.getByRole('option', { name: 'Task', exact: true }).click();
  await app.getByTestId('review-assignee-user--radio-input').check();
  await byId('review-assignee-query').fill('Ada');
  await app.getByTestId('review-assignee-search').click();
  await app.getByTestId(`review-assignee-add-${world.jira.ada}`).click();
  await ui!.shot('break-glass-1-policy');
  await app.getByTestId('save-policy').click();
  await app.getByTestId('policy-saved').waitFor({ timeout: UI_TIMEOUT });
  expect((await asAdmin('admin/policy/get')).data.breakGlassReview).toEqual({
    projectKey: 'SECREV',
    issueTypeId: '10001',
    issueTypeName: 'Task',
    assignee: { kind: 'user', accountId: world.jira.ada },
  });

  // An emergency grant opens its review; the dashboard lists it.
  expect(
    await asAdmin('admin/allowlist/add', {
      groupId: world.groups.linux,
      displayName: 'PAM Linux Sysadmins',
      maxDurationHours: 12,
      maxLifetimeHours: 24,
      maxExtensions: 2,
      reminderLeadMinutes: 60,
      approvalMode: 'none',
      allowedProjectKeys: [],
    }),
  ).toMatchObject({ ok: true });
  await sb.jira.createIssue({
    projectKey: world.projectKey,
    summary: 'Urgent Linux work',
    reporter: world.jira.neville,
    fields: { changeType: 'Emergency', accessType: 'New access', adminGroup: world.groups.linux },
  });
  expect(sb.jira.issuesOf('SECREV')).toEqual(['SECREV-1']);
  await app.getByTestId('tab-dashboard').click();
  await app.getByTestId('reviews-table').filter({ hasText: 'SECREV-1' }).waitFor({ timeout: UI_TIMEOUT });
  await ui!.shot('break-glass-2-dashboard');
});
