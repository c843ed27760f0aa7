import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { decryptAes128gcm, newUserAgentKeys, verifyVapid, type UserAgentKeys, type VapidClaims } from './push-crypto.ts';

/** What the push service received and checked, decrypted with the subscription's keys. */
export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted body (UTF-8). */
  text: string;
  ttl: number;
  urgency: string | undefined;
  topic: string | undefined;
  claims: VapidClaims;
  /** The VAPID public key (`k`) the request was signed with. */
  vapidKey: string;
  status: number;
}

/** How the service answers one subscription's pushes. */
export type PushBehaviour = { status: number } | { hangMs: number };

export interface LocalSubscription {
  id: string;
  /** PushSubscription.toJSON() shape, ready for push.subscribe. */
  json: { endpoint: string; keys: { p256dh: string; auth: string } };
  keys: UserAgentKeys;
}

export interface LocalPushService {
  /** `https://127.0.0.1:<port>`: the VAPID audience. */
  origin: string;
  /** PEM of its self-signed certificate: give it to the sender's TLS agent (or NODE_EXTRA_CA_CERTS). */
  certificatePem: string;
  certificateFile: string;
  /** A new subscription as a browser would make it (its own P-256 keys and auth secret). */
  subscribe(): LocalSubscription;
  /** Registers keys made elsewhere (e.g. by a browser page) under a new endpoint. */
  adopt(keys: UserAgentKeys): LocalSubscription;
  behave(subscriptionId: string, behaviour: PushBehaviour): void;
  received: ReceivedPush[];
  /** Requests refused for breaking the protocol (bad VAPID, bad encryption): should stay empty. */
  violations: string[];
  /** Resolves with the first push (already received or to come) that matches. */
  next(predicate: (push: ReceivedPush) => boolean, timeoutMs?: number): Promise<ReceivedPush>;
  /** Called with each accepted push (the browser test forwards it to a service worker). */
  onPush: ((push: ReceivedPush) => void) | undefined;
  close(): Promise<void>;
}

/**
 * A push service on loopback speaking RFC 8030 (POST to the endpoint, TTL/Urgency/Topic, 201),
 * checking RFC 8292 VAPID and decrypting RFC 8291 aes128gcm with the subscription's private key.
 * HTTPS with a self-signed certificate made by `openssl` at start (web-push only speaks https).
 */
export async function startLocalPushService(): Promise<LocalPushService> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-push-'));
  const keyFile = join(dir, 'key.pem');
  const certificateFile = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-keyout', keyFile, '-out', certificateFile, '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore' });
  const certificatePem = readFileSync(certificateFile, 'utf8');
  const subscriptions = new Map<string, { keys: UserAgentKeys; behaviour: PushBehaviour }>();
  const waiters = new Set<{ predicate: (p: ReceivedPush) => boolean; resolve: (p: ReceivedPush) => void }>();
  let counter = 0;
  const hanging = new Set<() => void>();

  const server: Server = createServer({ key: readFileSync(keyFile), cert: certificatePem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const id = /^\/push\/([A-Za-z0-9-]+)$/.exec(req.url ?? '')?.[1];
      const sub = id === undefined ? undefined : subscriptions.get(id);
      if (req.method !== 'POST' || id === undefined || sub === undefined) return void res.writeHead(404).end();
      let push: ReceivedPush;
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error(`Content-Encoding is ${req.headers['content-encoding']}`);
        const ttl = Number(req.headers.ttl);
        if (!Number.isInteger(ttl) || ttl < 0) throw new Error('TTL header missing (RFC 8030 §5.2)');
        const { claims, publicKey } = verifyVapid(req.headers.authorization, service.origin);
        const text = decryptAes128gcm(Buffer.concat(chunks), sub.keys).toString('utf8');
        const header = (name: string) => (typeof req.headers[name] === 'string' ? (req.headers[name] as string) : undefined);
        const status = 'status' in sub.behaviour ? sub.behaviour.status : 201;
        push = { subscriptionId: id, text, ttl, urgency: header('urgency'), topic: header('topic'), claims, vapidKey: publicKey, status };
      } catch (error) {
        service.violations.push(String(error));
        return void res.writeHead(400).end(String(error));
      }
      const answer = () => {
        if (push.status < 300) {
          service.received.push(push);
          service.onPush?.(push);
          for (const waiter of waiters) {
            if (!waiter.predicate(push)) continue;
            waiters.delete(waiter);
            waiter.resolve(push);
          }
        }
        if (!res.destroyed) res.writeHead(push.status, push.status === 201 ? { location: `${service.origin}/message/${++counter}` } : {}).end();
      };
      if ('hangMs' in sub.behaviour) {
        const timer = setTimeout(() => {
          hanging.delete(release);
          answer();
        }, sub.behaviour.hangMs);
        const release = () => {
          clearTimeout(timer);
          res.destroy();
        };
        hanging.add(release);
      } else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const adopt = (keys: UserAgentKeys): LocalSubscription => {
    const id = `sub-${++counter}-${Math.random().toString(36).slice(2, 10)}`;
    subscriptions.set(id, { keys, behaviour: { status: 201 } });
    return { id, keys, json: { endpoint: `https://127.0.0.1:${port}/push/${id}`, keys: { p256dh: keys.p256dh, auth: keys.auth } } };
  };

  const service: LocalPushService = {
    origin: `https://127.0.0.1:${port}`,
    certificatePem,
    certificateFile,
    subscribe: () => adopt(newUserAgentKeys()),
    adopt,
    behave(subscriptionId, behaviour) {
      const sub = subscriptions.get(subscriptionId);
      if (sub) sub.behaviour = behaviour;
    },
    received: [],
    violations: [],
    onPush: undefined,
    next(predicate, timeoutMs = 10_000) {
      const found = service.received.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve: (p: ReceivedPush) => (clearTimeout(timer), resolve(p)) };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`no matching push within ${timeoutMs} ms (received ${service.received.length}, violations: ${service.violations.join('; ') || 'none'})`));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
    async close() {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return service;
}
