import { describe, expect, it } from 'vitest';
import { ASSUMED_STARTS_PER_S, createAdmission } from './admission.ts';

/** A task the test finishes by hand. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { open, done };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const never = () => false;

describe('admission', () => {
  it('runs at most `concurrency` steps at once; waiting hellos go before waiting lookups, each in order', async () => {
    const admission = createAdmission({ concurrency: 2, maxWaitMs: 60_000 });
    const gates = Array.from({ length: 6 }, gate);
    const started: string[] = [];
    const steps = ['session', 'session', 'session', 'session', 'hello', 'hello'] as const;
    const runs = gates.map((g, i) =>
      admission.run(steps[i]!, async () => {
        started.push(`${steps[i]} ${i}`);
        await g.done;
        return i;
      }, never),
    );
    await tick();
    expect(started).toEqual(['session 0', 'session 1']);
    expect(admission.stats()).toMatchObject({ running: 2, queued: 4 });
    gates[1]!.open();
    await tick();
    expect(started.at(-1)).toBe('hello 4');
    gates[0]!.open();
    await tick();
    expect(started.at(-1)).toBe('hello 5');
    for (const g of gates) g.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(started.slice(-2)).toEqual(['session 2', 'session 3']);
    expect(admission.stats()).toEqual({ running: 0, queued: 0, refused: 0 });
  });

  it('skips a step whose socket closed while it waited, and a failing step frees its slot', async () => {
    const admission = createAdmission({ concurrency: 1, maxWaitMs: 60_000 });
    const first = gate();
    let closed = false;
    const running = admission.run('session', async () => {
      await first.done;
      throw new Error('database down');
    }, never);
    let ran = false;
    const abandoned = admission.run('session', async () => {
      ran = true;
    }, () => closed);
    const after = admission.run('session', async () => 'after', never);
    closed = true;
    first.open();
    await expect(running).rejects.toThrow('database down');
    expect(await abandoned).toBeUndefined();
    expect(ran).toBe(false);
    expect(await after).toBe('after');
  });

  it('refuses a new socket with overloaded and a retry hint once its expected wait is past maxWaitMs, never a hello', async () => {
    const now = 0;
    const admission = createAdmission({ concurrency: 1, maxWaitMs: 1_000, now: () => now, random: () => 0 });
    const g = gate();
    const runs = [admission.run('session', () => g.done, never)];
    // Nothing measured yet: ASSUMED_STARTS_PER_S a second, so a second's worth may wait.
    for (let i = 0; i < ASSUMED_STARTS_PER_S; i++) runs.push(admission.run('session', () => g.done, never));
    const refused = admission.run('session', () => g.done, never);
    await expect(refused).rejects.toMatchObject({ code: 'overloaded' });
    const error = (await refused.catch((e: unknown) => e)) as { details: { retryAfterMs: number } };
    expect(error.details.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    // A hello waits however long the line: its socket's lookup was admitted.
    runs.push(admission.run('hello', () => g.done, never));
    expect(admission.stats()).toMatchObject({ running: 1, queued: ASSUMED_STARTS_PER_S + 1, refused: 1 });
    g.open();
    await Promise.all(runs);
  });

  it('learns how fast this node starts sockets, and lets a longer line wait when it is faster', async () => {
    let now = 0;
    const admission = createAdmission({ concurrency: 1, maxWaitMs: 1_000, now: () => now });
    for (let i = 0; i < 3 * ASSUMED_STARTS_PER_S; i++) await admission.run('hello', async () => undefined, never);
    now += 1_000; // that second is over: 600 hellos in it
    const g = gate();
    const runs = [admission.run('session', () => g.done, never)];
    for (let i = 0; i < 3 * ASSUMED_STARTS_PER_S; i++) runs.push(admission.run('session', () => g.done, never));
    await expect(admission.run('session', () => g.done, never)).rejects.toMatchObject({ code: 'overloaded' });
    expect(admission.stats()).toMatchObject({ queued: 3 * ASSUMED_STARTS_PER_S, refused: 1 });
    g.open();
    await Promise.all(runs);
  });
});
