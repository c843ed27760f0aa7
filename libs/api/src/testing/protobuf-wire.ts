/**
 * The protobuf wire format (https://protobuf.dev/programming-guides/encoding/): varints,
 * fixed64 and length-delimited fields, enough for the handful of Google messages the fake FCM
 * speaks (gcm-messages.ts). Hand-written rather than a protobuf library plus Google's .proto
 * files: the messages are few and small, and their field numbers are the whole contract.
 */

export class ProtobufWireError extends Error {
  override readonly name = 'ProtobufWireError';
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;

export function encodeVarint(value: number | bigint): Buffer {
  let n = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n !== 0n) byte |= 0x80;
    out.push(byte);
  } while (n !== 0n);
  return Buffer.from(out);
}

/** The varint at `offset`, or null when the buffer ends inside it (more bytes may come). */
export function readVarint(buf: Buffer, offset: number): { value: bigint; next: number } | null {
  let value = 0n;
  for (let i = 0; i < 10; i += 1) {
    const byte = buf[offset + i];
    if (byte === undefined) return null;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value, next: offset + i + 1 };
  }
  throw new ProtobufWireError('varint longer than 10 bytes');
}

const tag = (field: number, wireType: number) => encodeVarint((field << 3) | wireType);

export const varintField = (field: number, value: number | bigint | boolean): Buffer =>
  Buffer.concat([tag(field, WIRE_VARINT), encodeVarint(typeof value === 'boolean' ? Number(value) : value)]);

export function fixed64Field(field: number, value: bigint): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64LE(BigInt.asUintN(64, value));
  return Buffer.concat([tag(field, WIRE_FIXED64), bytes]);
}

export function bytesField(field: number, value: Buffer | string): Buffer {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([tag(field, WIRE_BYTES), encodeVarint(bytes.length), bytes]);
}

/** Field number → its values in order (repeated fields keep every value). */
export type DecodedMessage = Map<number, Array<bigint | Buffer>>;

export function decodeMessage(buf: Buffer): DecodedMessage {
  const fields: DecodedMessage = new Map();
  let offset = 0;
  const need = (n: number) => {
    if (offset + n > buf.length) throw new ProtobufWireError('message ends inside a field');
  };
  while (offset < buf.length) {
    const key = readVarint(buf, offset);
    if (key === null) throw new ProtobufWireError('message ends inside a field key');
    offset = key.next;
    const field = Number(key.value >> 3n);
    let value: bigint | Buffer;
    switch (Number(key.value & 7n)) {
      case WIRE_VARINT: {
        const v = readVarint(buf, offset);
        if (v === null) throw new ProtobufWireError('message ends inside a varint');
        [value, offset] = [v.value, v.next];
        break;
      }
      case WIRE_FIXED64:
        need(8);
        value = buf.readBigUInt64LE(offset);
        offset += 8;
        break;
      case WIRE_BYTES: {
        const length = readVarint(buf, offset);
        if (length === null) throw new ProtobufWireError('message ends inside a length');
        offset = length.next;
        need(Number(length.value));
        value = buf.subarray(offset, offset + Number(length.value));
        offset += Number(length.value);
        break;
      }
      case WIRE_FIXED32:
        need(4);
        value = BigInt(buf.readUInt32LE(offset));
        offset += 4;
        break;
      default:
        throw new ProtobufWireError(`unsupported wire type ${key.value & 7n} (field ${field})`);
    }
    if (field === 0) throw new ProtobufWireError('field number 0');
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

/** The last value of a scalar field (protobuf: the last one wins), as an unsigned integer. */
export function uintOf(message: DecodedMessage, field: number): bigint | undefined {
  const value = message.get(field)?.at(-1);
  if (value === undefined) return undefined;
  if (typeof value !== 'bigint') throw new ProtobufWireError(`field ${field} is not a number`);
  return value;
}

export function bytesOf(message: DecodedMessage, field: number): Buffer | undefined {
  const value = message.get(field)?.at(-1);
  if (value === undefined) return undefined;
  if (typeof value === 'bigint') throw new ProtobufWireError(`field ${field} is not length-delimited`);
  return value;
}

export const stringOf = (message: DecodedMessage, field: number): string | undefined => bytesOf(message, field)?.toString('utf8');

export function stringsOf(message: DecodedMessage, field: number): string[] {
  return (message.get(field) ?? []).map((value) => {
    if (typeof value === 'bigint') throw new ProtobufWireError(`field ${field} is not length-delimited`);
    return value.toString('utf8');
  });
}
