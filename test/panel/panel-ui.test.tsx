/**
 * The issue panel as people use it: the real UI Kit component rendered by the real @forge/react
 * reconciler, its `invoke` calls answered by the real UI resolver running on the sandbox (Jira and Okta
 * emulators, KVS, queue). We read the ForgeDoc for what a person sees, click by calling handler props,
 * and check what changed in Okta, in the grant and on the issue.
 */
import { ui } from '../frontend/support/forge-ui'; // must be first: installs the bridge @forge/* read at import
import { Panel } from '../../src/frontend/panel/Panel';
import { createSandbox, type Sandbox } from '../../sandbox';
import { seedDemo, type DemoWorld } from '../../sandbox/seed';
import { sandboxBackend } from '../frontend/support/backends';
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { KvsGrantStore } from '../../src/adapters/kvs/grant-store';
import { KvsConfigStore } from '../../src/adapters/kvs/config-store';
import { makeGrant } from '../factories/grant';

const HOUR = 3_600_000;
let sb: Sandbox;
let world: DemoWorld;

beforeEach(async () => {
  ui.fakeIntervals(); // the countdown's once-a-second tick runs when the test says so
  sb = await createSandbox({ now: '2026-11-22T09:00:00Z' });
  world = await seedDemo(sb);
});
afterEach(async () => {
  await ui.show(null); // unmounts the panel (stops its countdown timer)
  await sb.close();
  jest.useRealTimers();
});

async function raise(group: string, changeType: string, reporter = world.jira.neville) {
  const issue = await sb.jira.createIssue({
    projectKey: 'ACC',
    summary: 'Need access',
    reporter,
    fields: { accessType: 'New access', adminGroup: group, changeType },
  });
  return { id: issue.id, key: issue.key, grantId: `grant-${issue.id}` };
}

async function openPanel(viewer: string, issue: { id: string; key: string }) {
  ui.use(sandboxBackend(sb, viewer, { moduleKey: 'access-panel', issue }));
  await ui.show(<Panel />);
  await ui.waitForText(/Refresh/);
}

const commentsOn = (key: string) =>
  sb.jira
    .comments(key)
    .map((c) => c.text)
    .join('\n');

