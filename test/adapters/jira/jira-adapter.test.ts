/**
 * The Jira adapters through the real @forge/api 8.3 against the Jira emulator: the SDK builds the
 * requests, `__forge_fetch__` routes `remote: 'jira'` targets to `emulator.handle`.
 */
import {
  currentInvocation,
  installForgeRuntime,
  jsonResponse,
  SANDBOX_APP,
  type ForgeRuntime,
  type ForgeFetchTarget,
} from '../../../sandbox/runtime';
import { JiraEmulator } from '../../../sandbox/jira/jira-emulator';
import { JiraIssueTracker } from '../../../src/adapters/jira/jira-issue-tracker';
import { JiraNotifier } from '../../../src/adapters/jira/jira-notifier';
import { JiraPermissionChecker } from '../../../src/adapters/jira/jira-permission-checker';
import { JiraApproverDirectory } from '../../../src/adapters/jira/jira-approver-directory';
import { FieldCatalog } from '../../../src/adapters/jira/field-ids';
import { JiraError, retryAfterMs } from '../../../src/adapters/jira/jira-http';
import { toAdf } from '../../../src/adapters/jira/adf';
import { IssueTrackerError, type Clock, type Message } from '../../../src/app/ports';

let jira: JiraEmulator;
let forge: ForgeRuntime;
let targets: ForgeFetchTarget[];
let t: number;
const now = () => new Date(t).toISOString();
const clock: Clock = { now };

const ctx = (principal?: string) => ({ functionKey: 'test', moduleType: 'core:trigger', moduleKey: 'test', principal });

beforeEach(() => {
  t = Date.parse('2026-11-22T09:00:00Z');
  targets = [];
  jira = new JiraEmulator({
    now,
    appId: SANDBOX_APP.appId,
    environmentId: SANDBOX_APP.environmentId,
    siteUrl: SANDBOX_APP.siteUrl,
  });
  forge = installForgeRuntime(async (target, path, init) => {
    targets.push(target);
    if (target.type !== 'fpp' || target.remote !== 'jira') return jsonResponse(500, { message: 'unexpected target' });
    const principal = currentInvocation()?.principal;
    const asAccountId = target.provider === 'user' ? (target.accountId ?? principal) : undefined;
    if (target.provider === 'user' && !asAccountId)
      return jsonResponse(401, { errorMessages: ['no user'], errors: {} });
    const body = typeof init.body === 'string' && init.body ? JSON.parse(init.body) : undefined;
    const r = jira.handle({
      method: (init.method ?? 'GET').toUpperCase(),
      path,
      body,
      asAccountId,
      headers: init.headers,
    });
    return jsonResponse(r.status, r.body, r.headers);
  });
});

afterEach(() => {
  expect({ unhandled: jira.unhandled, specViolations: jira.specViolations }).toEqual({
    unhandled: [],
    specViolations: [],
  });
  forge.uninstall();
});

function people() {
  const nev = jira.addUser({
    displayName: 'Neville Newadmin',
    email: 'neville.newadmin@atko.email',
    timeZone: 'Australia/Sydney',
  });
  const hidden = jira.addUser({ displayName: 'Hidden Hal', email: 'hal@atko.email', emailVisible: false });
  const ada = jira.addUser({ displayName: 'Ada Admin', admin: true });
  jira.addProject({ key: 'ACC', name: 'Access Requests' });
  return { nev, hidden, ada };
}
const run = <T>(fn: () => Promise<T>, principal?: string) => forge.run(ctx(principal), fn);

