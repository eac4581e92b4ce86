/**
 * A compact local time for narrow places (the panel's history column, times inside a sentence):
 * "30 Nov 17:12", with the year when it is not the current one. The zone is not repeated on every
 * row: the panel says once which zone its times are in. The spaces are non-breaking so a time never
 * wraps onto several lines in a narrow table column.
 */
const NBSP = '\u00a0';

export function shortWhen(iso: string | undefined, timeZone: string, nowIso?: string): string {
  if (!iso) return '—';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const zone = validZone(timeZone);
  const parts = (at: number) =>
    Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(at)
        .map((p) => [p.type, p.value]),
    ) as Record<string, string>;
  const p = parts(ms);
  const sameYear = nowIso !== undefined && parts(Date.parse(nowIso)).year === p.year;
  return [p.day, p.month, ...(sameYear ? [] : [p.year]), `${p.hour}:${p.minute}`].join(NBSP);
}

function validZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}
