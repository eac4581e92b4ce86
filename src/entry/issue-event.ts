/**
 * The shape of the Jira product events we consume and the pure guard that decides whether one is
 * worth reading the issue for. Tested against the Jira emulator's event payloads in test/fixtures/jira-events
 * (produced by sandbox/jira/jira-emulator.ts, not recorded from a real site).
 */
import { z } from 'zod';

export const IssueEventSchema = z.looseObject({
  eventType: z.enum(['avi:jira:created:issue', 'avi:jira:updated:issue']),
  selfGenerated: z.boolean().optional(),
  atlassianId: z.string().optional(),
  issue: z.looseObject({
    id: z.string().min(1),
    key: z.string().min(1),
    fields: z
      .looseObject({
        status: z
          .looseObject({ name: z.string(), statusCategory: z.looseObject({ key: z.string() }).optional() })
          .optional(),
      })
      .optional(),
  }),
  changelog: z
    .looseObject({
      id: z.string().optional(),
      items: z.array(
        z.looseObject({
          field: z.string(),
          fieldtype: z.string().optional(),
          fieldId: z.string().optional(),
          to: z.string().nullable().optional(),
          toString: z.string().nullable().optional(),
        }),
      ),
    })
    .optional(),
});
export type IssueEvent = z.infer<typeof IssueEventSchema>;

type ChangeItem = NonNullable<IssueEvent['changelog']>['items'][number];

const NO_IDS: ReadonlySet<string> = new Set();

/** The item changes the named system field (`field` is its name, `fieldId` its id; Jira sends both). */
const isSystemField = (i: ChangeItem, id: 'status' | 'reporter') => i.field === id || i.fieldId === id;

/**
 * Created issues always; updates only when the status, the reporter or a request field changed (approval,
 * or an edit to the request fields). Comments and the app's own writes are noise. `ignoreSelf` in the manifest
 * already drops self-generated events; this repeats it because delivery is not ours to trust.
 *
 * A request field is recognised two ways: `fieldtype === 'custom'` (what Jira's changelog says of custom
 * fields; what it says of a Forge app's own fields is not documented), and, when the caller passes them,
 * the site's discovered ids of the request fields (`requestFieldIds`: Access type, Admin group, the
 * duration field, Requested end) matched against the item's `fieldId`, or its `field` should Jira ever
 * send the id there.
 */
export function isRelevantIssueEvent(e: IssueEvent, requestFieldIds: ReadonlySet<string> = NO_IDS): boolean {
  if (e.selfGenerated) return false;
  if (e.eventType === 'avi:jira:created:issue') return true;
  // The reporter is the request's beneficiary: changing it is an edit of the request.
  return (e.changelog?.items ?? []).some(
    (i) =>
      isSystemField(i, 'status') ||
      isSystemField(i, 'reporter') ||
      i.fieldtype === 'custom' ||
      (i.fieldId !== undefined && requestFieldIds.has(i.fieldId)) ||
      requestFieldIds.has(i.field),
  );
}

/**
 * An update the cheap guard (no field ids) turned down that may still edit a request field: it changed
 * something, and only the site's field ids can tell whether that was one of the app's fields.
 */
export const mayEditRequestField = (e: IssueEvent): boolean =>
  !e.selfGenerated && e.eventType === 'avi:jira:updated:issue' && (e.changelog?.items.length ?? 0) > 0;

export const statusChangedTo = (e: IssueEvent): string | undefined =>
  e.changelog?.items.find((i) => isSystemField(i, 'status'))?.toString ?? undefined;

/**
 * A person's update that moved the issue into or out of Jira's done status category, or set or cleared
 * its resolution: what a break-glass review issue is watched for (ADR 0027). Undefined otherwise.
 */
export function doneChangeOf(e: IssueEvent): { actor: string; enteredDone: boolean; leftDone: boolean } | undefined {
  if (e.selfGenerated || e.eventType !== 'avi:jira:updated:issue' || !e.atlassianId) return undefined;
  const items = e.changelog?.items ?? [];
  const status = items.find((i) => isSystemField(i, 'status' as const));
  const resolution = items.find((i) => i.field === 'resolution' || i.fieldId === 'resolution');
  if (!status && !resolution) return undefined;
  const doneNow = e.issue.fields?.status?.statusCategory?.key === 'done';
  const resolved = resolution ? !!(resolution.to ?? resolution.toString) : undefined;
  const enteredDone = (status !== undefined && doneNow) || resolved === true;
  const leftDone = !enteredDone && ((status !== undefined && !doneNow) || resolved === false);
  return enteredDone || leftDone ? { actor: e.atlassianId, enteredDone, leftDone } : undefined;
}
