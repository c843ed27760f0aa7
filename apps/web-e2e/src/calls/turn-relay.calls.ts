// The TURN path end to end in real Chromium: credentials come from the gateway's
// `calls.iceServers` (as the product gets them), coturn relays, and two relay-only peers
// connect through it. Tampered and expired credentials are refused with a 401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
// The expired credential must be built the way the API builds real ones, with only `now` moved.
import { createTurnCredentials } from '@parley/api';
import { startCoturn, type Coturn } from '@parley/api/testing';
import { launchCallChromium } from './call-browser.ts';
import { fetchIceServers, missingTools, signUp, startTurnGateway, type IceServerJson, type TurnGateway } from './turn-relay-support.ts';

const CONNECT_TIMEOUT_MS = 8_000;
const GATHER_TIMEOUT_MS = 6_000;
const TTL_SECONDS = 600;
const HOUR_MS = 3_600_000;

const missing = missingTools();
if (missing.length > 0) {
  const reason = `turn-relay.calls.ts needs ${missing.join(' and ')} (apt-get install -y chromium coturn)`;
  if (process.env['CI'] === 'true') throw new Error(reason);
  console.warn(`skipped: ${reason}`);
}

interface PairEnd {
  local?: string;
  remote?: string;
  localPort?: number;
  remotePort?: number;
}
interface RelayCallResult {
  error?: string;
  states: string[];
  gathered: string[];
  candidateErrors: Array<{ errorCode: number; url: string }>;
  message?: string;
  pairs: PairEnd[];
}
interface GatherResult {
  candidateErrors: Array<{ errorCode: number; url: string; errorText: string }>;
  candidates: string[];
  connectionState: string;
  gatheringState: string;
}

/** In-page: two relay-only peers, signaled in-page, exchange one data-channel message. */
function relayCall({ iceServers, timeoutMs }: { iceServers: IceServerJson[]; timeoutMs: number }): Promise<RelayCallResult> {
  const config: RTCConfiguration = { iceServers, iceTransportPolicy: 'relay' };
  const peers = [new RTCPeerConnection(config), new RTCPeerConnection(config)] as const;
  const gathered: string[] = [];
  const candidateErrors: RelayCallResult['candidateErrors'] = [];
  peers.forEach((pc, i) => {
    const other = peers[1 - i] as RTCPeerConnection;
    pc.onicecandidate = (e) => {
      if (!e.candidate) return;
      gathered.push(e.candidate.type ?? 'unknown');
      void other.addIceCandidate(e.candidate);
    };
    pc.onicecandidateerror = (e) => candidateErrors.push({ errorCode: e.errorCode, url: e.url });
  });
  const [a, b] = peers;
  const received = new Promise<string>((resolve) => {
    b.ondatachannel = (e) => (e.channel.onmessage = (m: MessageEvent<string>) => resolve(m.data));
  });
  const channel = a.createDataChannel('probe');
  const opened = new Promise<void>((resolve) => (channel.onopen = () => resolve()));
  const connected = (pc: RTCPeerConnection) =>
    new Promise<void>((resolve) => {
      const check = () => pc.connectionState === 'connected' && resolve();
      pc.addEventListener('connectionstatechange', check);
      check();
    });
  const pairOf = async (pc: RTCPeerConnection): Promise<PairEnd> => {
    const stats = [...(await pc.getStats()).values()] as Array<Record<string, unknown>>;
    const transport = stats.find((s) => s['type'] === 'transport');
    const pair = stats.find((s) => s['id'] === transport?.['selectedCandidatePairId']);
    const candidate = (id: unknown) => stats.find((s) => s['id'] === id);
    const local = candidate(pair?.['localCandidateId']);
    const remote = candidate(pair?.['remoteCandidateId']);
    return {
      local: local?.['candidateType'] as string | undefined,
      remote: remote?.['candidateType'] as string | undefined,
      localPort: local?.['port'] as number | undefined,
      remotePort: remote?.['port'] as number | undefined,
    };
  };
  const run = async (): Promise<RelayCallResult> => {
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription as RTCSessionDescription);
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription as RTCSessionDescription);
    await Promise.all([connected(a), connected(b), opened]);
    channel.send('hello through coturn');
    const message = await received;
    return { states: peers.map((pc) => pc.connectionState), gathered, candidateErrors, message, pairs: await Promise.all(peers.map(pairOf)) };
  };
  // On timeout, return what happened instead of hanging, so the assertion shows why.
  const timeout = new Promise<RelayCallResult>((resolve) =>
    setTimeout(() => resolve({ error: 'timed out', states: peers.map((pc) => pc.connectionState), gathered, candidateErrors, pairs: [] }), timeoutMs),
  );
  return Promise.race([run(), timeout]).finally(() => peers.forEach((pc) => pc.close()));
}

