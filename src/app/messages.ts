/** The words the app puts on issues. Kept in one place so tone and content stay consistent. */
import type { EndReason, Grant } from '../domain/grant';
import type { GroupPolicy } from '../domain/policy';
import type { Message, MessageInline } from './ports';
import { formatDuration, formatInZone } from './format';

const p = (...inlines: MessageInline[]) => ({ paragraph: inlines });
const t = (text: string, strong = false): MessageInline => (strong ? { text, strong } : { text });
const who = (accountId: string): MessageInline => ({ mention: accountId });

export const groupLabel = (groupId: string, allowlist: readonly GroupPolicy[]): string =>
  allowlist.find((g) => g.groupId === groupId)?.displayName ?? groupId;

export function accessGranted(g: Grant, groupName: string, tz: string): Message {
  const lines = [
    p(
      who(g.requesterAccountId),
      t(' you are now a member of '),
      t(groupName, true),
      t(` until ${formatInZone(g.endsAt, tz)} (${formatDuration(Date.parse(g.endsAt!) - Date.parse(g.startedAt!))}).`),
    ),
    p(
      t(
        'You will be reminded before it ends. To keep access longer, use Extend in the Okta access panel or raise an Extend access request; to give it up early, use Relinquish.',
      ),
    ),
  ];
  if (g.preexistingMembership)
    lines.push(
      p(
        t(
          'You were already a member of this group before this request, so the app will not remove that membership when this grant ends.',
        ),
      ),
    );
  if (g.emergency)
    lines.push(
      p(t('Granted through the emergency path without prior approval; this is flagged for review in the audit trail.')),
    );
  return { blocks: lines };
}

/** Approved ahead of its change window: when access starts and what bounds its end (ADR 0025). */
export function startScheduled(g: Grant, groupName: string, tz: string): Message {
  const end = g.plannedEnd ? ` It ends at the planned end (${formatInZone(g.plannedEnd, tz)}) at the latest.` : '';
  return {
    blocks: [
      p(
        who(g.requesterAccountId),
        t(' your access to '),
        t(groupName, true),
        t(` starts at ${formatInZone(g.scheduledStartAt, tz)}, the planned start of this change; not before.${end}`),
      ),
    ],
  };
}

export const awaitingApproval = (g: Grant, groupName: string, statusName: string, approvers: string): Message => ({
  blocks: [
    p(
      who(g.requesterAccountId),
      t(' your request for '),
      t(groupName, true),
      t(` is waiting for approval: ${approvers}.`),
    ),
    p(t(`Approvers: use Approve or Deny in the Okta access panel on this issue, or move it to "${statusName}".`)),
  ],
});

export const refused = (requester: string | undefined, title: string, message: string): Message => ({
  blocks: [p(...(requester ? [who(requester), t(' ')] : []), t(title, true)), p(t(message))],
});

export const reminder = (g: Grant, groupName: string, tz: string, now: string): Message => ({
  blocks: [
    p(
      who(g.requesterAccountId),
      t(' your membership of '),
      t(groupName, true),
      t(` ends at ${formatInZone(g.endsAt, tz)} (in ${formatDuration(Date.parse(g.endsAt!) - Date.parse(now))}).`),
    ),
    p(t('To keep it, use Extend in the Okta access panel on this issue or raise an Extend access request.')),
  ],
});

export const extended = (g: Grant, groupName: string, tz: string, maxExtensions: number): Message => ({
  blocks: [
    p(
      who(g.requesterAccountId),
      t(' your membership of '),
      t(groupName, true),
      t(
        ` now runs until ${formatInZone(g.endsAt, tz)} (extension ${g.extensions} of ${maxExtensions}, on ${g.issueKey}).`,
      ),
    ),
  ],
});

const END_WORDS: Record<EndReason, string> = {
  EXPIRED: 'has ended: its time ran out',
  RELINQUISHED: 'has ended: you gave it up',
  REVOKED_BY_ADMIN: 'was revoked by an administrator',
  REMOVED_EXTERNALLY: 'has ended: the membership was removed in Okta outside this app',
  ISSUE_RESOLVED: 'has ended: this issue was resolved or cancelled',
};

export function accessEnded(
  g: Grant,
  groupName: string,
  tz: string,
  kept?: 'PREEXISTING' | 'OTHER_GRANT_ACTIVE',
): Message {
  const lines = [
    p(
      who(g.requesterAccountId),
      t(' your access to '),
      t(groupName, true),
      t(` ${END_WORDS[g.endReason ?? 'EXPIRED']} at ${formatInZone(g.endedAt, tz)}.`),
    ),
  ];
  if (kept === 'PREEXISTING')
    lines.push(p(t('You were a member before this grant, so your membership was left in place.')));
  if (kept === 'OTHER_GRANT_ACTIVE')
    lines.push(
      p(t('Another of your grants for this group is still running, so the membership stays until that one ends.')),
    );
  if (!kept && g.endReason !== 'REMOVED_EXTERNALLY') lines.push(p(t('You have been removed from the Okta group.')));
  return { blocks: lines };
}

export const revocationFailed = (g: Grant, groupName: string, why: string): Message => ({
  blocks: [
    p(t('Removing access failed and needs an administrator.', true)),
    p(
      t(
        `The app could not remove the requester from ${groupName}: ${why} An Okta administrator must remove the membership by hand, or use Retry removal on the app's admin dashboard once the cause is fixed. The grant is marked FAILED on the admin dashboard.`,
      ),
    ),
  ],
});

export const revocationBlocked = (groupName: string, why: string): Message => ({
  blocks: [
    p(t('Removing access is waiting for the Okta connection.', true)),
    p(
      t(
        `The app could not sign in to Okta to remove the requester from ${groupName}: ${why} It keeps trying every 15 minutes; a Jira admin must fix the Okta connection in the app's admin page. The membership stays until then, and the admin dashboard shows it as overdue.`,
      ),
    ),
  ],
});

export const grantFailed = (g: Grant, groupName: string, why: string): Message => ({
  blocks: [
    p(who(g.requesterAccountId), t(' access to '), t(groupName, true), t(' could not be granted.', true)),
    p(t(why)),
  ],
});
