import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@parley/db/testing';
import { CLOSE_CODES } from '@parley/protocol';
import { signUpUser } from './testing/http-client.ts';
import { downloadFile, uploadFile } from './testing/files-client.ts';
import { BUILT_GATEWAY, startNodeProcess, type NodeProcess } from './testing/node-process.ts';
import { act, newClientId, openReadySocket } from './testing/ws-client.ts';

// The production build (`nx run gateway:build`, a dependency of this project's tests) started
// as an operator would: plain `node`, NODE_ENV=production, on an empty database.
let database: TestDatabase;
let node: NodeProcess;
const filesDir = mkdtempSync(join(tmpdir(), 'parley-prod-files-'));
beforeAll(async () => {
  if (!existsSync(BUILT_GATEWAY)) throw new Error(`No production build at ${BUILT_GATEWAY}: run npx nx run gateway:build`);
  database = await createTestDatabase({ migrate: false });
  node = await startNodeProcess({ DATABASE_URL: database.databaseUrl, FILES_DIR: filesDir }, 60_000, { built: true });
});
afterAll(async () => {
  await node?.stop();
  await database?.drop();
  rmSync(filesDir, { recursive: true, force: true });
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
  // The bundle leaves packages external: sharp's native binary and file-type (ESM only) load from node_modules.
  const image = await sharp({ create: { width: 60, height: 30, channels: 3, background: '#123456' } }).png().toBuffer();
  const file = (await uploadFile(node.url, alice, image, 'built.png')).attachment!;
  expect(file).toMatchObject({ mime: 'image/png', width: 60, height: 30, thumbnail: { width: 60, height: 30 } });
  const ack = await act(socket, { type: 'chat_send', conversationId: result.data.conversationId, clientId: newClientId(), body: 'from the build', attachments: [file.id] });
  expect(ack).toMatchObject({ type: 'chat_ack', event: { message: { body: 'from the build', attachments: [{ id: file.id }] } } });
  expect((await downloadFile(node.url, alice, file.id, '/thumbnail')).status).toBe(200);
  await node.stop();
  expect(await socket.closed).toMatchObject({ code: CLOSE_CODES.service_restart.code });
});
