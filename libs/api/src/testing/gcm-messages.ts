import { bytesField, bytesOf, decodeMessage, fixed64Field, ProtobufWireError, stringOf, stringsOf, uintOf, varintField } from './protobuf-wire.ts';

/**
 * The few messages of Google's push backend that Chromium's GCM client exchanges, by field
 * number as Chromium's google_apis/gcm/protocol/{checkin,mcs}.proto define them. Only the
 * fields Chromium sends or reads are here.
 */

/** AndroidCheckinRequest: `id` (2, int64) and `security_token` (13, fixed64) are 0 on the first check-in. */
export interface CheckinRequest {
  androidId: bigint;
  securityToken: bigint;
}

export function parseCheckinRequest(body: Buffer): CheckinRequest {
  const message = decodeMessage(body);
  // `checkin` (4, AndroidCheckinProto) is required: without it this is not a check-in.
  if (bytesOf(message, 4) === undefined) throw new ProtobufWireError('AndroidCheckinRequest without checkin (field 4)');
  return { androidId: uintOf(message, 2) ?? 0n, securityToken: uintOf(message, 13) ?? 0n };
}

/**
 * AndroidCheckinResponse. `stats_ok` (1) is a required field (Chromium's parser rejects the
 * response without it); `android_id` (7) and `security_token` (8) are the device's credentials;
 * `settings_diff: false` (9) with no settings keeps Chromium's defaults apart from its switches.
 */
export function checkinResponse(device: { androidId: bigint; securityToken: bigint }, nowMs: number): Buffer {
  return Buffer.concat([
    varintField(1, true),
    varintField(3, nowMs),
    fixed64Field(7, device.androidId),
    fixed64Field(8, device.securityToken),
    varintField(9, false),
  ]);
}

/** MCS tags: the byte before each message on the MCS connection. */
export const MCS_TAG = {
  heartbeatPing: 0,
  heartbeatAck: 1,
  loginRequest: 2,
  loginResponse: 3,
  close: 4,
  iqStanza: 7,
  dataMessageStanza: 8,
} as const;

/** The protocol version byte each side sends first; Chromium refuses a server below 41. */
export const MCS_VERSION = 41;

/** LoginRequest (tag 2): `user` (3) and `resource` (4) are the decimal android id, `auth_token` (5) the security token. */
export interface LoginRequest {
  domain: string;
  user: string;
  resource: string;
  authToken: string;
  /** Persistent ids of messages the client received but had not acknowledged (10). */
  receivedPersistentIds: string[];
}

export function parseLoginRequest(body: Buffer): LoginRequest {
  const message = decodeMessage(body);
  return {
    domain: stringOf(message, 2) ?? '',
    user: stringOf(message, 3) ?? '',
    resource: stringOf(message, 4) ?? '',
    authToken: stringOf(message, 5) ?? '',
    receivedPersistentIds: stringsOf(message, 10),
  };
}

/** LoginResponse (tag 3): `id` (1) is required; `error` (3, ErrorInfo with `code` 1) refuses the login. */
export function loginResponse(id: string, nowMs: number, errorCode?: number): Buffer {
  return Buffer.concat([
    bytesField(1, id),
    ...(errorCode === undefined ? [] : [bytesField(3, Buffer.concat([varintField(1, errorCode), bytesField(2, 'authentication failed')]))]),
    varintField(8, nowMs),
  ]);
}

/**
 * `last_stream_id_received`: how the client acknowledges the server's messages, counted from 1
 * (the login response). HeartbeatPing (2), IqStanza (10) and DataMessageStanza (11) carry it.
 */
export function lastStreamIdReceived(tag: number, body: Buffer): number | undefined {
  const field = tag === MCS_TAG.heartbeatPing || tag === MCS_TAG.heartbeatAck ? 2 : tag === MCS_TAG.iqStanza ? 10 : tag === MCS_TAG.dataMessageStanza ? 11 : undefined;
  if (field === undefined) return undefined;
  const value = uintOf(decodeMessage(body), field);
  return value === undefined ? undefined : Number(value);
}

/**
 * DataMessageStanza (tag 8), a downstream message as Chromium's GCMClientImpl reads it:
 * `from` (3) is the sender (for Web Push the application server key, which selects the keys
 * to decrypt with), `category` (5) the registration's `app`, `app_data` (7) key/value pairs
 * (`subtype`: the registration's X-subtype, i.e. Chromium's app id; `content-encoding`), the
 * `persistent_id` (9) it acknowledges, `raw_data` (21) the still-encrypted body.
 * `immediate_ack` (24) asks Chromium to acknowledge it at once.
 */
export interface DataMessage {
  id: string;
  from: string;
  to: string;
  category: string;
  appData: ReadonlyArray<readonly [string, string]>;
  persistentId: string;
  rawData: Buffer;
}

export function dataMessageStanza(message: DataMessage): Buffer {
  return Buffer.concat([
    bytesField(2, message.id),
    bytesField(3, message.from),
    bytesField(4, message.to),
    bytesField(5, message.category),
    ...message.appData.map(([key, value]) => bytesField(7, Buffer.concat([bytesField(1, key), bytesField(2, value)]))),
    bytesField(9, message.persistentId),
    bytesField(21, message.rawData),
    varintField(24, true),
  ]);
}

/** What a DataMessageStanza says, for tests that play Chromium's part. */
export function parseDataMessageStanza(body: Buffer): DataMessage {
  const message = decodeMessage(body);
  const appData = (message.get(7) ?? []).map((entry) => {
    if (typeof entry === 'bigint') throw new ProtobufWireError('app_data is not a message');
    const pair = decodeMessage(entry);
    return [stringOf(pair, 1) ?? '', stringOf(pair, 2) ?? ''] as const;
  });
  return {
    id: stringOf(message, 2) ?? '',
    from: stringOf(message, 3) ?? '',
    to: stringOf(message, 4) ?? '',
    category: stringOf(message, 5) ?? '',
    appData,
    persistentId: stringOf(message, 9) ?? '',
    rawData: bytesOf(message, 21) ?? Buffer.alloc(0),
  };
}
