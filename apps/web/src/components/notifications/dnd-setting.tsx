'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { dndActive } from '../../lib/notify-decision.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { useNow } from '../../lib/use-now.ts';
import { useApi } from '../providers.tsx';
import { useNotificationSettings, type NotificationSettings } from './use-notification-settings.ts';

const HOUR_MS = 3_600_000;
const CHOICES = [
  { value: '1h', label: 'For 1 hour', ms: HOUR_MS },
  { value: '8h', label: 'For 8 hours', ms: 8 * HOUR_MS },
  { value: '24h', label: 'For 24 hours', ms: 24 * HOUR_MS },
  { value: '7d', label: 'For 7 days', ms: 7 * 24 * HOUR_MS - 60_000 },
] as const;

/** "14:05" today, "Tue 14:05" on another day. */
function untilText(iso: string, now: Date): string {
  const until = new Date(iso);
  const sameDay = until.toDateString() === now.toDateString();
  return until.toLocaleString(undefined, sameDay ? { hour: '2-digit', minute: '2-digit' } : { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

/** Do not disturb for every conversation, on every device: no sound, no desktop notification. */
export function DndSetting() {
  const api = useApi();
  const queryClient = useQueryClient();
  const { dndUntil } = useNotificationSettings();
  const now = useNow(30_000);
  const on = now !== null && dndActive(dndUntil, now.getTime());
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const choose = (value: string) => {
    const ms = CHOICES.find((c) => c.value === value)?.ms;
    const until = ms === undefined ? null : new Date(Date.now() + ms).toISOString();
    setBusy(true);
    setFailed(false);
    api.users.setDoNotDisturb
      .mutate({ until })
      .then((settings) => queryClient.setQueryData<NotificationSettings>(queryKeys.notificationSettings, settings))
      .catch(() => setFailed(true))
      .finally(() => setBusy(false));
  };
  return (
    <label className="dnd-setting" data-on={on || undefined} title={failed ? 'Could not change do not disturb. Try again.' : undefined}>
      <span aria-hidden="true">{on ? '🌙' : '🔔'}</span>
      <select aria-label="Do not disturb" value={on ? 'on' : 'off'} disabled={busy} aria-invalid={failed || undefined} onChange={(e) => choose(e.target.value)}>
        <option value="off">Notifications on</option>
        {on && dndUntil !== null ? <option value="on">Do not disturb until {untilText(dndUntil, now)}</option> : null}
        {CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            Do not disturb {c.label.toLowerCase()}
          </option>
        ))}
      </select>
    </label>
  );
}
