import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'test-output', 'screenshots');

/**
 * Chromium with a fake camera and microphone that are granted without a prompt, and WebRTC
 * allowed to use loopback (run inside `unshare -n` so loopback is all there is).
 */
export async function launchCallChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Call tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
  }
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
    ],
  });
}

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
