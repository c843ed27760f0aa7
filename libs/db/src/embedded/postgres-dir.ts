import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { postgresUserCanReach } from './reach.ts';
import { ROOT_RUNTIME_DIR } from './runtime-copy.ts';
/** Inside DATA_DIR: remembers a cluster placed elsewhere, so later starts find the same data. */
export const LOCATION_FILE = 'postgres.location';

export interface PostgresDirOptions {
  dataDir: string;
  /** DATA_DIR was set by the operator: honour it or fail clearly, never move elsewhere. */
  explicit: boolean;
  runsAsRoot?: boolean;
  /** For tests; /var/lib/parley otherwise. */
  fallbackRoot?: string;
}

export interface PostgresDir {
  dir: string;
  /** True when the cluster is outside DATA_DIR (the start-up log says where). */
  relocated: boolean;
}

/**
 * The embedded cluster's folder: `$DATA_DIR/postgres`, unless Parley runs as root (Postgres
 * then runs as the `postgres` user) from a folder that user cannot enter, such as a clone in
 * /root (mode 700). With the default DATA_DIR the cluster then goes to /var/lib/parley, one
 * folder per checkout, and a pointer file in DATA_DIR keeps it there on every later start
 * (even if the checkout becomes reachable, the data does not silently move).
 */
export function choosePostgresDir(options: PostgresDirOptions): PostgresDir {
  const dataDir = resolve(options.dataDir);
  const inside = join(dataDir, 'postgres');
  const pointer = join(dataDir, LOCATION_FILE);
  if (existsSync(pointer)) {
    const dir = readFileSync(pointer, 'utf8').trim();
    if (dir !== '') return { dir, relocated: true };
  }
  const runsAsRoot = options.runsAsRoot ?? process.getuid?.() === 0;
  if (!runsAsRoot || options.explicit || existsSync(join(inside, 'PG_VERSION'))) return { dir: inside, relocated: false };
  if (postgresUserCanReach(inside)) return { dir: inside, relocated: false };
  const root = options.fallbackRoot ?? ROOT_RUNTIME_DIR;
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 12);
  const dir = join(root, `postgres-${id}`);
  mkdirSync(root, { recursive: true, mode: 0o755 });
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(pointer, `${dir}\n`);
  return { dir, relocated: true };
}
