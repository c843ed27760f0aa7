import { describe, expect, it } from 'vitest';
import { createInProcessBus } from './bus.ts';
import { createRecordingLogger, flush } from './testing/recording-logger.ts';

describe('createInProcessBus', () => {
  it('delivers asynchronously, in publish order, to every subscriber of the topic only', async () => {
    const bus = createInProcessBus();
    const a: string[] = [];
    const b: string[] = [];
    const other: string[] = [];
    await bus.subscribe('t', (p) => a.push(p));
    await bus.subscribe('t', (p) => b.push(p));
    await bus.subscribe('u', (p) => other.push(p));

    bus.publish('t', '1');
    bus.publish('t', '2');
    bus.publish('t', '3');
    expect(a).toEqual([]); // nothing runs inside publish, like a real broker

    await flush();
    expect(a).toEqual(['1', '2', '3']);
    expect(b).toEqual(['1', '2', '3']);
    expect(other).toEqual([]);
  });

  it('is at-most-once: no replay for late subscribers, nothing after unsubscribe', async () => {
    const bus = createInProcessBus();
    const got: string[] = [];
    bus.publish('t', 'before');
    const off = await bus.subscribe('t', (p) => got.push(p));
    bus.publish('t', 'in-flight');
    await off(); // unsubscribed before the queued delivery runs
    bus.publish('t', 'after');
    await flush();
    expect(got).toEqual([]);
    await off(); // idempotent
  });

  it('keeps delivering to other handlers when one throws, and reports it', async () => {
    const logger = createRecordingLogger();
    const bus = createInProcessBus({ logger });
    const got: string[] = [];
    await bus.subscribe('t', () => {
      throw new Error('boom');
    });
    await bus.subscribe('t', (p) => got.push(p));
    bus.publish('t', 'x');
    await flush();
    expect(got).toEqual(['x']);
    expect(logger.entries).toMatchObject([{ level: 'error', msg: 'bus handler threw', obj: { topic: 't' } }]);
  });

  it('counts the same handler subscribed twice as two subscriptions', async () => {
    const bus = createInProcessBus();
    const got: string[] = [];
    const handler = (p: string) => got.push(p);
    const off1 = await bus.subscribe('t', handler);
    await bus.subscribe('t', handler);
    await off1();
    bus.publish('t', 'x');
    await flush();
    expect(got).toEqual(['x']);
  });

  it('after close ignores publishes and rejects subscribes', async () => {
    const bus = createInProcessBus();
    const got: string[] = [];
    await bus.subscribe('t', (p) => got.push(p));
    await bus.close();
    bus.publish('t', 'x');
    await flush();
    expect(got).toEqual([]);
    await expect(bus.subscribe('t', () => undefined)).rejects.toThrow('bus is closed');
  });
});
