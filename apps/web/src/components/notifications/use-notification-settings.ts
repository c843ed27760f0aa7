'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { DEFAULT_PUSH_CONTENT, type PushContent } from '@parley/protocol';
import { queryKeys } from '../../lib/query-keys.ts';
import { useApi } from '../providers.tsx';
import { useRealtime } from '../shell/realtime-provider.tsx';

export interface NotificationSettings {
  dndUntil: string | null;
  pushContent: PushContent;
}

/** Do-not-disturb and push content of the signed-in user: fetched once, then kept by `settings_changed` frames (any device). */
export function useNotificationSettings(): NotificationSettings {
  const api = useApi();
  const { client } = useRealtime();
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.notificationSettings, queryFn: () => api.users.notificationSettings.query() });
  useEffect(() => {
    if (client === null) return;
    const offs = [
      client.on('settings_changed', (frame) =>
        queryClient.setQueryData<NotificationSettings>(queryKeys.notificationSettings, (old) => ({
          dndUntil: frame.dndUntil,
          pushContent: frame.pushContent ?? old?.pushContent ?? DEFAULT_PUSH_CONTENT,
        })),
      ),
      // A change made while this socket was down arrives with no frame.
      client.on('ready', () => void queryClient.invalidateQueries({ queryKey: queryKeys.notificationSettings })),
    ];
    return () => offs.forEach((off) => off());
  }, [client, queryClient]);
  return query.data ?? { dndUntil: null, pushContent: DEFAULT_PUSH_CONTENT };
}
