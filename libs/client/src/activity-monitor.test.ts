import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConnectionState } from '@parley/protocol';
import {
  createActivityMonitor,
  type ActivityDocument,
  type ActivityEventTarget,
} from './activity-monitor.ts';
import { FakeClock } from './testing/fake-clock.ts';

class FakeTarget implements ActivityEventTarget {
  readonly listeners = new Map<string, Set<() => void>>();
  visibilityState = 'visible';
  addEventListener(type: string, listener: () => void): void {
    const set = this.listeners.get(type) ?? new Set();
    set.add(listener);
    this.listeners.set(type, set);
  }
  removeEventListener(type: string, listener: () => void): void {
    this.listeners.get(type)?.delete(listener);
  }
  fire(type: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener();
  }
  count(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

function setup(visibilityState = 'visible') {
  const clock = new FakeClock();
  const target = new FakeTarget();
  const doc = new FakeTarget();
  doc.visibilityState = visibilityState;
  const states: ConnectionState[] = [];
  const monitor = createActivityMonitor({
    target,
    document: doc,
    idleAfterMs: 1000,
    clock,
    onChange: (s) => states.push(s),
  });
  const setVisibility = (v: string) => {
    doc.visibilityState = v;
    doc.fire('visibilitychange');
  };
  return { clock, target, doc, states, monitor, setVisibility };
}

describe('createActivityMonitor', () => {
  it('accepts window and document as they are', () => {
    expectTypeOf<Window>().toExtend<ActivityEventTarget>();
    expectTypeOf<Document>().toExtend<ActivityDocument>();
  });

  it('goes idle after idleAfterMs without input, and active again on input', () => {
    const { clock, target, states, monitor } = setup();
    clock.advance(600);
    target.fire('mousemove'); // pushes the deadline to 1600
    clock.advance(999);
    expect(monitor.state).toBe('active');
    clock.advance(1);
    expect(monitor.state).toBe('idle');
    target.fire('keydown');
    target.fire('pointerdown');
    expect(states).toEqual(['active', 'idle', 'active']);
  });

  it('is idle while hidden, whatever the input, and active when visible again', () => {
    const { clock, target, states, monitor, setVisibility } = setup();
    setVisibility('hidden');
    target.fire('wheel');
    clock.advance(5000);
    expect(monitor.state).toBe('idle');
    setVisibility('visible');
    expect(states).toEqual(['active', 'idle', 'active']);
    clock.advance(1000);
    expect(states.at(-1)).toBe('idle');
  });

  it('starts idle in a hidden document', () => {
    const { states, setVisibility } = setup('hidden');
    setVisibility('visible');
    expect(states).toEqual(['idle', 'active']);
  });

  it('dispose removes every listener and the timer', () => {
    const { clock, target, doc, states, monitor } = setup();
    monitor.dispose();
    expect(target.count() + doc.count()).toBe(0);
    expect(clock.pending()).toBe(0);
    clock.advance(5000);
    expect(states).toEqual(['active']);
  });
});
