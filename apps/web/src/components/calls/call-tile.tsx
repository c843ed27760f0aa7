'use client';
import { useEffect, useRef } from 'react';
import { Avatar } from '../avatar.tsx';

interface Props {
  name: string;
  id: string;
  stream: MediaStream | null | undefined;
  /** Show the avatar instead of the picture (audio call, camera off, no video yet). */
  showVideo: boolean;
  muted?: boolean;
  /** Our own preview: never play its sound; mirror the camera like a mirror. */
  local?: boolean;
  mirrored?: boolean;
  /** A shared screen is letterboxed, never cropped. */
  screen?: boolean;
  label: string;
  children?: React.ReactNode;
}

/** One person in the call. The media element stays mounted even when hidden: it also plays the sound. */
export function CallTile({ name, id, stream, showVideo, local = false, mirrored = false, screen = false, label, children }: Props) {
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = video.current;
    if (el === null || el.srcObject === (stream ?? null)) return;
    el.srcObject = stream ?? null;
    if (stream) void el.play().catch(() => undefined);
  }, [stream]);
  return (
    <figure className={`call-tile${local ? ' is-local' : ''}`} aria-label={label}>
      <video
        ref={video}
        className={`call-video${mirrored ? ' is-mirrored' : ''}${screen ? ' is-screen' : ''}${showVideo ? '' : ' is-hidden'}`}
        autoPlay
        playsInline
        muted={local}
        data-testid={local ? 'local-video' : `remote-video-${id}`}
      />
      {showVideo ? null : (
        <div className="call-avatar">
          <Avatar name={name} id={id} />
        </div>
      )}
      <figcaption className="call-tile-caption">{children ?? name}</figcaption>
    </figure>
  );
}
