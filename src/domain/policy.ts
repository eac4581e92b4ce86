/**
 * Policy is pure arithmetic over the admin's settings: how long, how often extended, who approves.
 * Times are ISO strings in and out; `now` is always an argument.
 */
import type { ApprovalStep } from './approval-policy';
import type { BreakGlassReviewSettings } from './break-glass-review';
import { mayHoldAppMembership, type Grant } from './grant';

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** none: granted on request; status: someone other than the requester moves the issue into the approval status. */
export const APPROVAL_MODES = ['none', 'status'] as const;
export type ApprovalMode = (typeof APPROVAL_MODES)[number];

/** One allowlisted Okta group and the limits that apply to it. */
export interface GroupPolicy {
  groupId: string;
  displayName: string;
  maxDurationHours: number;
  /** Cap on the whole life of a grant, extensions included, counted from its first start. */
  maxLifetimeHours: number;
  maxExtensions: number;
  reminderLeadMinutes: number;
  approvalMode: ApprovalMode;
  /** Empty means every project may request this group. */
  allowedProjectKeys: string[];
  /** Days a request may wait for approval before it is closed (unset in older entries: the default). */
  approvalWindowDays?: number;
  /**
   * Who approves, how many, in what order (approval mode `status` only). Unset in older entries and by
   * default: one approval by anyone who can transition the issue, except the requester.
   */
  approvalSteps?: ApprovalStep[];
}

/** How long a request may wait for approval when its group says nothing else. */
export const DEFAULT_APPROVAL_WINDOW_DAYS = 7;

/** The group's approval window in days (entries stored before the setting existed get the default). */
export const approvalWindowDays = (group: Pick<GroupPolicy, 'approvalWindowDays'>): number =>
  group.approvalWindowDays ?? DEFAULT_APPROVAL_WINDOW_DAYS;

export interface PolicySettings {
  /** Name of the Jira field whose value drives the duration (default "Change type"). */
  durationFieldName: string;
  durationHoursByValue: Record<string, number>;
  /** Used when the field is empty or holds a value the mapping does not know. */
  defaultDurationHours: number;
  /** Status the approver moves the issue into, for groups with approval mode `status`. */
  approvalStatusName: string;
  /** A duration field value that may skip approval, with its own shorter cap (unset: no emergency path). */
  emergencyValue?: string;
  emergencyMaxHours: number;
  /** Transition to apply to the issue when its grant ends (unset: leave the issue alone). */
  closeOutTransitionName?: string;
  /** Jira account id -> Okta login, for people whose Jira email is hidden. */
  requesterMapping: Record<string, string>;
  notifyByEmail: boolean;
  /** Where an emergency grant's review issue is filed and who gets it (unset: no reviews; ADR 0027). */
  breakGlassReview?: BreakGlassReviewSettings;
  /**
   * The change window (ADR 0025): ids of two Jira date-time fields (e.g. a JSM change's planned start
   * and end). Unset: requests have no window and start when approved.
   */
  plannedStartFieldId?: string;
  plannedEndFieldId?: string;
  /** Statuses that end access early (the request issue resolved or cancelled); none: no early end. */
  accessEndingStatuses?: string[];
}

export const DEFAULT_POLICY: PolicySettings = {
  durationFieldName: 'Change type',
  durationHoursByValue: { Emergency: 4, Standard: 12, Normal: 12 },
  defaultDurationHours: 12,
  approvalStatusName: 'Approved',
  emergencyValue: 'Emergency',
  emergencyMaxHours: 4,
  closeOutTransitionName: undefined,
  requesterMapping: {},
  notifyByEmail: true,
};

const addMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
const minIso = (...xs: string[]): string => xs.reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));

export function policyDurationHours(settings: PolicySettings, changeType: string | undefined): number {
  const mapped = changeType !== undefined ? settings.durationHoursByValue[changeType] : undefined;
  return mapped ?? settings.defaultDurationHours;
}

export const isEmergency = (settings: PolicySettings, changeType: string | undefined): boolean =>
  settings.emergencyValue !== undefined && changeType === settings.emergencyValue;

/**
 * The requester asked for access until a time that has passed before it could start (an approval given
 * after it, a request recorded late): starting now would give more than was asked, so nothing starts.
 */
export const requestedEndPassed = (requestedEnd: string | undefined, now: string): boolean =>
  requestedEnd !== undefined && Date.parse(requestedEnd) <= Date.parse(now);

/**
 * endsAt = min(requestedEnd, now + policy duration, now + group max [, now + emergency cap]). A past
 * requested end never reaches here: `requestedEndPassed` stops the start first.
 */
