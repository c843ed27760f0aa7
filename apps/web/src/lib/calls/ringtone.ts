/** Two short beeps, then a pause: repeated while a call rings. No audio asset to download. */
const BEEP_HZ = 440;
const BEEP_MS = 400;
const GAP_MS = 200;
const CYCLE_MS = 3_000;
const VOLUME = 0.08;

export interface Ringtone {
  stop(): void;
}

/** Starts ringing now. Browsers may keep audio suspended without a prior user gesture: then it is silent. */
export function startRingtone(): Ringtone {
  const Ctx = globalThis.AudioContext as typeof AudioContext | undefined;
  if (Ctx === undefined) return { stop: () => undefined };
  const context = new Ctx();
  const beep = (atMs: number): void => {
    const start = context.currentTime + atMs / 1000;
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = BEEP_HZ;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(VOLUME, start + 0.02);
    gain.gain.setValueAtTime(VOLUME, start + BEEP_MS / 1000 - 0.03);
    gain.gain.linearRampToValueAtTime(0, start + BEEP_MS / 1000);
    osc.connect(gain).connect(context.destination);
    osc.start(start);
    osc.stop(start + BEEP_MS / 1000);
  };
  const cycle = (): void => {
    beep(0);
    beep(BEEP_MS + GAP_MS);
  };
  cycle();
  const timer = setInterval(cycle, CYCLE_MS);
  return {
    stop() {
      clearInterval(timer);
      void context.close().catch(() => undefined);
    },
  };
}
