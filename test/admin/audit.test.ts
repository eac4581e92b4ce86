import { auditOptions, queryAudit } from '../../src/app/admin/audit';
import { AuditQueryInput, auditCsv, csvCell, fieldErrors, type AuditRow } from '../../src/shared/admin-contract';
import { parseCsv } from '../support/csv';
import { makeGrant, makeGroupPolicy } from '../factories/grant';
import { ADMIN, adminWorld, G, USER } from './fakes';

async function seeded() {
  const w = adminWorld('2026-11-22T12:00:00.000Z');
  w.config.allowlist = [makeGroupPolicy({ groupId: G.linux })];
  const base = { actor: 'app', requesterAccountId: USER };
  await w.audit.append({ ...base, at: '2026-11-20T09:00:00.000Z', action: 'REQUESTED', issueKey: 'OPS-1', groupId: G.linux, grantId: 'g1', detail: 'Requested.' });
  await w.audit.append({ ...base, at: '2026-11-20T09:00:01.000Z', action: 'MEMBERSHIP_ADDED', issueKey: 'OPS-1', groupId: G.linux, grantId: 'g1', detail: 'Added, with "quotes", commas\nand a newline.', oktaRequestId: 'req-1' });
  await w.audit.append({ ...base, at: '2026-11-21T10:00:00.000Z', action: 'REQUESTED', issueKey: 'OPS-2', groupId: G.windows, grantId: 'g2', detail: '=HYPERLINK("http://evil")' });
  await w.audit.append({ at: '2026-11-22T10:00:00.000Z', action: 'CONFIG_CHANGED', actor: ADMIN, detail: 'Policy saved.' });
  return w;
}

describe('audit', () => {
  test('filters by requester, group, issue and inclusive UTC days, with names for reading', async () => {
    const w = await seeded();
    const q = async (input: unknown) => { const r = await queryAudit(w.app, AuditQueryInput.parse(input)); if (!r.ok) throw new Error(r.message); return r.data.rows; };
    expect((await q({})).map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect((await q({ groupId: G.linux })).map((r) => r.seq)).toEqual([1, 2]);
    expect((await q({ issueKey: 'ops-2' })).map((r) => r.seq)).toEqual([3]);
    expect((await q({ requesterAccountId: USER, fromDay: '2026-11-21', toDay: '2026-11-21' })).map((r) => r.seq)).toEqual([3]);
    expect((await q({ fromDay: '2026-11-22' })).map((r) => r.seq)).toEqual([4]);
    const [first] = await q({ issueKey: 'OPS-1' });
    expect(first).toMatchObject({ actorName: 'Okta JIT Access (app)', requesterName: 'Neville Newadmin', groupName: 'PAM Linux Sysadmins', issueKey: 'OPS-1', hash: expect.any(String) });
    expect((await q({ fromDay: '2026-11-22' }))[0]).toMatchObject({ actor: ADMIN, actorName: 'Ada Admin' });
  });

  test.each([
    [{ fromDay: '2026-11-23', toDay: '2026-11-22' }, 'toDay', /before the start/],
    [{ fromDay: '22/11/2026' }, 'fromDay', /date like/],
    [{ issueKey: 'not a key' }, 'issueKey', /OPS-123/],
    [{ groupId: 'x' }, 'groupId', /Okta group id/],
  ])('refuses filter %j on %s', (input, field, message) => {
    const r = AuditQueryInput.safeParse(input);
    expect(fieldErrors(r.error!)[field]).toMatch(message);
  });

  test('filter choices: recent requesters by name and the allowlisted groups', async () => {
    const w = await seeded();
    await w.grants.create(makeGrant({ id: 'g1', requestedAt: '2026-11-20T09:00:00.000Z' }));
    await w.grants.create(makeGrant({ id: 'g2', requestedAt: '2026-11-21T09:00:00.000Z', groupId: G.windows }));
    expect(await auditOptions(w.app)).toEqual({ ok: true, data: {
      requesters: [{ accountId: 'acc-neville', name: 'Neville Newadmin' }],
      groups: [{ groupId: G.windows, name: G.windows }, { groupId: G.linux, name: 'PAM Linux Sysadmins' }],
    } });
  });

  test('CSV: exactly the rows given, escaped, formulas defused, and it reads back the same', async () => {
    const w = await seeded();
    const r = await queryAudit(w.app, AuditQueryInput.parse({}));
    if (!r.ok) throw new Error(r.message);
    const rows: AuditRow[] = r.data.rows.slice(1, 3);
    const csv = auditCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    const parsed = parseCsv(csv);
    expect(parsed).toHaveLength(3);
    expect(parsed[0].slice(0, 4)).toEqual(['Seq', 'Time (UTC)', 'Action', 'Actor']);
    expect(parsed[1]).toEqual(['2', '2026-11-20T09:00:01.000Z', 'MEMBERSHIP_ADDED', 'Okta JIT Access (app)', 'app', 'Neville Newadmin', USER, 'PAM Linux Sysadmins', G.linux, 'OPS-1', 'Added, with "quotes", commas\nand a newline.', 'req-1', rows[0].hash]);
    expect(parsed[2][10]).toBe('\'=HYPERLINK("http://evil")');
  });

  test.each([
    ['=1+1', "'=1+1"], ['+1', "'+1"], ['-1', "'-1"], ['@SUM(A1)', "'@SUM(A1)"], ['\tx', "'\tx"],
    ['a,b', '"a,b"'], ['say "hi"', '"say ""hi"""'], ['line\nbreak', '"line\nbreak"'], ['plain', 'plain'], [undefined, ''],
  ])('csvCell(%j) = %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  test('a number is not mistaken for a formula', () => {
    expect(csvCell(-3)).toBe('-3');
  });
});

describe('audit chain verification', () => {
  it('says the trail is intact, and names the first entry when one was altered', async () => {
    const { verifyAudit } = await import('../../src/app/admin/audit');
    const { MemoryAuditLog } = await import('../fakes');
    const audit = new MemoryAuditLog();
    for (const action of ['REQUESTED', 'ACTIVE', 'ENDED'] as const) {
      await audit.append({ at: '2026-11-22T09:00:00.000Z', action, actor: 'app', detail: action });
    }
    expect(await verifyAudit({ audit })).toMatchObject({ ok: true, data: { intact: true, entries: 3 } });
    audit.entries[1] = { ...audit.entries[1], detail: 'edited afterwards' };
    expect(await verifyAudit({ audit })).toMatchObject({ ok: true, data: { intact: false, brokenAt: 2, message: expect.stringMatching(/#2/) } });
  });
});
