// `npm run files:copy -- --from local --to s3` (or `--from s3 --to local`): copies every stored
// file and thumbnail from one store to the other, to move an install between local disk and an
// S3-compatible bucket. Both are described by the gateway's own settings (FILES_DIR or DATA_DIR
// for local; S3_BUCKET, S3_ENDPOINT, … for S3). An entry point, so it (and only it, besides
// main.ts) reads process.env. Safe to run again: it copies only what is missing or differs.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type StorageConfig } from '../config.ts';
import { copyStore } from '../files/copy-store.ts';
import { createBlobStore } from '../files/create-blob-store.ts';

const USAGE = 'usage: npm run files:copy -- --from local|s3 --to local|s3';
const KINDS = ['local', 's3'] as const;
type Kind = (typeof KINDS)[number];
const isKind = (value: string | undefined): value is Kind => KINDS.includes(value as Kind);

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

let values: { from?: string; to?: string };
try {
  ({ values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } }));
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`);
}
const { from, to } = values;
if (!isKind(from) || !isKind(to)) fail(`--from and --to are each "local" or "s3"\n${USAGE}`);
if (from === to) fail(`--from and --to are the same store ("${from}"): nothing to copy\n${USAGE}`);

let storages: Record<Kind, StorageConfig>;
let tmpDir: string;
try {
  const local = loadConfig({ ...process.env, STORAGE: 'local' }).files;
  storages = { local: local.storage, s3: loadConfig({ ...process.env, STORAGE: 's3' }).files.storage };
  tmpDir = local.tmpDir;
} catch (error) {
  fail(error instanceof ConfigError ? error.message : String(error));
}
const describe = (storage: StorageConfig) =>
  storage.kind === 'local' ? `local disk (${storage.dir})` : `S3 bucket ${storage.s3.bucket}${storage.s3.prefix ? ` under ${storage.s3.prefix}` : ''}`;

const source = createBlobStore(storages[from]);
const destination = createBlobStore(storages[to]);
console.log(`Copying files from ${describe(storages[from])} to ${describe(storages[to])} …`);
try {
  const report = await copyStore(source, destination, { log: console.log, tmpDir });
  console.log(
    `Done: ${report.copied} copied (${report.bytes} bytes), ${report.skipped} already there, ${report.vanished} deleted meanwhile.` +
      `\nStart the gateway with STORAGE=${to} to use them.`,
  );
} catch (error) {
  console.error(`Copy stopped: ${(error as Error).message}\nNothing copied so far is lost; run the same command again to go on.`);
  process.exitCode = 1;
} finally {
  source.close();
  destination.close();
}