describe('field discovery', () => {
  it('finds the app fields by extension ARI and the duration field by name', async () => {
    people();
    const catalog = new FieldCatalog(clock);
    const ids = await run(() => catalog.discover('Change type'));
    expect(ids).toEqual({
      accessType: 'customfield_10100',
      adminGroup: 'customfield_10101',
      duration: 'customfield_10050',
      requestedEnd: 'customfield_10051',
    });
    // Cached: a second lookup does not ask Jira again, until the cache is a minute old.
    const calls = jira.requests.length;
    await run(() => catalog.discover('change TYPE'));
    expect(jira.requests.length).toBe(calls);
    t += 60_000;
    await run(() => catalog.discover('Change type'));
    expect(jira.requests.length).toBe(calls + 1);
  });

  it("does not take another app's (or environment's) field", async () => {
    const other = new JiraEmulator({ now, appId: 'other-app', environmentId: SANDBOX_APP.environmentId });
    jira = other;
    const ids = await run(() => new FieldCatalog(clock).discover('Change type'));
    expect(ids.accessType).toBeUndefined();
    expect(ids.adminGroup).toBeUndefined();
    expect(ids.duration).toBe('customfield_10050');
  });

  it("lists the request fields' ids for the trigger to match changelog items by (only those that exist)", async () => {
    const tracker = new JiraIssueTracker(clock);
    expect((await run(() => tracker.requestFieldIds('Change type'))).sort()).toEqual([
      'customfield_10050',
      'customfield_10051',
      'customfield_10100',
      'customfield_10101',
    ]);
    expect((await run(() => tracker.requestFieldIds('No such field'))).sort()).toEqual([
      'customfield_10051',
      'customfield_10100',
      'customfield_10101',
    ]);
  });
});

