'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import { queryKeys } from '../../lib/query-keys.ts';

export interface GroupAction {
  busy: boolean;
  /** The server's refusal or failure, in words a person can act on. */
  error: string | null;
  /** Runs a mutation of the group, then refetches it and the list; resolves true when it succeeded. */
  run: (mutation: () => Promise<unknown>) => Promise<boolean>;
}

/** One group change at a time, its error shown where it was asked for. */
export function useGroupAction(conversationId: string): GroupAction {
  const queryClient = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(
    async (mutation: () => Promise<unknown>): Promise<boolean> => {
      setBusy(true);
      setError(null);
      try {
        await mutation();
        // The conversation itself before the action reads as done. The list follows the
        // `conversation_changed` every member's sockets get (useLiveConversations): one
        // conversation read, not every page of the list.
        await queryClient.invalidateQueries({ queryKey: queryKeys.conversation(conversationId) });
        return true;
      } catch (e) {
        setError(apiErrorInfo(e).message);
        return false;
      } finally {
        setBusy(false);
      }
    },
    [conversationId, queryClient],
  );
  return { busy, error, run };
}
