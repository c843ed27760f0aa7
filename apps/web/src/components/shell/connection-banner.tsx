'use client';
import type { BannerKind } from '../../lib/connection-banner.ts';
import { useRealtime } from './realtime-provider.tsx';
import { useConnectionBanner } from './use-connection-banner.ts';

function BannerIcon({ kind }: { kind: BannerKind }) {
  if (kind === 'reconnecting') return <span className="spinner" aria-hidden="true" />;
  return (
    <svg className="connection-banner-icon" viewBox="0 0 20 20" width="18" height="18" aria-hidden="true" focusable="false">
      {kind === 'offline' ? (
        // A Wi-Fi fan, struck through.
        <g fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
          <path d="M2.5 7.5a11 11 0 0 1 15 0M5 10.5a7.2 7.2 0 0 1 10 0M7.6 13.3a3.4 3.4 0 0 1 4.8 0" />
          <circle cx="10" cy="16" r="0.6" fill="currentColor" />
          <path d="M3 3l14 14" />
        </g>
      ) : (
        <path d="M4 10.5l4 4 8-9" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      )}
    </svg>
  );
}

/**
 * The connection's state, floating over the top of the content: it never pushes the layout
 * around when it comes and goes. The live region is always mounted (an empty `role="status"`),
 * so screen readers announce each change.
 */
export function ConnectionBanner() {
  const { client } = useRealtime();
  const banner = useConnectionBanner(client);
  return (
    <div className="connection-banner-slot">
      <div role="status" className={`connection-banner${banner === null ? '' : ` is-${banner.kind}`}`}>
        {banner === null ? null : (
          <>
            <BannerIcon kind={banner.kind} />
            <span className="connection-banner-text">
              <strong>{banner.title}</strong>
              {banner.detail === undefined ? null : <span className="connection-banner-detail"> {banner.detail}</span>}
            </span>
          </>
        )}
      </div>
    </div>
  );
}
