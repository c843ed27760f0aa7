import { searchMessages, searchSql, type Db, type SearchMessagesInput } from '@parley/db';

/** What people type: common and rare words, phrases, exclusions, OR, accents, filters. */
export const TERMS = [
  'meeting',
  'deploy',
  'the',
  'code review',
  '"code review"',
  'database latency',
  'incident -postmortem',
  'hotfix or rollback',
  'cafe',
  'creme brulee',
  'xylophone',
  'zeppelin quasar',
  'nonexistentword',
];

export interface Sample {
  label: string;
  ms: number;
  hits: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export function summarize(samples: readonly Sample[]): { n: number; p50: number; p99: number; max: number } {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  return { n: ms.length, p50: percentile(ms, 50), p99: percentile(ms, 99), max: ms.at(-1) ?? 0 };
}

export interface SearchCase {
  label: string;
  input: Omit<SearchMessagesInput, 'limit'>;
}

/** Runs each case `runs` times (after one warm-up each), the way the API does: a page of 20 with snippets. */
export async function measure(db: Db, cases: readonly SearchCase[], runs: number): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (const c of cases) await searchMessages(db, { ...c.input, limit: 20 });
  for (let r = 0; r < runs; r += 1) {
    for (const c of cases) {
      const t = performance.now();
      const page = await searchMessages(db, { ...c.input, limit: 20 });
      samples.push({ label: c.label, ms: performance.now() - t, hits: page.hits.length });
    }
  }
  return samples;
}

/** EXPLAIN (ANALYZE, BUFFERS) of the search statement for one case. */
export async function explain(db: Db, input: Omit<SearchMessagesInput, 'limit'>): Promise<string> {
  const sql = searchSql({ ...input, limit: 20 }, Date.now(), null);
  const { rows } = await db.pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${sql.text}`, sql.params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}
