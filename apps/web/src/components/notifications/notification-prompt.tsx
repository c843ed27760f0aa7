'use client';
import { useEffect, useState } from 'react';
import { browserStorage } from '../../lib/browser-storage.ts';
import { notificationOffer, promptKey, pushPromptKey, type PermissionState } from '../../lib/notify-prompt.ts';
import { useRealtime } from '../shell/realtime-provider.tsx';
import { usePush } from './use-push.ts';

function permissionNow(): PermissionState {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/**
 * Asks, in the page and in words, before the browser asks: only after the person sent a
 * message here (never on first load), dismissable, remembered. The browser's prompt opens from
 * the button's click, as browsers require. Where the browser has Web Push, turning
 * notifications on turns push on too; someone who allowed notifications before gets a second,
 * push-only offer.
 */
export function NotificationPrompt({ meId }: { meId: string }) {
  const { client } = useRealtime();
  const push = usePush(meId);
  const [active, setActive] = useState(false);
  const [, setAnswered] = useState(0);
  useEffect(() => {
    if (client === null || active) return;
    return client.on('send_state', () => setActive(true));
  }, [client, active]);

  const storage = browserStorage();
  const offer = notificationOffer({ permission: permissionNow(), pushSupported: push.supported, pushOn: push.on !== false, active, storage, userId: meId });
  if (offer === 'none' && push.error === null) return null;

  const remember = (key: string) => {
    storage?.setItem(key, 'answered');
    setAnswered((n) => n + 1);
  };
  if (offer === 'none') {
    return (
      <section className="notify-prompt" aria-label="Push notifications" role="alert">
        <p>{push.error}</p>
        <div className="notify-prompt-actions">
          <button type="button" className="button button-quiet button-small" onClick={push.dismissError}>
            Dismiss
          </button>
        </div>
      </section>
    );
  }
  if (offer === 'push') {
    return (
      <section className="notify-prompt" aria-label="Push notifications">
        <p>Hear about direct messages, mentions and calls even with every Parley tab closed.</p>
        <div className="notify-prompt-actions">
          <button type="button" className="button button-primary button-small" disabled={push.busy} onClick={() => void push.enable().then(() => remember(pushPromptKey(meId)))}>
            Turn on push notifications
          </button>
          <button type="button" className="button button-quiet button-small" onClick={() => remember(pushPromptKey(meId))}>
            Not now
          </button>
        </div>
      </section>
    );
  }
  const turnOn = () => {
    const asked = push.supported ? push.enable() : Notification.requestPermission();
    void asked.catch(() => undefined).finally(() => remember(promptKey(meId)));
  };
  return (
    <section className="notify-prompt" aria-label="Desktop notifications">
      <p>
        {push.supported
          ? 'Get a notification for direct messages, mentions and calls, even with every Parley tab closed.'
          : 'Get a sound and a desktop notification for direct messages and mentions while Parley is in the background.'}
      </p>
      <div className="notify-prompt-actions">
        <button type="button" className="button button-primary button-small" disabled={push.busy} onClick={turnOn}>
          Turn on desktop notifications
        </button>
        <button type="button" className="button button-quiet button-small" onClick={() => remember(promptKey(meId))}>
          Not now
        </button>
      </div>
    </section>
  );
}