describe('JiraIssueTracker', () => {
  it('reads an issue snapshot with unwrapped values', async () => {
    const { nev } = people();
    const { key, id } = jira.createIssue({
      projectKey: 'ACC',
      summary: 's',
      reporter: nev.accountId,
      fields: {
        changeType: 'Emergency',
        accessType: 'New access',
        adminGroup: '00g1linux',
        requestedEnd: '2026-11-22T12:30:00Z',
      },
    });
    const snap = await run(() => new JiraIssueTracker(clock).getIssue(key, 'Change type'));
    expect(snap).toEqual({
      id,
      key,
      projectKey: 'ACC',
      reporterAccountId: nev.accountId,
      statusName: 'To Do',
      createdAt: '2026-11-22T09:00:00.000Z',
      accessType: 'New access',
      adminGroup: '00g1linux',
      changeType: 'Emergency',
      requestedEnd: '2026-11-22T12:30:00.000Z',
    });
    expect(targets.every((x) => x.provider === 'app')).toBe(true);
  });

  it('leaves missing fields undefined and answers undefined for a missing issue', async () => {
    const { nev } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const snap = await run(() => new JiraIssueTracker(clock).getIssue(key, 'Change type'));
    expect(snap).toMatchObject({
      key,
      accessType: undefined,
      adminGroup: undefined,
      changeType: undefined,
      requestedEnd: undefined,
    });
    expect(await run(() => new JiraIssueTracker(clock).getIssue('ACC-404', 'Change type'))).toBeUndefined();
  });

  it('reads users; a hidden email is undefined; unknown user is undefined', async () => {
    const { nev, hidden } = people();
    const tracker = new JiraIssueTracker(clock);
    expect(await run(() => tracker.getUser(nev.accountId))).toEqual({
      accountId: nev.accountId,
      displayName: 'Neville Newadmin',
      email: 'neville.newadmin@atko.email',
      timeZone: 'Australia/Sydney',
    });
    const h = await run(() => tracker.getUser(hidden.accountId));
    expect(h).toMatchObject({ accountId: hidden.accountId, timeZone: 'UTC' });
    expect(h!.email).toBeUndefined();
    expect(await run(() => tracker.getUser('nobody'))).toBeUndefined();
  });

  it('finds who last moved the issue into a status, across changelog pages', async () => {
    const { nev, ada, hidden } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    jira.transition(key, 'Approved', hidden.accountId);
    for (let i = 0; i < 120; i++) {
      t += 1000;
      jira.updateFields(key, { adminGroup: `g${i}` }, nev.accountId);
    }
    jira.transition(key, 'To Do', nev.accountId);
    t += 1000;
    jira.transition(key, 'Approved', ada.accountId);
    jira.transition(key, 'Done', nev.accountId);
    const tracker = new JiraIssueTracker(clock);
    expect(await run(() => tracker.lastTransitionInto(key, 'Approved'))).toEqual({
      accountId: ada.accountId,
      at: expect.stringMatching(/^2026-11-22T/),
    });
    expect(await run(() => tracker.lastTransitionInto(key, 'In Progress'))).toBeUndefined();
    expect(jira.requests.filter((r) => r.path.includes('/changelog')).length).toBeGreaterThanOrEqual(4); // 2 pages × 2 calls
  });

  it('comments with a mention and a table that reach Jira as valid ADF and render as text', async () => {
    const { nev } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const msg: Message = {
      blocks: [
        {
          paragraph: [
            { mention: nev.accountId },
            { text: ' your access to ' },
            { text: 'PAM Linux Sysadmins', strong: true },
            { text: ' is active. ' },
            { link: `${SANDBOX_APP.siteUrl}/browse/${key}`, text: key },
          ],
        },
        {
          table: {
            head: ['Group', 'Ends'],
            rows: [
              [[{ text: 'PAM Linux' }], [{ text: '13:00' }]],
              [[{ text: 'Windows' }], []],
            ],
          },
        },
      ],
    };
    await run(() => new JiraIssueTracker(clock).comment(key, msg));
    const [c] = jira.comments(key);
    expect(c.text).toBe(
      `@Neville Newadmin your access to PAM Linux Sysadmins is active. ${key}\nGroup | Ends\nPAM Linux | 13:00\nWindows | `,
    );
    expect(c.author).toBe(jira.appUser.accountId);
    expect(JSON.stringify(c.body)).toContain('"type":"mention"');
    expect(JSON.stringify(c.body)).toContain(`"href":"${SANDBOX_APP.siteUrl}/browse/${key}"`);
    expect(jira.events.at(-1)).toMatchObject({ selfGenerated: true });
  });

  it('ADF never carries empty text nodes or non-http links', () => {
    const doc = toAdf({ blocks: [{ paragraph: [{ text: '' }, { link: 'javascript:alert(1)', text: 'x' }] }] });
    expect(doc.content[0]).toEqual({ type: 'paragraph', content: [{ type: 'text', text: 'x' }] });
  });

  it('transitions by name, and reports an unavailable transition', async () => {
    const { nev } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const tracker = new JiraIssueTracker(clock);
    expect(await run(() => tracker.transition(key, 'Reopen'))).toBe('unavailable');
    expect(jira.issue(key).status).toBe('To Do');
    expect(await run(() => tracker.transition(key, 'done'))).toBe('done');
    expect(jira.issue(key).status).toBe('Done');
    expect(jira.events.at(-1)).toMatchObject({
      selfGenerated: true,
      // Jira's default workflow sets the resolution on the way into Done (ADR 0027: the emulator models it).
      changelog: {
        items: [
          { field: 'status', toString: 'Done' },
          { field: 'resolution', toString: 'Done' },
        ],
      },
    });
  });
});

describe('JiraNotifier', () => {
  it('notifies the listed users through Jira with text and HTML bodies', async () => {
    const { nev } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    await run(() =>
      new JiraNotifier(clock).notify(key, [nev.accountId], 'Access granted: <PAM>', {
        blocks: [{ paragraph: [{ mention: nev.accountId }, { text: ' you are in <PAM>' }] }],
      }),
    );
    const [n] = jira.notifications(key);
    expect(n).toMatchObject({
      subject: 'Access granted: <PAM>',
      textBody: '@Neville Newadmin you are in <PAM>',
      to: [nev.accountId],
    });
    expect(n.htmlBody).toBe('<p><strong>@Neville Newadmin</strong> you are in &lt;PAM&gt;</p>');
  });
});

