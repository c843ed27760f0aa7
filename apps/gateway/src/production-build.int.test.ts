import { existsSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { CLOSE_CODES } from '@parley/protocol';
import { signUpUser } from './testing/http-client.ts';
import { BUILT_GATEWAY, startNodeProcess, type NodeProcess } from './testing/node-process.ts';
import { act, newClientId, openReadySocket } from './testing/ws-client.ts';

// The production build (`nx run gateway:build`, a dependency of this project's tests) started
// as an operator would: plain `node`, NODE_ENV=production, on an empty database.
let database: TestDatabase;
let node: NodeProcess;
beforeAll(async () => {
  if (!existsSync(BUILT_GATEWAY)) throw new Error(`No production build at ${BUILT_GATEWAY}: run npx nx run gateway:build`);
  database = await createTestDatabase({ migrate: false });
  node = await startNodeProcess({ DATABASE_URL: database.databaseUrl }, 60_000, { built: true });
});
afterAll(async () => {
  await node?.stop();
  await database?.drop();
});

it('migrates an empty database, serves the API and the socket, and stops on SIGTERM with 1012', async () => {
  const ready = await fetch(`${node.url}/readyz`);
  expect(ready.status).toBe(200);
  const alice = await signUpUser(node.url, 'prod_alice');
  const group = await fetch(`${node.url}/trpc/conversations.createGroup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin: node.url, cookie: alice.cookie },
    body: JSON.stringify({ title: 'built', memberIds: [] }),
  });
  const { result } = (await group.json()) as { result: { data: { conversationId: string } } };
  const socket = await openReadySocket(`${node.url.replace('http', 'ws')}/ws`, { cookie: alice.cookie, origin: node.url });
  const ack = await act(socket, { type: 'chat_send', conversationId: result.data.conversationId, clientId: newClientId(), body: 'from the build' });
  expect(ack).toMatchObject({ type: 'chat_ack', event: { message: { body: 'from the build' } } });
  await node.stop();
  expect(await socket.closed).toMatchObject({ code: CLOSE_CODES.service_restart.code });
});
