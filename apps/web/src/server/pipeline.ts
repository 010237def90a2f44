import 'server-only';
import { CorrelationWorker, type IncidentChangedEvent } from '@aw/correlation';
import { getPool } from '@aw/db';
import { setDefaultAlertSink } from '@aw/ingest';
import { getPublisher } from './realtime';

// The live pipeline of one app process: ingestion commits alerts (PENDING) → the correlation
// worker decides them → incident changes and intake counts go out as realtime events. Several
// app processes may run this at once: correctness rests on database locks and constraints.

const g = globalThis as unknown as { __awPipeline?: CorrelationWorker; __awFirstAlertSeen?: Set<string> };

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
}

async function announceIntake(batch: { companyId: string; alertIds: bigint[] }[]): Promise<void> {
  const pool = getPool();
  const byCompany = new Map<string, number>();
  for (const b of batch) byCompany.set(b.companyId, (byCompany.get(b.companyId) ?? 0) + b.alertIds.length);
  const ids = [...byCompany.keys()];
  const rows = await pool.query<{ id: string; mspId: string; firstAlertAt: Date | null }>(
    `SELECT id, "mspId", "firstAlertAt" FROM "Company" WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  const seen = (g.__awFirstAlertSeen ??= new Set());
  const publisher = getPublisher();
  for (const c of rows.rows) {
    await publisher.publish({
      type: 'alert.received',
      mspId: c.mspId,
      companyId: c.id,
      payload: { received: byCompany.get(c.id) ?? 0 },
    });
    // The onboarding wizard completes live on the company's first alert.
    if (!seen.has(c.id) && c.firstAlertAt && Date.now() - c.firstAlertAt.getTime() < 120_000) {
      const first = batch.find((b) => b.companyId === c.id)?.alertIds[0];
      await publisher.publish({
        type: 'onboarding.first_alert',
        mspId: c.mspId,
        companyId: c.id,
        payload: { alertId: String(first ?? ''), receivedAt: c.firstAlertAt.toISOString() },
      });
    }
    seen.add(c.id);
  }
}

/** Starts the worker once per process and registers it as ingestion's sink. */
export function startPipeline(): CorrelationWorker {
  if (g.__awPipeline) return g.__awPipeline;
  const worker = new CorrelationWorker({
    pool: getPool(),
    onIncidentChanged: publishIncidentChange,
  }).start();
  setDefaultAlertSink({
    alertsStored(batch) {
      worker.alertsStored(batch);
      void announceIntake(batch).catch((e: unknown) => console.error('[pipeline] intake event:', e));
    },
  });
  g.__awPipeline = worker;
  return worker;
}
