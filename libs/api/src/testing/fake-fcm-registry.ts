import { randomBytes } from 'node:crypto';
import type { CheckinRequest } from './gcm-messages.ts';

/**
 * What the fake FCM remembers: devices (a Chromium profile after its check-in) and their
 * registrations (one per push subscription), as Google's check-in and c2dm/register3 services
 * hand them out.
 */

export interface FcmDevice {
  androidId: bigint;
  securityToken: bigint;
}

export interface FcmRegistration {
  /** The registration id: the last path segment of the push endpoint. */
  token: string;
  androidId: bigint;
  /** `app`: Chromium's product category (e.g. `org.chromium.linux`) for Web Push. */
  category: string;
  /** `X-subtype`: Chromium's app id for the subscription (`wp:<origin>#<id>`); absent for Chrome's own registrations. */
  subtype: string | undefined;
  /** `sender`: for Web Push, the application server key (base64url), which pushes must be signed with. */
  sender: string;
}

/** A request Chromium would get an `Error=` answer for (registration_request.cc reads these names). */
export class FcmRequestError extends Error {
  override readonly name = 'FcmRequestError';
  constructor(
    readonly code: 'AUTHENTICATION_FAILED' | 'INVALID_PARAMETERS' | 'INVALID_SENDER',
    message: string,
  ) {
    super(message);
  }
}

/** A non-zero 63-bit id: Chromium treats 0 as "none" and stores them as uint64. */
function randomId(): bigint {
  for (;;) {
    const id = randomBytes(8).readBigUInt64BE() >> 1n;
    if (id !== 0n) return id;
  }
}

export class FcmRegistry {
  private readonly devices = new Map<bigint, FcmDevice>();
  private readonly registrations = new Map<string, FcmRegistration>();

  /** A first check-in (id 0) makes a device; a later one must name a device with its token. Null: 401. */
  checkin(request: CheckinRequest): FcmDevice | null {
    if (request.androidId === 0n) {
      const device = { androidId: randomId(), securityToken: randomId() };
      this.devices.set(device.androidId, device);
      return device;
    }
    const device = this.devices.get(request.androidId);
    return device !== undefined && device.securityToken === request.securityToken ? device : null;
  }

  authenticate(androidId: string, securityToken: string): FcmDevice | undefined {
    if (!/^\d+$/.test(androidId) || !/^\d+$/.test(securityToken)) return undefined;
    const device = this.devices.get(BigInt(androidId));
    return device !== undefined && device.securityToken === BigInt(securityToken) ? device : undefined;
  }

  /** `Authorization: AidLogin <android id>:<security token>`, as Chromium sends it to register3. */
  deviceOf(authorization: string | undefined): FcmDevice {
    const match = /^AidLogin (\d+):(\d+)$/.exec(authorization ?? '');
    const device = match ? this.authenticate(match[1]!, match[2]!) : undefined;
    if (device === undefined) throw new FcmRequestError('AUTHENTICATION_FAILED', `Authorization is not a checked-in device: ${authorization ?? '(none)'}`);
    return device;
  }

  /** register3 with a form as Chromium's RegistrationRequest builds it; returns the token. */
  register(device: FcmDevice, form: URLSearchParams): FcmRegistration {
    const category = form.get('app');
    const sender = form.get('sender');
    if (form.get('device') !== String(device.androidId)) throw new FcmRequestError('AUTHENTICATION_FAILED', 'device is not the authenticated android id');
    if (!category || !sender) throw new FcmRequestError('INVALID_PARAMETERS', 'app and sender are required');
    const subtype = form.get('X-subtype') ?? undefined;
    // Instance ID tokens (Web Push) look like Google's: "<instance id>:<opaque part>".
    const instanceId = form.get('appid') ?? randomBytes(8).toString('base64url');
    const registration = { token: `${instanceId}:${randomBytes(100).toString('base64url')}`, androidId: device.androidId, category, subtype, sender };
    this.registrations.set(registration.token, registration);
    return registration;
  }

  /** register3 with `delete=true`: forgets the device's registrations for that app (and sender, when given). */
  unregister(device: FcmDevice, form: URLSearchParams): number {
    const category = form.get('app');
    const subtype = form.get('X-subtype') ?? undefined;
    const sender = form.get('sender');
    let removed = 0;
    for (const [token, registration] of this.registrations) {
      if (registration.androidId !== device.androidId || registration.category !== category || registration.subtype !== subtype) continue;
      if (sender !== null && sender !== '*' && registration.sender !== sender) continue;
      this.registrations.delete(token);
      removed += 1;
    }
    return removed;
  }

  byToken(token: string): FcmRegistration | undefined {
    return this.registrations.get(token);
  }

  list(): FcmRegistration[] {
    return [...this.registrations.values()];
  }
}
