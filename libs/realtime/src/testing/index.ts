// Test helpers other projects reuse (`@parley/realtime/testing`); never imported by production code.
export { startRedisServer, type RedisServer, type RedisServerOptions } from './redis-server.ts';
export { deleteKeysWithPrefix } from './redis-keys.ts';
