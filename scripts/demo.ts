/**
 * `npm run demo` — the canonical story of product.md section 7, played on the sandbox with a virtual
 * clock: about 21 hours pass in seconds. Prints a readable timeline (or one JSON document with
 * `--json`) and exits non-zero if the story does not end as written.
 */
import { createSandbox, type Sandbox } from '../sandbox';
import { seedDemo, type DemoWorld } from '../sandbox/seed';
import { KvsAuditLog } from '../src/adapters/kvs/audit-log';
import { KvsGrantStore } from '../src/adapters/kvs/grant-store';
import type { AuditEntry } from '../src/app/ports';
import type { Grant } from '../src/domain/grant';
import { closeLinuxReview, reviewTimeline, verifyReview } from './demo/break-glass';
import { playChangeWindow, verifyChangeWindow } from './demo/change-window';

interface TimelineEntry {
  at: string;
  kind: 'issue' | 'comment' | 'okta' | 'transition' | 'email';
  text: string;
  ref?: string;
}

const MIN = 60_000;

export async function playCanonicalStory(sb: Sandbox) {
  // Emergency grants open a review issue (ADR 0027): the Linux one is reviewed below.
  const w: DemoWorld = await seedDemo(sb, { closeOutTransitionName: 'Done', breakGlassReview: true });
  const raised: TimelineEntry[] = [];
  const raise = async (summary: string, fields: Record<string, string>) => {
    const { key } = await sb.jira.createIssue({ projectKey: w.projectKey, summary, reporter: w.jira.neville, fields });
    raised.push({
      at: sb.clock.now(),
      kind: 'issue',
      ref: key,
      text: `Neville raises ${key} "${summary}" (${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')})`,
    });
    return key;
  };

  // The evening before: an emergency on the databases, long over by morning ("an old one, done").
  await raise('Emergency DB fix', { changeType: 'Emergency', accessType: 'New access', adminGroup: w.groups.database });
  await sb.clock.advanceTo('2026-11-22T08:00:00.000Z');
  // 08:00 a standard change on Windows: 12 hours.
  await raise('Patch Windows jump hosts', {
    changeType: 'Standard',
    accessType: 'New access',
    adminGroup: w.groups.windows,
  });
  await sb.clock.advance(60 * MIN);
  // 09:00 the story starts: urgent Linux work.
  const linuxKey = await raise('Urgent Linux work', {
    changeType: 'Emergency',
    accessType: 'New access',
    adminGroup: w.groups.linux,
  });
  // 09:00 too: a database change planned for 14:00-15:00, approved ahead (scripts/demo/change-window.ts).
  const windowKey = await playChangeWindow(sb, w, raise);
  // An hour before the end (13:00) he is reminded; at 12:10 he looks at his grants.
  await sb.clock.advanceTo('2026-11-22T12:10:00.000Z');
  const viewKey = await raise('What access do I have?', { accessType: 'View access' });
  await sb.clock.advance(10 * MIN);
  const extendKey = await raise('Need more time on Linux', {
    changeType: 'Emergency',
    accessType: 'Extend access',
    adminGroup: w.groups.linux,
  });
  // Past the new end (12:20 + 4 h = 16:20) by a few minutes.
  await sb.clock.advanceTo('2026-11-22T16:25:00.000Z');
  // 16:30 Neville tries to close the review of his own break-glass access (refused); Ada resolves it at 17:00.
  await sb.clock.advanceTo('2026-11-22T16:30:00.000Z');
  const reviewKey = await closeLinuxReview(sb, w, linuxKey);
  // A minute on, the audit sequencer has linked the last entries into the hash chain (ADR 0019).
  await sb.clock.advance(MIN);

  return { world: w, keys: { linuxKey, viewKey, extendKey, reviewKey, windowKey }, raised };
}

