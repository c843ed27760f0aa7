// Real coturn, real TURN allocations: proves the credentials the API hands out are the ones
// coturn's `use-auth-secret` accepts, and that expired or tampered ones are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RTCPeerConnection, type RTCIceServer } from 'werift';
import { startCoturn, turnserverAvailable, type Coturn } from '../testing/coturn.ts';
import { tryAllocate } from '../testing/turn-allocate.ts';
import { iceServersFor } from './ice-servers.ts';
import { createTurnCredentials } from './turn-credentials.ts';

const USER_ID = '9d3c2b1a-0f9e-4d8c-8b7a-6a5b4c3d2e1f';
const TTL_SECONDS = 600;
const CONNECT_TIMEOUT_MS = 8_000;
const GATHER_TIMEOUT_MS = 10_000;
const HOUR_MS = 3_600_000;

const available = turnserverAvailable();
if (!available) {
  if (process.env.CI === 'true') throw new Error('turnserver (coturn) is required in CI: apt-get install -y coturn');
  console.warn('turn.int.test.ts skipped: turnserver (coturn) is not installed');
}

function relayOnlyPeer(iceServers: RTCIceServer[]): RTCPeerConnection {
  // werift's default iceServers point at a public STUN host; loopback must be added explicitly.
  return new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay', iceAdditionalHostAddresses: ['127.0.0.1'] });
}

async function gathered(pc: RTCPeerConnection): Promise<string> {
  if (pc.iceGatheringState !== 'complete') {
    await pc.iceGatheringStateChange.watch((state) => state === 'complete', GATHER_TIMEOUT_MS);
  }
  return pc.localDescription?.sdp ?? '';
}

function candidateTypes(sdp: string): string[] {
  return [...sdp.matchAll(/^a=candidate:.* typ (\w+)/gm)].map((match) => match[1] ?? '');
}

async function selectedPairTypes(pc: RTCPeerConnection): Promise<{ local?: string; remote?: string }> {
  const stats = [...(await pc.getStats()).values()] as unknown as Array<Record<string, unknown>>;
  const pair = stats.find((s) => s['type'] === 'candidate-pair' && s['nominated'] === true && s['state'] === 'succeeded');
  const typeOf = (id: unknown) => stats.find((s) => s['id'] === id)?.['candidateType'] as string | undefined;
  return { local: typeOf(pair?.['localCandidateId']), remote: typeOf(pair?.['remoteCandidateId']) };
}

describe.skipIf(!available)('TURN credentials against a real coturn', () => {
  let coturn: Coturn;
  const peers: RTCPeerConnection[] = [];

  beforeAll(async () => {
    coturn = await startCoturn();
  });
  afterAll(async () => {
    await Promise.all(peers.map((pc) => pc.close()));
    await coturn?.stop();
  });

  function turnServers(userId: string, now = new Date()): RTCIceServer[] {
    const ice = { stunUrls: [], turn: { urls: [coturn.url], secret: coturn.secret, ttlSeconds: TTL_SECONDS } };
    return iceServersFor(ice, userId, now).iceServers;
  }

  const allocate = (username: string, password: string) =>
    tryAllocate({ host: coturn.host, port: coturn.port, username, password });

  it('allocates a loopback relay with a fresh credential', async () => {
    const { username, credential } = createTurnCredentials({ secret: coturn.secret, userId: USER_ID, ttlSeconds: TTL_SECONDS });
    const result = await allocate(username, credential);
    if (!result.ok) throw new Error(`allocation refused: ${result.errorCode} ${result.reason}`);
    const [relayHost, relayPort] = result.relayed;
    expect(relayHost).toBe('127.0.0.1');
    expect(relayPort).toBeGreaterThanOrEqual(coturn.relayPorts.min);
    expect(relayPort).toBeLessThanOrEqual(coturn.relayPorts.max);
  });

  it('connects two relay-only peers through coturn and selects a relay/relay pair', async () => {
    const [a, b] = [relayOnlyPeer(turnServers(USER_ID)), relayOnlyPeer(turnServers('other-user'))];
    peers.push(a, b);
    const channel = a.createDataChannel('probe');
    const received = new Promise<string>((resolve) => {
      b.onDataChannel.subscribe((remote) => remote.onMessage.subscribe((data) => resolve(data.toString())));
    });

    await a.setLocalDescription(await a.createOffer());
    const offer = await gathered(a);
    expect(candidateTypes(offer).length).toBeGreaterThan(0);
    expect(new Set(candidateTypes(offer))).toEqual(new Set(['relay']));
    await b.setRemoteDescription({ type: 'offer', sdp: offer });
    await b.setLocalDescription(await b.createAnswer());
    const answer = await gathered(b);
    expect(new Set(candidateTypes(answer))).toEqual(new Set(['relay']));
    await a.setRemoteDescription({ type: 'answer', sdp: answer });

    await channel.stateChanged.watch((state) => state === 'open', CONNECT_TIMEOUT_MS);
    channel.send('through the relay');
    expect(await received).toBe('through the relay');
    expect(await selectedPairTypes(a)).toEqual({ local: 'relay', remote: 'relay' });
    expect(await selectedPairTypes(b)).toEqual({ local: 'relay', remote: 'relay' });
  });

  it('refuses an expired credential, a tampered credential and a pushed-out expiry with 401', async () => {
    const good = createTurnCredentials({ secret: coturn.secret, userId: USER_ID, ttlSeconds: TTL_SECONDS });
    const expired = createTurnCredentials({
      secret: coturn.secret,
      userId: USER_ID,
      ttlSeconds: 60,
      now: new Date(Date.now() - HOUR_MS), // expired 59 minutes ago, correctly signed
    });
    const flipped = (good.credential.startsWith('A') ? 'B' : 'A') + good.credential.slice(1);
    const extended = good.username.replace(/^\d+/, (expiry) => String(Number(expiry) + 86_400));
    const cases = [
      [expired.username, expired.credential],
      [good.username, flipped],
      [extended, good.credential],
    ] as const;
    for (const [username, password] of cases) {
      expect(await allocate(username, password)).toMatchObject({ ok: false, errorCode: 401 });
    }
    // Same server, same moment: the untampered credential allocates, so the 401s are about the credential.
    expect(await allocate(good.username, good.credential)).toMatchObject({ ok: true });
  });

  it('gathers no relay candidate for peers holding an expired or a tampered credential', async () => {
    // TCP URL: werift waits out its full STUN retry schedule (~6 s) after a 401 it cannot verify,
    // and over UDP it then retries the same over TCP; one transport keeps this test at ~6 s.
    const tcp = (servers: RTCIceServer[]) => servers.map((s) => ({ ...s, urls: [`turn:${coturn.host}:${coturn.port}?transport=tcp`] }));
    const expired = tcp(turnServers(USER_ID, new Date(Date.now() - HOUR_MS)));
    const tampered = tcp(turnServers(USER_ID)).map((s) => ({ ...s, credential: `x${s.credential ?? ''}` }));
    const sdps = await Promise.all(
      [expired, tampered].map(async (servers) => {
        const pc = relayOnlyPeer(servers);
        peers.push(pc);
        pc.createDataChannel('probe');
        await pc.setLocalDescription(await pc.createOffer());
        return gathered(pc);
      }),
    );
    expect(sdps.map(candidateTypes)).toEqual([[], []]);
  });
});
