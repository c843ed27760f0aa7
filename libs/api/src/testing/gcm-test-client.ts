import { request } from 'node:https';
import { connect, type TLSSocket } from 'node:tls';
import { MCS_TAG, parseDataMessageStanza, type DataMessage } from './gcm-messages.ts';
import { mcsFrame, McsFrameReader, type McsFrame } from './mcs-framing.ts';
import { bytesField, decodeMessage, fixed64Field, uintOf, varintField } from './protobuf-wire.ts';
import type { FakeFcm } from './fake-fcm.ts';

/**
 * Plays the part of Chromium's GCM client against the fake FCM, request for request as
 * google_apis/gcm builds them, so the fake can be tested without a browser.
 */

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export function post(url: string, body: Buffer | string, headers: Record<string, string>, ca: string): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface Device {
  androidId: bigint;
  securityToken: bigint;
}

/** AndroidCheckinRequest as CheckinRequest::Start builds it (checkin_request.cc). */
export function checkinRequest(device: Device = { androidId: 0n, securityToken: 0n }): Buffer {
  const checkin = Buffer.concat([varintField(12, 3) /* type: DEVICE_CHROME_BROWSER */]);
  return Buffer.concat([varintField(2, device.androidId), bytesField(4, checkin), fixed64Field(13, device.securityToken), varintField(14, 3), varintField(22, 0)]);
}

export async function checkIn(fake: FakeFcm, device?: Device): Promise<{ status: number; device?: Device }> {
  const answer = await post(fake.checkinUrl, checkinRequest(device), { 'content-type': 'application/x-protobuf' }, fake.certificatePem);
  if (answer.status !== 200) return { status: answer.status };
  const message = decodeMessage(answer.body);
  return { status: 200, device: { androidId: uintOf(message, 7) ?? 0n, securityToken: uintOf(message, 8) ?? 0n } };
}

/** register3 as InstanceIDGetTokenRequestHandler builds it for PushManager.subscribe; the answer's text. */
export async function registerWebPush(fake: FakeFcm, device: Device, applicationServerKey: string, appId = 'wp:http://127.0.0.1:1/#A1-V2', extra: Record<string, string> = {}): Promise<string> {
  const form = new URLSearchParams({
    app: 'org.chromium.linux', 'X-subtype': appId, device: String(device.androidId), scope: 'GCM', 'X-scope': 'GCM', gmsv: '156', appid: 'fakeInstance', sender: applicationServerKey, ...extra,
  });
  const answer = await post(fake.registrationUrl, form.toString(), {
    authorization: `AidLogin ${device.androidId}:${device.securityToken}`,
    'content-type': 'application/x-www-form-urlencoded',
  }, fake.certificatePem);
  return answer.body.toString('utf8');
}

/** LoginRequest as MCSClient builds it (mcs_util.cc). */
export function loginRequest(device: Device, receivedPersistentIds: readonly string[] = []): Buffer {
  return Buffer.concat([
    bytesField(1, 'chrome-156.0.0.0'), bytesField(2, 'mcs.android.com'), bytesField(3, String(device.androidId)), bytesField(4, String(device.androidId)),
    bytesField(5, String(device.securityToken)), bytesField(6, `android-${device.androidId.toString(16)}`),
    ...receivedPersistentIds.map((id) => bytesField(10, id)), varintField(14, true), varintField(16, 2),
  ]);
}

export class McsTestClient {
  private readonly reader = new McsFrameReader();
  private readonly frames: McsFrame[] = [];
  private wake: (() => void) | undefined;
  closed = false;

  private constructor(readonly socket: TLSSocket) {
    socket.on('data', (chunk: Buffer) => {
      this.frames.push(...this.reader.push(chunk));
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  static async connect(fake: FakeFcm, device: Device, receivedPersistentIds: readonly string[] = []): Promise<McsTestClient> {
    const socket = connect({ host: '127.0.0.1', port: fake.mcsPort, ca: fake.certificatePem });
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    socket.write(mcsFrame(MCS_TAG.loginRequest, loginRequest(device, receivedPersistentIds), true));
    return new McsTestClient(socket);
  }

  /** The next frame from the server, or null once the connection closed. */
  async nextFrame(timeoutMs = 5000): Promise<McsFrame | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length === 0 && !this.closed) {
      if (Date.now() > deadline) throw new Error(`no MCS frame within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.frames.shift() ?? null;
  }

  /** The login response's error code (undefined: logged in). */
  async loginResult(): Promise<number | undefined> {
    const frame = await this.nextFrame();
    if (frame?.tag !== MCS_TAG.loginResponse) throw new Error(`expected a login response, got ${frame ? `tag ${frame.tag}` : 'a closed connection'}`);
    const error = decodeMessage(frame.body).get(3)?.[0];
    return error instanceof Buffer ? Number(uintOf(decodeMessage(error), 1)) : undefined;
  }

  async nextDataMessage(timeoutMs?: number): Promise<DataMessage> {
    for (;;) {
      const frame = await this.nextFrame(timeoutMs);
      if (frame === null) throw new Error('MCS connection closed before a data message');
      if (frame.tag === MCS_TAG.dataMessageStanza) return parseDataMessageStanza(frame.body);
    }
  }

  /** StreamAck (IqStanza, extension 13) acknowledging everything up to `streamId`, as Chromium sends for immediate_ack. */
  ack(streamId: number): void {
    const iq = Buffer.concat([varintField(2, 1), bytesField(3, ''), bytesField(7, Buffer.concat([varintField(1, 13), bytesField(2, Buffer.alloc(0))])), varintField(10, streamId)]);
    this.socket.write(mcsFrame(MCS_TAG.iqStanza, iq));
  }

  ping(): void {
    this.socket.write(mcsFrame(MCS_TAG.heartbeatPing, Buffer.alloc(0)));
  }

  /** Ends the connection after what was written (an ack) has gone out, and waits until it closed. */
  async close(): Promise<void> {
    if (this.closed) return;
    const closed = new Promise<void>((resolve) => this.socket.once('close', () => resolve()));
    this.socket.end();
    await closed;
  }
}
