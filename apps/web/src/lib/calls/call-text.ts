import type { CallEvent } from '@parley/protocol';

const MS_PER_S = 1000;
const S_PER_MIN = 60;
const MIN_PER_H = 60;

/** "38 s", "4 min 12 s", "4 min", "1 h 5 min": the length of a finished call, in words. */
export function formatCallDuration(durationMs: number): string {
  const totalS = Math.max(0, Math.round(durationMs / MS_PER_S));
  const h = Math.floor(totalS / (S_PER_MIN * MIN_PER_H));
  const min = Math.floor(totalS / S_PER_MIN) % MIN_PER_H;
  const s = totalS % S_PER_MIN;
  if (h > 0) return min > 0 ? `${h} h ${min} min` : `${h} h`;
  if (min > 0) return s > 0 ? `${min} min ${s} s` : `${min} min`;
  return `${s} s`;
}

/** The running call timer: "04:12", or "1:04:12" past an hour. */
export function formatCallTimer(elapsedMs: number): string {
  const totalS = Math.max(0, Math.floor(elapsedMs / MS_PER_S));
  const h = Math.floor(totalS / (S_PER_MIN * MIN_PER_H));
  const mm = String(Math.floor(totalS / S_PER_MIN) % MIN_PER_H).padStart(2, '0');
  const ss = String(totalS % S_PER_MIN).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

const MEDIA_WORD: Record<CallEvent['media'], string> = { audio: 'audio', video: 'video' };

/** A call event in history and in the conversation list: "Missed video call", "Audio call, 38 s". */
export function callEventText(call: Pick<CallEvent, 'media' | 'endReason' | 'durationMs'>): string {
  const media = MEDIA_WORD[call.media];
  switch (call.endReason) {
    case 'missed':
      return `Missed ${media} call`;
    case 'declined':
      return `Declined ${media} call`;
    case 'cancelled':
      return 'Cancelled call';
    case 'failed':
      return call.durationMs > 0 ? `${capitalize(media)} call, ${formatCallDuration(call.durationMs)}` : `${capitalize(media)} call failed`;
    case 'completed':
      return `${capitalize(media)} call, ${formatCallDuration(call.durationMs)}`;
  }
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** How the call screen words an ending (shown briefly before it closes). */
export function callOutcomeText(reason: string, wasCaller: boolean): string {
  switch (reason) {
    case 'declined':
      return wasCaller ? 'Declined' : 'Call declined';
    case 'missed':
      return wasCaller ? 'No answer' : 'Missed call';
    case 'answered_elsewhere':
      return 'Answered on another device';
    case 'declined_elsewhere':
      return 'Declined on another device';
    case 'failed':
      return 'Call failed';
    case 'cancelled':
      return wasCaller ? 'Call cancelled' : 'Missed call';
    default:
      return 'Call ended';
  }
}
