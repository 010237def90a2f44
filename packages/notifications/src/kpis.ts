// Per-incident notification KPI rows (the CSV behind the KPI card): when each incident opened,
// when its first notification went out (alone or in a digest), when it was acknowledged.
import { toCsv } from '@aw/correlation';
import type { PrismaClient } from '@aw/db';

export interface NotificationKpiRow {
  incident_id: string;
  company: string;
  title: string;
  severity: string;
  opened_at: Date;
  first_notified_at: Date | null;
  seconds_to_first_notification: number | null;
  acknowledged_at: Date | null;
  seconds_to_acknowledge: number | null;
}

export async function notificationKpiRows(
  prisma: PrismaClient,
  a: { mspId: string; companyId?: string | null; since: Date; until?: Date; limit?: number },
): Promise<NotificationKpiRow[]> {
  const rows = await prisma.$queryRawUnsafe<
    {
      id: string;
      company: string;
      title: string;
      severity: string;
      createdAt: Date;
      acknowledgedAt: Date | null;
      first: Date | null;
    }[]
  >(
    `SELECT i.id, c.name AS company, i.title, i.severity::text AS severity, i."createdAt", i."acknowledgedAt",
            LEAST(
              (SELECT min(d."sentAt") FROM "NotificationDelivery" d WHERE d."incidentId" = i.id AND d."sentAt" IS NOT NULL),
              (SELECT min(d."sentAt") FROM "NotificationDelivery" d JOIN "NotificationDelivery" m ON m."digestId" = d.id
                WHERE m."incidentId" = i.id AND d."sentAt" IS NOT NULL)) AS first
       FROM "Incident" i JOIN "Company" c ON c.id = i."companyId"
      WHERE i."mspId" = $1::uuid AND ($2::uuid IS NULL OR i."companyId" = $2::uuid)
        AND i."createdAt" >= $3::timestamp AND ($4::timestamp IS NULL OR i."createdAt" < $4::timestamp)
      ORDER BY i."createdAt" DESC, i.id
      LIMIT $5`,
    a.mspId,
    a.companyId ?? null,
    a.since.toISOString().replace('Z', ''),
    a.until ? a.until.toISOString().replace('Z', '') : null,
    Math.min(Math.max(a.limit ?? 1000, 1), 10_000),
  );
  const secs = (from: Date, to: Date | null) =>
    to ? Math.round((to.getTime() - from.getTime()) / 1000) : null;
  return rows.map((r) => ({
    incident_id: r.id,
    company: r.company,
    title: r.title,
    severity: r.severity,
    opened_at: r.createdAt,
    first_notified_at: r.first,
    seconds_to_first_notification: secs(r.createdAt, r.first),
    acknowledged_at: r.acknowledgedAt,
    seconds_to_acknowledge: secs(r.createdAt, r.acknowledgedAt),
  }));
}

export function notificationKpiCsv(rows: NotificationKpiRow[]): string {
  return toCsv(rows, [
    'incident_id',
    'company',
    'title',
    'severity',
    'opened_at',
    'first_notified_at',
    'seconds_to_first_notification',
    'acknowledged_at',
    'seconds_to_acknowledge',
  ]);
}
