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
export type PublishMany = (inputs: PublishInput[]) => Promise<unknown>;

/**
 * Announces stored intake batches: `alert.received` per company, and `onboarding.first_alert`
 * when a company's first alert arrived in the last two minutes (the onboarding wizard completes
 * live). A company's MSP never changes and its first alert matters once: only companies this
 * announcer has not seen yet cost a query, so a steady stream of alerts adds no reads.
 *
 * Under load the intake commits a batch every few milliseconds, and each `alert.received` is a row,
 * a NOTIFY, a read by every process's LISTEN session and a frame per subscriber. So the announcer
 * publishes at most once per `coalesceMs` (default 50), every company's counts in one statement
 * (`publishMany`): the first batch after a quiet spell is announced at once, and the batches that
 * follow within the window are summed per company into one event each at the window's end. No count
 * is lost (a company's events' `received` add up to every alert announced for it), and a sparse
 * stream is announced without delay. The window is the announcer's, not each company's: an MSP's
 * clients sending an alert a second each would otherwise cost one statement per alert.
 * `onboarding.first_alert` is never held back.
 */
export function createIntakeAnnouncer(o: {
  pool: pg.Pool;
  publish: Publish;
  publishMany: PublishMany;
  now?: () => number;
  coalesceMs?: number;
  onError?: (e: unknown) => void;
}) {
  const now = o.now ?? Date.now;
  const coalesceMs = o.coalesceMs ?? 50;
  const onError = o.onError ?? ((e: unknown) => console.error(`[intake] live event: ${String(e)}`));
  const mspOf = new Map<string, string>();
  /** Counts per company waiting for the window's end, in the order the companies came. */
  let held = new Map<string, number>();
  let lastAt = -Infinity;
  let timer: NodeJS.Timeout | null = null;

  function flush(): Promise<unknown> {
    const counts = held;
    held = new Map();
    lastAt = now();
    const events: PublishInput[] = [...counts].map(([companyId, received]) => ({
      type: 'alert.received',
      mspId: mspOf.get(companyId)!,
      companyId,
      payload: { received },
    }));
    return events.length ? o.publishMany(events) : Promise.resolve();
  }

  function receivedNowOrLater(counts: Map<string, number>): Promise<unknown> | null {
    for (const [companyId, n] of counts) held.set(companyId, (held.get(companyId) ?? 0) + n);
    if (timer) return null;
    const t = now();
    if (t - lastAt >= coalesceMs) return flush();
    timer = setTimeout(
      () => {
        timer = null;
        flush().catch(onError);
      },
      lastAt + coalesceMs - t,
    );
    return null;
  }

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
    const known = new Map([...byCompany].filter(([companyId]) => mspOf.has(companyId)));
    if (known.size) await receivedNowOrLater(known);
    for (const companyId of known.keys()) {
      const mspId = mspOf.get(companyId)!;
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
