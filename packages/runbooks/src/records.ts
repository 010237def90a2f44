// The side records every execution state change leaves: the audit log, the incident timeline,
// the live event, and the escalation mark on the incident.
import type { Prisma, RunbookExecution } from '@aw/db';
import { now, type RunbookDeps } from './deps.ts';

type Tx = Prisma.TransactionClient | RunbookDeps['prisma'];

export async function auditExecution(
  db: Tx,
  e: Pick<RunbookExecution, 'id' | 'mspId' | 'companyId'>,
  action: string,
  actorId: string | null,
  data: Record<string, unknown>,
): Promise<void> {
  await db.auditLog.create({
    data: {
      mspId: e.mspId,
      companyId: e.companyId,
      actorId,
      action: `runbook.execution.${action}`,
      targetType: 'runbook_execution',
      targetId: e.id,
      data: data as Prisma.InputJsonValue,
    },
  });
}

export async function incidentEvent(
  db: Tx,
  e: Pick<RunbookExecution, 'id' | 'mspId' | 'companyId' | 'incidentId'>,
  type: string,
  message: string,
  actorId: string | null,
  data: Record<string, unknown> = {},
): Promise<void> {
  if (!e.incidentId) return;
  await db.incidentEvent.create({
    data: {
      mspId: e.mspId,
      companyId: e.companyId,
      incidentId: e.incidentId,
      type,
      actorId,
      message: message.slice(0, 4000),
      data: { executionId: e.id, ...data } as Prisma.InputJsonValue,
    },
  });
}

export async function publishExecution(
  deps: RunbookDeps,
  e: Pick<RunbookExecution, 'id' | 'mspId' | 'companyId' | 'runbookId' | 'incidentId' | 'status'>,
): Promise<void> {
  await deps
    .publish?.({
      type: 'runbook.execution.updated',
      mspId: e.mspId,
      companyId: e.companyId,
      payload: { executionId: e.id, runbookId: e.runbookId, incidentId: e.incidentId, status: e.status },
    })
    .catch((err: unknown) => deps.logger?.warn(`[runbooks] publish: ${(err as Error).message}`));
}

export async function publishIncident(
  deps: RunbookDeps,
  inc: { id: string; mspId: string; companyId: string; status: 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED' },
  changed: string[],
): Promise<void> {
  await deps
    .publish?.({
      type: 'incident.updated',
      mspId: inc.mspId,
      companyId: inc.companyId,
      payload: { incidentId: inc.id, status: inc.status, changed },
    })
    .catch((err: unknown) => deps.logger?.warn(`[runbooks] publish: ${(err as Error).message}`));
}

/**
 * Marks the execution escalated and the incident for a technician (it stays open), with the
 * reason on both, the timeline and the audit log.
 */
export async function escalate(
  deps: RunbookDeps,
  executionId: string,
  status: 'FAILED' | 'TIMED_OUT' | 'REFUSED',
  reason: string,
  extra: Prisma.RunbookExecutionUpdateInput = {},
): Promise<void> {
  const at = now(deps);
  const e = await deps.prisma.$transaction(async (tx) => {
    const e = await tx.runbookExecution.update({
      where: { id: executionId },
      data: { status, error: reason.slice(0, 4000), escalated: true, finishedAt: at, ...extra },
    });
    if (e.incidentId)
      await tx.incident.updateMany({
        where: { id: e.incidentId, status: { not: 'RESOLVED' } },
        data: { escalatedAt: at, escalationReason: reason.slice(0, 1000) },
      });
    await incidentEvent(tx, e, 'runbook.escalated', `Runbook did not heal this incident: ${reason}`, null, {
      status,
    });
    await auditExecution(tx, e, 'escalated', null, { status, reason });
    return e;
  });
  await publishExecution(deps, e);
  if (e.incidentId) {
    const inc = await deps.prisma.incident.findUnique({ where: { id: e.incidentId } });
    if (inc) await publishIncident(deps, inc, ['escalatedAt']);
  }
}
