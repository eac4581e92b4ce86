/**
 * The attack suite (issue 10 §4): one test per attack row. Groups the app must refuse (also one that
 * gains an Okta admin role after allowlisting), self-approval, crafted payloads to every resolver key
 * as ANOTHER user, look-alike Okta domains, markup and spreadsheet formulas flowing from Okta and
 * Jira into comments, e-mail, admin answers and the CSV export, and the Okta credentials (and any
 * fragment of them) never in anything the run captured. Every row ends with the suite outcome checks.
 */
import { ADMIN_KEYS, auditCsv, type AuditRow } from '../../src/shared/admin-contract';
import { FIELD_KEYS, PANEL_KEYS } from '../../src/shared/panel-contract';
import { at, MIN, useWorlds, world, type World } from '../integration/world';
import { CRAFTED } from '../support/crafted';
import { parseCsv } from '../support/csv';
import { expectClean } from './outcomes';

useWorlds();
jest.setTimeout(60_000);

type Answer = { ok: boolean; data?: any; error?: { code: string; message: string } };
const row = (t: World, name: string, o?: Parameters<typeof expectClean>[3]) => expectClean(t, 'attacks', name, o);
const admin = (t: World, key: string, payload: unknown = {}, accountId = t.w.jira.ada) =>
  t.sb.app.invoke<Answer>(key, payload, { accountId, moduleKey: 'admin-page' });
const newAccess = (t: World, group: string, o: { reporter?: string; summary?: string } = {}) =>
  t.raise({ changeType: 'Standard', accessType: 'New access', adminGroup: group }, o);

describe('attack suite: groups the app must never grant', () => {
  it.each([
    [
      'a group not on the allowlist',
      (t: World) => t.w.groups.superAdmins,
      false,
      /not on the list of groups this app may grant/,
    ],
    ['an APP_GROUP', (t: World) => t.w.groups.appGroup, true, /APP_GROUP/],
    ['a group targeted by an Okta group rule', (t: World) => t.w.groups.ruleTargeted, true, /rule/i],
    ['a group holding an Okta admin role', (t: World) => t.w.groups.superAdmins, true, /admin role/i],
  ])('%s: refused with a reason, nothing written to Okta', async (name, group, allowlist, reason) => {
    const t = await world();
    if (allowlist) await t.allowlistDirectly(group(t), 'Sneaked in');
    const r = await newAccess(t, group(t));
    await t.sb.clock.advance(2 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(r.key).join('\n')).toMatch(reason);
    expect(t.oktaWrites()).toEqual([]);
    expect(t.sb.okta.members(group(t))).toEqual([]);
    await row(t, `refused group: ${name}`, { requested: [r] });
  });

  it('a group that gains an Okta admin role after allowlisting: the next request is refused at grant time', async () => {
    const t = await world();
    const { w, sb } = t;
    const before = await newAccess(t, w.groups.linux);
    expect(t.grant(before.grantId)).toMatchObject({ status: 'ACTIVE' });
    sb.okta.addRole(w.groups.linux, 'USER_ADMIN');
    const after = await newAccess(t, w.groups.linux, { reporter: w.jira.alice });
    await sb.clock.advance(2 * MIN);
    expect(t.grant(after.grantId)).toMatchObject({ status: 'DENIED' });
    expect(t.comments(after.key).join('\n')).toMatch(/admin role/i);
    expect(sb.okta.members(w.groups.linux)).not.toContain(w.okta.alice);
    expect(t.oktaWrites({ method: 'PUT' })).toHaveLength(1);
    await row(t, 'a group gaining an admin role after allowlisting', { requested: [before, after] });
  });
});

describe('attack suite: approval', () => {
  it('self-approval, by status move and by the panel, grants nothing; another approver does', async () => {
    const t = await world();
    const { w, sb } = t;
    await t.setGroup(w.groups.linux, { approvalMode: 'status' });
    const r = await newAccess(t, w.groups.linux);
    const extension = { issue: { id: r.id, key: r.key }, project: { key: w.projectKey } };
    const panel = await sb.app.invoke<Answer>(
      PANEL_KEYS.approve,
      { grantId: r.grantId },
      { accountId: w.jira.neville, extension },
    );
    expect(panel.ok).toBe(false);
    await sb.jira.transition(r.key, 'Approved', w.jira.neville);
    await sb.clock.advance(5 * MIN);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'REQUESTED' });
    expect(t.oktaWrites()).toEqual([]);
    const ok = await sb.app.invoke<Answer>(
      PANEL_KEYS.approve,
      { grantId: r.grantId },
      { accountId: w.jira.alice, extension },
    );
    expect(ok.ok).toBe(true);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE', approvedBy: w.jira.alice });
    await row(t, 'self-approval', { requested: [r] });
  });
});

