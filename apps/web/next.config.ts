import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The app imports `@parley/*` TypeScript source from libs/ (tsconfig paths), which lives
// outside apps/web. Turbopack only compiles files under its root, so the root is the
// workspace; file tracing must use the same root or Next warns and picks one.
const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const nextConfig: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  turbopack: { root: workspaceRoot },
  outputFileTracingRoot: workspaceRoot,
};

export default nextConfig;
