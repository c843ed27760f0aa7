import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * As root, Postgres runs as the `postgres` system user, which must be able to enter every
 * folder above the data directory. A private one (mode 700, e.g. from mktemp -d) would fail
 * deep inside initdb with "Permission denied"; say what to do instead.
 */
export function assertPostgresUserCanReach(dataDir: string): void {
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    // Folders that do not exist yet are created traversable (mkdir -p with the usual umask).
    const mode = existsSync(dir) ? statSync(dir).mode : 0o755;
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Embedded Postgres runs as the "postgres" user when Parley runs as root, and that user cannot enter ${dir} ` +
          `(mode ${(mode & 0o777).toString(8)}). Run Parley as a normal user, allow it with chmod o+x ${dir}, ` +
          'or point DATA_DIR somewhere it can reach.',
      );
    }
    if (dir === dirname(dir)) return;
  }
}

/** assertPostgresUserCanReach as a yes/no. */
export function postgresUserCanReach(path: string): boolean {
  try {
    assertPostgresUserCanReach(path);
    return true;
  } catch {
    return false;
  }
}
