/**
 * The audit tab on the sandbox: `admin/audit/*` through the admin page's resolver as Ada, over the
 * hash-chained trail the app's own audit log wrote into the KVS emulator, names asked of Jira. (The
 * filter form's validation and csvCell are pure: test/shared/admin-contract.test.ts.)
 */
import { auditCsv, type AuditRow } from '../../src/shared/admin-contract';
import { parseCsv } from '../support/csv';
import { KvsAuditLog } from '../../src/adapters/kvs/audit-log';
import { makeGrant, makeGroupPolicy } from '../factories/grant';
import { useWorlds } from '../integration/world';
import { adminSite } from './site';

useWorlds();

async function seeded() {
  const t = await adminSite({ now: '2026-11-22T12:00:00.000Z' });
  const { linux, windows } = t.w.groups;
  const neville = t.w.jira.neville;
  await t.config((c) => c.saveAllowlist([makeGroupPolicy({ groupId: linux })]));
  const base = { actor: 'app', requesterAccountId: neville };
  await t.appendAudit(
    {
      ...base,
      at: '2026-11-20T09:00:00.000Z',
      action: 'REQUESTED',
      issueKey: 'OPS-1',
      groupId: linux,
      grantId: 'g1',
      detail: 'Requested.',
    },
    {
      ...base,
      at: '2026-11-20T09:00:01.000Z',
      action: 'MEMBERSHIP_ADDED',
      issueKey: 'OPS-1',
      groupId: linux,
      grantId: 'g1',
      detail: 'Added, with "quotes", commas\nand a newline.',
      oktaRequestId: 'req-1',
    },
    {
      ...base,
      at: '2026-11-21T10:00:00.000Z',
      action: 'REQUESTED',
      issueKey: 'OPS-2',
      groupId: windows,
      grantId: 'g2',
      detail: '=HYPERLINK("http://evil")',
    },
    { at: '2026-11-22T10:00:00.000Z', action: 'CONFIG_CHANGED', actor: t.w.jira.ada, detail: 'Policy saved.' },
  );
  return t;
}

describe('audit', () => {
  test('filters by requester, group, issue and inclusive UTC days, with names for reading', async () => {
    const t = await seeded();
    const { linux } = t.w.groups;
    const q = async (input: object): Promise<AuditRow[]> => {
      const r = await t.admin('admin/audit/query', input);
      if (!r.ok) throw new Error(r.error.message);
      return r.data.rows;
    };
    const seqs = async (input: object) => (await q(input)).map((r) => r.seq).sort((a, b) => a - b);
    expect(await seqs({})).toEqual([1, 2, 3, 4]);
    expect(await seqs({ groupId: linux })).toEqual([1, 2]);
    expect(await seqs({ issueKey: 'ops-2' })).toEqual([3]);
    expect(await seqs({ requesterAccountId: t.w.jira.neville, fromDay: '2026-11-21', toDay: '2026-11-21' })).toEqual([
      3,
    ]);
    expect(await seqs({ fromDay: '2026-11-22' })).toEqual([4]);
    const [first] = (await q({ issueKey: 'OPS-1' })).filter((r) => r.seq === 1);
    expect(first).toMatchObject({
      actorName: 'Okta JIT Access (app)',
      requesterName: 'Neville Newadmin',
      groupName: 'PAM Linux Sysadmins',
      issueKey: 'OPS-1',
      hash: expect.any(String),
    });
    expect((await q({ fromDay: '2026-11-22' }))[0]).toMatchObject({ actor: t.w.jira.ada, actorName: 'Ada Admin' });
  });

  test('rows come newest first, as the real audit log returns them', async () => {
    // The in-memory fake returned them oldest first; the KVS audit log (and so the admin page) does not.
    const t = await seeded();
    const r = await t.admin('admin/audit/query', {});
    expect(r.data.rows.map((row: AuditRow) => row.seq)).toEqual([4, 3, 2, 1]);
  });

  test('a crafted or stale cursor is no error: the list starts again, and says so', async () => {
    const t = await seeded();
    const first = await t.admin('admin/audit/query', {});
    expect(first.data.restarted).toBeUndefined();
    for (const cursor of ['not-a-cursor', Buffer.from('{"i":"other-index","k":"x"}').toString('base64url'), 'e30']) {
      const r = await t.admin('admin/audit/query', { cursor });
      expect(r).toMatchObject({
        ok: true,
        data: { restarted: expect.stringContaining('starts again from the newest entry') },
      });
      expect(r.data.rows.map((row: AuditRow) => row.seq)).toEqual([4, 3, 2, 1]);
    }
  });

  test('filter choices: recent requesters by name and the allowlisted groups', async () => {
    const t = await seeded();
    const { linux, windows } = t.w.groups;
    const neville = t.w.jira.neville;
    await t.putGrants(
      makeGrant({ id: 'g1', requestedAt: '2026-11-20T09:00:00.000Z', requesterAccountId: neville, groupId: linux }),
      makeGrant({ id: 'g2', requestedAt: '2026-11-21T09:00:00.000Z', requesterAccountId: neville, groupId: windows }),
    );
    expect(await t.admin('admin/audit/options')).toEqual({
      ok: true,
      data: {
        requesters: [{ accountId: neville, name: 'Neville Newadmin' }],
        groups: [
          // Not on the allowlist: said so, by the end of its id, never the raw Okta id (issue 13 §2).
          { groupId: windows, name: `A group not on the allowlist (id ending ${windows.slice(-4)})` },
          { groupId: linux, name: 'PAM Linux Sysadmins' },
        ],
      },
    });
  });

  test('a detail for the page: names and UTC times, Okta detail apart; the stored detail (the CSV) unchanged', async () => {
    const t = await seeded();
    const { linux } = t.w.groups;
    const alice = t.w.jira.alice;
    const failed = `Okta refused the change: Okta refused DELETE /api/v1/groups/${linux}/users/00uNEVILLENEVILLE012 (HTTP 403 E0000006). Removal of ${linux} asked by ${alice} at 2026-11-22T11:00:00.000Z.`;
    await t.appendAudit({
      actor: 'app',
      at: '2026-11-22T11:00:01.000Z',
      action: 'FAILED',
      issueKey: 'OPS-3',
      groupId: linux,
      grantId: 'g3',
      detail: failed,
    });
    const r = await t.admin('admin/audit/query', { issueKey: 'OPS-3' });
    if (!r.ok) throw new Error(r.error.message);
    const [row] = r.data.rows as AuditRow[];
    expect(row.detail).toBe(failed);
    expect(row.detailWords).toBe(
      'Okta refused the change. Removal of "PAM Linux Sysadmins" asked by Alice Approver at 22\u00a0Nov\u00a011:00.',
    );
    expect(row.detailTechnical).toContain(
      `DELETE /api/v1/groups/${linux}/users/00uNEVILLENEVILLE012 (HTTP 403 E0000006)`,
    );
    expect(auditCsv([row])).toContain('/api/v1/groups/');
  });

  test('CSV: exactly the rows given, escaped, formulas defused, and it reads back the same', async () => {
    const t = await seeded();
    const { linux } = t.w.groups;
    const r = await t.admin('admin/audit/query', {});
    if (!r.ok) throw new Error(r.error.message);
    const rows: AuditRow[] = r.data.rows
      .filter((row: AuditRow) => row.seq === 2 || row.seq === 3)
      .sort((a: AuditRow, b: AuditRow) => a.seq - b.seq);
    const csv = auditCsv(rows);
    expect(csv.endsWith('\r\n')).toBe(true);
    const parsed = parseCsv(csv);
    expect(parsed).toHaveLength(3);
    expect(parsed[0].slice(0, 4)).toEqual(['Seq', 'Time (UTC)', 'Action', 'Actor']);
    expect(parsed[1]).toEqual([
      '2',
      '2026-11-20T09:00:01.000Z',
      'MEMBERSHIP_ADDED',
      'Okta JIT Access (app)',
      'app',
      'Neville Newadmin',
      t.w.jira.neville,
      'PAM Linux Sysadmins',
      linux,
      'OPS-1',
      'Added, with "quotes", commas\nand a newline.',
      'req-1',
      rows[0].hash,
    ]);
    expect(parsed[2][10]).toBe('\'=HYPERLINK("http://evil")');
  });
});