export function computeEndsAt(args: {
  now: string;
  settings: PolicySettings;
  group: GroupPolicy;
  changeType?: string;
  requestedEnd?: string;
  /** Hours asked for (an Automation rule's input): one more candidate, never past the caps. */
  requestedHours?: number;
}): string {
  const { now, settings, group, changeType, requestedEnd, requestedHours } = args;
  const candidates = [
    addMs(now, policyDurationHours(settings, changeType) * HOUR_MS),
    addMs(now, group.maxDurationHours * HOUR_MS),
  ];
  if (isEmergency(settings, changeType)) candidates.push(addMs(now, settings.emergencyMaxHours * HOUR_MS));
  if (requestedEnd !== undefined && Date.parse(requestedEnd) > Date.parse(now)) candidates.push(requestedEnd);
  if (requestedHours !== undefined && requestedHours > 0) candidates.push(addMs(now, requestedHours * HOUR_MS));
  return minIso(...candidates);
}

/** The longest a grant may run from its start: the duration driver's, the group's and the emergency cap. */
export function capHours(settings: PolicySettings, group: GroupPolicy, changeType: string | undefined): number {
  const caps = [policyDurationHours(settings, changeType), group.maxDurationHours];
  if (isEmergency(settings, changeType)) caps.push(settings.emergencyMaxHours);
  return Math.min(...caps);
}

/** Does the issue entering `statusName` end its access (the admin's resolved / cancelled statuses)? */
export const endsAccess = (settings: Pick<PolicySettings, 'accessEndingStatuses'>, statusName: string): boolean =>
  (settings.accessEndingStatuses ?? []).some((s) => s.trim().toLowerCase() === statusName.trim().toLowerCase());

/** Is the request's planned start still ahead? Then nothing starts before it (ADR 0025). */
export const startIsAhead = (plannedStart: string | undefined, now: string): boolean =>
  plannedStart !== undefined && Date.parse(plannedStart) > Date.parse(now);

/** The earliest of the requester's ends (Requested end, planned end), if any. */
export const earliestEnd = (...ends: Array<string | undefined>): string | undefined => {
  const set = ends.filter((e): e is string => e !== undefined);
  return set.length === 0 ? undefined : minIso(...set);
};

export type WindowProblem = {
  code: 'WINDOW.START_PASSED' | 'WINDOW.END_BEFORE_START' | 'WINDOW.LONGER_THAN_CAP';
  message: string;
};

/**
 * A change window is bad input, refused at recording rather than bent into something the requester did
 * not ask for: a planned start already past (starting "now" would be a different window), an end not
 * after its start, or a window longer than the cap (clamping it silently would end access mid-change).
 */
export function checkWindow(args: {
  plannedStart?: string;
  plannedEnd?: string;
  now: string;
  capHours: number;
}): WindowProblem | undefined {
  const { plannedStart, plannedEnd, now } = args;
  if (plannedStart !== undefined && Date.parse(plannedStart) <= Date.parse(now))
    return {
      code: 'WINDOW.START_PASSED',
      message: `The planned start (${plannedStart}) has already passed. Set a planned start in the future and raise a new request.`,
    };
  const from = plannedStart ?? now;
  if (plannedEnd !== undefined && Date.parse(plannedEnd) <= Date.parse(from))
    return {
      code: 'WINDOW.END_BEFORE_START',
      message: `The planned end (${plannedEnd}) is not after the ${plannedStart ? `planned start (${plannedStart})` : 'time of the request'}. Correct the window and raise a new request.`,
    };
  if (plannedStart !== undefined && plannedEnd !== undefined) {
    const hours = (Date.parse(plannedEnd) - Date.parse(plannedStart)) / HOUR_MS;
    if (hours > args.capHours)
      return {
        code: 'WINDOW.LONGER_THAN_CAP',
        message: `The planned window is ${Math.round(hours * 10) / 10} h, longer than the ${args.capHours} h this group allows for this request. Shorten the window (or split the change) and raise a new request.`,
      };
  }
  return undefined;
}

export type ExtensionDecision =
  | { ok: true; endsAt: string; extensions: number }
  | {
      ok: false;
      code: 'EXTEND.LIMIT_REACHED' | 'EXTEND.LIFETIME_REACHED' | 'EXTEND.TOO_EARLY' | 'EXTEND.NOT_ACTIVE';
      message: string;
    };

