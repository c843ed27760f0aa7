import { startStack, type E2eStack } from '../gateway.ts';

export type CallStack = E2eStack;

/**
 * The product as `npm start` runs it on a fresh database, with extra env for call tests
 * (e.g. a short CALL_RING_TIMEOUT_MS so "missed" happens in seconds). No TURN: on loopback
 * `calls.iceServers` returns an empty list and host candidates connect.
 */
export const startCallStack = (env: Record<string, string> = {}): Promise<CallStack> => startStack(env);
