/**
 * The service worker (public/sw.js) that lets a reload without a network show the app. Only in
 * production builds: in `next dev` it would serve stale development bundles.
 */
const SERVICE_WORKER_URL = '/sw.js';

function worker(): ServiceWorkerContainer | null {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator ? navigator.serviceWorker : null;
}

/** Asks the worker to keep the current page for offline reloads (client-side navigations never reach it). */
export function rememberPageForOffline(): void {
  worker()?.controller?.postMessage({ type: 'remember-page', url: window.location.pathname });
}

/** Registers the worker; once it controls this page (first visit), the page is remembered. */
export function registerOfflineSupport(): () => void {
  const container = worker();
  if (container === null || process.env.NODE_ENV !== 'production') return () => undefined;
  container.addEventListener('controllerchange', rememberPageForOffline);
  container.register(SERVICE_WORKER_URL, { scope: '/' }).catch(() => {
    // No offline reloads (private mode, blocked by policy); everything else works.
  });
  return () => container.removeEventListener('controllerchange', rememberPageForOffline);
}
