import { isIP } from 'node:net';
import { AppError } from '@parley/protocol';

/**
 * Where the server will POST pushes. Endpoints come from browsers, i.e. from anyone with an
 * account, so an open policy would let them aim the server at internal addresses (SSRF): by
 * default only the browser vendors' push services are allowed.
 */
export interface PushEndpointPolicy {
  /** Host names (and their subdomains) allowed, or 'any' for any public https host. */
  hosts: readonly string[] | 'any';
  /** Loopback endpoints (127.0.0.0/8, ::1, localhost): only for tests that run their own push service. */
  allowLoopback: boolean;
}

/**
 * The push services of Chrome/Edge/Opera (FCM), Firefox (Mozilla autopush), Safari (Apple) and
 * Edge on Windows (WNS). `jmt17.google.com` is FCM too: Chromium gives it to subscriptions made
 * by every channel but Stable (Beta, Dev, Canary, and Linux distributions' Chromium builds;
 * chrome/browser/push_messaging/push_messaging_utils.cc).
 */
export const DEFAULT_PUSH_HOSTS: readonly string[] = [
  'fcm.googleapis.com',
  'jmt17.google.com',
  'android.googleapis.com',
  'updates.push.services.mozilla.com',
  'push.services.mozilla.com',
  'web.push.apple.com',
  'notify.windows.com',
];

export const MAX_ENDPOINT_CHARS = 2048;

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Throws `invalid_input` with a message a person can act on; returns the endpoint unchanged. */
export function checkPushEndpoint(endpoint: string, policy: PushEndpointPolicy): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new AppError('invalid_input', 'The push endpoint is not a URL');
  }
  if (url.protocol !== 'https:') throw new AppError('invalid_input', 'A push endpoint must be an https URL');
  if (url.username !== '' || url.password !== '') throw new AppError('invalid_input', 'A push endpoint must not carry credentials');
  if (isLoopback(url.hostname)) {
    if (policy.allowLoopback) return endpoint;
    throw new AppError('invalid_input', 'This server does not send pushes to loopback addresses');
  }
  const host = url.hostname.toLowerCase();
  const listed = policy.hosts === 'any' ? isIP(host.replace(/^\[|\]$/g, '')) === 0 : policy.hosts.some((h) => host === h || host.endsWith(`.${h}`));
  if (!listed) throw new AppError('invalid_input', `This server does not send pushes to ${host}`);
  return endpoint;
}
