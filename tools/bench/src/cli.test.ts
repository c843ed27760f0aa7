import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '@parley/protocol';
import { parseCli, UsageError } from './cli.ts';

describe('--build', () => {
  it('names another production build as a target, with the protocol it speaks (today’s by default)', () => {
    const cli = parseCli(['--build', 'before=../wt-base/dist/apps/gateway/main.js:1', '--build', 'main=/x/main.js']);
    expect(cli.builds).toEqual([
      { name: 'before', main: '../wt-base/dist/apps/gateway/main.js', protocol: 1 },
      { name: 'main', main: '/x/main.js', protocol: PROTOCOL_VERSION },
    ]);
    expect(parseCli([]).builds).toEqual([]);
  });

  it('refuses a malformed value or a protocol this harness cannot speak', () => {
    expect(() => parseCli(['--build', '/x/main.js'])).toThrow(UsageError);
    expect(() => parseCli(['--build', 'Before=/x/main.js'])).toThrow(UsageError);
    expect(() => parseCli(['--build', `next=/x/main.js:${PROTOCOL_VERSION + 1}`])).toThrow(UsageError);
  });
});
