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
    fields: z.looseObject({ status: z.looseObject({ name: z.string() }).optional() }).optional(),
  }),
  changelog: z
    .looseObject({
      items: z.array(
        z.looseObject({
          field: z.string(),
          fieldtype: z.string().optional(),
          toString: z.string().nullable().optional(),
        }),
      ),
    })
    .optional(),
});
export type IssueEvent = z.infer<typeof IssueEventSchema>;

/**
 * Created issues always; updates only when the status, the reporter or a custom field changed (approval,
 * or an edit to the request fields). Comments and the app's own writes are noise. `ignoreSelf` in the manifest
 * already drops self-generated events; this repeats it because delivery is not ours to trust.
 */
export function isRelevantIssueEvent(e: IssueEvent): boolean {
  if (e.selfGenerated) return false;
  if (e.eventType === 'avi:jira:created:issue') return true;
  // The reporter is the request's beneficiary: changing it is an edit of the request.
  return (e.changelog?.items ?? []).some(
    (i) => i.field === 'status' || i.field === 'reporter' || i.fieldtype === 'custom',
  );
}

export const statusChangedTo = (e: IssueEvent): string | undefined =>
  e.changelog?.items.find((i) => i.field === 'status')?.toString ?? undefined;
