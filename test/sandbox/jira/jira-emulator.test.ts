import { JiraEmulator, FIELD_IDS, validateAdf } from '../../../sandbox/jira/jira-emulator';

const APP_ID = 'app-1111';
const ENV_ID = 'env-2222';

function setup() {
  let t = Date.parse('2026-11-22T09:00:00Z');
  const events: unknown[] = [];
  const jira = new JiraEmulator({
    now: () => new Date(t).toISOString(),
    appId: APP_ID,
    environmentId: ENV_ID,
    siteUrl: 'https://x.atlassian.net',
    onEvent: (e) => events.push(e),
  });
  const advance = (ms: number) => {
    t += ms;
  };
  const nev = jira.addUser({ displayName: 'Neville Newadmin', email: 'neville.newadmin@atko.email' });
  const ada = jira.addUser({
    displayName: 'Ada Approver',
    admin: true,
    emailVisible: false,
    email: 'ada@atko.email',
    timeZone: 'Europe/Berlin',
  });
  jira.addProject({ key: 'ACC', name: 'Access Requests' });
  return { jira, nev, ada, events, advance };
}

describe('JiraEmulator driver and events', () => {
  it('creates an issue and emits a created event without custom-field values', () => {
    const { jira, nev, events } = setup();
    const { key, event } = jira.createIssue({
      projectKey: 'ACC',
      summary: 'Linux',
      reporter: nev.accountId,
      fields: { changeType: 'Emergency', accessType: 'New access', adminGroup: '00g1' },
    });
    expect(key).toBe('ACC-1');
    expect(event).toMatchObject({
      eventType: 'avi:jira:created:issue',
      selfGenerated: false,
      atlassianId: nev.accountId,
      issue: { key: 'ACC-1', fields: { status: { name: 'To Do' }, reporter: { accountId: nev.accountId } } },
    });
    expect(Object.keys(event.issue.fields).sort()).toEqual([
      'assignee',
      'created',
      'creator',
      'issuetype',
      'project',
      'reporter',
      'status',
      'summary',
      'updated',
    ]);
    expect(JSON.stringify(event)).not.toContain('New access');
    expect(events).toHaveLength(1);
    expect(jira.issue(key)).toMatchObject({
      status: 'To Do',
      fields: { changeType: 'Emergency', accessType: 'New access', adminGroup: '00g1' },
    });
  });

  it('transition and updateFields record changelog items and events; impossible moves return undefined', () => {
    const { jira, nev, ada } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const e = jira.transition(key, 'Approved', ada.accountId)!;
    expect(e.changelog!.items).toEqual([
      {
        field: 'status',
        fieldtype: 'jira',
        fieldId: 'status',
        from: '10000',
        fromString: 'To Do',
        to: '10001',
        toString: 'Approved',
      },
    ]);
    expect(jira.transition(key, 'In Progress', ada.accountId)).toBeUndefined();
    const u = jira.updateFields(key, { changeType: 'Standard' }, nev.accountId)!;
    expect(u.changelog!.items[0]).toMatchObject({
      field: 'Change type',
      fieldtype: 'custom',
      fieldId: FIELD_IDS.changeType,
      toString: 'Standard',
    });
    expect(jira.updateFields(key, { changeType: 'Standard' }, nev.accountId)).toBeUndefined();
    expect(() => jira.updateFields(key, { changeType: 'Bogus' }, nev.accountId)).toThrow(/not an option/);
  });
});

