// Shared vitest settings: every package writes a JSON report that scripts/test.mjs sums up.
import path from 'node:path';
import type { ViteUserConfig } from 'vitest/config';

export function sharedTestConfig(
  pkgDir: string,
  opts: { integration?: boolean } = {},
): ViteUserConfig['test'] {
  const name = path.basename(pkgDir);
  return {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: [
      'default',
      ['json', { outputFile: path.resolve(import.meta.dirname, '.reports', `${name}.json`) }],
    ],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    globalSetup: opts.integration
      ? [path.resolve(import.meta.dirname, 'packages/db/src/testing/global-setup.ts')]
      : [],
  };
}
