import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { assertPostgresUserCanReach } from './reach.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-reach-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('explains a private folder above the data directory instead of failing inside initdb', () => {
  chmodSync(dir, 0o700);
  expect(() => assertPostgresUserCanReach(join(dir, 'postgres'))).toThrow(`chmod o+x ${dir}`);
  expect(() => assertPostgresUserCanReach(join(dir, 'not', 'yet', 'made', 'postgres'))).toThrow('mode 700');
  chmodSync(dir, 0o755);
  expect(() => assertPostgresUserCanReach(join(dir, 'postgres'))).not.toThrow();
});