describe('attack suite: crafted payloads as another user', () => {
  it("every panel and field key, as a colleague on Neville's issue, with his grant id, other issues' ids and crafted values: refused or harmless, never a throw", async () => {
    const t = await world();
    const { w, sb } = t;
    const mine = await newAccess(t, w.groups.linux);
    const theirs = await newAccess(t, w.groups.windows, { reporter: w.jira.alice });
    const before = JSON.stringify([t.grant(mine.grantId), t.grant(theirs.grantId)]);
    const payloads: unknown[] = [
      ...CRAFTED.map(([, p]) => p),
      { grantId: mine.grantId },
      { grantId: mine.grantId, reason: 'mine now' },
      { grantId: theirs.grantId, issueKey: mine.key },
      { grantId: mine.grantId, hours: 9_999 },
    ];
    // Henry is neither the requester, an admin nor an approver of the group; he opens Neville's issue.
    for (const key of [...Object.values(PANEL_KEYS), ...Object.values(FIELD_KEYS)])
      for (const as of [
        { issue: { id: mine.id, key: mine.key }, project: { key: w.projectKey } },
        { issue: { id: theirs.id, key: mine.key }, project: { key: w.projectKey } },
      ])
        for (const p of payloads) {
          const a = await sb.app.invoke<Answer>(key, p, { accountId: w.jira.henry, extension: as });
          expect(typeof a.ok).toBe('boolean');
          if (!a.ok) expect(a.error).toEqual({ code: expect.any(String), message: expect.any(String) });
        }
    expect(JSON.stringify([t.grant(mine.grantId), t.grant(theirs.grantId)])).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await row(t, 'crafted payloads to every panel and field key as another user', { requested: [mine, theirs] });
  });

  it('every admin key, as a user who is not a Jira admin: refused with AUTH.NOT_ADMIN, whatever the payload', async () => {
    const t = await world();
    const { w } = t;
    const r = await newAccess(t, w.groups.linux);
    for (const key of Object.values(ADMIN_KEYS))
      for (const p of [...CRAFTED.map(([, x]) => x), { grantId: r.grantId }]) {
        const a = await admin(t, key, p, w.jira.neville);
        expect({ key, ok: a.ok, code: a.error?.code }).toEqual({ key, ok: false, code: 'AUTH.NOT_ADMIN' });
      }
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' });
    await row(t, 'crafted payloads to every admin key as a non-admin', { requested: [r] });
  });
});

describe('attack suite: look-alike Okta domains', () => {
  it.each([
    'atko.okta.com.evil.com',
    'atko-okta.com',
    'atko.okta.co',
    'atko.0kta.com',
    'https://atko.okta.com@evil.com',
    'https://atko.okta.com:8443',
    'https://atko.okta.com/oauth2',
    'http://atko.okta.com',
    '127.0.0.1',
    'atko.okta.com\u200b',
    'atko.οkta.com', // Greek omicron
    'xn--atko-okta-xyz.com',
  ])('%j is refused before any call, and the saved connection stays', async (domain) => {
    const t = await world();
    const { sb } = t;
    const calls = sb.okta.requests.length;
    for (const key of [ADMIN_KEYS.connectionSave, ADMIN_KEYS.connectionTest]) {
      const a = await admin(t, key, { domain, method: 'api-token', apiToken: 'x'.repeat(42) });
      expect({ domain, key, ok: a.ok }).toEqual({ domain, key, ok: false });
    }
    expect(sb.okta.requests.length).toBe(calls);
    const r = await newAccess(t, t.w.groups.linux);
    expect(t.grant(r.grantId)).toMatchObject({ status: 'ACTIVE' }); // still connected to the real org
    await row(t, 'look-alike Okta domains', { requested: [r] });
  });
});

