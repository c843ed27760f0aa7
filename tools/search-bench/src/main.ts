// `npx tsx --tsconfig tsconfig.base.json tools/search-bench/src/main.ts [options]`
// Fills a fresh database with a chat-like corpus (1M messages in 1,000 conversations by
// default), then measures messages.search latency (p50/p99) and prints the plan. See README.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDb, createScratchDatabase, migrate } from '@parley/db';
import { benchUserId, DEFAULT_CORPUS, generateCorpus } from './corpus.ts';
import { explain, measure, summarize, TERMS, type SearchCase } from './measure.ts';
import { measureListOpen } from './list-open.ts';

const { values } = parseArgs({
  options: {
    'admin-url': { type: 'string', default: process.env['DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
    conversations: { type: 'string', default: String(DEFAULT_CORPUS.conversations) },
    'messages-per-conversation': { type: 'string', default: String(DEFAULT_CORPUS.messagesPerConversation) },
    users: { type: 'string', default: String(DEFAULT_CORPUS.users) },
    runs: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    /** Measure again on a corpus kept with --keep: no generation, nothing dropped. */
    reuse: { type: 'string' },
  },
});
const corpus = {
  conversations: Number(values.conversations),
  messagesPerConversation: Number(values['messages-per-conversation']),
  users: Number(values.users),
  membersPerConversation: DEFAULT_CORPUS.membersPerConversation,
};
const runs = Number(values.runs);

const reuse = values.reuse;
const scratch = reuse ? { databaseUrl: reuse, drop: async () => undefined } : await createScratchDatabase(values['admin-url'], 'parley_search_bench');
const db = createDb({ databaseUrl: scratch.databaseUrl, poolMax: 2, statementTimeoutMs: 60_000 });
try {
  const total = corpus.conversations * corpus.messagesPerConversation;
  if (!reuse) {
    await migrate(scratch.databaseUrl);
    console.log(`Generating ${total.toLocaleString('en')} messages in ${corpus.conversations} conversations, ${corpus.users} users …`);
    // Its own connection: loading a million rows outlasts the pool's statement timeout.
    const loader = new pg.Client({ connectionString: scratch.databaseUrl });
    await loader.connect();
    try {
      await generateCorpus(loader, corpus, console.log);
    } finally {
      await loader.end();
    }
  }
  const { rows: size } = await db.pool.query<{ heap: string; gin: string }>(
    `SELECT pg_size_pretty(pg_table_size('messages')) AS heap, pg_size_pretty(pg_relation_size('messages_search_idx')) AS gin`,
  );
  console.log(`messages: ${size[0]?.heap}, GIN index: ${size[0]?.gin}`);

  const typical = benchUserId(1);
  const everywhere = benchUserId(corpus.users + 1);
  const { rows: seen } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM members WHERE user_id = $1', [typical]);
  const oneRoom = (await db.pool.query<{ id: string }>('SELECT conversation_id::text AS id FROM members WHERE user_id = $1 LIMIT 1', [typical])).rows[0]?.id;
  if (oneRoom === undefined) throw new Error('the corpus has no conversation for bench user 1');
  const groups: Array<{ title: string; cases: SearchCase[] }> = [
    { title: `typical user (member of ${seen[0]?.n} conversations, ~${((seen[0]?.n ?? 0) * corpus.messagesPerConversation).toLocaleString('en')} messages)`, cases: TERMS.map((q) => ({ label: q, input: { userId: typical, query: q } })) },
    { title: `user in every conversation (${total.toLocaleString('en')} messages)`, cases: TERMS.map((q) => ({ label: q, input: { userId: everywhere, query: q } })) },
    {
      title: 'typical user, filtered (one conversation / one sender / last 30 days)',
      cases: TERMS.slice(0, 6).flatMap((q) => [
        { label: `${q} in:room`, input: { userId: typical, query: q, conversationId: oneRoom } },
        { label: `${q} from:`, input: { userId: typical, query: q, senderId: typical } },
        { label: `${q} since:30d`, input: { userId: typical, query: q, since: new Date(Date.now() - 30 * 86_400_000).toISOString() } },
      ]),
    },
  ];
  const all = [];
  for (const group of groups) {
    const samples = await measure(db, group.cases, runs);
    all.push(...samples);
    const s = summarize(samples);
    console.log(`\n${group.title}: ${s.n} searches, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`);
    for (const c of group.cases) {
      const mine = samples.filter((x) => x.label === c.label);
      const t = summarize(mine);
      console.log(`  ${c.label.padEnd(28)} p50 ${t.p50.toFixed(1).padStart(7)} ms  p99 ${t.p99.toFixed(1).padStart(7)} ms  hits/page ${mine[0]?.hits}`);
    }
  }
  const overall = summarize(all);
  console.log(`\nAll searches: ${overall.n}, p50 ${overall.p50.toFixed(1)} ms, p99 ${overall.p99.toFixed(1)} ms`);
  console.log(`\nOpening the app (conversations.list) for the user in every conversation (${corpus.conversations}):`);
  for (const r of await measureListOpen(db, everywhere, runs)) {
    console.log(`  ${r.label.padEnd(32)} ${String(r.items).padStart(5)} items  p50 ${r.p50.toFixed(1).padStart(7)} ms  p99 ${r.p99.toFixed(1).padStart(7)} ms`);
  }
  console.log('\nEXPLAIN ANALYZE, typical user, "meeting":\n' + (await explain(db, { userId: typical, query: 'meeting' })));
  console.log('\nEXPLAIN ANALYZE, user in every conversation, "deploy":\n' + (await explain(db, { userId: everywhere, query: 'deploy' })));
} finally {
  await db.close();
  if (values.keep || reuse) console.log(`Kept ${scratch.databaseUrl}`);
  else await scratch.drop();
}
