// Preloaded (`node --expose-gc --import tsx --import gc-probe.ts server.ts`) into a server under
// test by the memory scenario only, so the same probe measures ws, Socket.IO and Parley without
// a hook in any of them. On SIGUSR2: a full collection, twice (the first can leave garbage that
// finalizers just released), then one line on stderr that the benchmark waits for.
const gc = (globalThis as { gc?: () => void }).gc;

process.on('SIGUSR2', () => {
  gc?.();
  gc?.();
  const { rss, heapUsed, external } = process.memoryUsage();
  process.stderr.write(`bench-memory ${JSON.stringify({ gc: gc !== undefined, rss, heapUsed, external })}\n`);
});
