import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared.ts';

const shared = sharedTestConfig(import.meta.dirname, { integration: true });
export default defineConfig({
  test: {
    ...shared,
    // real helm and kubectl in .tools/bin before the chart tests (scripts/k8s-tools.mjs; idempotent)
    globalSetup: [...((shared?.globalSetup as string[] | undefined) ?? []), 'src/testing/k8s-tools-setup.ts'],
  },
});
