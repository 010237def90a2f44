import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: {
    alias: {
      '~': path.resolve(import.meta.dirname, 'src'),
      // `server-only` throws outside React Server Components; procedures are plain functions here.
      'server-only': path.resolve(import.meta.dirname, 'src/testing/server-only-stub.ts'),
    },
  },
  test: {
    ...sharedTestConfig(import.meta.dirname, { integration: true }),
    // next-auth imports `next/server` without an extension, which Node's ESM resolver refuses.
    server: { deps: { inline: ['next-auth'] } },
  },
});
