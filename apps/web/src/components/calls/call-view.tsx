'use client';
import { useQueryClient } from '@tanstack/react-query';
import type { PublicUser } from '@parley/protocol';
import type { CallSnapshot } from '../../lib/calls/call-session.ts';
import { qualityText } from '../../lib/calls/call-stats.ts';
import { callOutcomeText } from '../../lib/calls/call-text.ts';
import type { ConversationSummary } from '../../lib/api-types.ts';
import { queryKeys } from '../../lib/query-keys.ts';
import { CallControls } from './call-controls.tsx';
import { useCallSession, useCallSnapshot } from './call-provider.tsx';
import { CallTile } from './call-tile.tsx';
import { CallTimer } from './call-timer.tsx';

/** Looks people up in the cached conversation list: the call UI needs names, not another fetch. */
function useMembers(conversationId: string | undefined): Map<string, PublicUser> {
  const queryClient = useQueryClient();
  if (conversationId === undefined) return new Map();
  const summary =
    queryClient.getQueryData<ConversationSummary>(queryKeys.conversation(conversationId)) ??
    queryClient.getQueryData<ConversationSummary[]>(queryKeys.conversations)?.find((c) => c.id === conversationId);
  return new Map((summary?.members ?? []).map((m) => [m.id, m] as const));
}

export function CallView({ me }: { me: PublicUser }) {
  const session = useCallSession();
  const snap = useCallSnapshot();
  const state = snap?.state;
  const conversationId = state && 'call' in state ? (state.call?.conversationId ?? ('conversationId' in state ? state.conversationId : undefined)) : undefined;
  const members = useMembers(conversationId);
  if (session === null || snap === null || state === undefined) return null;
  // An ended ring we never answered is a toast (CallToast), not the call screen.
  if (state.status === 'ended' && snap.endedFrom === 'incoming_ringing') return null;

  if (state.status === 'idle' || state.status === 'incoming_ringing') return null;
  const media = state.status === 'outgoing_ringing' ? state.media : (state.call?.media ?? 'audio');
  const isVideo = media === 'video';
  const peerIds =
    state.status === 'ended'
      ? []
      : state.status === 'outgoing_ringing'
        ? [...members.keys()].filter((id) => id !== me.id)
        : Object.keys(state.peers);
  return (
    <section className="call-view" role="region" aria-label="Call">
      <div className="call-top">
        <StatusLine snap={snap} />
      </div>
      <div className="call-stage" data-count={Math.max(1, peerIds.length)}>
        {peerIds.map((userId) => {
          const person = members.get(userId);
          const name = person?.displayName ?? 'Someone';
          const peer = session.peer(userId);
          const stream = snap.remoteStreams[userId];
          const cameraOn = peer.media === undefined ? true : peer.media.cameraOn || peer.media.sharing;
          const hasVideo = isVideo && cameraOn && (stream?.getVideoTracks().length ?? 0) > 0;
          const muted = peer.media?.micOn === false;
          return (
            <CallTile key={userId} id={userId} name={name} stream={stream} showVideo={hasVideo} screen={peer.media?.sharing === true} label={`${name}${muted ? ', muted' : ''}`}>
              <span className="call-name">{name}</span>
              {muted ? <span className="call-badge" aria-label={`${name} is muted`}>Muted</span> : null}
              {state.status !== 'outgoing_ringing' ? (
                <span className={`call-quality is-${peer.quality?.level ?? 'unknown'}`} title="Connection">{qualityText(peer.quality)}</span>
              ) : null}
            </CallTile>
          );
        })}
        {state.status === 'ended' ? <p className="call-outcome" role="status">{callOutcomeText(state.reason, snap.outgoing)}</p> : null}
      </div>
      {state.status !== 'ended' ? (
        <>
          {isVideo ? (
            <div className="call-self">
              <CallTile
                id={me.id}
                name={me.displayName}
                stream={snap.local.preview}
                showVideo={snap.local.sharing || (snap.local.cameraOn && snap.local.preview !== null)}
                local
                mirrored={!snap.local.sharing}
                screen={snap.local.sharing}
                label="You"
              >
                <span className="call-name">You</span>
              </CallTile>
            </div>
          ) : null}
          <CallControls snap={snap} isVideo={isVideo} />
        </>
      ) : null}
    </section>
  );
}

function StatusLine({ snap }: { snap: CallSnapshot }) {
  const { state } = snap;
  switch (state.status) {
    case 'outgoing_ringing':
      return <p className="call-status" role="status">Ringing…</p>;
    case 'connecting':
      return <p className="call-status" role="status">Connecting…</p>;
    case 'reconnecting':
      return <p className="call-status is-warning" role="status"><span className="spinner" aria-hidden="true" />Reconnecting…</p>;
    case 'active':
      return <p className="call-status"><CallTimer callId={state.callId} /></p>;
    case 'idle':
    case 'incoming_ringing':
    case 'ended':
      return null;
  }
}
