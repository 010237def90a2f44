import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

// The launcher's own tests (scripts/launcher/*.test.ts) and the summary's; scripts/test.mjs runs them as a stage.
export default defineConfig({
  root: import.meta.dirname,
  test: {
    ...sharedTestConfig(import.meta.dirname),
    include: ['launcher/**/*.test.ts', 'test-summary.test.ts'],
  },
});
