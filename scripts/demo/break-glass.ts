/**
 * The demo's break-glass review (issue 14 §4, ADR 0027): the Linux grant is an emergency grant, so the
 * app opens its review in the Security Reviews project. After access ends, Neville tries to close his
 * own review (refused, re-opened), then Ada, the reviewer, resolves it.
 */
import type { Sandbox } from '../../sandbox';
import { REVIEW_PROJECT, type DemoWorld } from '../../sandbox/seed';
import type { AuditEntry } from '../../src/app/ports';

const MIN = 60_000;

/** The review issue of the request `requestKey` (the one linked to it), if the app opened one. */
export function reviewOf(sb: Sandbox, requestKey: string): string | undefined {
  return sb.jira
    .issuesOf(REVIEW_PROJECT)
    .find((k) => sb.jira.issueExtras(k).links.some((l) => l.outward === requestKey));
}

/** Neville closes his own review (refused), then Ada resolves it. */
export async function closeLinuxReview(sb: Sandbox, w: DemoWorld, linuxKey: string): Promise<string | undefined> {
  const review = reviewOf(sb, linuxKey);
  if (!review) return undefined;
  await sb.jira.transition(review, 'Done', w.jira.neville);
  await sb.clock.advance(30 * MIN);
  await sb.jira.transition(review, 'Done', w.jira.ada);
  return review;
}

/** What the timeline shows of the review: its creation, its comments and the people's moves. */
export function reviewTimeline(sb: Sandbox, review: string | undefined) {
  if (!review) return [];
  const out: Array<{ at: string; kind: 'issue' | 'comment' | 'transition'; ref: string; text: string }> = [];
  const issue = sb.jira.issue(review);
  const extras = sb.jira.issueExtras(review);
  out.push({
    at: issue.created,
    kind: 'issue',
    ref: review,
    text: `the app opens ${review} "${issue.summary}" (due ${extras.dueDate}, assigned to ${sb.jira.user(issue.assignee ?? '')?.displayName ?? 'nobody'})`,
  });
  for (const c of sb.jira.comments(review))
    out.push({
      at: c.created,
      kind: 'comment',
      ref: review,
      text: `comment on ${review}: ${c.text.replace(/\s+/g, ' ').trim()}`,
    });
  for (const e of issue.changelog) {
    const status = e.items.find((i) => i.field === 'status');
    // The app's own moves are in the story's timeline already (its self-generated events).
    if (status && e.author !== sb.jira.appUser.accountId)
      out.push({
        at: e.created,
        kind: 'transition',
        ref: review,
        text: `${review} moved ${status.fromString} -> ${status.toString} by ${sb.jira.user(e.author)?.displayName ?? e.author}`,
      });
  }
  return out;
}

/** The review's promises, checked against Jira's record and the audit trail. */
export function verifyReview(
  sb: Sandbox,
  w: DemoWorld,
  linux: { id: string; endsAt?: string } | undefined,
  linuxKey: string,
  audit: readonly AuditEntry[],
): string[] {
  const problems: string[] = [];
  const review = reviewOf(sb, linuxKey);
  const linked = sb.jira
    .issuesOf(REVIEW_PROJECT)
    .filter((k) => sb.jira.issueExtras(k).links.some((l) => l.outward === linuxKey));
  if (!review || linked.length !== 1)
    return [`expected exactly one break-glass review linked to ${linuxKey}, found ${linked.length}`];
  const extras = sb.jira.issueExtras(review);
  if (linux?.endsAt && extras.dueDate !== linux.endsAt.slice(0, 10))
    problems.push(`the review ${review} is due ${extras.dueDate}, not on the grant's end ${linux.endsAt}`);
  if (sb.jira.issue(review).assignee !== w.jira.ada) problems.push(`the review ${review} is not assigned to Ada`);
  const added = audit.find((a) => a.grantId === linux?.id && a.action === 'MEMBERSHIP_ADDED');
  for (const words of [
    'Neville Newadmin',
    'PAM Linux Sysadmins',
    linuxKey,
    'Urgent Linux work',
    added?.oktaRequestId ?? '(no id)',
  ])
    if (!extras.description?.includes(words)) problems.push(`the review ${review} does not say ${words}`);
  if (!sb.jira.comments(review).some((c) => c.text.includes('you may not close its review')))
    problems.push(`Neville's own close of ${review} was not refused with a comment`);
  const actions = audit.filter((a) => a.grantId === linux?.id);
  if (!actions.some((a) => a.action === 'REVIEW_SELF_CLOSE_REFUSED' && a.actor === w.jira.neville))
    problems.push("the audit trail does not record Neville's refused close of his own review");
  if (!actions.some((a) => a.action === 'REVIEW_RESOLVED' && a.actor === w.jira.ada))
    problems.push('the audit trail does not record that Ada resolved the review');
  if (sb.jira.issue(review).status !== 'Done') problems.push(`the review ${review} is not resolved`);
  return problems;
}
