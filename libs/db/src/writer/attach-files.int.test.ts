import { randomUUID } from 'node:crypto';
import type { PublicUser } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../client/create-db.ts';
import { createGroupConversation } from '../repos/conversations.ts';
import { createUpload } from '../repos/uploads.ts';
import { createTestDatabase, createTestUser, testClientId, type TestDatabase } from '../testing/index.ts';
import { commitBatch, type SendInput } from './commit-batch.ts';

let testDb: TestDatabase;
let db: Db;
let alice: PublicUser;
let bob: PublicUser;
let conversationId: string;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = createDb({ databaseUrl: testDb.databaseUrl, poolMax: 2 });
  alice = await createTestUser(db, 'fa');
  bob = await createTestUser(db, 'fb');
  ({ conversationId } = await createGroupConversation(db, { creatorId: alice.id, title: 'files', memberIds: [bob.id] }));
});
afterAll(async () => {
  await db.close();
  await testDb.drop();
});

/** Every statement the pool's clients run while `fn` runs (the writer's transactions use them). */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const connect = db.pool.connect.bind(db.pool);
  const spy = (async () => {
    const client = await connect();
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const config = args[0] as string | { text: string };
      seen.push(typeof config === 'string' ? config : config.text);
      return query(...args);
    };
    return client;
  }) as typeof db.pool.connect;
  db.pool.connect = spy;
  try {
    await fn();
  } finally {
    db.pool.connect = connect;
  }
  return seen;
}

const upload = (uploaderId: string) =>
  createUpload(db, { id: randomUUID(), uploaderId, name: 'a.txt', size: 1, mime: 'text/plain', sha256: '00', width: null, height: null, thumbnail: null });

const send = (input: Partial<SendInput> = {}): SendInput => ({ senderId: alice.id, conversationId, clientId: testClientId(), body: 'hello', ...input });

describe('files in the send transaction', () => {
  it('a send without files runs exactly the statements it ran before files existed, none touching uploads', async () => {
    const statements = await statementsOf(() => commitBatch(db, [send(), send()]));
    // BEGIN; clientIds, replies and the conversation locks; membership, seqs and insert; COMMIT.
    expect(statements).toHaveLength(4);
    expect(statements.filter((sql) => /\buploads\b/.test(sql))).toEqual([]);
  });

  it('a batch with files adds two statements (lock the uploads, attach them), whatever its size', async () => {
    const [one, two] = [await upload(alice.id), await upload(alice.id)];
    const statements = await statementsOf(() => commitBatch(db, [send({ attachments: [one.id] }), send(), send({ attachments: [two.id] })]));
    expect(statements).toHaveLength(6);
  });

  it('attaches in order, refuses a file already sent or someone else’s, and one bad send fails alone', async () => {
    const [first, second, bobs] = [await upload(alice.id), await upload(alice.id), await upload(bob.id)];
    const result = await commitBatch(db, [
      send({ attachments: [second.id, first.id], body: '' }),
      send({ attachments: [bobs.id] }),
      send({ attachments: [first.id] }),
      send(),
    ]);
    const [ok, foreign, reused, plain] = result.outcomes;
    expect(ok?.ok && 'message' in ok && ok.message.attachments?.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(reused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(plain?.ok && 'message' in plain && plain.message).not.toHaveProperty('attachments');
  });

  it('a retried clientId answers the original with its files and attaches nothing again', async () => {
    const file = await upload(alice.id);
    const clientId = testClientId();
    const first = await commitBatch(db, [send({ clientId, attachments: [file.id] })]);
    const again = await commitBatch(db, [send({ clientId, attachments: [file.id] })]);
    const [original] = first.outcomes;
    const [retry] = again.outcomes;
    expect(retry).toMatchObject({ ok: true, duplicate: true });
    expect(retry?.ok && 'message' in retry && retry.message.attachments).toEqual(original?.ok && 'message' in original && original.message.attachments);
    const rows = await db.pool.query('SELECT message_id FROM uploads WHERE id = $1', [file.id]);
    expect(rows.rows).toHaveLength(1);
  });

  it('two sends of one file at once (two transactions): exactly one gets it', async () => {
    const file = await upload(alice.id);
    const results = await Promise.all([commitBatch(db, [send({ attachments: [file.id] })]), commitBatch(db, [send({ attachments: [file.id] })])]);
    const outcomes = results.map((r) => r.outcomes[0]);
    expect(outcomes.filter((o) => o?.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o?.ok)).toMatchObject([{ error: { code: 'not_found' } }]);
  });
});
