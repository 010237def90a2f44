// What the pipeline announces live: incident changes (from correlation or a person) and intake
// counts (from ingestion), turned into the typed events dashboards listen to.
import type pg from 'pg';
import type { IncidentStatus, Severity } from '@aw/core/domain';
import type { PublishInput, RealtimeEvent } from './events.ts';

/** The fields of a correlation incident change this module reads (`IncidentChangedEvent`). */
export interface IncidentChange {
  type: 'incident.created' | 'incident.updated' | 'incident.resolved';
  mspId: string;
  companyId: string;
  incidentId: string;
  title: string;
  status: IncidentStatus;
  severity: Severity;
  alertCount: number;
  situationId?: string | null;
  situationChange?: 'created' | 'joined' | 'updated' | 'closed';
}

/** The realtime event for what an incident change did to its situation (none when nothing). */
export function situationChangeEvents(e: IncidentChange): PublishInput[] {
  if (!e.situationId || !e.situationChange) return [];
  return [
    {
      type: 'situation.changed',
      mspId: e.mspId,
      companyId: e.companyId,
      payload: { situationId: e.situationId, incidentId: e.incidentId, change: e.situationChange },
    },
  ];
}

/** The realtime event for an incident change. */
export function incidentChangeEvent(e: IncidentChange): PublishInput {
  if (e.type === 'incident.created')
    return {
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
    };
  return {
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
  };
}

export type Publish = (input: PublishInput) => Promise<RealtimeEvent | null>;

/**
 * Announces stored intake batches: `alert.received` per company, and `onboarding.first_alert`
 * when a company's first alert arrived in the last two minutes (the onboarding wizard completes
 * live). A company's MSP never changes and its first alert matters once: only companies this
 * announcer has not seen yet cost a query, so a steady stream of alerts adds no reads.
 */
export function createIntakeAnnouncer(o: { pool: pg.Pool; publish: Publish; now?: () => number }) {
  const now = o.now ?? Date.now;
  const mspOf = new Map<string, string>();
  return async function announceIntake(batch: { companyId: string; alertIds: bigint[] }[]): Promise<void> {
    const byCompany = new Map<string, number>();
    for (const b of batch) byCompany.set(b.companyId, (byCompany.get(b.companyId) ?? 0) + b.alertIds.length);
    const unseen = [...byCompany.keys()].filter((id) => !mspOf.has(id));
    const firsts = new Map<string, Date>();
    if (unseen.length) {
      const rows = await o.pool.query<{ id: string; mspId: string; firstAlertAt: Date | null }>(
        `SELECT id, "mspId", "firstAlertAt" FROM "Company" WHERE id = ANY($1::uuid[])`,
        [unseen],
      );
      for (const c of rows.rows) {
        mspOf.set(c.id, c.mspId);
        if (c.firstAlertAt && now() - c.firstAlertAt.getTime() < 120_000) firsts.set(c.id, c.firstAlertAt);
      }
    }
    for (const [companyId, received] of byCompany) {
      const mspId = mspOf.get(companyId);
      if (!mspId) continue;
      await o.publish({ type: 'alert.received', mspId, companyId, payload: { received } });
      const first = firsts.get(companyId);
      if (first) {
        const alertId = batch.find((b) => b.companyId === companyId)?.alertIds[0];
        await o.publish({
          type: 'onboarding.first_alert',
          mspId,
          companyId,
          payload: { alertId: String(alertId ?? ''), receivedAt: first.toISOString() },
        });
      }
    }
  };
}
