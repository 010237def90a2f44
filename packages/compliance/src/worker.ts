// Registers every compliance job on the queue (the composition root calls this once per worker).
import type { ComplianceDeps } from './deps.ts';
import { registerScheduleWorker, startSchedule } from './schedule.ts';
import { registerSyncWorker } from './sync.ts';

export function registerComplianceWorker(deps: ComplianceDeps): void {
  registerSyncWorker(deps);
  registerScheduleWorker(deps);
}

/** Creates the compliance services for one process: register the jobs, start the schedule. */
export function createComplianceService(deps: ComplianceDeps) {
  registerComplianceWorker(deps);
  return { deps, start: () => startSchedule(deps) };
}
