import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

// The bench's own tests (bench/lib/*.test.ts); scripts/test.mjs runs them as a stage.
export default defineConfig({
  root: import.meta.dirname,
  test: {
    ...sharedTestConfig(import.meta.dirname),
    include: ['lib/**/*.test.ts'],
  },
});
