import { listConversations, type Db } from '@parley/db';
import { summarize, type Sample } from './measure.ts';

/**
 * What opening the app costs the server for someone in many conversations (issue 11: "a user
 * with 1,000 conversations opens the app in ≤ 300 ms server time"): `conversations.list` read
 * whole, as the web app did, and the pages it reads now (the first 50 shows; 200 at a time
 * follow behind it). Time in listConversations (queries and mapping), not HTTP.
 */
export async function measureListOpen(db: Db, userId: string, runs: number): Promise<Array<{ label: string; n: number; p50: number; p99: number; items: number }>> {
  const cases = [
    { label: 'whole list in one call', read: () => listConversations(db, userId) },
    { label: 'first page (50): the app opens', read: () => listConversations(db, userId, { limit: 50 }) },
    { label: 'a following page (200)', read: () => listConversations(db, userId, { limit: 200 }) },
  ];
  const results = [];
  for (const c of cases) {
    await c.read();
    const samples: Sample[] = [];
    for (let r = 0; r < runs; r += 1) {
      const t = performance.now();
      const items = await c.read();
      samples.push({ label: c.label, ms: performance.now() - t, hits: items.length });
    }
    results.push({ label: c.label, ...summarize(samples), items: samples[0]?.hits ?? 0 });
  }
  return results;
}
