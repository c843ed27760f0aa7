import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { CallSignalInFrame } from '@parley/protocol';
import { createParleyClient, type ParleyClient } from './client.ts';
import { startFakeGateway, type FakeGateway } from './testing/fake-server.ts';
import { waitFor } from './testing/wait-for.ts';

const CALL_ID = '00000000-0000-4000-8000-00000000ca11';

let gateway: FakeGateway | undefined;
const clients: ParleyClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await gateway?.close();
  gateway = undefined;
});

function open(g: FakeGateway): ParleyClient {
  const client = createParleyClient({ url: g.url, WebSocket, reconnect: { nextDelayMs: () => 20 } });
  clients.push(client);
  client.connect();
  return client;
}

describe('call signaling over a real socket', () => {
  it('addresses signals to a connection id, which changes on reconnect', async () => {
    gateway = await startFakeGateway();
    const a = open(gateway);
    const b = open(gateway);
    await waitFor(() => a.connectionId !== null && b.connectionId !== null, 'both connected');
    const inbox: CallSignalInFrame[] = [];
    b.on('call_signal', (frame) => inbox.push(frame));

    a.callSignal(CALL_ID, b.connectionId!, { kind: 'candidate', candidate: null });
    await waitFor(() => inbox.length === 1, 'signal relayed');
    expect(inbox[0]).toMatchObject({ callId: CALL_ID, fromConnectionId: a.connectionId, data: { kind: 'candidate' } });

    const before = b.connectionId;
    const aBefore = a.connectionId;
    gateway.terminateAll();
    await waitFor(
      () => a.connectionId !== null && a.connectionId !== aBefore && b.connectionId !== null && b.connectionId !== before,
      'both reconnected',
    );
    expect(b.connectionId).not.toBe(before);
    // The old address is dead: only a signal to the new id arrives.
    a.callSignal(CALL_ID, before!, { kind: 'candidate', candidate: null });
    a.callSignal(CALL_ID, b.connectionId!, {
      kind: 'description',
      description: { type: 'offer', sdp: 'v=0' },
    });
    await waitFor(() => inbox.length >= 2, 'second signal relayed');
    expect(inbox.slice(1).map((f) => f.data.kind)).toEqual(['description']);
  });
});
