'use client';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { apiErrorInfo } from '../../lib/api-errors.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { describeUserAgent } from '../../lib/user-agent.ts';
import { useApi } from '../providers.tsx';

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
/** Last use is recorded every few minutes: anything more recent than this is "active now". */
const ACTIVE_NOW_MS = 10 * 60 * 1000;

function lastSeen(iso: string, current: boolean): string {
  if (current) return 'Active now (this device)';
  return Date.now() - new Date(iso).getTime() < ACTIVE_NOW_MS ? 'Active in the last few minutes' : `Last active ${DATE_TIME.format(new Date(iso))}`;
}

/** Where you are signed in; sign one device out, or every device but this one. */
export function SessionsList() {
  const api = useApi();
  const queryClient = useQueryClient();
  const id = useId();
  const sessions = useQuery({ queryKey: queryKeys.sessions, queryFn: () => api.account.sessions.query() });
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function run(key: string, work: () => Promise<string>): Promise<void> {
    setBusy(key);
    setMessage(null);
    try {
      setMessage({ text: await work(), error: false });
    } catch (error) {
      setMessage({ text: apiErrorInfo(error).message, error: true });
    } finally {
      setBusy(null);
      await queryClient.invalidateQueries({ queryKey: queryKeys.sessions });
    }
  }

  const list = sessions.data ?? [];
  const others = list.filter((s) => !s.current).length;
  return (
    <section className="settings-section" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Sessions</h2>
      <p className="settings-lead">Devices and browsers signed in to your account.</p>
      {sessions.isError ? <p className="form-error" role="alert">{apiErrorInfo(sessions.error).message}</p> : null}
      {sessions.isPending ? <p className="settings-lead" aria-busy="true">Loading sessions…</p> : null}
      <ul className="session-list" aria-label="Your sessions">
        {list.map((session) => {
          const device = describeUserAgent(session.userAgent);
          return (
            <li key={session.id} className={`session-item${session.current ? ' is-current' : ''}`} data-session-id={session.id}>
              <div className="session-main">
                <span className="session-device">
                  {device.label}
                  {session.current ? <span className="session-badge">This device</span> : null}
                </span>
                <span className="session-meta">
                  {lastSeen(session.lastSeenAt, session.current)}
                  {session.ip ? ` · ${session.ip}` : ''}
                </span>
                <span className="session-meta">Signed in {DATE_TIME.format(new Date(session.createdAt))}</span>
              </div>
              {session.current ? null : (
                <button
                  type="button"
                  className="button button-small"
                  disabled={busy !== null}
                  aria-label={`Sign out ${device.label}, signed in ${DATE_TIME.format(new Date(session.createdAt))}`}
                  onClick={() =>
                    void run(session.id, async () => {
                      await api.account.revokeSession.mutate({ sessionId: session.id });
                      return `Signed out ${device.label}.`;
                    })
                  }
                >
                  Sign out
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <div className="settings-actions">
        <button
          type="button"
          className="button button-danger"
          disabled={busy !== null || others === 0}
          onClick={() =>
            void run('all', async () => {
              const { revoked } = await api.account.revokeOtherSessions.mutate();
              return revoked === 1 ? 'Signed out 1 other session.' : `Signed out ${revoked} other sessions.`;
            })
          }
        >
          Sign out all other sessions
        </button>
        <span role="status" className={message?.error ? 'field-error' : 'settings-status'}>{message?.text ?? ''}</span>
      </div>
    </section>
  );
}
