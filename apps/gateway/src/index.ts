export { loadConfig, ConfigError, type Config } from './config.ts';
export { startServer, type RunningServer, type StartOptions } from './server.ts';
export { buildApp, type AppOptions } from './app.ts';