describe('JiraEmulator REST', () => {
  it('serves fields with the app extension ARIs', () => {
    const { jira } = setup();
    const r = jira.handle({ method: 'GET', path: '/rest/api/3/field' });
    const fields = r.body as Array<{ id: string; name: string; schema: { custom?: string } }>;
    expect(
      fields.find((f) => f.schema.custom === `ari:cloud:ecosystem::extension/${APP_ID}/${ENV_ID}/static/access-type`)
        ?.id,
    ).toBe(FIELD_IDS.accessType);
    expect(fields.find((f) => f.name === 'Change type')?.schema).toMatchObject({ type: 'option' });
  });

  it('GET issue honours ?fields and renders select and string values', () => {
    const { jira, nev } = setup();
    const { key } = jira.createIssue({
      projectKey: 'ACC',
      summary: 's',
      reporter: nev.accountId,
      fields: { changeType: 'Normal', accessType: 'View access' },
    });
    const r = jira.handle({
      method: 'GET',
      path: `/rest/api/3/issue/${key}?fields=status%2C${FIELD_IDS.changeType},${FIELD_IDS.accessType},${FIELD_IDS.adminGroup}`,
    });
    expect(r.status).toBe(200);
    const f = (r.body as { fields: Record<string, unknown> }).fields;
    expect(Object.keys(f).sort()).toEqual(
      [FIELD_IDS.changeType, FIELD_IDS.accessType, FIELD_IDS.adminGroup, 'status'].sort(),
    );
    expect(f[FIELD_IDS.changeType]).toMatchObject({ value: 'Normal' });
    expect(f[FIELD_IDS.accessType]).toBe('View access');
    expect(f[FIELD_IDS.adminGroup]).toBeNull();
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/issue/ACC-99' })).toMatchObject({
      status: 404,
      body: { errorMessages: [expect.any(String)], errors: {} },
    });
  });

  it('hides a non-visible email and answers 404 for unknown users', () => {
    const { jira, ada } = setup();
    const u = jira.handle({ method: 'GET', path: `/rest/api/3/user?accountId=${encodeURIComponent(ada.accountId)}` });
    expect(u.body).toMatchObject({ accountId: ada.accountId, timeZone: 'Europe/Berlin' });
    expect(u.body).not.toHaveProperty('emailAddress');
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/user?accountId=nobody' }).status).toBe(404);
  });

  it('validates comment ADF and renders text', () => {
    const { jira, nev, ada } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const bad = jira.handle({ method: 'POST', path: `/rest/api/3/issue/${key}/comment`, body: { body: 'plain text' } });
    expect(bad.status).toBe(400);
    const wrongNode = jira.handle({
      method: 'POST',
      path: `/rest/api/3/issue/${key}/comment`,
      body: { body: { type: 'doc', version: 1, content: [{ type: 'text', text: 'x' }] } },
    });
    expect(wrongNode.status).toBe(400);
    const ok = jira.handle({
      method: 'POST',
      path: `/rest/api/3/issue/${key}/comment`,
      body: {
        body: {
          type: 'doc',
          version: 1,
          content: [
            {
              type: 'paragraph',
              content: [
                { type: 'mention', attrs: { id: ada.accountId } },
                { type: 'text', text: ' hi' },
              ],
            },
          ],
        },
      },
    });
    expect(ok.status).toBe(201);
    expect(jira.comments(key)[0]).toMatchObject({ text: '@Ada Approver hi', author: jira.appUser.accountId });
    expect(
      validateAdf({
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'table',
            content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [{ type: 'text', text: 'x' }] }] }],
          },
        ],
      }),
    ).toMatch(/not allowed/);
  });

  it('lists and performs transitions; app writes are selfGenerated', () => {
    const { jira, nev } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    const list = jira.handle({ method: 'GET', path: `/rest/api/3/issue/${key}/transitions` }).body as {
      transitions: Array<{ name: string }>;
    };
    expect(list.transitions.map((t) => t.name)).toEqual(['Start', 'Approve', 'Done']);
    expect(
      jira.handle({ method: 'POST', path: `/rest/api/3/issue/${key}/transitions`, body: { transition: { id: '41' } } })
        .status,
    ).toBe(400);
    expect(
      jira.handle({ method: 'POST', path: `/rest/api/3/issue/${key}/transitions`, body: { transition: { id: '31' } } })
        .status,
    ).toBe(204);
    expect(jira.issue(key).status).toBe('Done');
    expect(jira.events.at(-1)).toMatchObject({ selfGenerated: true, atlassianId: jira.appUser.accountId });
    jira.handle({
      method: 'POST',
      path: `/rest/api/3/issue/${key}/transitions`,
      body: { transition: { id: '41' } },
      asAccountId: nev.accountId,
    });
    expect(jira.events.at(-1)).toMatchObject({ selfGenerated: false, atlassianId: nev.accountId });
  });

  it('changelog pages with author and items', () => {
    const { jira, nev, ada } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    jira.transition(key, 'In Progress', nev.accountId);
    jira.transition(key, 'Approved', ada.accountId);
    const p1 = jira.handle({ method: 'GET', path: `/rest/api/3/issue/${key}/changelog?maxResults=1` }).body;
    expect(p1).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    const p2 = jira.handle({ method: 'GET', path: `/rest/api/3/issue/${key}/changelog?startAt=1&maxResults=1` }).body;
    expect(p2).toMatchObject({
      isLast: true,
      values: [{ author: { accountId: ada.accountId }, items: [{ field: 'status', toString: 'Approved' }] }],
    });
  });

  it('notify validates recipients and records the notification', () => {
    const { jira, nev } = setup();
    const { key } = jira.createIssue({ projectKey: 'ACC', summary: 's', reporter: nev.accountId });
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', textBody: 't', to: {} },
      }).status,
    ).toBe(400);
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', to: { reporter: true } },
      }).status,
    ).toBe(400);
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', textBody: 't', to: { users: [{ accountId: 'ghost' }] } },
      }).status,
    ).toBe(400);
    expect(
      jira.handle({
        method: 'POST',
        path: `/rest/api/3/issue/${key}/notify`,
        body: { subject: 's', textBody: 't', to: { users: [{ accountId: nev.accountId }] } },
      }).status,
    ).toBe(204);
    expect(jira.notifications(key)).toEqual([
      expect.objectContaining({ subject: 's', textBody: 't', to: [nev.accountId] }),
    ]);
  });

  it('mypermissions answers for the calling user; myself as user; unknown routes are recorded', () => {
    const { jira, nev, ada } = setup();
    const perm = (as?: string) =>
      (
        jira.handle({ method: 'GET', path: '/rest/api/3/mypermissions?permissions=ADMINISTER', asAccountId: as })
          .body as { permissions: { ADMINISTER: { havePermission: boolean } } }
      ).permissions.ADMINISTER.havePermission;
    expect(perm(ada.accountId)).toBe(true);
    expect(perm(nev.accountId)).toBe(false);
    expect(perm(undefined)).toBe(true); // the app user is in atlassian-addons-admin
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/mypermissions' }).status).toBe(400);
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/myself', asAccountId: nev.accountId }).body).toMatchObject({
      accountId: nev.accountId,
    });
    expect(jira.handle({ method: 'GET', path: '/rest/api/3/myself', asAccountId: 'ghost' }).status).toBe(401);
    expect(jira.unhandled).toEqual([]);
    expect(jira.handle({ method: 'DELETE', path: '/rest/api/3/issue/ACC-1' })).toMatchObject({
      status: 404,
      body: { errorMessages: [expect.any(String)], errors: {} },
    });
    expect(jira.unhandled).toEqual(['DELETE /rest/api/3/issue/ACC-1']);
  });
});
