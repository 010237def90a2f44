// Runbook triggers, read from what the runbook services already publish (their `publish` dep):
// an execution that starts, succeeds or fails notifies about its incident, once per execution.
import type { PublishInput } from '@aw/realtime';
import type { NotificationDeps } from './deps.ts';
import { dispatchTrigger, type TriggerEvent } from './dispatch.ts';
import type { TTrigger } from './types.ts';

const BY_STATUS: Record<string, TTrigger> = {
  IN_PROGRESS: 'runbook.started',
  SUCCESS: 'runbook.succeeded',
  FAILED: 'runbook.failed',
  TIMED_OUT: 'runbook.failed',
  REFUSED: 'runbook.failed',
};

export function runbookTrigger(e: PublishInput): TriggerEvent | null {
  if (e.type === 'runbook.execution.updated') {
    const p = e.payload;
    const trigger = BY_STATUS[p.status];
    if (!trigger || !p.incidentId) return null;
    return {
      trigger,
      mspId: e.mspId,
      incidentId: p.incidentId,
      suffix: p.executionId,
      detail: `Runbook execution ${p.status}`,
    };
  }
  // A runbook that healed an incident resolves it outside correlation: the same "resolved" trigger.
  if (e.type === 'incident.updated' && e.payload.status === 'RESOLVED')
    return { trigger: 'incident.resolved', mspId: e.mspId, incidentId: e.payload.incidentId };
  return null;
}

/** Wrap the runbook services' publisher with this: it notifies, then nothing else changes. */
export async function onRunbookPublished(deps: NotificationDeps, e: PublishInput): Promise<string[]> {
  const t = runbookTrigger(e);
  return t ? dispatchTrigger(deps, t) : [];
}