/** In-page: one relay-only peer gathers candidates; reports ICE candidate errors and state. */
function relayGather({ iceServers, timeoutMs }: { iceServers: IceServerJson[]; timeoutMs: number }): Promise<GatherResult> {
  const SETTLE_AFTER_ERROR_MS = 500; // in-page: module constants are not serialized with the function
  const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  const candidateErrors: GatherResult['candidateErrors'] = [];
  const candidates: string[] = [];
  pc.createDataChannel('probe');
  // Done when gathering completes, or shortly after the first error: the 401 is the final
  // answer to the Allocate, so no relay candidate can follow it. (In a network namespace
  // Chromium may never report 'complete'.)
  const done = new Promise<void>((resolve) => {
    pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && resolve();
    pc.onicecandidateerror = (e) => {
      candidateErrors.push({ errorCode: e.errorCode, url: e.url, errorText: e.errorText });
      setTimeout(resolve, SETTLE_AFTER_ERROR_MS);
    };
    setTimeout(resolve, timeoutMs);
  });
  pc.onicecandidate = (e) => {
    if (e.candidate) candidates.push(e.candidate.candidate);
  };
  return pc
    .setLocalDescription()
    .then(() => done)
    .then(() => ({ candidateErrors, candidates, connectionState: pc.connectionState, gatheringState: pc.iceGatheringState }))
    .finally(() => pc.close());
}

function withTurnCredential(iceServers: IceServerJson[], username: string, credential: string): IceServerJson[] {
  return iceServers.map((server) => (server.urls.some((url) => url.startsWith('turn:')) ? { ...server, username, credential } : server));
}

describe.skipIf(missing.length > 0)('TURN relay in Chromium with API-issued credentials', () => {
  let coturn: Coturn | undefined;
  let gateway: TurnGateway | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let user: { userId: string; cookie: string };
  let iceServers: IceServerJson[];
  let turnEntry: IceServerJson;

  beforeAll(async () => {
    [coturn, browser] = await Promise.all([startCoturn(), launchCallChromium()]);
    gateway = await startTurnGateway(coturn);
    page = await browser.newPage();
    user = await signUp(gateway.origin, 'relay_tester');
    const result = await fetchIceServers(gateway.origin, user.cookie);
    iceServers = result.iceServers;
    const turn = iceServers.find((server) => server.urls.includes(coturn?.url ?? ''));
    if (!turn) throw new Error(`calls.iceServers has no entry for ${coturn.url}: ${JSON.stringify(iceServers)}`);
    turnEntry = turn;
  });
  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await coturn?.stop();
  });

  it('hands out a TURN credential for the configured server, valid for the configured TTL', () => {
    expect(turnEntry.username).toMatch(new RegExp(`^\\d+:${user.userId}$`));
    expect(turnEntry.credential).toBeTruthy();
    const expirySeconds = Number(turnEntry.username?.split(':')[0]);
    expect(expirySeconds * 1000 - Date.now()).toBeGreaterThan(0);
    expect(expirySeconds * 1000 - Date.now()).toBeLessThanOrEqual(TTL_SECONDS * 1000);
  });

  it('connects two relay-only peers through coturn: relay/relay pair on both ends, data flows', async () => {
    const result = await page.evaluate(relayCall, { iceServers, timeoutMs: CONNECT_TIMEOUT_MS });
    const log = result.error ? await coturn?.readLog() : '';
    expect(result.error, `${JSON.stringify(result)}\n${log}`).toBeUndefined();
    expect(result.states).toEqual(['connected', 'connected']);
    expect(result.message).toBe('hello through coturn');
    // relay-only: nothing else may even be gathered.
    expect(result.gathered.length).toBeGreaterThan(0);
    expect(new Set(result.gathered)).toEqual(new Set(['relay']));
    expect(result.candidateErrors.filter((e) => e.errorCode === 401)).toEqual([]);
    const relayPorts = coturn?.relayPorts ?? { min: 0, max: 0 };
    for (const pair of result.pairs) {
      expect(pair).toMatchObject({ local: 'relay', remote: 'relay' });
      // Both ends of the selected pair are addresses coturn allocated from its relay range.
      for (const port of [pair.localPort, pair.remotePort]) {
        expect(port).toBeGreaterThanOrEqual(relayPorts.min);
        expect(port).toBeLessThanOrEqual(relayPorts.max);
      }
    }
  });

  it('refuses a tampered credential with a 401: no candidates, connection stays new', async () => {
    const credential = turnEntry.credential ?? '';
    const tampered = (credential[0] === 'A' ? 'B' : 'A') + credential.slice(1);
    const servers = withTurnCredential(iceServers, turnEntry.username ?? '', tampered);
    const result = await page.evaluate(relayGather, { iceServers: servers, timeoutMs: GATHER_TIMEOUT_MS });
    expect(result.candidateErrors.map((e) => e.errorCode), JSON.stringify(result)).toContain(401);
    expect(result.candidateErrors.find((e) => e.errorCode === 401)?.url).toContain(`:${coturn?.port}`);
    expect(result.candidates).toEqual([]);
    expect(result.connectionState).toBe('new');
  });

  it('refuses an expired credential (signed with the right secret) with a 401', async () => {
    const expired = createTurnCredentials({
      secret: coturn?.secret ?? '',
      userId: user.userId,
      ttlSeconds: TTL_SECONDS,
      now: new Date(Date.now() - HOUR_MS),
    });
    expect(expired.expiresAt.getTime()).toBeLessThan(Date.now());
    const servers = withTurnCredential(iceServers, expired.username, expired.credential);
    const result = await page.evaluate(relayGather, { iceServers: servers, timeoutMs: GATHER_TIMEOUT_MS });
    expect(result.candidateErrors.map((e) => e.errorCode), JSON.stringify(result)).toContain(401);
    expect(result.candidates).toEqual([]);
    expect(result.connectionState).toBe('new');
  });
});
