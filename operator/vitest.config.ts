import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared.ts';

const shared = sharedTestConfig(import.meta.dirname, { integration: true });
export default defineConfig({
  test: {
    ...shared,
    // testing/: the fake API server's own tests and the Helm chart tests
    include: [...(shared?.include ?? []), 'testing/**/*.test.ts'],
    // real helm and kubectl for the chart tests (scripts/k8s-tools.mjs)
    globalSetup: [...((shared?.globalSetup as string[] | undefined) ?? []), 'testing/global-setup.ts'],
  },
});
