import type { CallMedia } from '@parley/protocol';

/** Modest by default: a mesh sends one copy per peer. */
const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 }, frameRate: { ideal: 24 } };

export interface DeviceChoice {
  microphoneId?: string | undefined;
  cameraId?: string | undefined;
}

/** Camera and microphone for a call; a video call falls back to audio only when there is no camera. */
export async function openLocalMedia(media: CallMedia, choice: DeviceChoice): Promise<MediaStream> {
  const audio: MediaTrackConstraints | boolean = choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : true;
  if (media === 'video') {
    const video = { ...VIDEO_CONSTRAINTS, ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}) };
    try {
      return await navigator.mediaDevices.getUserMedia({ audio, video });
    } catch {
      // No camera or camera refused: join with the microphone only.
    }
  }
  return navigator.mediaDevices.getUserMedia({ audio, video: false });
}

export async function openTrack(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const constraints = kind === 'audio'
    ? { audio: { deviceId: { exact: deviceId } }, video: false }
    : { audio: false, video: { ...VIDEO_CONSTRAINTS, deviceId: { exact: deviceId } } };
  const stream = await navigator.mediaDevices.getUserMedia(constraints);
  const track = stream.getTracks()[0];
  if (track === undefined) throw new Error(`No ${kind} track from the chosen device`);
  return track;
}

export interface DeviceLists {
  microphones: Array<{ id: string; label: string }>;
  cameras: Array<{ id: string; label: string }>;
}

export async function listDevices(): Promise<DeviceLists> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const pick = (kind: MediaDeviceKind, fallback: string) =>
    devices
      .filter((d) => d.kind === kind && d.deviceId !== '')
      .map((d, i) => ({ id: d.deviceId, label: d.label || `${fallback} ${i + 1}` }));
  return { microphones: pick('audioinput', 'Microphone'), cameras: pick('videoinput', 'Camera') };
}