describe('attack suite: markup and formulas from Okta and Jira', () => {
  const HOSTILE = [
    '<img src=x onerror=alert(1)>',
    '<script>alert(1)</script>',
    '=HYPERLINK("http://evil","x")',
    ' +cmd|"/C calc"!A0',
    '\u00a0@SUM(1+1)',
    '\u00a0 -2+3',
  ];

  it('a group name, an issue summary and a display name carrying markup or formulas: inert in comments, e-mail, admin answers and the CSV', async () => {
    const t = await world();
    const { sb } = t;
    const hostileGroups = HOSTILE.map((name) => sb.okta.addGroup({ name }).id);
    for (const [i, g] of hostileGroups.entries()) await t.allowlistDirectly(g, HOSTILE[i]);
    const email = 'mallory@atko.email';
    sb.okta.addUser({ login: email, email, firstName: 'Mallory', lastName: 'M' });
    const mallory = sb.jira.addUser({ displayName: HOSTILE[2], email, timeZone: 'UTC' }).accountId;
    const raised = [];
    for (const [i, g] of hostileGroups.entries())
      raised.push(await newAccess(t, g, { reporter: mallory, summary: HOSTILE[(i + 1) % HOSTILE.length] }));
    const view = await t.raise({ accessType: 'View access' }, { reporter: mallory, summary: HOSTILE[0] });
    expect(new Set(raised.map((r) => t.grant(r.grantId)?.status))).toEqual(new Set(['ACTIVE']));

    // E-mail bodies: markup from Okta or Jira is escaped, never live.
    const mail = [...raised.map((r) => r.key), view.key].flatMap((key) => t.notifications(key));
    for (const n of mail) expect(n.htmlBody).not.toMatch(/<img|<script/i);
    expect(mail.some((n) => n.htmlBody?.includes('&lt;img src=x onerror=alert(1)&gt;'))).toBe(true);
    // Comments are ADF: the names are text nodes, so Jira renders them as text.
    for (const key of [...raised.map((r) => r.key), view.key])
      for (const c of sb.jira.comments(key)) expect(JSON.stringify(c)).not.toMatch(/"type":"(html|inlineCard)"/);
    // Admin answers carry the names as data (the page renders text, never HTML).
    const dashboard = await admin(t, ADMIN_KEYS.dashboardGet);
    expect(dashboard.ok).toBe(true);
    // The CSV: no cell a spreadsheet would run, whatever leading spaces or non-breaking spaces.
    const audit = await admin(t, ADMIN_KEYS.auditQuery, {});
    expect(audit.ok).toBe(true);
    const rows = audit.data.rows as AuditRow[];
    const cells = parseCsv(auditCsv(rows)).flat();
    expect(cells.filter((c) => /^\s*[=+\-@]/.test(c) && !/^-?\d/.test(c.trim()))).toEqual([]);
    for (const h of HOSTILE) expect(cells.some((c) => c.includes(h.trim().slice(0, 6)))).toBe(true);
    await row(t, 'markup and formulas in group names, summaries and display names', {
      requested: raised,
      otherIssues: [view.key],
    });
  });
});

describe('attack suite: secrets', () => {
  it('the Okta API token and any fragment of it are in nothing the run captured', async () => {
    const logged: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const)
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : JSON.stringify(a))).join(' '));
      });
    const t = await world();
    const { w, sb } = t;
    const token = sb.okta.apiToken;
    const answers: unknown[] = [];
    // A lifecycle with failures on the way: Okta refusing, a 401 that quotes nothing back, Jira failing.
    const r = await newAccess(t, w.groups.linux);
    sb.okta.fault({ method: 'DELETE', path: /\/users\//, status: 401, times: 3 });
    sb.jira.failNext({ method: 'POST', pathIncludes: '/comment', status: 503 });
    for (const key of Object.values(ADMIN_KEYS)) answers.push(await admin(t, key, {}));
    answers.push(await admin(t, ADMIN_KEYS.connectionTest, { domain: sb.okta.domain, method: 'api-token' }));
    answers.push(
      await admin(t, ADMIN_KEYS.connectionSave, {
        domain: 'atko.okta.com.evil.com',
        method: 'api-token',
        apiToken: token,
      }),
    );
    const extension = { issue: { id: r.id, key: r.key }, project: { key: w.projectKey } };
    for (const key of Object.values(PANEL_KEYS))
      answers.push(await sb.app.invoke(key, { grantId: r.grantId }, { accountId: w.jira.neville, extension }));
    await sb.clock.advanceTo(at('23:00:00'));
    answers.push(await admin(t, ADMIN_KEYS.connectionTest, { domain: sb.okta.domain, method: 'api-token' }));

    const captured = [
      ...logged,
      ...t
        .grants()
        .flatMap((g) => [...t.comments(g.issueKey), ...t.notifications(g.issueKey).map((n) => JSON.stringify(n))]),
      ...answers.map((a) => JSON.stringify(a)),
      ...t.audit().map((a) => JSON.stringify(a)),
      // Stored values other than secrets (keys() leaves secrets out).
      ...sb.kvs.keys().map((k) => JSON.stringify(sb.kvs.value(k))),
      ...['grant', 'audit'].flatMap((e) => sb.kvs.entity(e).map((x) => JSON.stringify(x.value))),
      ...sb.events.deliveries.map((d) => JSON.stringify(d.body)),
      ...sb.events.peek().map((e) => JSON.stringify(e.body)),
    ].join('\n');
    expect(captured.length).toBeGreaterThan(10_000); // the run did capture a lot
    // The token is where it belongs, in secret storage (the probe would be blind otherwise).
    expect(sb.kvs.secret('okta-credentials')).toEqual(expect.objectContaining({ apiToken: token }));
    const fragments = Array.from({ length: token.length - 7 }, (_, i) => token.slice(i, i + 8));
    expect(fragments.filter((f) => captured.includes(f))).toEqual([]);
    await row(t, 'secrets and fragments never captured', { requested: [r] });
  });
});