describe('JiraPermissionChecker', () => {
  it('asks Jira as the user: true for an admin, false otherwise, never as the app', async () => {
    const { nev, ada } = people();
    const checker = new JiraPermissionChecker(clock);
    expect(await run(() => checker.isJiraAdmin(ada.accountId), ada.accountId)).toBe(true);
    expect(await run(() => checker.isJiraAdmin(nev.accountId), nev.accountId)).toBe(false);
    expect(targets.every((x) => x.provider === 'user')).toBe(true);
  });

  it('fails closed for someone other than the principal, and outside a user context', async () => {
    const { nev, ada } = people();
    const checker = new JiraPermissionChecker(clock);
    expect(await run(() => checker.isJiraAdmin(ada.accountId), nev.accountId)).toBe(false);
    // An admin's session must not vouch for someone else.
    expect(await run(() => checker.isJiraAdmin(nev.accountId), ada.accountId)).toBe(false);
    expect(await run(() => checker.isJiraAdmin(ada.accountId))).toBe(false); // app would have said true
  });

  it('lets Forge\'s "needs authentication" through, so the user is asked to allow access', async () => {
    const { ada } = people();
    forge.uninstall();
    // What the Forge proxy answers for a user who has not granted the app access yet.
    forge = installForgeRuntime(
      async () => new Response('{}', { status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } }),
    );
    await expect(
      run(() => new JiraPermissionChecker(clock).isJiraAdmin(ada.accountId), ada.accountId),
    ).rejects.toMatchObject({ name: 'NEEDS_AUTHENTICATION_ERR' });
  });
});

describe('JiraPermissionChecker.mayTransitionIssue', () => {
  it('asks Jira as the user whether they may transition that issue', async () => {
    const { nev, ada } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const checker = new JiraPermissionChecker(clock);
    expect(await run(() => checker.mayTransitionIssue(nev.accountId, key), nev.accountId)).toBe(true);
    jira.restrictTransitions('ACC', [ada.accountId]);
    expect(await run(() => checker.mayTransitionIssue(nev.accountId, key), nev.accountId)).toBe(false);
    expect(await run(() => checker.mayTransitionIssue(ada.accountId, key), ada.accountId)).toBe(true);
    expect(targets.every((x) => x.provider === 'user')).toBe(true);
    expect(jira.requests.filter((r) => r.path.startsWith('/rest/api/3/mypermissions')).map((r) => r.path)).toContain(
      `/rest/api/3/mypermissions?issueKey=${key}&permissions=TRANSITION_ISSUES`,
    );
  });

  it('fails closed: another account, no user context, an issue the user cannot see', async () => {
    const { nev, ada } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    jira.restrictTransitions('ACC', [ada.accountId]);
    const checker = new JiraPermissionChecker(clock);
    // Ada may, but her session must not vouch for Neville, nor Neville's for her.
    expect(await run(() => checker.mayTransitionIssue(nev.accountId, key), ada.accountId)).toBe(false);
    expect(await run(() => checker.mayTransitionIssue(ada.accountId, key), nev.accountId)).toBe(false);
    expect(await run(() => checker.mayTransitionIssue(ada.accountId, key))).toBe(false); // the app may; it is not asked
    expect(await run(() => checker.mayTransitionIssue(ada.accountId, 'ACC-99'), ada.accountId)).toBe(false);
    expect(await run(() => checker.mayTransitionIssue('', key), ada.accountId)).toBe(false);
    jira.failNext({ pathIncludes: '/mypermissions', status: 403 });
    expect(await run(() => checker.mayTransitionIssue(ada.accountId, key), ada.accountId)).toBe(false);
    jira.failNext({ pathIncludes: '/mypermissions', status: 503 });
    await expect(run(() => checker.mayTransitionIssue(ada.accountId, key), ada.accountId)).rejects.toMatchObject({
      kind: 'transient',
    });
  });

  it('lets Forge\'s "needs authentication" through', async () => {
    const { ada } = people();
    forge.uninstall();
    forge = installForgeRuntime(
      async () => new Response('{}', { status: 401, headers: { 'forge-proxy-error': 'NEEDS_AUTHENTICATION_ERR' } }),
    );
    await expect(
      run(() => new JiraPermissionChecker(clock).mayTransitionIssue(ada.accountId, 'ACC-1'), ada.accountId),
    ).rejects.toMatchObject({ name: 'NEEDS_AUTHENTICATION_ERR' });
  });
});

