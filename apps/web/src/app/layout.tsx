import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';
import { Providers } from '../components/providers.tsx';
import './styles/base.css';
import './styles/auth.css';
import './styles/shell.css';
import './styles/chat.css';
import './styles/message-actions.css';
import './styles/composer.css';
import './styles/files.css';
import './styles/popover.css';
import './styles/presence.css';
import './styles/calls.css';
import './styles/settings.css';

export const metadata: Metadata = { title: 'Parley', description: 'Conversations, in real time' };
export const viewport: Viewport = {
  width: 'device-width',
  initialScale: 1,
  themeColor: [
    { media: '(prefers-color-scheme: light)', color: '#f7f7f8' },
    { media: '(prefers-color-scheme: dark)', color: '#16171b' },
  ],
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Rendered per request, never prebuilt: each page's scripts must carry the nonce of that
  // response's Content-Security-Policy (the gateway sets both; apps/gateway/src/http/web.ts).
  await connection();
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
