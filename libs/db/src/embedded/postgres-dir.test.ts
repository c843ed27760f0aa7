import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { choosePostgresDir, LOCATION_FILE } from './postgres-dir.ts';

const base = mkdtempSync(join(tmpdir(), 'parley-pgdir-'));
chmodSync(base, 0o755);
afterAll(() => rmSync(base, { recursive: true, force: true }));

/** A checkout in a private home, as `git clone` into /root makes it. */
function privateCheckout(name: string) {
  const home = join(base, name, 'home');
  mkdirSync(join(home, 'parley'), { recursive: true });
  chmodSync(home, 0o700);
  const fallbackRoot = join(base, name, 'var-lib-parley');
  return { dataDir: join(home, 'parley', '.data'), fallbackRoot, home };
}

describe('choosePostgresDir', () => {
  it('keeps the cluster in DATA_DIR for a normal user, and for root where the postgres user can reach it', () => {
    const { dataDir, fallbackRoot } = privateCheckout('normal');
    expect(choosePostgresDir({ dataDir, explicit: false, runsAsRoot: false, fallbackRoot })).toEqual({ dir: join(dataDir, 'postgres'), relocated: false });
    const open = join(base, 'open', '.data');
    expect(choosePostgresDir({ dataDir: open, explicit: false, runsAsRoot: true, fallbackRoot })).toEqual({ dir: join(open, 'postgres'), relocated: false });
  });

  it('moves root\'s default cluster out of a private home, once, and finds it there on every later start', () => {
    const { dataDir, fallbackRoot, home } = privateCheckout('root');
    const first = choosePostgresDir({ dataDir, explicit: false, runsAsRoot: true, fallbackRoot });
    expect(first.relocated).toBe(true);
    expect(first.dir.startsWith(`${fallbackRoot}/postgres-`)).toBe(true);
    expect(readFileSync(join(dataDir, LOCATION_FILE), 'utf8').trim()).toBe(first.dir);
    // Even once the home is opened up the data stays where it is: moving would lose it.
    chmodSync(home, 0o755);
    expect(choosePostgresDir({ dataDir, explicit: false, runsAsRoot: true, fallbackRoot })).toEqual(first);
  });

  it('never moves an explicit DATA_DIR (the start then fails with its clear message), nor a cluster already made in place', () => {
    const { dataDir, fallbackRoot } = privateCheckout('explicit');
    expect(choosePostgresDir({ dataDir, explicit: true, runsAsRoot: true, fallbackRoot })).toEqual({ dir: join(dataDir, 'postgres'), relocated: false });
    expect(existsSync(join(dataDir, LOCATION_FILE))).toBe(false);

    const made = privateCheckout('made');
    mkdirSync(join(made.dataDir, 'postgres'), { recursive: true });
    writeFileSync(join(made.dataDir, 'postgres', 'PG_VERSION'), '18\n');
    expect(choosePostgresDir({ dataDir: made.dataDir, explicit: false, runsAsRoot: true, fallbackRoot: made.fallbackRoot }).relocated).toBe(false);
  });
});