describe('JiraApproverDirectory', () => {
  function approverSite() {
    const p = people();
    const alice = jira.addUser({ displayName: 'Alice Approver', email: 'alice.approver@atko.email' });
    const security = jira.addJiraGroup('Security');
    const ops = jira.addJiraGroup('ops-oncall');
    jira.addUserToJiraGroup(alice.accountId, 'Security');
    jira.addUserToJiraGroup(p.nev.accountId, 'ops-oncall');
    jira.addProject({ key: 'OPS', name: 'Operations' });
    // Approvers in ACC: Ada in person, and the Security group; in OPS: Neville in person.
    jira.setProjectRole('ACC', 'Approvers', { accountIds: [p.ada.accountId], groups: ['Security'] });
    jira.setProjectRole('OPS', 'Approvers', { accountIds: [p.nev.accountId] });
    jira.setProjectRole('ACC', 'Change managers', { groups: ['ops-oncall'] });
    return { ...p, alice, security, ops };
  }
  const dir = () => new JiraApproverDirectory(clock);

  it("reads a person's groups and the roles they hold in the project, in person or through a group", async () => {
    const { nev, ada, alice } = approverSite();
    const roles = ['Approvers', 'Change managers', 'Administrators', 'No such role'];
    expect(await run(() => dir().factsFor(alice.accountId, 'ACC', roles))).toEqual({
      accountId: alice.accountId,
      jiraGroups: ['Security'],
      projectRoles: ['Approvers'],
    });
    expect(await run(() => dir().factsFor(ada.accountId, 'ACC', roles))).toEqual({
      accountId: ada.accountId,
      jiraGroups: [],
      projectRoles: ['Approvers'],
    });
    expect(await run(() => dir().factsFor(nev.accountId, 'ACC', roles))).toEqual({
      accountId: nev.accountId,
      jiraGroups: ['ops-oncall'],
      projectRoles: ['Change managers'],
    });
    // Roles are per project: Neville approves in OPS, Ada and the Security group do not.
    expect((await run(() => dir().factsFor(nev.accountId, 'OPS', roles))).projectRoles).toEqual(['Approvers']);
    expect((await run(() => dir().factsFor(alice.accountId, 'OPS', roles))).projectRoles).toEqual([]);
    // Always as the app: approvals are counted in triggers and consumers too.
    expect(targets.every((x) => x.provider === 'app')).toBe(true);
  });

  it('asks only for the roles it is given, and about nothing it need not', async () => {
    const { alice } = approverSite();
    const before = jira.requests.length;
    expect(await run(() => dir().factsFor(alice.accountId, 'ACC', []))).toEqual({
      accountId: alice.accountId,
      jiraGroups: ['Security'],
      projectRoles: [],
    });
    expect(jira.requests.slice(before).map((r) => r.path)).toEqual([
      `/rest/api/3/user/groups?accountId=${encodeURIComponent(alice.accountId)}`,
    ]);
    const next = jira.requests.length;
    await run(() => dir().factsFor(alice.accountId, 'ACC', ['Approvers', 'Approvers', 'Nope']));
    expect(
      jira.requests
        .slice(next)
        .map((r) => r.path.replace(/\?.*/, ''))
        .sort(),
    ).toEqual(['/rest/api/3/project/ACC/role', '/rest/api/3/project/ACC/role/10003', '/rest/api/3/user/groups']);
  });

  it('an unknown project holds no roles; an unknown account holds nothing', async () => {
    const { alice } = approverSite();
    expect(await run(() => dir().factsFor(alice.accountId, 'NOPE', ['Approvers']))).toEqual({
      accountId: alice.accountId,
      jiraGroups: ['Security'],
      projectRoles: [],
    });
    expect(await run(() => dir().factsFor('557058:ghost', 'ACC', ['Approvers']))).toEqual({
      accountId: '557058:ghost',
      jiraGroups: [],
      projectRoles: [],
    });
  });

  it('Jira failures are IssueTrackerErrors, not silent "holds nothing"', async () => {
    const { alice } = approverSite();
    jira.failNext({ pathIncludes: '/role/', status: 503 });
    await expect(run(() => dir().factsFor(alice.accountId, 'ACC', ['Approvers']))).rejects.toMatchObject({
      kind: 'transient',
      details: { status: 503 },
    });
    jira.failNext({ pathIncludes: '/user/groups', status: 403 });
    const e = await run(() => dir().factsFor(alice.accountId, 'ACC', [])).catch((x) => x);
    expect(e).toBeInstanceOf(IssueTrackerError);
    expect(e).toMatchObject({ kind: 'permanent', details: { status: 403 } });
  });

  it('searches people: active Atlassian accounts only, at most 20', async () => {
    const { nev, alice } = approverSite();
    for (let i = 0; i < 25; i++) jira.addUser({ displayName: `Sam Sample ${String(i).padStart(2, '0')}` });
    expect(await run(() => dir().searchPeople('neville'))).toEqual([
      { accountId: nev.accountId, displayName: 'Neville Newadmin' },
    ]);
    expect(await run(() => dir().searchPeople('alice.approver@'))).toEqual([
      { accountId: alice.accountId, displayName: 'Alice Approver' },
    ]);
    // "Access" in the app's own name matches; the app is not a person.
    expect((await run(() => dir().searchPeople('a'))).map((p) => p.displayName)).toEqual([
      'Ada Admin',
      'Alice Approver',
    ]);
    expect(await run(() => dir().searchPeople('sam'))).toHaveLength(20);
    jira.deactivateUser(alice.accountId);
    expect(await run(() => dir().searchPeople('alice'))).toEqual([]);
    expect(jira.requests.at(-1)?.path).toBe('/rest/api/3/user/search?query=alice&maxResults=20');
  });

  it('searches groups by any part of the name, any case', async () => {
    const { security, ops } = approverSite();
    expect(await run(() => dir().searchGroups('SEC'))).toEqual([{ name: 'Security', groupId: security.groupId }]);
    expect(await run(() => dir().searchGroups('call'))).toEqual([{ name: 'ops-oncall', groupId: ops.groupId }]);
    expect(await run(() => dir().searchGroups('nothing'))).toEqual([]);
  });

  it('a group named exactly as asked is among the hits even when more than 20 names contain it', async () => {
    approverSite();
    for (let i = 0; i < 25; i++) jira.addJiraGroup(`a-team-${String(i).padStart(2, '0')}`);
    const team = jira.addJiraGroup('team');
    const hits = await run(() => dir().searchGroups('team'));
    expect(hits).toHaveLength(20);
    expect(hits[0]).toEqual({ name: 'team', groupId: team.groupId });
    // The picker alone sorts it past the first 20.
    const picker = jira.handle({ method: 'GET', path: '/rest/api/3/groups/picker?query=team&maxResults=20' });
    expect((picker.body as { groups: Array<{ name: string }> }).groups.map((g) => g.name)).not.toContain('team');
    // Twenty or fewer hits: the picker's answer is the whole answer, asked once.
    const before = jira.requests.length;
    expect(await run(() => dir().searchGroups('team-0'))).toHaveLength(10);
    expect(jira.requests.length).toBe(before + 1);
    // More, none named exactly so: asked once more, and nothing added.
    expect((await run(() => dir().searchGroups('a-team'))).map((h) => h.name)).toEqual(
      Array.from({ length: 20 }, (_, i) => `a-team-${String(i).padStart(2, '0')}`),
    );
  });

  it("lists the site's project roles with their ids", async () => {
    approverSite();
    expect(await run(() => dir().listRoles())).toEqual([
      { name: 'Administrators', id: '10002' },
      { name: 'Approvers', id: '10003' },
      { name: 'Change managers', id: '10004' },
    ]);
  });

  it("listing roles needs the app's user to administer Jira; without it Jira refuses, and the error says so", async () => {
    jira = new JiraEmulator({
      now,
      appId: SANDBOX_APP.appId,
      environmentId: SANDBOX_APP.environmentId,
      siteUrl: SANDBOX_APP.siteUrl,
      appIsAdmin: false,
    });
    await expect(run(() => dir().listRoles())).rejects.toMatchObject({
      kind: 'permanent',
      details: { status: 403 },
    });
  });
});

