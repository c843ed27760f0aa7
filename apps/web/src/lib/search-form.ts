import type { MessageSearchInput } from '@parley/protocol';

/** The search page's URL parameters, as strings ('' when unset). Dates are YYYY-MM-DD, local. */
export interface SearchForm {
  q: string;
  in: string;
  from: string;
  since: string;
  until: string;
  /** '1': only messages with a file. */
  file: string;
}

export function searchFormOf(params: { get(name: string): string | null }): SearchForm {
  const get = (name: string) => params.get(name) ?? '';
  return { q: get('q'), in: get('in'), from: get('from'), since: get('since'), until: get('until'), file: get('file') === '1' ? '1' : '' };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Local midnight of a YYYY-MM-DD date, `days` later, as ISO; undefined for anything else. */
function localDay(value: string, days = 0): string | undefined {
  if (!DATE.test(value)) return undefined;
  const [y, m, d] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(y, m - 1, d + days);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * messages.search input for the form: "After" and "Before" are whole local days, both
 * included (Before 2026-11-30 means up to the end of that day). Bad values are left out.
 */
export function searchParamsOf(form: SearchForm): MessageSearchInput {
  const since = localDay(form.since);
  const until = localDay(form.until, 1);
  return {
    query: form.q.trim(),
    ...(UUID.test(form.in) ? { conversationId: form.in } : {}),
    ...(UUID.test(form.from) ? { senderId: form.from } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(form.file === '1' ? { hasFile: true } : {}),
  };
}
