'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { PushContent } from '@parley/protocol';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';
import { useNotificationSettings, type NotificationSettings as Settings } from '../notifications/use-notification-settings.ts';
import { usePush } from '../notifications/use-push.ts';

/**
 * Settings → Notifications: push on this device (a browser's subscription belongs to it), and
 * what a push may show, for the account (every device; synced by settings_changed).
 */
export function NotificationSettings({ meId }: { meId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const push = usePush(meId);
  const { pushContent } = useNotificationSettings();
  // The choice shows at once; it reverts if the server refuses it.
  const [pending, setPending] = useState<PushContent | null>(null);
  const [failed, setFailed] = useState(false);
  const shown = pending ?? pushContent;
  const choose = (content: PushContent) => {
    setPending(content);
    setFailed(false);
    api.users.setPushContent
      .mutate({ content })
      .then((settings) => queryClient.setQueryData<Settings>(queryKeys.notificationSettings, settings))
      .catch(() => setFailed(true))
      .finally(() => setPending(null));
  };
  const toggle = () => void (push.on ? push.disable() : push.enable());
  return (
    <section className="settings-section" aria-labelledby="notifications-heading">
      <h2 id="notifications-heading">Notifications</h2>
      <div className="push-toggle">
        <label htmlFor="push-on">
          <input id="push-on" type="checkbox" role="switch" checked={push.on === true} disabled={!push.supported || push.busy || push.on === undefined} onChange={toggle} />
          Push notifications on this device
        </label>
        <p className="field-hint" id="push-on-hint">
          {push.supported
            ? 'Direct messages, mentions and calls reach you even with every Parley tab closed.'
            : 'This browser cannot receive push notifications from Parley.'}
        </p>
        {push.error ? <p className="field-error" role="alert">{push.error}</p> : null}
      </div>
      <fieldset className="push-content" aria-busy={pending !== null || undefined}>
        <legend>What a push notification shows</legend>
        <label>
          <input type="radio" name="push-content" value="sender" checked={shown === 'sender'} onChange={() => choose('sender')} />
          Only who wrote (“New message from Ann”)
        </label>
        <label>
          <input type="radio" name="push-content" value="text" checked={shown === 'text'} onChange={() => choose('text')} />
          Who wrote and the message text
        </label>
        <p className="field-hint">For all your devices. Lock screens show it to anyone nearby.</p>
        {failed ? <p className="field-error" role="alert">Could not save this choice. Try again.</p> : null}
      </fieldset>
    </section>
  );
}
