// vitest globalSetup: one PostgreSQL 17 (embedded) and, where installed, one PostgreSQL 15 cluster
// per test run, shared by every integration test file through `inject('pgTargets')`.
import type { TestProject } from 'vitest/node';
import { startTargets } from './postgres.ts';

export default async function setup(project: TestProject) {
  const targets = await startTargets();
  project.provide(
    'pgTargets',
    targets.map(({ name, templateUrl }) => ({ name, templateUrl })),
  );
  return async () => {
    for (const t of targets) await t.stop();
  };
}
