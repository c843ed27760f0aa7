import type { BrowserContext } from 'playwright-core';
import { launchChromium } from '../browser.ts';

export { SCREENSHOT_DIR } from '../browser.ts';

/** Chromium for call tests (fake media, loopback WebRTC); run inside `unshare -n` where possible. */
export const launchCallChromium = () => launchChromium({ calls: true });

/**
 * Test-only page instrumentation, not an app debug hook: keeps every RTCPeerConnection the
 * page creates (so the test can read inbound-rtp stats) and caps camera capture at 320x240
 * to spare the 2-core machine.
 */
export async function instrumentCalls(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __testPcs: RTCPeerConnection[] };
    w.__testPcs = [];
    const Original = window.RTCPeerConnection;
    class Recorded extends Original {
      constructor(config?: RTCConfiguration) {
        super(config);
        w.__testPcs.push(this);
      }
    }
    window.RTCPeerConnection = Recorded;
    const media = navigator.mediaDevices;
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = (constraints?: MediaStreamConstraints) => {
      if (constraints?.video) {
        const base = typeof constraints.video === 'object' ? constraints.video : {};
        constraints = { ...constraints, video: { ...base, width: { ideal: 320 }, height: { ideal: 240 }, frameRate: { ideal: 15 } } };
      }
      return getUserMedia(constraints);
    };
  });
}
