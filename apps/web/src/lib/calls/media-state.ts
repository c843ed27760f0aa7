/**
 * Sent in-band on a negotiated data channel, so the other side can show "muted" and swap a
 * black video for an avatar without a server round trip.
 */
export interface MediaState {
  micOn: boolean;
  cameraOn: boolean;
  sharing: boolean;
}

/** Both ends create this channel with the same id (negotiated), so no one has to open it. */
export const MEDIA_STATE_CHANNEL = { label: 'parley-media-state', id: 0 } as const;

export function encodeMediaState(state: MediaState): string {
  return JSON.stringify({ v: 1, ...state });
}

/** Tolerant: anything malformed is ignored (null), never thrown. */
export function decodeMediaState(raw: unknown): MediaState | null {
  if (typeof raw !== 'string' || raw.length > 1024) return null;
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    if (typeof value['micOn'] !== 'boolean' || typeof value['cameraOn'] !== 'boolean') return null;
    return { micOn: value['micOn'], cameraOn: value['cameraOn'], sharing: value['sharing'] === true };
  } catch {
    return null;
  }
}