describe('errors', () => {
  it('429 becomes a transient JiraError honouring Retry-After', async () => {
    const { nev } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    jira.failNext({ pathIncludes: '/comment', status: 429, headers: { 'retry-after': '7' } });
    const err = await run(() =>
      new JiraIssueTracker(clock).comment(key, { blocks: [{ paragraph: [{ text: 'x' }] }] }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(JiraError);
    expect(err).toBeInstanceOf(IssueTrackerError);
    expect(err).toMatchObject({ kind: 'transient', details: { status: 429, retryAfterMs: 7000 } });
    expect(err.cause).toBeDefined();
  });

  it('a Retry-After date is measured from the Clock', async () => {
    const { nev } = people();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    jira.failNext({
      pathIncludes: '/comment',
      status: 503,
      headers: { 'retry-after': new Date(t + 30_000).toUTCString() },
    });
    const err = await run(() =>
      new JiraIssueTracker(clock).comment(key, { blocks: [{ paragraph: [{ text: 'x' }] }] }),
    ).catch((e) => e);
    expect(err).toMatchObject({ kind: 'transient', details: { status: 503, retryAfterMs: 30_000 } });
  });

  it('5xx is transient, 403 permanent, network failure transient; messages carry no bodies', async () => {
    const { nev } = people();
    jira.failNext({ pathIncludes: '/user', status: 503, body: { errorMessages: ['secret internals'], errors: {} } });
    const e1 = await run(() => new JiraIssueTracker(clock).getUser(nev.accountId)).catch((e) => e);
    expect(e1).toMatchObject({ kind: 'transient', details: { status: 503 } });
    expect(e1.message).not.toContain('secret internals');
    jira.failNext({ pathIncludes: '/user', status: 403 });
    const e2 = await run(() => new JiraIssueTracker(clock).getUser(nev.accountId)).catch((e) => e);
    expect(e2).toBeInstanceOf(IssueTrackerError);
    expect(e2).toMatchObject({ kind: 'permanent', details: { status: 403 } });
    const g = globalThis as Record<string, unknown>;
    const original = g.__forge_fetch__;
    g.__forge_fetch__ = async () => {
      throw new TypeError('fetch failed');
    };
    const e3 = await run(() => new JiraIssueTracker(clock).getUser(nev.accountId)).catch((e) => e);
    g.__forge_fetch__ = original;
    expect(e3).toMatchObject({ kind: 'transient' });
    expect(e3.cause).toBeInstanceOf(TypeError);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const nowMs = Date.parse('2026-11-22T09:00:00Z');
    expect(retryAfterMs('2', nowMs)).toBe(2000);
    expect(retryAfterMs('Sun, 22 Nov 2026 09:00:10 GMT', nowMs)).toBe(10_000);
    expect(retryAfterMs(null, nowMs)).toBeUndefined();
  });
});
