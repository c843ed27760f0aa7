/** Asked when the user first starts a call (a gesture), never on page load. */
export function requestNotificationPermission(): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'default') return;
  void Notification.requestPermission().catch(() => undefined);
}

/** A system notification for a ring while the tab is hidden; clicking it focuses the tab. */
export function notifyIncomingCall(callerName: string, media: 'audio' | 'video'): { close(): void } {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || document.visibilityState !== 'hidden') {
    return { close: () => undefined };
  }
  const notification = new Notification(`${callerName} is calling`, {
    body: media === 'video' ? 'Video call' : 'Audio call',
    tag: 'parley-call',
    requireInteraction: true,
  });
  notification.onclick = () => {
    window.focus();
    notification.close();
  };
  return { close: () => notification.close() };
}
