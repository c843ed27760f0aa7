import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify, type ECDH } from 'node:crypto';

/**
 * The receiving end of Web Push encryption and VAPID, written from the RFCs (not from the
 * `web-push` library the server uses), so a test checks the server against the standard.
 */

/** A user agent's push keys: the P-256 pair and the 16-byte auth secret (RFC 8291 §3). */
export interface UserAgentKeys {
  ecdh: ECDH;
  /** base64url of the uncompressed public point, as PushSubscription.getKey('p256dh'). */
  p256dh: string;
  auth: string;
}

export function newUserAgentKeys(): UserAgentKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

export class PushProtocolError extends Error {
  override readonly name = 'PushProtocolError';
}

const hkdf = (salt: Buffer, ikm: Buffer, info: Buffer, length: number) => Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** RFC 8188 aes128gcm with the RFC 8291 key derivation; one record (what Web Push sends). */
export function decryptAes128gcm(body: Buffer, keys: UserAgentKeys): Buffer {
  if (body.length < 21) throw new PushProtocolError('body shorter than the aes128gcm header');
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20]!;
  const asPublic = body.subarray(21, 21 + idLength);
  if (idLength !== 65 || asPublic[0] !== 0x04) throw new PushProtocolError('keyid is not an uncompressed P-256 point (RFC 8291 §4)');
  const ciphertext = body.subarray(21 + idLength);
  if (ciphertext.length > recordSize) throw new PushProtocolError('more than one record: Web Push sends one (RFC 8291 §4)');
  const uaPublic = keys.ecdh.getPublicKey();
  const ecdhSecret = keys.ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = hkdf(Buffer.from(keys.auth, 'base64url'), ecdhSecret, keyInfo, 32);
  const cek = hkdf(salt, ikm, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
  const nonce = hkdf(salt, ikm, Buffer.from('Content-Encoding: nonce\0'), 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding (RFC 8188 §2).
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 0x02) throw new PushProtocolError('missing last-record delimiter');
  return padded.subarray(0, end);
}

export interface VapidClaims {
  aud: string;
  exp: number;
  sub: string;
}

/**
 * Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292 §2, §3): an ES256 JWT signed
 * by `k`, for this push service's origin, not expired and at most 24 h ahead, with a contact.
 */
export function verifyVapid(header: string | undefined, audience: string, nowSeconds = Math.floor(Date.now() / 1000)): { claims: VapidClaims; publicKey: string } {
  const match = /^vapid\s+t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new PushProtocolError('Authorization is not "vapid t=..., k=..."');
  const [token, k] = [match[1]!, match[2]!];
  const [head, payload, signature] = token.split('.');
  if (!head || !payload || !signature) throw new PushProtocolError('t is not a JWT');
  const jose = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: string };
  if (jose.alg !== 'ES256') throw new PushProtocolError(`JWT alg is ${jose.alg}, not ES256`);
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) throw new PushProtocolError('k is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${head}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new PushProtocolError('VAPID signature does not verify with k');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as VapidClaims;
  if (claims.aud !== audience) throw new PushProtocolError(`aud is ${claims.aud}, not ${audience}`);
  if (!(claims.exp > nowSeconds && claims.exp <= nowSeconds + 24 * 3600)) throw new PushProtocolError('exp is past or more than 24 h ahead');
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new PushProtocolError('sub is not a mailto: or https: contact');
  return { claims, publicKey: k };
}
