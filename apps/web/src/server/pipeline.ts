import 'server-only';
import { CorrelationWorker, type IncidentChangedEvent } from '@aw/correlation';
import { getPool } from '@aw/db';
import { setDefaultAlertSink } from '@aw/ingest';
import { onIncidentChanged } from '@aw/runbooks';
import { registerNodeIntake } from './node-intake';
import { notifyIncidentChanged } from './notifications';
import { getPublisher } from './realtime';
import { startRunbookWorker } from './runbooks';
import { startComplianceWorker } from './compliance';

// The live pipeline of one app process: ingestion commits alerts (PENDING) → the correlation
// worker decides them → incident changes and intake counts go out as realtime events. Several
// app processes may run this at once: correctness rests on database locks and constraints.

const g = globalThis as unknown as { __awPipeline?: CorrelationWorker; __awCompanyMsp?: Map<string, string> };

/** Turns a correlation change into the realtime event dashboards listen to. */
export async function publishIncidentChange(e: IncidentChangedEvent): Promise<void> {
  const publisher = getPublisher();
  if (e.type === 'incident.created') {
    await publisher.publish({
      type: 'incident.created',
      mspId: e.mspId,
      companyId: e.companyId,
      payload: {
        incidentId: e.incidentId,
        title: e.title,
        severity: e.severity,
        status: e.status,
        alertCount: e.alertCount,
      },
    });
  } else {
    await publisher.publish({
      type: 'incident.updated',
      mspId: e.mspId,
      companyId: e.companyId,
      payload: {
        incidentId: e.incidentId,
        status: e.status,
        severity: e.severity,
        alertCount: e.alertCount,
        changed:
          e.type === 'incident.resolved' ? ['status'] : ['status', 'alertCount', 'severity', 'lastSeenAt'],
      },
    });
  }
  await notifyIncidentChanged(e);
}

async function announceIntake(batch: { companyId: string; alertIds: bigint[] }[]): Promise<void> {
  const byCompany = new Map<string, number>();
  for (const b of batch) byCompany.set(b.companyId, (byCompany.get(b.companyId) ?? 0) + b.alertIds.length);
  // A company's MSP never changes, and its first alert matters once: only companies this process
  // has not seen yet cost a query, so a steady stream of alerts adds no reads here.
  const mspOf = (g.__awCompanyMsp ??= new Map());
  const unseen = [...byCompany.keys()].filter((id) => !mspOf.has(id));
  const firsts = new Map<string, Date>();
  if (unseen.length) {
    const rows = await getPool().query<{ id: string; mspId: string; firstAlertAt: Date | null }>(
      `SELECT id, "mspId", "firstAlertAt" FROM "Company" WHERE id = ANY($1::uuid[])`,
      [unseen],
    );
    for (const c of rows.rows) {
      mspOf.set(c.id, c.mspId);
      if (c.firstAlertAt && Date.now() - c.firstAlertAt.getTime() < 120_000) firsts.set(c.id, c.firstAlertAt);
    }
  }
  const publisher = getPublisher();
  for (const [companyId, received] of byCompany) {
    const mspId = mspOf.get(companyId);
    if (!mspId) continue;
    await publisher.publish({ type: 'alert.received', mspId, companyId, payload: { received } });
    // The onboarding wizard completes live on the company's first alert.
    const first = firsts.get(companyId);
    if (first) {
      const alertId = batch.find((b) => b.companyId === companyId)?.alertIds[0];
      await publisher.publish({
        type: 'onboarding.first_alert',
        mspId,
        companyId,
        payload: { alertId: String(alertId ?? ''), receivedAt: first.toISOString() },
      });
    }
  }
}

/** Starts the worker once per process and registers it as ingestion's sink. */
export function startPipeline(): CorrelationWorker {
  if (g.__awPipeline) return g.__awPipeline;
  const runbooks = startRunbookWorker();
  const worker = new CorrelationWorker({
    pool: getPool(),
    // Live update first; then matching runbook policies (AUTO or APPROVAL) create executions.
    onIncidentChanged: async (e) => {
      await publishIncidentChange(e);
      await onIncidentChanged(runbooks, e).catch((err: unknown) =>
        console.error(`[runbooks] incident ${e.incidentId}: ${(err as Error).message}`),
      );
    },
  }).start();
  startComplianceWorker((batch) => worker.alertsStored(batch));
  setDefaultAlertSink({
    alertsStored(batch) {
      worker.alertsStored(batch);
      void announceIntake(batch).catch((e: unknown) => console.error('[pipeline] intake event:', e));
    },
  });
  registerNodeIntake();
  g.__awPipeline = worker;
  return worker;
}