export async function collectStory(sb: Sandbox, story: Awaited<ReturnType<typeof playCanonicalStory>>) {
  const { world: w } = story;
  const { grants, audit } = await sb.app.run(async () => {
    const store = new KvsGrantStore();
    const log = new KvsAuditLog();
    const all: AuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await log.query({
        from: '2000-01-01T00:00:00.000Z',
        to: '2100-01-01T00:00:00.000Z',
        limit: 100,
        cursor,
      });
      all.push(...page.entries);
      cursor = page.cursor;
    } while (cursor);
    return { grants: await store.listByRequester(w.jira.neville), audit: all.sort((a, b) => a.seq - b.seq) };
  });
  const groupName = (id: string) =>
    Object.entries({
      'PAM Linux Sysadmins': w.groups.linux,
      'PAM Windows Admins': w.groups.windows,
      'PAM Database Admins': w.groups.database,
    }).find(([, v]) => v === id)?.[0] ?? id;
  const timeline: TimelineEntry[] = [...story.raised, ...reviewTimeline(sb, story.keys.reviewKey)];
  const keys = [...new Set(story.raised.map((r) => r.ref!))];
  for (const key of keys) {
    for (const c of sb.jira.comments(key))
      timeline.push({
        at: c.created,
        kind: 'comment',
        ref: key,
        text: `comment on ${key}: ${c.text.replace(/\s+/g, ' ').trim()}`,
      });
    for (const n of sb.jira.notifications(key))
      timeline.push({
        at: n.at ?? sb.clock.now(),
        kind: 'email',
        ref: key,
        text: `email to Neville via Jira: "${n.subject}"`,
      });
  }
  for (const e of sb.jira.events) {
    const status = e.changelog?.items?.find((i) => i.field === 'status');
    if (status && e.selfGenerated)
      timeline.push({
        at: e.timestamp ? new Date(e.timestamp).toISOString() : sb.clock.now(),
        kind: 'transition',
        ref: e.issue.key,
        text: `${e.issue.key} moved ${status.fromString} -> ${status.toString} by the app`,
      });
  }
  for (const r of sb.okta.requests) {
    const m = /^\/api\/v1\/groups\/([^/]+)\/users\/([^/]+)$/.exec(r.path);
    if (!m || (r.method !== 'PUT' && r.method !== 'DELETE')) continue;
    timeline.push({
      at: new Date(r.at).toISOString(),
      kind: 'okta',
      text: `Okta ${r.method === 'PUT' ? 'adds' : 'removes'} ${m[2]} ${r.method === 'PUT' ? 'to' : 'from'} ${groupName(m[1])} (HTTP ${r.status}, request id ${r.requestId})`,
    });
  }
  // Within one virtual instant, show cause before effect.
  const order: Record<TimelineEntry['kind'], number> = { issue: 0, okta: 1, comment: 2, email: 3, transition: 4 };
  timeline.sort((a, b) => a.at.localeCompare(b.at) || order[a.kind] - order[b.kind]);
  const members = {
    'PAM Linux Sysadmins': sb.okta.members(w.groups.linux),
    'PAM Windows Admins': sb.okta.members(w.groups.windows),
    'PAM Database Admins': sb.okta.members(w.groups.database),
  };
  return {
    timeline,
    grants: grants.map((g: Grant) => ({ ...g, groupName: groupName(g.groupId) })),
    oktaMembers: members,
    audit,
  };
}

