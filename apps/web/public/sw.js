/*
 * Parley's service worker: a reload without a network shows the app, so the unsent messages
 * kept in IndexedDB (and the offline copies in localStorage) can be seen, cancelled and sent
 * later. It caches only what holds no user data: the HTML shells of pages (rendered with no
 * data: everything personal comes from /trpc and /ws, which it never touches) and the
 * content-hashed files under /_next/static/.
 *
 * - Pages: network first (online you always get the current build); a page that loaded is
 *   kept with the static files it references, and served when the network fails.
 * - /_next/static/: cache first (file names change with their content).
 * - The app posts { type: 'remember-page', url } for pages reached by client-side navigation
 *   (a conversation opened from the list), which never pass through here as navigations.
 *
 * It also shows Web Push notifications (PROTOCOL.md "Web Push"): the server sends a small JSON
 * payload ({v: 1, kind, conversationId, title, body, tag, renotify, url, ...}) already cut to what
 * the person allowed; one notification per conversation (tag). A click focuses an open Parley
 * window and asks it to open the conversation (it routes in the page), or opens a new window.
 * Kept in this file: the site's CSP ('strict-dynamic') would block importScripts.
 */
const PAGES = 'parley-pages-v1';
const ASSETS = 'parley-assets-v1';
/** Pages cached at install: the list and sign-in are where every session starts. */
const START_PAGES = ['/', '/sign-in'];
/** A remembered page younger than this is not fetched again when the app asks. */
const REMEMBER_FRESH_MS = 60 * 60 * 1000;
/** Beyond this many static files, those no cached page references are dropped. */
const MAX_ASSETS = 300;

self.addEventListener('install', (event) => {
  event.waitUntil(Promise.all(START_PAGES.map((path) => cachePage(path).catch(() => undefined))).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('parley-') && key !== PAGES && key !== ASSETS) await caches.delete(key);
      }
      // Control the page that registered us at once: it can be reloaded offline right away.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') event.respondWith(navigate(request, event));
  else if (isAsset(url)) event.respondWith(asset(request));
});

self.addEventListener('message', (event) => {
  const data = event.data;
  if (data && data.type === 'remember-page' && typeof data.url === 'string') event.waitUntil(rememberPage(data.url).catch(() => undefined));
});

self.addEventListener('push', (event) => {
  event.waitUntil(showPush(event.data));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification.data));
});

/** A push the worker cannot read still shows something: browsers require a visible notification. */
function readPush(data) {
  try {
    const payload = data ? data.json() : null;
    if (payload && payload.v === 1 && typeof payload.title === 'string' && typeof payload.url === 'string') return payload;
  } catch {
    // Not JSON: fall through to the generic notification.
  }
  return null;
}

async function showPush(data) {
  const payload = readPush(data);
  if (payload === null) return self.registration.showNotification('Parley', { body: 'Something new in Parley', tag: 'parley', icon: '/icon.svg', data: { url: '/' } });
  return self.registration.showNotification(payload.title, {
    body: payload.body,
    tag: payload.tag,
    renotify: payload.renotify === true,
    icon: '/icon.svg',
    // A ring stays until answered or replaced (by "missed call" under the same tag).
    requireInteraction: payload.kind === 'call',
    timestamp: Date.parse(payload.sentAt) || Date.now(),
    data: { url: payload.url, kind: payload.kind, conversationId: payload.conversationId, callId: payload.callId || null },
  });
}

async function openFromNotification(data) {
  const url = new URL((data && data.url) || '/', self.location.origin);
  if (url.origin !== self.location.origin) return;
  const path = url.pathname + url.search;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const target = windows.find((w) => w.focused) || windows.find((w) => w.visibilityState === 'visible') || windows[0];
  if (!target) {
    await self.clients.openWindow(url.href);
    return;
  }
  // Focusing is allowed during a real click; without one (or if refused) the page still routes.
  await target.focus().catch(() => undefined);
  target.postMessage({ type: 'parley-open', url: path });
}

function isAsset(url) {
  return url.pathname.startsWith('/_next/static/') || url.pathname === '/icon.svg';
}

/** One entry per path: a page's HTML does not depend on its query string. */
function pageKey(url) {
  const u = new URL(url, self.location.origin);
  return u.origin + u.pathname;
}

function isHtml(response) {
  return response.ok && response.type === 'basic' && !response.redirected && (response.headers.get('content-type') || '').includes('text/html');
}

async function navigate(request, event) {
  try {
    const response = await fetch(request);
    // A 5xx while the server restarts behind a proxy: the cached page is more useful.
    if (response.status >= 502 && response.status <= 504) return (await cachedPage(request.url)) || response;
    if (isHtml(response)) event.waitUntil(storePage(request.url, response.clone()).catch(() => undefined));
    return response;
  } catch {
    return (await cachedPage(request.url)) || offlinePage();
  }
}

function cachedPage(url) {
  return caches.match(pageKey(url), { cacheName: PAGES, ignoreVary: true, ignoreSearch: true });
}

async function cachePage(path) {
  const response = await fetch(path, { credentials: 'same-origin' });
  if (isHtml(response)) await storePage(path, response);
}

async function rememberPage(path) {
  const cached = await cachedPage(path);
  const at = Number(cached && cached.headers.get('x-parley-cached-at'));
  if (cached && Date.now() - at < REMEMBER_FRESH_MS) return;
  await cachePage(path);
}

/** Keeps the page with every static file it references, so it renders offline as it did. */
async function storePage(url, response) {
  const html = await response.text();
  const headers = new Headers(response.headers);
  headers.set('x-parley-cached-at', String(Date.now()));
  const pages = await caches.open(PAGES);
  await pages.put(pageKey(url), new Response(html, { status: 200, headers }));
  const assets = await caches.open(ASSETS);
  for (const path of referencedAssets(html)) {
    if (!(await assets.match(path))) await assets.add(path).catch(() => undefined);
  }
  await trimAssets(pages, assets);
}

function referencedAssets(html) {
  // The HTML names them in tags and, JSON-escaped, in the router's payload.
  const found = html.match(/\/_next\/static\/[A-Za-z0-9_\-./~%]+/g) || [];
  return [...new Set(found.map((path) => path.replace(/[\\.]+$/, '')))];
}

async function trimAssets(pages, assets) {
  const keys = await assets.keys();
  if (keys.length <= MAX_ASSETS) return;
  const keep = new Set();
  for (const page of await pages.keys()) {
    const response = await pages.match(page);
    if (response) for (const path of referencedAssets(await response.text())) keep.add(path);
  }
  for (const key of keys) if (!keep.has(new URL(key.url).pathname)) await assets.delete(key);
}

async function asset(request) {
  const cache = await caches.open(ASSETS);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') await cache.put(request, response.clone()).catch(() => undefined);
  return response;
}

function offlinePage() {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Parley</title><style>body{font:16px system-ui,sans-serif;display:grid;place-items:center;height:100vh;margin:0;color:#5b606b;text-align:center}a{color:#3451d1}</style></head>' +
    '<body><main><p>You’re offline, and this page wasn’t saved on this device.</p><p><a href="/">Open your conversations</a></p></main></body></html>';
  return new Response(html, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } });
}