/** New end = min(now + policy duration, firstStart + lifetime cap); never earlier than the current end. */
export function decideExtension(args: {
  grant: Grant;
  now: string;
  settings: PolicySettings;
  group: GroupPolicy;
  changeType?: string;
}): ExtensionDecision {
  const { grant, now, settings, group, changeType } = args;
  if (grant.status !== 'ACTIVE' || !grant.endsAt || !grant.firstStartedAt) {
    return { ok: false, code: 'EXTEND.NOT_ACTIVE', message: 'Only an active grant can be extended.' };
  }
  // Past its end the grant is being removed; reviving it would let a lost expiry event extend access.
  if (Date.parse(grant.endsAt) <= Date.parse(now)) {
    return {
      ok: false,
      code: 'EXTEND.NOT_ACTIVE',
      message: 'This grant has reached its end and is being removed. Raise a New access request.',
    };
  }
  if (grant.extensions >= group.maxExtensions) {
    return {
      ok: false,
      code: 'EXTEND.LIMIT_REACHED',
      message: `This grant has been extended ${grant.extensions} time(s), the most ${group.displayName} allows. Raise a New access request when it ends.`,
    };
  }
  const hours = Math.min(policyDurationHours(settings, changeType), group.maxDurationHours);
  const lifetimeEnd = addMs(grant.firstStartedAt, group.maxLifetimeHours * HOUR_MS);
  const proposed = minIso(addMs(now, hours * HOUR_MS), lifetimeEnd);
  if (Date.parse(proposed) <= Date.parse(grant.endsAt)) {
    return Date.parse(lifetimeEnd) <= Date.parse(grant.endsAt)
      ? {
          ok: false,
          code: 'EXTEND.LIFETIME_REACHED',
          message: `This grant already runs to the longest ${group.displayName} allows (${group.maxLifetimeHours} h from its start).`,
        }
      : {
          ok: false,
          code: 'EXTEND.TOO_EARLY',
          message: `An extension now would not move the end of this grant (a new period of ${hours} h from now ends no later). Extend closer to the end.`,
        };
  }
  return { ok: true, endsAt: proposed, extensions: grant.extensions + 1 };
}

export type ApprovalDecision =
  { kind: 'grant-now'; emergency: boolean } | { kind: 'await-approval'; statusName: string };

/**
 * At intake: `none` grants on creation; `status` waits for approval (who may approve, how many and in
 * what order is the group's steps, counted by approval-policy.ts); the emergency value skips approval
 * (and is flagged in the audit trail).
 */
export function decideApproval(args: {
  group: GroupPolicy;
  settings: PolicySettings;
  changeType?: string;
}): ApprovalDecision {
  const { group, settings, changeType } = args;
  if (group.approvalMode === 'none') return { kind: 'grant-now', emergency: isEmergency(settings, changeType) };
  if (isEmergency(settings, changeType)) return { kind: 'grant-now', emergency: true };
  return { kind: 'await-approval', statusName: settings.approvalStatusName };
}

/** A reminder is due once, when the end is within the group's lead time and none was sent. */
export function isReminderDue(grant: Grant, group: Pick<GroupPolicy, 'reminderLeadMinutes'>, now: string): boolean {
  if (grant.status !== 'ACTIVE' || !grant.endsAt || grant.reminderSentAt) return false;
  const left = Date.parse(grant.endsAt) - Date.parse(now);
  return left > 0 && left <= group.reminderLeadMinutes * MINUTE_MS;
}

export const isExpiryDue = (grant: Grant, now: string): boolean =>
  grant.status === 'ACTIVE' && grant.endsAt !== undefined && Date.parse(grant.endsAt) <= Date.parse(now);

export type RemovalDecision = { remove: true } | { remove: false; why: 'PREEXISTING' | 'OTHER_GRANT_ACTIVE' };

/**
 * The app removes only membership it created, and only when no other grant of the same person and
 * group still needs it. `others` are the requester's other grants for the same group.
 */
export function decideRemoval(grant: Grant, others: readonly Grant[], now: string): RemovalDecision {
  if (grant.preexistingMembership) return { remove: false, why: 'PREEXISTING' };
  // A GRANTING sibling is about to rely on the membership (its add may already have landed).
  const stillNeeded = others.some(
    (g) =>
      g.id !== grant.id &&
      (g.status === 'GRANTING' ||
        (g.status === 'ACTIVE' && g.endsAt !== undefined && Date.parse(g.endsAt) > Date.parse(now))),
  );
  return stillNeeded ? { remove: false, why: 'OTHER_GRANT_ACTIVE' } : { remove: true };
}

/**
 * Was the user a member "by other means" when this grant was made? Membership that another of our
 * own grants created is ours, not pre-existing; otherwise the last grant to end would never remove it.
 */
export function isPreexistingMembership(isMemberNow: boolean, otherGrantsSameGroup: readonly Grant[]): boolean {
  if (!isMemberNow) return false;
  // GRANTING counts: its add call may have landed even if Okta's answer was lost. A FAILED removal
  // counts too: the membership it could not remove is still the app's.
  const held = otherGrantsSameGroup.filter(mayHoldAppMembership);
  if (held.some((g) => !g.preexistingMembership)) return false;
  return true;
}

/** Is the project allowed to request this group? */
export const projectAllowed = (group: GroupPolicy, projectKey: string): boolean =>
  group.allowedProjectKeys.length === 0 || group.allowedProjectKeys.includes(projectKey);
