'use client';

export interface Notice {
  id: string;
  text: string;
}

/** Why an action of ours did not happen (a failed reaction, edit, jump…), each dismissable. */
export function ChatNotices({ notices, status, onDismiss }: { notices: readonly Notice[]; status: string | null; onDismiss: (id: string) => void }) {
  return (
    <>
      {notices.length > 0 ? (
        <ul className="chat-notices">
          {notices.map((n) => (
            <li key={n.id} className="form-error chat-notice" role="alert">
              <span>{n.text}</span>
              <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => onDismiss(n.id)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <p className="sr-only" role="status">{status}</p>
      {status ? <p className="chat-toast" aria-hidden="true">{status}</p> : null}
    </>
  );
}
