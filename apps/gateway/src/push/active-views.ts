import type { Logger } from 'pino';
import type { ConnectionState } from '@parley/protocol';
import { clearActiveView, clearNodeViews, renewActiveViews, setActiveView, type Db } from '@parley/db';

/** Each node renews its sockets' views this often... */
export const ACTIVE_VIEW_RENEW_MS = 20_000;
/** ...and a view not renewed for this long (its node died) no longer holds pushes back. */
export const ACTIVE_VIEW_FRESH_MS = 3 * ACTIVE_VIEW_RENEW_MS;
/** Rows of dead nodes are deleted after this long (they stopped counting long before). */
const DROP_AFTER_MS = 10 * 60_000;
/** One socket writes its view at most this often; a burst of changes writes only the last. */
export const VIEW_WRITE_SPACING_MS = 250;

/**
 * "Active in a conversation" for push: a socket whose latest presence_set said `active` and
 * `viewing: <conversationId>` (the web app sends it for a visible, focused window). Kept in
 * Postgres (active_views), so the node that sends a push sees the sockets of every node.
 */
export interface ActiveViews {
  report(view: { connectionId: string; userId: string; state: ConnectionState; viewing: string | null | undefined }): void;
  /** The socket closed. */
  forget(connectionId: string): void;
  close(): Promise<void>;
}

interface SocketView {
  userId: string;
  /** What the socket said last; `written` is what Postgres holds. */
  wanted: string | null;
  written: string | null;
  writing: Promise<void> | null;
  timer: NodeJS.Timeout | null;
  lastWriteMs: number;
}

/** With push off nothing reads the views: no writes, no renewals. */
export const noActiveViews: ActiveViews = { report: () => undefined, forget: () => undefined, close: async () => undefined };

export function createActiveViews(options: { db: Db; nodeId: string; logger: Logger }): ActiveViews {
  const { db, nodeId, logger } = options;
  const views = new Map<string, SocketView>();

  /** Writes the socket's latest wish, unless one write is in flight or the last was too recent. */
  function flush(connectionId: string, view: SocketView): void {
    if (view.writing !== null || view.timer !== null || view.wanted === view.written) return;
    const waitMs = view.lastWriteMs + VIEW_WRITE_SPACING_MS - Date.now();
    if (waitMs > 0) {
      view.timer = setTimeout(() => {
        view.timer = null;
        flush(connectionId, view);
      }, waitMs);
      return;
    }
    const conversationId = view.wanted;
    view.lastWriteMs = Date.now();
    let failed = false;
    view.writing = setActiveView(db, { connectionId, userId: view.userId, nodeId, conversationId })
      .then(() => {
        view.written = conversationId;
      })
      .catch((error: unknown) => {
        // Not retried at once (Postgres is failing: that would be a write every 250 ms per
        // socket): the socket's next report writes again, and the renewer drops stale rows.
        failed = true;
        logger.warn({ err: error }, 'active view not recorded');
      })
      .finally(() => {
        view.writing = null;
        if (views.get(connectionId) === view) {
          if (!failed) flush(connectionId, view);
        } else if (view.written !== null) void clearActiveView(db, connectionId).catch(() => undefined);
      });
  }

  const renewer = setInterval(() => {
    renewActiveViews(db, nodeId, [...views.keys()], DROP_AFTER_MS).catch((error: unknown) => logger.warn({ err: error }, 'active views not renewed'));
  }, ACTIVE_VIEW_RENEW_MS);

  return {
    report({ connectionId, userId, state, viewing }) {
      const wanted = state === 'active' ? (viewing ?? null) : null;
      let view = views.get(connectionId);
      if (view === undefined) {
        if (wanted === null) return;
        view = { userId, wanted, written: null, writing: null, timer: null, lastWriteMs: 0 };
        views.set(connectionId, view);
      }
      view.wanted = wanted;
      flush(connectionId, view);
    },
    forget(connectionId) {
      const view = views.get(connectionId);
      if (view === undefined) return;
      views.delete(connectionId);
      if (view.timer !== null) clearTimeout(view.timer);
      // An in-flight write clears the row itself when it ends (see flush).
      if (view.writing === null && view.written !== null) {
        clearActiveView(db, connectionId).catch((error: unknown) => logger.warn({ err: error }, 'active view not cleared'));
      }
    },
    async close() {
      clearInterval(renewer);
      const all = [...views.entries()];
      views.clear();
      for (const [, view] of all) if (view.timer !== null) clearTimeout(view.timer);
      await Promise.all(all.map(([, view]) => view.writing));
      await clearNodeViews(db, nodeId).catch(() => undefined);
    },
  };
}