/** The story's promises, each checked against what the emulators and the audit trail recorded. */
export function verifyStory(
  w: DemoWorld,
  keys: { linuxKey: string; windowKey?: string },
  r: Awaited<ReturnType<typeof collectStory>>,
  sb: Sandbox,
): string[] {
  const problems: string[] = [];
  const linuxWrites = sb.okta.requests.filter(
    (q) => q.path === `/api/v1/groups/${w.groups.linux}/users/${w.okta.neville}` && q.status === 204,
  );
  if (linuxWrites.filter((q) => q.method === 'PUT').length !== 1)
    problems.push('expected exactly one membership add for PAM Linux Sysadmins');
  if (linuxWrites.filter((q) => q.method === 'DELETE').length !== 1)
    problems.push('expected exactly one membership removal for PAM Linux Sysadmins');
  if (r.oktaMembers['PAM Linux Sysadmins'].includes(w.okta.neville))
    problems.push('Neville is still in PAM Linux Sysadmins');
  if (!r.oktaMembers['PAM Windows Admins'].includes(w.okta.neville))
    problems.push('Neville should still be in PAM Windows Admins until 20:00');
  const linux = r.grants.find((g) => g.issueKey === keys.linuxKey);
  if (!linux || linux.status !== 'EXPIRED' || linux.extensions !== 1)
    problems.push(
      `the Linux grant should be EXPIRED after one extension (is ${linux?.status}, ${linux?.extensions} extensions)`,
    );
  if (linux && Date.parse(linux.endedAt!) - Date.parse(linux.endsAt!) >= 60_000)
    problems.push(
      `revocation lag ${(Date.parse(linux.endedAt!) - Date.parse(linux.endsAt!)) / 1000}s is not under 60 s`,
    );
  const reminders = r.audit.filter((a) => a.action === 'REMINDED' && a.grantId === linux?.id);
  if (reminders.length === 0 || Date.parse(reminders[0].at) > Date.parse('2026-11-22T13:00:00Z'))
    problems.push('no reminder before the original end');
  if (sb.jira.issue(keys.linuxKey).status !== 'Done') problems.push(`${keys.linuxKey} was not transitioned to Done`);
  for (const a of r.audit.filter((x) => x.action === 'MEMBERSHIP_ADDED' || x.action === 'MEMBERSHIP_REMOVED')) {
    if (!a.oktaRequestId) problems.push(`audit entry ${a.seq} (${a.action}) has no Okta request id`);
  }
  const steps = new Set(r.audit.filter((a) => a.grantId === linux?.id).map((a) => a.action));
  for (const s of [
    'REQUESTED',
    'GRANT_STARTED',
    'MEMBERSHIP_ADDED',
    'ACTIVE',
    'REMINDED',
    'EXTENDED',
    'REVOKE_STARTED',
    'MEMBERSHIP_REMOVED',
    'ENDED',
  ] as const) {
    if (!steps.has(s)) problems.push(`the audit trail has no ${s} entry for the Linux grant`);
  }
  problems.push(...verifyReview(sb, w, linux, keys.linuxKey, r.audit));
  problems.push(...verifyChangeWindow(w, keys.windowKey, r, sb));
  if (sb.okta.violations.length > 0)
    problems.push(`the app sent ${sb.okta.violations.length} request(s) Okta's API does not define`);
  if (sb.jira.specViolations.length > 0)
    problems.push(
      `${sb.jira.specViolations.length} Jira request(s) or response(s) outside Jira's published API: ${JSON.stringify(sb.jira.specViolations.slice(0, 3))}`,
    );
  return problems;
}

async function main() {
  const json = process.argv.includes('--json');
  // The app's own logs (what `forge logs` would show) go to stderr with --verbose, else nowhere, so
  // stdout stays the story (and valid JSON with --json).
  const appLog = process.argv.includes('--verbose')
    ? (...a: unknown[]) => process.stderr.write(`${a.map(String).join(' ')}\n`)
    : () => {};
  console.info = appLog;
  console.warn = appLog;
  const sb = await createSandbox({ now: '2026-11-21T20:00:00.000Z' });
  try {
    const story = await playCanonicalStory(sb);
    const result = await collectStory(sb, story);
    const problems = verifyStory(story.world, story.keys, result, sb);
    if (json) {
      process.stdout.write(`${JSON.stringify({ ...result, problems }, null, 2)}\n`);
    } else {
      console.log('Okta JIT Access for Jira: the canonical story (virtual time, UTC)\n');
      for (const t of result.timeline)
        console.log(`${t.at.slice(5, 16).replace('T', ' ')}  ${t.kind.padEnd(10)} ${t.text}`);
      console.log('\nGrants:');
      for (const g of result.grants)
        console.log(
          `  ${g.issueKey.padEnd(7)} ${g.groupName.padEnd(22)} ${g.status.padEnd(8)} ${g.startedAt ?? '-'} -> ${g.endedAt ?? g.endsAt ?? '-'}`,
        );
      console.log('\nOkta group members now:');
      for (const [name, ids] of Object.entries(result.oktaMembers))
        console.log(`  ${name.padEnd(22)} ${ids.length ? ids.join(', ') : '(nobody)'}`);
      console.log(`\nAudit trail (${result.audit.length} entries, hash-chained):`);
      for (const a of result.audit)
        console.log(
          `  #${String(a.seq).padStart(3)} ${a.at.slice(5, 16).replace('T', ' ')} ${a.action.padEnd(22)} ${(a.issueKey ?? '').padEnd(7)} ${a.oktaRequestId ? `okta:${a.oktaRequestId} ` : ''}${a.detail}`,
        );
      console.log(
        problems.length === 0
          ? '\nThe story ended as written.'
          : `\nThe story did NOT end as written:\n - ${problems.join('\n - ')}`,
      );
    }
    process.exitCode = problems.length === 0 ? 0 : 1;
  } finally {
    await sb.close();
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exit(2);
  });
}
