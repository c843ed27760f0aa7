const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/**
 * Short, calm timestamps for the conversation list: "now", "5 min", "3 h", "Yesterday",
 * a weekday within the week, then a date. `now` is a parameter so tests and renders agree.
 */
export function formatRelativeTime(iso: string, now: Date, locale?: string): string {
  const then = new Date(iso);
  const ageMs = now.getTime() - then.getTime();
  if (Number.isNaN(ageMs)) return '';
  if (ageMs < MINUTE_MS) return 'now';
  if (ageMs < HOUR_MS) return `${Math.floor(ageMs / MINUTE_MS)} min`;
  const dayDiff = Math.round((startOfDay(now) - startOfDay(then)) / DAY_MS);
  if (dayDiff === 0) return `${Math.floor(ageMs / HOUR_MS)} h`;
  if (dayDiff === 1) return 'Yesterday';
  if (ageMs < WEEK_MS) return then.toLocaleDateString(locale, { weekday: 'short' });
  const sameYear = then.getFullYear() === now.getFullYear();
  return then.toLocaleDateString(locale, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' });
}

/** "14:05" style clock time for message headers. */
export function formatClockTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** Full date and time, for `title`/`dateTime` attributes. */
export function formatFullTime(iso: string, locale?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}
