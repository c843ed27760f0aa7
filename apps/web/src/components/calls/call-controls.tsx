'use client';
import type { CallSnapshot } from '../../lib/calls/call-session.ts';
import { useCallSession } from './call-provider.tsx';

/** Mute, camera, screen share, devices, hang up. Labels name the action the button will take. */
export function CallControls({ snap, isVideo }: { snap: CallSnapshot; isVideo: boolean }) {
  const session = useCallSession();
  if (session === null) return null;
  const { local, devices } = snap;
  const inCall = snap.state.status !== 'outgoing_ringing';
  const canShare = isVideo && typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  return (
    <div className="call-controls">
      <div className="call-buttons-row">
        <button type="button" className={`call-control${local.micOn ? '' : ' is-off'}`} onClick={() => session.setMicrophoneOn(!local.micOn)}>
          {local.micOn ? 'Mute' : 'Unmute'}
        </button>
        {isVideo ? (
          <button type="button" className={`call-control${local.cameraOn ? '' : ' is-off'}`} onClick={() => session.setCameraOn(!local.cameraOn)}>
            {local.cameraOn ? 'Camera off' : 'Camera on'}
          </button>
        ) : null}
        {canShare && inCall ? (
          <button type="button" className={`call-control${local.sharing ? ' is-on' : ''}`} onClick={() => void (local.sharing ? session.stopSharing() : session.startSharing())}>
            {local.sharing ? 'Stop sharing' : 'Share screen'}
          </button>
        ) : null}
        <button type="button" className="call-control is-hangup" onClick={session.hangup}>
          Hang up
        </button>
      </div>
      <div className="call-devices">
        <label>
          <span>Microphone</span>
          <select value={local.microphoneId ?? currentDevice(local.stream, 'audio')} onChange={(e) => void session.chooseDevice('audio', e.target.value)}>
            {devices.microphones.map((d) => (
              <option key={d.id} value={d.id}>{d.label}</option>
            ))}
          </select>
        </label>
        {isVideo ? (
          <label>
            <span>Camera</span>
            <select value={local.cameraId ?? currentDevice(local.stream, 'video')} onChange={(e) => void session.chooseDevice('video', e.target.value)}>
              {devices.cameras.map((d) => (
                <option key={d.id} value={d.id}>{d.label}</option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
    </div>
  );
}

function currentDevice(stream: MediaStream | null, kind: 'audio' | 'video'): string {
  const track = stream?.getTracks().find((t) => t.kind === kind);
  return track?.getSettings().deviceId ?? '';
}
