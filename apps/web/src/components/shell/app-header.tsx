'use client';
import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useRef, useState, type FormEvent } from 'react';
import type { PublicUser } from '@parley/protocol';
import { browserStorage } from '../../lib/browser-storage.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { forgetUnsent } from '../../lib/realtime.ts';
import { forgetLocalData } from '../../lib/signed-in-user.ts';
import { unsentSentence } from '../../lib/unsent-text.ts';
import { Avatar } from '../avatar.tsx';
import { moveFocus, Popover } from '../popover.tsx';
import { DndSetting } from '../notifications/dnd-setting.tsx';
import { useApi } from '../providers.tsx';
import { useRealtime } from './realtime-provider.tsx';
import { SignOutDialog } from './sign-out-dialog.tsx';

export function AppHeader({ me }: { me: PublicUser }) {
  const api = useApi();
  const router = useRouter();
  const queryClient = useQueryClient();
  const { client } = useRealtime();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const closeMenu = (refocus: boolean) => {
    setMenuOpen(false);
    if (refocus) menuButton.current?.focus();
  };

  /**
   * Signing out means "nothing of mine stays on this device": unsent messages (this tab's and
   * the persisted outbox of every tab), drafts and offline copies go with the session. With
   * unsent messages the person is asked first (see SignOutDialog).
   */
  async function signOut(): Promise<void> {
    setBusy(true);
    try {
      await api.auth.signOut.mutate();
    } catch {
      // Signing out locally still matters if the server is unreachable: the cookie expires on its own.
    }
    await forgetUnsent(client, me.id);
    forgetLocalData(browserStorage(), me.id);
    queryClient.clear();
    queryClient.setQueryData(queryKeys.me, null);
    router.replace('/sign-in');
  }

  function search(event: FormEvent<HTMLFormElement>): void {
    event.preventDefault();
    const q = new FormData(event.currentTarget).get('q');
    if (typeof q === 'string' && q.trim() !== '') router.push(`/search?q=${encodeURIComponent(q.trim())}`);
  }

  function requestSignOut(): void {
    const unsent = unsentSentence(client?.outbox() ?? []);
    if (unsent === null) void signOut();
    else setAsking(unsent);
  }

  return (
    <header className="app-header">
      <span className="brand">Parley</span>
      <form className="app-header-search" role="search" onSubmit={search}>
        <input type="search" name="q" className="input" aria-label="Search messages and people" placeholder="Search" maxLength={256} autoComplete="off" />
      </form>
      <DndSetting />
      <button
        ref={menuButton}
        type="button"
        className="app-header-user"
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        aria-label={`Account menu for ${me.displayName}`}
        disabled={busy}
        onClick={() => setMenuOpen((open) => !open)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' && !menuOpen) {
            event.preventDefault();
            setMenuOpen(true);
          }
        }}
      >
        <Avatar name={me.displayName} id={me.id} size="small" />
        <span className="app-header-name" title={`@${me.handle}`}>{me.displayName}</span>
        <span aria-hidden="true" className="app-header-caret">▾</span>
      </button>
      {menuOpen && menuButton.current ? (
        <Popover
          anchor={menuButton.current}
          role="menu"
          label="Account"
          className="user-menu"
          onClose={(reason) => closeMenu(reason === 'escape')}
          onKeyDown={(event) => {
            if (event.key === 'Tab') closeMenu(false);
            else if (menuRef.current !== null && moveFocus(menuRef.current, '[role="menuitem"]', event.key)) event.preventDefault();
          }}
        >
          <div ref={(el) => {
            menuRef.current = el;
            el?.querySelector<HTMLElement>('[role="menuitem"]')?.focus({ preventScroll: true });
          }}>
            <p className="user-menu-who">
              <strong>{me.displayName}</strong>
              <span>@{me.handle}</span>
            </p>
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                closeMenu(false);
                router.push('/settings');
              }}
            >
              Account settings
            </button>
            <button
              type="button"
              role="menuitem"
              className="menu-item"
              onClick={() => {
                closeMenu(false);
                requestSignOut();
              }}
            >
              Sign out
            </button>
          </div>
        </Popover>
      ) : null}
      {asking !== null ? <SignOutDialog unsent={asking} onConfirm={() => void signOut()} onClose={() => setAsking(null)} /> : null}
    </header>
  );
}
