import type pg from 'pg';

export interface CorpusOptions {
  conversations: number;
  messagesPerConversation: number;
  users: number;
  membersPerConversation: number;
}

export const DEFAULT_CORPUS: CorpusOptions = { conversations: 1_000, messagesPerConversation: 1_000, users: 500, membersPerConversation: 10 };

/**
 * Chat-like vocabulary. Words are drawn with a skew (power(random(), 3)): the first ones are as
 * common as "the" in chat, the last ones rare, so the benchmark's terms range from matching a
 * third of all messages to a handful. Accented words check the unaccent path under load.
 */
export const VOCABULARY = [
  'the', 'to', 'and', 'a', 'i', 'you', 'it', 'is', 'we', 'that', 'for', 'on', 'in', 'this', 'be', 'can', 'ok', 'yes', 'no',
  'just', 'will', 'have', 'do', 'what', 'so', 'but', 'with', 'at', 'me', 'not', 'are', 'if', 'now', 'get', 'thanks', 'sure',
  'today', 'tomorrow', 'meeting', 'call', 'later', 'think', 'need', 'know', 'time', 'good', 'see', 'done', 'work', 'team',
  'please', 'check', 'update', 'review', 'code', 'deploy', 'build', 'test', 'fix', 'bug', 'issue', 'release', 'branch',
  'merge', 'staging', 'production', 'server', 'database', 'query', 'index', 'latency', 'dashboard', 'alert', 'ticket',
  'customer', 'invoice', 'budget', 'forecast', 'roadmap', 'design', 'mockup', 'feedback', 'lunch', 'coffee', 'weekend',
  'holiday', 'flight', 'hotel', 'office', 'remote', 'standup', 'retro', 'sprint', 'planning', 'demo', 'slides', 'agenda',
  'café', 'résumé', 'naïve', 'façade', 'über', 'piñata', 'jalapeño', 'crème', 'brûlée', 'straße', 'smörgåsbord',
  'kubernetes', 'terraform', 'postgres', 'redis', 'webrtc', 'websocket', 'typescript', 'migration', 'rollback',
  'incident', 'postmortem', 'oncall', 'pager', 'outage', 'hotfix', 'regression', 'benchmark', 'profiling', 'flamegraph',
  'quarterly', 'offsite', 'onboarding', 'interview', 'candidate', 'contract', 'procurement', 'compliance', 'audit',
  'lighthouse', 'harbour', 'zeppelin', 'quasar', 'nebula', 'aurora', 'glacier', 'volcano', 'archipelago', 'xylophone',
];

export async function generateCorpus(pool: pg.ClientBase, options: CorpusOptions, log: (line: string) => void = () => undefined): Promise<void> {
  const { conversations, messagesPerConversation, users, membersPerConversation } = options;
  const started = Date.now();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t = Date.now();
    await pool.query(sql, params);
    log(`  ${label}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  // Users 1..n as bench_<n>; every conversation's creator is its first member.
  await step(
    'users',
    `INSERT INTO users (id, handle, display_name, password_hash)
     SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'bench_' || u, 'Bench User ' || u, 'not-a-hash'
       FROM generate_series(1, $1) u`,
    [users],
  );
  await step(
    'conversations',
    // Every fifth group shows members only what was said while they were in it (history
    // visibility `since_joined`), so searches also pay for that check. Members join at seq 0
    // (their periods start at 1): last_seq is set once the messages are in.
    `INSERT INTO conversations (id, kind, title, last_seq, created_by_id, last_message_at, history_visibility)
     SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(c), 12, '0'))::uuid, 'group', 'Bench room ' || c, 0,
            ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (c * 7) % $2), 12, '0'))::uuid, now(),
            (CASE WHEN c % 5 = 0 THEN 'since_joined' ELSE 'all' END)::"HistoryVisibility"
       FROM generate_series(1, $1) c`,
    [conversations, users],
  );
  // Member j of conversation c: user 1 + (c*7 + j*k) mod users, k coprime-ish to spread them.
  await step(
    'members',
    `INSERT INTO members (conversation_id, user_id, role)
     SELECT DISTINCT ON (c, u) ('00000000-0000-4000-9000-' || lpad(to_hex(c), 12, '0'))::uuid,
            ('00000000-0000-4000-8000-' || lpad(to_hex(u), 12, '0'))::uuid, 'member'::"MemberRole"
       FROM (SELECT c, 1 + (c * 7 + j * 131) % $3 AS u FROM generate_series(1, $1) c, generate_series(0, $2 - 1) j) x`,
    [conversations, membersPerConversation, users],
  );
  // One more user in every conversation: the worst case, a million messages to search.
  await step(
    'everywhere user',
    `INSERT INTO users (id, handle, display_name, password_hash) VALUES ($1::uuid, 'bench_everywhere', 'Everywhere', 'not-a-hash')`,
    [benchUserId(users + 1)],
  );
  await step(
    'everywhere memberships',
    `INSERT INTO members (conversation_id, user_id, role)
     SELECT ('00000000-0000-4000-9000-' || lpad(to_hex(c), 12, '0'))::uuid, $2::uuid, 'member'::"MemberRole" FROM generate_series(1, $1) c`,
    [conversations, benchUserId(users + 1)],
  );
  // The GIN index is built once after the load: far faster than maintaining it row by row.
  await pool.query('DROP INDEX IF EXISTS messages_search_idx');
  // In slices of 100 conversations: progress to watch, and no single hour-long statement.
  for (let first = 1; first <= conversations; first += 100) {
    const last = Math.min(conversations, first + 99);
    await step(
      `messages of conversations ${first}-${last}`,
      `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, body, created_at)
       SELECT gen_random_uuid(), ('00000000-0000-4000-9000-' || lpad(to_hex(c), 12, '0'))::uuid, s,
              ('00000000-0000-4000-8000-' || lpad(to_hex(1 + (c * 7 + ((s * 31) % $3) * 131) % $5), 12, '0'))::uuid,
              'gen:' || c || ':' || s, 'text',
              -- k and s in the inner query make it run per row and per word (not once, hoisted).
              (SELECT string_agg(($4::text[])[1 + floor(power(random(), 3) * $6)::int + 0 * k], ' ')
                 FROM generate_series(1, 4 + (random() * 16)::int + 0 * s) k),
              now() - make_interval(secs => (($2 - s) * 31536000.0 / $2) + random() * 600)
         FROM generate_series($7::int, $1) c, generate_series(1, $2) s`,
      [last, messagesPerConversation, membersPerConversation, VOCABULARY, users, VOCABULARY.length, first],
    );
  }
  await step('log heads', 'UPDATE conversations SET last_seq = $1', [messagesPerConversation]);
  await step('GIN index', 'CREATE INDEX messages_search_idx ON messages USING GIN (conversation_id, search_tsv)');
  await step('analyze', 'ANALYZE');
  log(`  total: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** The id of bench user n (1-based), as generateCorpus makes them. */
export function benchUserId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}
