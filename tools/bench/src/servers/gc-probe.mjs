// Preloaded (`node --expose-gc --import gc-probe.mjs server`) into a server under
// test by the memory scenario only, so the same probe measures ws, Socket.IO and Parley without
// a hook in any of them. On SIGUSR2: a full collection, twice (the first can leave garbage that
// finalizers just released), then one line on stderr that the benchmark waits for. Plain
// JavaScript, so it loads into the production build of the gateway as into a tsx-run relay.
// With BENCH_HEAP_SNAPSHOT_DIR set, each probe also writes a heap snapshot there (to find what a
// socket holds: tools/bench/README.md "Memory").
import { writeHeapSnapshot } from 'node:v8';
import { join } from 'node:path';

const gc = globalThis.gc;
const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT_DIR;
let probes = 0;

process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  probes += 1;
  if (snapshotDir) writeHeapSnapshot(join(snapshotDir, `probe-${process.pid}-${probes}.heapsnapshot`));
  process.stderr.write(`bench-memory ${JSON.stringify({ gc: gc !== undefined, rss, heapUsed, external })}\n`);
});
