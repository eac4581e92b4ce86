/** Presentation helpers shared by comments and resolvers; formatting is not I/O and reads no clock. */

/** How the app itself appears where a person's name would (audit actor 'app'). */
export const APP_ACTOR_NAME = 'Okta JIT Access (app)';

export function formatInZone(iso: string | undefined, timeZone: string): string {
  if (!iso) return '—';
  try {
    return new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'short',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(Date.parse(iso));
  } catch {
    // An unknown zone name from Jira must not break a comment: fall back to UTC.
    return formatInZone(iso, 'UTC');
  }
}

export function formatDuration(ms: number): string {
  if (ms <= 0) return '0 min';
  const totalMin = Math.round(ms / 60_000);
  const h = Math.floor(totalMin / 60);
  const m = totalMin % 60;
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
}
