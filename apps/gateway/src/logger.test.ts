import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { createLogger } from './logger.ts';

it('censors secrets that reach a log line inside an object', () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const log = createLogger('info', sink);
  log.info({ input: { handle: 'al', password: 'pw-1' }, req: { headers: { cookie: 'parley_session=tok-2', authorization: 'Bearer tok-3' } } }, 'one');
  log.info({ session: { tokenHash: 'hash-4' }, config: { ice: { secret: 'turn-5' } }, server: { credential: 'cred-6' } }, 'two');
  const text = lines.join('');
  for (const secret of ['pw-1', 'tok-2', 'tok-3', 'hash-4', 'turn-5', 'cred-6']) expect(text).not.toContain(secret);
  expect(text).toContain('"handle":"al"');
  expect(text.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(6);
});
