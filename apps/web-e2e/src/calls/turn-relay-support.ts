// Test-only plumbing for turn-relay.calls.ts: the shared throwaway coturn, the gateway
// configured to hand out its credentials, and sign-up over HTTP.
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from '../browser.ts';
import { pino } from 'pino';
import { turnserverAvailable, type Coturn } from '@parley/api/testing';
import { createTestDatabase } from '@parley/db/testing';
import { loadConfig, startServer } from '@parley/gateway';


/** What a browser gets from `calls.iceServers` (RTCIceServer-compatible). */
export interface IceServerJson {
  urls: string[];
  username?: string;
  credential?: string;
}

/** Names of the tools these tests need that are not installed (empty when all are). */
export function missingTools(): string[] {
  const missing: string[] = [];
  if (!turnserverAvailable()) missing.push('turnserver (coturn)');
  if (!existsSync(CHROMIUM_PATH)) missing.push(`chromium at ${CHROMIUM_PATH}`);
  return missing;
}

export interface TurnGateway {
  origin: string;
  close(): Promise<void>;
}

/** The real gateway on a fresh database, configured for `coturn` exactly as an operator would. */
export async function startTurnGateway(coturn: Coturn): Promise<TurnGateway> {
  const database = await createTestDatabase();
  try {
    const config = loadConfig({
      PORT: '0',
      DATABASE_URL: database.databaseUrl,
      SERVE_WEB: 'false',
      LOG_LEVEL: 'silent',
      TURN_URLS: coturn.url,
      TURN_SECRET: coturn.secret,
    });
    const server = await startServer(config, { logger: pino({ level: 'silent' }) });
    return {
      origin: `http://localhost:${server.port}`,
      async close() {
        await server.close();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

async function trpc<T>(origin: string, path: string, init: { input?: unknown; cookie?: string }): Promise<{ data: T; setCookie: string | null }> {
  const post = init.input !== undefined;
  const res = await fetch(`${origin}/trpc/${path}`, {
    method: post ? 'POST' : 'GET',
    headers: { 'content-type': 'application/json', 'x-parley-csrf': '1', origin, ...(init.cookie ? { cookie: init.cookie } : {}) },
    body: post ? JSON.stringify(init.input) : undefined,
  });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!body.result) throw new Error(`${path} failed (${res.status}): ${JSON.stringify(body.error)}`);
  return { data: body.result.data, setCookie: res.headers.get('set-cookie') };
}

/** Signs a user up over HTTP and returns their id and session cookie (`name=value`). */
export async function signUp(origin: string, handle: string): Promise<{ userId: string; cookie: string }> {
  const res = await trpc<{ user: { id: string } }>(origin, 'auth.signUp', {
    input: { handle, displayName: handle, password: 'correct horse battery staple' },
  });
  const cookie = res.setCookie?.split(';')[0];
  if (!cookie) throw new Error('auth.signUp set no session cookie');
  return { userId: res.data.user.id, cookie };
}

export async function fetchIceServers(origin: string, cookie: string): Promise<{ iceServers: IceServerJson[]; expiresAt: string | null }> {
  return (await trpc<{ iceServers: IceServerJson[]; expiresAt: string | null }>(origin, 'calls.iceServers', { cookie })).data;
}
