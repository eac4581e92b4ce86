/**
 * The allowlist tab's group search in Debian's chromium (issue 13 §2, §3): each group the app refuses
 * shows why, in words, with Choose disabled and described by the reason, before any policy is filled;
 * an eligible group stays choosable. A group that changes between search and submit is still refused
 * at submit, in words, Okta's codes behind Details. axe and the no-internals detector judge the tab.
 */
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { runAxe } from '../../support/axe';
import { openAdminPage, UI_TIMEOUT, type AdminBrowser } from '../../support/admin-browser';
import { internalsIn } from '../../support/no-internals';

jest.setTimeout(120_000);

let ui: AdminBrowser | undefined;
let page: Page;
let app: FrameLocator;
const frame = (): Frame => page.frame({ url: /\/app\// })!;

/** Okta's type and role codes: never in the tab's main text, only behind Details. */
const OKTA_CODES = /SUPER_ADMIN|APP_GROUP|OKTA_GROUP|BUILT_IN/;

beforeAll(async () => {
  ui = await openAdminPage();
  ({ page, app } = ui);
  const saved = await ui.asAdmin('admin/connection/save', {
    domain: ui.sb.okta.domain,
    method: 'api-token',
    apiToken: ui.sb.okta.apiToken,
  });
  if (!saved.ok) throw new Error(`connection/save refused: ${JSON.stringify(saved)}`);
  await page.reload();
  await app.getByTestId('tab-allowlist').click();
  await app.getByTestId('allowlist-screen').waitFor({ timeout: UI_TIMEOUT });
});

afterAll(async () => {
  await ui?.close();
});

async function search(query: string) {
  await app.locator('#group-query').fill(query);
  await app.getByTestId('search-groups').click();
  await app.getByTestId('search-results').waitFor({ timeout: UI_TIMEOUT });
}

/** The main text of the tab, the closed Details left out (hidden, so not in innerText). */
const tabText = () =>
  frame().evaluate(() => (document.querySelector('[data-testid="allowlist-screen"]') as HTMLElement).innerText);

test.each([
  [
    'Okta',
    'superAdmins',
    'This group holds Okta admin roles, so granting it would make people Okta administrators. Choose another group.',
    'Okta admin roles: SUPER_ADMIN.',
  ],
  [
    'Salesforce',
    'appGroup',
    'This group is imported from an app or a directory, so Okta does not let the app change who is in it. Choose a group created in Okta.',
    'Okta group type: APP_GROUP.',
  ],
  [
    'All',
    'ruleTargeted',
    "An Okta group rule adds people to this group, so taking someone out would put them on the rule's exclusion list. Remove the group from the rule in Okta, or choose another group.",
    'Okta group rules: Engineering department.',
  ],
])(
  'searching "%s": %s shows why it is refused, Choose disabled and described by the reason',
  async (query, which, reason, details) => {
    const id = (ui!.world.groups as Record<string, string>)[which];
    await search(query);
    const hit = app.getByTestId(`hit-${id}`);
    await hit.waitFor();
    expect(await app.getByTestId(`refusal-${id}`).innerText()).toBe(reason);
    const choose = app.getByTestId(`choose-${id}`);
    expect(await choose.isDisabled()).toBe(true);
    expect(await choose.getAttribute('aria-describedby')).toBe(`refusal-${id}`);
    // The codes are there on request, not in the words.
    const content = app.getByTestId(`refusal-details-${id}-content`);
    expect(await content.isHidden()).toBe(true);
    await app.getByTestId(`refusal-details-${id}-toggle`).click();
    expect(await content.innerText()).toBe(details);
    await app.getByTestId(`refusal-details-${id}-toggle`).click();
    // No raw id or type code in place of the description.
    expect(await hit.innerText()).not.toContain(id);
    const text = await tabText();
    expect(internalsIn(text)).toEqual([]);
    expect(text).not.toMatch(OKTA_CODES);
    expect((await runAxe(frame())).serious).toEqual([]);
    await ui!.shot(`allowlist-search-refused-${which}`);
  },
);

test('eligible groups stay choosable, with their Okta description instead of id and type', async () => {
  const { linux, windows, database } = ui!.world.groups;
  await search('PAM');
  for (const id of [linux, windows, database]) {
    expect(await app.getByTestId(`choose-${id}`).isEnabled()).toBe(true);
    expect(await app.getByTestId(`refusal-${id}`).count()).toBe(0);
  }
  expect(await app.getByTestId(`hit-${linux}`).innerText()).toContain('OPA: sudo on Linux servers');
  expect(await app.getByTestId('search-unchecked').count()).toBe(0);
  expect((await runAxe(frame())).serious).toEqual([]);
  await ui!.shot('allowlist-search-eligible');
});

test('a group given an admin role after the search is refused at submit, in words, Okta details on request', async () => {
  const { windows } = ui!.world.groups;
  await search('PAM Windows');
  await app.getByTestId(`choose-${windows}`).click();
  await app.getByTestId('policy-form').waitFor();
  // Approval mode is a radio group (issue 13 §4): one choice, announced as such.
  expect(await app.getByRole('radiogroup').count()).toBe(1);
  await app.getByTestId('approval-status--radio-input').check();
  await app.getByTestId('approval-mode-words').filter({ hasText: 'Approval required' }).waitFor();
  await app.getByTestId('approval-none--radio-input').check();
  ui!.sb.okta.addRole(windows, 'ORG_ADMIN');
  await app.getByTestId('submit-policy').click();
  const refusal = app.getByTestId('allowlist-refusal');
  await refusal.filter({ hasText: 'This group cannot be allowlisted' }).waitFor({ timeout: UI_TIMEOUT });
  expect(await refusal.innerText()).toContain(
    'This group holds Okta admin roles, so granting it would make people Okta administrators. Choose another group.',
  );
  const text = await tabText();
  expect(internalsIn(text)).toEqual([]);
  expect(text).not.toMatch(/ORG_ADMIN|An admin must/);
  await app.getByTestId('allowlist-refusal-details-toggle').click();
  expect(await app.getByTestId('allowlist-refusal-details-content').innerText()).toBe('Okta admin roles: ORG_ADMIN.');
  expect((await runAxe(frame())).serious).toEqual([]);
  await ui!.shot('allowlist-submit-refused');
  expect(await ui!.asAdmin('admin/allowlist/list')).toEqual({ ok: true, data: [] });
});
