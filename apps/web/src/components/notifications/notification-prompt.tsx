'use client';
import { useEffect, useState } from 'react';
import { browserStorage } from '../../lib/browser-storage.ts';
import { promptKey, shouldOfferNotifications, type PermissionState } from '../../lib/notify-prompt.ts';
import { useRealtime } from '../shell/realtime-provider.tsx';

function permissionNow(): PermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Asks, in the page and in words, before the browser asks: only after the person sent a
 * message here (never on first load), dismissable, remembered. The browser's prompt opens from
 * the button's click, as browsers require.
 */
export function NotificationPrompt({ meId }: { meId: string }) {
  const { client } = useRealtime();
  const [active, setActive] = useState(false);
  const [, setAnswered] = useState(0);
  useEffect(() => {
    if (client === null || active) return;
    return client.on('send_state', () => setActive(true));
  }, [client, active]);

  const storage = browserStorage();
  if (!shouldOfferNotifications({ permission: permissionNow(), active, storage, userId: meId })) return null;

  const remember = () => {
    storage?.setItem(promptKey(meId), 'answered');
    setAnswered((n) => n + 1);
  };
  const turnOn = () => {
    void Notification.requestPermission()
      .catch(() => undefined)
      .finally(remember);
  };
  return (
    <section className="notify-prompt" aria-label="Desktop notifications">
      <p>Get a sound and a desktop notification for direct messages and mentions while Parley is in the background.</p>
      <div className="notify-prompt-actions">
        <button type="button" className="button button-primary button-small" onClick={turnOn}>
          Turn on desktop notifications
        </button>
        <button type="button" className="button button-quiet button-small" onClick={remember}>
          Not now
        </button>
      </div>
    </section>
  );
}
