export { createInProcessBus, type Bus, type InProcessBusOptions } from './bus.ts';
export {
  createRedisBus,
  DEFAULT_MAX_IN_FLIGHT_PUBLISHES,
  type RedisBus,
  type RedisBusOptions,
  type RedisBusStats,
} from './redis-bus.ts';
export type { RedisBusHealth, RedisBusLogger } from './redis-bus-health.ts';
export { createHub, DEFAULT_MAX_BUFFERED_BYTES, type Hub, type HubOptions, type HubStats } from './hub.ts';
export type { HubLogger } from './logger.ts';
export type { HubSocket } from './registry.ts';
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
