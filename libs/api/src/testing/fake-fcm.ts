import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { checkinResponse, parseCheckinRequest } from './gcm-messages.ts';
import { FcmRegistry, FcmRequestError, type FcmRegistration } from './fake-fcm-registry.ts';
import { startMcsServer, type McsServer } from './fake-fcm-mcs.ts';
import { createLoopbackPushAgent, type LoopbackPushAgent } from './loopback-push-agent.ts';
import { receiveWebPush, type FcmPush } from './fake-fcm-web-push.ts';
import { makeSelfSignedCertificate } from './self-signed-certificate.ts';

/**
 * A stand-in for Google's push backend, on loopback, that real Chromium uses as it uses FCM:
 * the GCM check-in (protobuf), the registration behind PushManager.subscribe (instance-ID
 * tokens from c2dm/register3), the MCS connection (protobuf over TLS) that carries pushes to
 * the browser, and the Web Push endpoint (RFC 8030, VAPID per RFC 8292) application servers
 * POST to. The payload stays encrypted end to end: the browser decrypts it, never this fake.
 *
 * Chromium is pointed at it with its own switches (google_apis/gcm: --gcm-checkin-url,
 * --gcm-registration-url, --gcm-mcs-endpoint; see `chromiumArgs`). The subscription endpoints
 * Chromium makes still name Google's hosts (fcm.googleapis.com, or jmt17.google.com on
 * non-stable channels such as distribution builds): `agent` sends an application server's
 * requests for those hosts here.
 */

/** The hosts Chromium puts in push endpoints (chrome/browser/push_messaging/push_messaging_constants.cc). */
export const FCM_PUSH_HOSTS = ['fcm.googleapis.com', 'jmt17.google.com'] as const;

export interface FakeFcm {
  /** Where Chromium checks in and registers (https on 127.0.0.1, this fake's certificate). */
  checkinUrl: string;
  registrationUrl: string;
  /** The MCS endpoint's port on 127.0.0.1 (TLS). */
  mcsPort: number;
  certificatePem: string;
  /**
   * Switches for a Chromium with a persistent profile (--user-data-dir, which the SPKI switch
   * needs). Trust: `--ignore-certificate-errors-spki-list` makes Chromium accept this fake's key
   * (and no other) on every TLS connection, GCM's included; chosen over
   * `--ignore-certificate-errors` (accepts anything) and a CA in the profile's NSS database
   * (needs certutil).
   */
  chromiumArgs: string[];
  /** For the application server's Web Push requests: Google's push hosts reach this fake. */
  agent: LoopbackPushAgent;
  /** Pushes accepted (201) and passed on over MCS. */
  received: FcmPush[];
  /** Requests refused for breaking a protocol (check-in, registration, MCS, Web Push, VAPID): should stay empty. */
  violations: string[];
  registrations(): FcmRegistration[];
  /** Devices with an MCS connection right now (decimal android ids). */
  connectedDevices(): string[];
  /** Resolves with the first accepted push (already received or to come) that matches. */
  next(predicate: (push: FcmPush) => boolean, timeoutMs?: number): Promise<FcmPush>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeFcm(): Promise<FakeFcm> {
  const certificate = makeSelfSignedCertificate({ dns: FCM_PUSH_HOSTS, ips: ['127.0.0.1'] });
  const registry = new FcmRegistry();
  const received: FcmPush[] = [];
  const violations: string[] = [];
  const waiters = new Set<{ predicate: (p: FcmPush) => boolean; resolve: (p: FcmPush) => void }>();
  const mcs: McsServer = await startMcsServer({
    key: certificate.keyPem,
    cert: certificate.certificatePem,
    authenticate: (androidId, token) => registry.authenticate(androidId, token) !== undefined,
    onViolation: (reason) => violations.push(reason),
  });

  /** Some of Google's answers are errors in a 200 (`Error=...` from register3). */
  const refuse = (res: ServerResponse, status: number, reason: string, body = reason) => {
    violations.push(reason);
    res.writeHead(status, { 'content-type': 'text/plain' }).end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const path = req.url ?? '';
    if (req.method === 'POST' && path === '/checkin') {
      let device;
      try {
        device = registry.checkin(parseCheckinRequest(body));
      } catch (error) {
        return refuse(res, 400, `check-in: ${String(error)}`);
      }
      // 401 makes Chromium reset its GCM store and check in afresh.
      if (device === null) return refuse(res, 401, 'check-in with an unknown android id or security token');
      return void res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(checkinResponse(device, Date.now()));
    }
    if (req.method === 'POST' && path === '/c2dm/register3') {
      const form = new URLSearchParams(body.toString('utf8'));
      try {
        const device = registry.deviceOf(req.headers.authorization);
        if (form.get('delete') === 'true') {
          registry.unregister(device, form);
          // Instance-ID deletions expect "token=", GCM ones "deleted=" (unregistration handlers).
          return void res.writeHead(200).end(form.has('appid') ? `token=${form.get('appid')}` : `deleted=${form.get('app')}`);
        }
        const { token } = registry.register(device, form);
        return void res.writeHead(200).end(`token=${token}`);
      } catch (error) {
        if (!(error instanceof FcmRequestError)) throw error;
        return refuse(res, 200, `registration: ${error.message}`, `Error=${error.code}`);
      }
    }
    const outcome = receiveWebPush(req, body, registry, new Set<string>(FCM_PUSH_HOSTS));
    if ('status' in outcome) return outcome.violation ? refuse(res, outcome.status, outcome.violation) : void res.writeHead(outcome.status).end();
    const { push, registration } = outcome;
    push.persistentId = mcs.deliver(registration.androidId, {
      from: registration.sender,
      to: registration.token,
      category: registration.category,
      appData: [...(registration.subtype === undefined ? [] : [['subtype', registration.subtype] as const]), ['content-encoding', 'aes128gcm']],
      rawData: push.body,
    });
    received.push(push);
    for (const waiter of waiters) {
      if (!waiter.predicate(push)) continue;
      waiters.delete(waiter);
      waiter.resolve(push);
    }
    res.writeHead(201, { location: `https://${req.headers.host}/fcm/message/${encodeURIComponent(push.persistentId)}` }).end();
  };

  const server: Server = createServer({ key: certificate.keyPem, cert: certificate.certificatePem }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      violations.push(`fake FCM: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const checkinUrl = `https://127.0.0.1:${port}/checkin`;
  const registrationUrl = `https://127.0.0.1:${port}/c2dm/register3`;

  return {
    checkinUrl,
    registrationUrl,
    mcsPort: mcs.port,
    certificatePem: certificate.certificatePem,
    chromiumArgs: [
      `--gcm-checkin-url=${checkinUrl}`,
      `--gcm-registration-url=${registrationUrl}`,
      `--gcm-mcs-endpoint=https://127.0.0.1:${mcs.port}`,
      `--ignore-certificate-errors-spki-list=${certificate.spkiSha256}`,
    ],
    agent: createLoopbackPushAgent({ hosts: FCM_PUSH_HOSTS, port, certificatePem: certificate.certificatePem }),
    received,
    violations,
    registrations: () => registry.list(),
    connectedDevices: () => mcs.connectedDevices(),
    next(predicate, timeoutMs = 10_000) {
      const found = received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (p: FcmPush) => (clearTimeout(timer), resolve(p)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching push within ${timeoutMs} ms (received ${received.length}, violations: ${violations.join('; ') || 'none'})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mcs.close();
    },
  };
}
