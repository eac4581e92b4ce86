/**
 * Time on the client. The countdown runs from the server's `now` (sent with every panel load) plus
 * the time elapsed in the browser since, so a wrong browser clock cannot show a wrong time left.
 */
import { useEffect, useState } from 'react';

/** "Tue 24 Nov, 13:00 GMT" in the viewer's Jira time zone (UTC if the zone is unknown). */
export function formatWhen(iso: string | undefined, timeZone: string): string {
  if (!iso) return '—';
  const opts: Intl.DateTimeFormatOptions = {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone }).format(Date.parse(iso));
  } catch {
    return new Intl.DateTimeFormat('en-GB', { ...opts, timeZone: 'UTC' }).format(Date.parse(iso));
  }
}

/** "3 h 59 min", "12 min 05 s", "45 s"; zero or less reads "ending now". */
export function formatTimeLeft(ms: number): string {
  if (ms <= 0) return 'ending now';
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${String(sec).padStart(2, '0')} s`;
  return `${sec} s`;
}

/** The countdown re-renders once a second. */
const TICK_MS = 1000;

/**
 * The server's clock, ticking. `serverNowIso` is the server's time when the data was read and
 * `receivedAtMs` the browser's clock when the answer arrived: the offset between them is fixed then,
 * not when React gets round to running an effect.
 */
export function useServerNow(serverNowIso: string | undefined, receivedAtMs: number | undefined): number | undefined {
  const [tick, setTick] = useState<{ base?: string; now?: number }>({});
  useEffect(() => {
    if (!serverNowIso || receivedAtMs === undefined) return undefined;
    const offset = Date.parse(serverNowIso) - receivedAtMs;
    const timer = setInterval(() => setTick({ base: serverNowIso, now: Date.now() + offset }), TICK_MS);
    return () => clearInterval(timer);
  }, [serverNowIso, receivedAtMs]);
  if (!serverNowIso) return undefined;
  // Until the first tick after a load, the server's own time is the best "now" there is.
  return tick.base === serverNowIso ? tick.now : Date.parse(serverNowIso);
}
