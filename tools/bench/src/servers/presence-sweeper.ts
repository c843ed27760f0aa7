// One surviving gateway node's presence, and nothing else: a tracker on Redis whose sweeps
// settle the users of a crashed node. The crash-sweep scenario starts one per node and counts
// the offline transitions each announces (the moment a gateway would fan them out).
//
// Env: REDIS_URL, KEY_PREFIX, NODE_ID, PRESENCE_TTL_MS, PRESENCE_GRACE_MS. Prints "ready", then a line
// "offline <count> <lastAtEpochMs>" whenever its count grew (at most every 100 ms).
import { createPresenceTracker, createRedisPresenceStore } from '@parley/realtime';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const ttlMs = Number(env('PRESENCE_TTL_MS'));
const store = createRedisPresenceStore({ url: env('REDIS_URL'), keyPrefix: env('KEY_PREFIX'), connectionName: `bench-sweeper-${env('NODE_ID')}` });
await store.waitUntilReady(5_000);
let offline = 0;
let lastAt = 0;
let reported = 0;
const tracker = createPresenceTracker({
  store,
  nodeId: env('NODE_ID'),
  ttlMs,
  graceMs: Number(env('PRESENCE_GRACE_MS')),
  heartbeatMs: Math.floor(ttlMs / 3),
  onChange: (presence) => {
    if (presence.status !== 'offline') return;
    offline += 1;
    lastAt = Date.now();
  },
});
const report = setInterval(() => {
  if (offline === reported) return;
  reported = offline;
  console.log(`offline ${offline} ${lastAt}`);
}, 100);
process.once('SIGTERM', () => {
  clearInterval(report);
  void tracker.close().then(() => store.close()).then(() => process.exit(0));
});
console.log('ready');
