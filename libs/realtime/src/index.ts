export { createInProcessBus, type Bus, type InProcessBusOptions } from './bus.ts';
export {
  createRedisBus,
  DEFAULT_MAX_IN_FLIGHT_PUBLISHES,
  type RedisBus,
  type RedisBusOptions,
  type RedisBusStats,
} from './redis-bus.ts';
export type { RedisBusHealth, RedisBusLogger } from './redis-bus-health.ts';
export { createHub, DEFAULT_ATTACH_WAIT_MS, DEFAULT_MAX_BUFFERED_BYTES, type Hub, type HubOptions, type HubStats } from './hub.ts';
export type { HubLogger } from './logger.ts';
export type { HubSocket } from './registry.ts';
export type { PresenceWatch } from './presence-watch.ts';
export {
  topics,
  TOPIC_PREFIX,
  CONTROL_VERSION,
  ControlMessageSchema,
  encodeControl,
  decodeControl,
  type ControlMessage,
} from './topics.ts';
export { createTokenBucket, type TokenBucket, type TokenBucketOptions, type TakeResult } from './token-bucket.ts';
export {
  PRESENCE_STATUS_RETENTION_MS,
  type PresenceStore,
  type PresenceEntry,
  type PresenceCounts,
  type SettleResult,
} from './presence-store.ts';
export { createMemoryPresenceStore, type MemoryPresenceStoreOptions } from './presence-memory-store.ts';
export { createRedisPresenceStore, type RedisPresenceStore, type RedisPresenceStoreOptions } from './presence-redis-store.ts';
export {
  createPresenceTracker,
  DEFAULT_PRESENCE_TTL_MS,
  DEFAULT_PRESENCE_HEARTBEAT_MS,
  DEFAULT_PRESENCE_SWEEP_MS,
  DEFAULT_PRESENCE_SWEEP_BATCH,
  type PresenceTracker,
  type PresenceTrackerOptions,
  type PresenceTimers,
} from './presence-tracker.ts';
export { createTypingThrottle, type TypingThrottle, type TypingThrottleOptions } from './typing-throttle.ts';
