/** A short two-note chime for a new message: generated, no audio asset to download. */
const NOTES_HZ = [880, 1_320];
const NOTE_MS = 120;
const VOLUME = 0.06;

let context: AudioContext | undefined;

/**
 * Plays the chime. One AudioContext per page, made on first use. Browsers may keep it suspended
 * until the page has had a user gesture: then this is silent, never an error.
 */
export function playAlertSound(): void {
  const Ctx = globalThis.AudioContext as typeof AudioContext | undefined;
  if (Ctx === undefined) return;
  try {
    const ctx = (context ??= new Ctx());
    void ctx.resume().catch(() => undefined);
    NOTES_HZ.forEach((hz, i) => {
      const start = ctx.currentTime + (i * NOTE_MS) / 1000;
      const end = start + NOTE_MS / 1000;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0, start);
      gain.gain.linearRampToValueAtTime(VOLUME, start + 0.01);
      gain.gain.linearRampToValueAtTime(0, end);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(end);
    });
  } catch {
    // No audio device, or the browser refused: the notification still shows.
  }
}