describe('entries not yet sequenced (ADR 0019)', () => {
  test('are listed by time, marked pending on the page and in the CSV, and outside the verified chain', async () => {
    const t = await seeded();
    // Written as the app writes them, but no sequencer run yet.
    await t.sb.app.run(async () => {
      const log = new KvsAuditLog();
      await log.append({ at: '2026-11-22T11:00:00.000Z', action: 'VIEWED', actor: t.w.jira.ada, detail: 'Looked.' });
    });
    const r = await t.admin('admin/audit/query', {});
    if (!r.ok) throw new Error(r.error.message);
    expect(r.data.rows.map((row: AuditRow) => [row.seq, row.pending ?? false])).toEqual([
      [0, true],
      [4, false],
      [3, false],
      [2, false],
      [1, false],
    ]);
    const csv = parseCsv(auditCsv(r.data.rows.slice(0, 1)));
    expect(csv[1][0]).toBe('pending');
    expect(csv[1].at(-1)).toBe('');
    expect(await t.admin('admin/audit/verify')).toMatchObject({ ok: true, data: { intact: true, entries: 4 } });
  });
});

describe('audit chain verification', () => {
  it('says the trail is intact, and names the first entry when one was altered', async () => {
    const t = await adminSite();
    for (const action of ['REQUESTED', 'ACTIVE', 'ENDED'] as const) {
      await t.appendAudit({ at: '2026-11-22T09:00:00.000Z', action, actor: 'app', detail: action });
    }
    expect(await t.admin('admin/audit/verify')).toMatchObject({ ok: true, data: { intact: true, entries: 3 } });
    // Someone edits the second entry in storage.
    const second = t.sb.kvs.entity('audit')[1];
    const tampered = { ...second.value, doc: { ...(second.value.doc as object), detail: 'edited afterwards' } };
    expect(
      t.sb.kvs.handle('/api/v1/entity/set', { entityName: 'audit', key: second.key, value: tampered }).status,
    ).toBe(204);
    expect(await t.admin('admin/audit/verify')).toMatchObject({
      ok: true,
      data: { intact: false, brokenAt: 2, message: expect.stringMatching(/#2/) },
    });
  });
});