describe('issue panel on the sandbox', () => {
  it('takes Neville from an active grant through Extend (capped by policy) to Relinquish', async () => {
    const linux = await raise(world.groups.linux, 'Emergency');
    expect(sb.okta.members(world.groups.linux)).toContain(world.okta.neville);

    await openPanel(world.jira.neville, linux);
    expect(ui.invokes.map((i) => i.functionKey)).toEqual(['panel/load']); // one call renders the panel
    expect(ui.lozenges()).toContain('Active');
    const text = ui.text();
    expect(text).toContain('PAM Linux Sysadmins');
    // Neville's Jira time zone is Europe/London (GMT in November).
    expect(text).toContain('Start: Sun, 22 Nov 2026, 09:00 GMT');
    expect(text).toContain('End: Sun, 22 Nov 2026, 13:00 GMT');
    expect(text).toContain('Time left: 4 h 0 min');
    expect(text).toContain('Approval: skipped on the emergency path');
    // Right after the start, an extension would not move the end: disabled, with the reason shown.
    expect(ui.button('Extend').props.isDisabled).toBe(true);
    expect(text).toContain('Extend is not available: An extension now would not move the end');
    expect(text).toMatch(/History .*Added to the Okta group/);

    // The countdown is live: it follows the clock without another resolver call.
    await sb.clock.advance(3 * HOUR);
    expect(ui.text()).toContain('Time left: 4 h 0 min'); // nothing re-renders until the next tick
    await ui.runIntervals(1000);
    expect(ui.text()).toContain('Time left: 1 h 0 min');
    expect(ui.invokes).toHaveLength(1);

    await ui.click('Refresh');
    await ui.waitForText('Extend moves the end to Sun, 22 Nov 2026, 16:00 GMT');
    await ui.click('Extend');
    await ui.waitForText('Extended: your access now ends');
    expect(ui.text()).toContain('End: Sun, 22 Nov 2026, 16:00 GMT');
    expect(ui.text()).toContain('Extensions used: 1 of 2');
    expect(ui.text()).toContain('Time left: 4 h 0 min');
    expect(commentsOn(linux.key)).toContain('now runs until');
    // Policy still caps it: straight away, another extension would not move the end.
    expect(ui.button('Extend').props.isDisabled).toBe(true);

    await ui.click('Relinquish');
    expect(ui.text()).toContain('Give up your access now?');
    await ui.click('Yes, relinquish');
    await ui.waitForText('your membership is being removed');
    await sb.clock.settle();
    expect(sb.okta.members(world.groups.linux)).not.toContain(world.okta.neville);
    expect(commentsOn(linux.key)).toMatch(/has ended: you gave it up/);

    await ui.click('Refresh');
    await ui.waitForText('Ended:');
    expect(ui.lozenges()).toContain('Revoked');
    expect(ui.text()).toContain('(given up by the requester)');
    expect(ui.hasButton('Extend')).toBe(false);
    expect(ui.hasButton('Relinquish')).toBe(false);
    expect(ui.text()).toMatch(/History .*Removed from the Okta group/);
  });

  it("lets Ada (Jira admin) revoke another person's grant after confirming", async () => {
    const windows = await raise(world.groups.windows, 'Standard');
    expect(sb.okta.members(world.groups.windows)).toContain(world.okta.neville);

    await openPanel(world.jira.ada, windows);
    expect(ui.hasButton('Extend')).toBe(false);
    expect(ui.hasButton('Relinquish')).toBe(false);
    expect(ui.text()).toContain('Requested by Neville Newadmin');
    expect(ui.text()).toContain('Times in UTC');

    await ui.click('Revoke');
    expect(ui.text()).toContain("Revoke Neville Newadmin's access?");
    await ui.click('Cancel');
    expect(ui.text()).not.toContain("Revoke Neville Newadmin's access?");
    expect(ui.invokes.map((i) => i.functionKey)).toEqual(['panel/load']);

    await ui.click('Revoke');
    await ui.click('Yes, revoke');
    await ui.waitForText('Revoked: the membership is being removed');
    await sb.clock.settle();
    expect(sb.okta.members(world.groups.windows)).not.toContain(world.okta.neville);
    expect(commentsOn(windows.key)).toMatch(/was revoked by an administrator/);
    await ui.click('Refresh');
    await ui.waitForText('(revoked by Ada Admin)');
    expect(ui.lozenges()).toContain('Revoked');
  });

  it('shows an approver that they may approve, and lets Neville withdraw his waiting request after confirming', async () => {
    await sb.app.run(async () => {
      const c = new KvsConfigStore();
      await c.saveAllowlist(
        (await c.getAllowlist()).map((g) =>
          g.groupId === world.groups.linux ? { ...g, approvalMode: 'status' as const } : g,
        ),
      );
    });
    const linux = await raise(world.groups.linux, 'Standard');

    await openPanel(world.jira.alice, linux);
    expect(ui.text()).toContain('You may approve');
    expect(ui.text()).toContain('use Approve here or move the issue to "Approved"');
    expect(ui.text()).toContain('Approvals: 0 of 1');
    expect(ui.hasButton('Approve request')).toBe(true);
    expect(ui.hasButton('Withdraw request')).toBe(false);
    await ui.show(null);

    await openPanel(world.jira.neville, linux);
    expect(ui.text()).toContain('You cannot approve this request');
    expect(ui.text()).toContain('You cannot approve your own request');
    await ui.click('Withdraw request');
    expect(ui.text()).toContain('Withdraw your request?');
    await ui.click('Yes, withdraw');
    await ui.waitForText('Withdrawn: this request will not be granted');
    expect(ui.lozenges()).toContain('Withdrawn');
    expect(ui.hasButton('Withdraw request')).toBe(false);
    expect(ui.text()).toContain('Withdrawn by the requester');
    expect(commentsOn(linux.key)).toContain('was withdrawn by');
    expect(ui.invokes.map((i) => i.functionKey)).toEqual(['panel/load', 'panel/withdraw']);
  });

  it('lets an approver approve from the panel: the real server records it and grants; the requester sees Approve nowhere', async () => {
    await sb.app.run(async () => {
      const c = new KvsConfigStore();
      await c.saveAllowlist(
        (await c.getAllowlist()).map((g) =>
          g.groupId === world.groups.linux ? { ...g, approvalMode: 'status' as const } : g,
        ),
      );
    });
    const linux = await raise(world.groups.linux, 'Standard');

    await openPanel(world.jira.neville, linux);
    expect(ui.hasButton('Approve request')).toBe(false);
    expect(ui.hasButton('Deny request')).toBe(false);
    await ui.show(null);

    await openPanel(world.jira.alice, linux);
    await ui.click('Approve request');
    await ui.waitForText('that was the last approval needed');
    await sb.clock.advance(60_000);
    await ui.click('Refresh');
    await ui.waitForText('Active');
    expect(ui.lozenges()).toContain('Active');
    expect(sb.okta.members(world.groups.linux)).toContain(world.okta.neville);
    expect(ui.invokes.map((i) => i.functionKey)).toEqual(['panel/load', 'panel/approve', 'panel/load']);
  });

  it('shows other people no buttons, and refuses their crafted calls on the server', async () => {
    const linux = await raise(world.groups.linux, 'Emergency');
    const windows = await raise(world.groups.windows, 'Standard');
    await sb.clock.advance(3 * HOUR);

    await openPanel(world.jira.alice, linux);
    expect(ui.lozenges()).toContain('Active');
    expect(['Extend', 'Relinquish', 'Revoke'].filter((b) => ui.hasButton(b))).toEqual([]);
    expect(ui.text()).toContain('shown to the requester and to Jira admins');
    expect(ui.text()).not.toContain('History');
    expect(ui.text()).toContain('Times in America/New_York');

    const as = (accountId: string, key: string, payload: unknown, issue = linux) =>
      sb.app.invoke(key, payload, { accountId, extension: { issue: { id: issue.id, key: issue.key } } });
    expect(await as(world.jira.alice, 'panel/extend', { grantId: linux.grantId })).toMatchObject({
      ok: false,
      error: { code: 'AUTH.NOT_REQUESTER' },
    });
    expect(await as(world.jira.alice, 'panel/relinquish', { grantId: linux.grantId })).toMatchObject({
      ok: false,
      error: { code: 'AUTH.NOT_REQUESTER' },
    });
    expect(await as(world.jira.neville, 'panel/revoke', { grantId: linux.grantId, confirm: true })).toMatchObject({
      ok: false,
      error: { code: 'AUTH.NOT_ADMIN' },
    });
    // The Linux issue's panel cannot act on the Windows grant, whoever asks.
    expect(await as(world.jira.neville, 'panel/relinquish', { grantId: windows.grantId })).toMatchObject({
      ok: false,
      error: { code: 'PANEL.WRONG_GRANT' },
    });
    expect(await as(world.jira.ada, 'panel/revoke', { grantId: windows.grantId, confirm: true })).toMatchObject({
      ok: false,
      error: { code: 'PANEL.WRONG_GRANT' },
    });

    expect(sb.okta.members(world.groups.linux)).toContain(world.okta.neville);
    expect(sb.okta.members(world.groups.windows)).toContain(world.okta.neville);
    const panel: any = await as(world.jira.neville, 'panel/load', {});
    expect(panel.data.grant).toMatchObject({ status: 'ACTIVE', extensions: 0 });
    expect(JSON.stringify(panel)).not.toMatch(/@atko\.email/);
  });

  it("says so when an issue is not an access request, and lists Neville's access on a View access issue", async () => {
    await raise(world.groups.windows, 'Standard');
    const plain = await sb.jira.createIssue({
      projectKey: 'ACC',
      summary: 'Printer broken',
      reporter: world.jira.neville,
      fields: {},
    });
    await openPanel(world.jira.neville, plain);
    expect(ui.text()).toContain('This issue is not an Okta access request.');

    const view = await sb.jira.createIssue({
      projectKey: 'ACC',
      summary: 'What do I have?',
      reporter: world.jira.neville,
      fields: { accessType: 'View access' },
    });
    await openPanel(world.jira.neville, view);
    expect(ui.text()).toContain('View access request');
    expect(ui.text()).toMatch(/Your Okta access .*PAM Windows Admins .*Active/);
    expect(ui.hasButton('Show more')).toBe(false);
  });

  it('pages through a long history with Show more, where the View access reply points', async () => {
    const linux = await raise(world.groups.linux, 'Emergency');
    const now = Date.parse('2026-11-22T09:00:00Z');
    await sb.app.run(async () => {
      const store = new KvsGrantStore();
      for (let i = 1; i <= 40; i++) {
        const requested = new Date(now - i * 24 * HOUR).toISOString();
        const ended = new Date(now - i * 24 * HOUR + HOUR).toISOString();
        await store.create(
          makeGrant({
            id: `grant-7${i}`,
            issueId: `7${i}`,
            issueKey: `HIST-${i}`,
            requesterAccountId: world.jira.neville,
            groupId: world.groups.windows,
            status: 'EXPIRED',
            requestedAt: requested,
            startedAt: requested,
            firstStartedAt: requested,
            endsAt: ended,
            endedAt: ended,
            endReason: 'EXPIRED',
            endedBy: 'app',
            updatedAt: ended,
            version: 5,
          }),
        );
      }
    });
    const view = await sb.jira.createIssue({
      projectKey: 'ACC',
      summary: 'What do I have?',
      reporter: world.jira.neville,
      fields: { accessType: 'View access' },
    });
    expect(commentsOn(view.key)).toContain('and 16 more: open the Okta access panel on this issue.');

    await openPanel(world.jira.neville, view);
    const issueLinks = () => ui.findAll((d) => d.type === 'Link').map((l) => ui.text(l));
    // The running grant, then a page of 25 read (the running grant again, and 24 ended ones).
    expect(issueLinks()).toEqual([linux.key, ...Array.from({ length: 24 }, (_, i) => `HIST-${i + 1}`)]);
    await ui.click('Show more');
    await ui.waitForText('HIST-40');
    expect(issueLinks()).toEqual([linux.key, ...Array.from({ length: 40 }, (_, i) => `HIST-${i + 1}`)]);
    expect(ui.invokes.map((i) => i.functionKey)).toEqual(['panel/load', 'panel/grants']);
    expect(ui.hasButton('Show more')).toBe(false);
  });

  it('shows a refusal in words: status, history and reason carry no codes (the audit trail keeps them)', async () => {
    const refused = await raise(world.groups.superAdmins, 'Standard');
    await openPanel(world.jira.neville, refused);
    expect(ui.lozenges()).toContain('Denied');
    const text = ui.text();
    expect(text).toContain('This request was denied');
    expect(text).toMatch(/History .*Denied: /);
    expect(text).not.toMatch(/GRANT\.[A-Z_]+|\bDENIED\b|\bREQUESTED\b/);
    const codes = await sb.app.run(async () =>
      (await new KvsAuditLog().listByGrant(refused.grantId)).map((e) => e.detail),
    );
    expect(codes).toEqual(expect.arrayContaining([expect.stringMatching(/^GRANT\.[A-Z_]+: /)]));
  });
});
