// Read models for the portal: the demo inbox, and the notification KPIs (time to first
// notification, time to acknowledge), medians over incidents opened in the period.
import type { PrismaClient } from '@aw/db';

export async function listInbox(prisma: PrismaClient, mspId: string, limit = 50) {
  const rows = await prisma.notificationInboxMessage.findMany({
    where: { mspId },
    orderBy: { id: 'desc' },
    take: Math.min(Math.max(limit, 1), 200),
  });
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}

export interface NotificationKpis {
  incidents: number;
  notified: number;
  acknowledged: number;
  /** Median seconds from incident opened to its first sent notification (null: none). */
  medianSecondsToFirstNotification: number | null;
  /** Median seconds from incident opened to acknowledged (null: none). */
  medianSecondsToAcknowledge: number | null;
}

export async function notificationKpis(
  prisma: PrismaClient,
  a: { mspId: string; companyId?: string | null; since: Date },
): Promise<NotificationKpis> {
  const rows = await prisma.$queryRawUnsafe<
    { incidents: bigint; notified: bigint; acknowledged: bigint; ttfn: number | null; tta: number | null }[]
  >(
    `WITH inc AS (
       SELECT i.id, i."createdAt", i."acknowledgedAt",
              (SELECT min(d."sentAt") FROM "NotificationDelivery" d
                WHERE d."incidentId" = i.id AND d."sentAt" IS NOT NULL) AS first_sent,
              (SELECT min(d."sentAt") FROM "NotificationDelivery" d
                JOIN "NotificationDelivery" m ON m."digestId" = d.id
                WHERE m."incidentId" = i.id AND d."sentAt" IS NOT NULL) AS digest_sent
         FROM "Incident" i
        WHERE i."mspId" = $1::uuid AND ($2::uuid IS NULL OR i."companyId" = $2::uuid) AND i."createdAt" >= $3::timestamp)
     SELECT count(*) AS incidents,
            count(COALESCE(first_sent, digest_sent)) AS notified,
            count("acknowledgedAt") AS acknowledged,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM LEAST(first_sent, digest_sent) - "createdAt"))
              FILTER (WHERE COALESCE(first_sent, digest_sent) IS NOT NULL) AS ttfn,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "acknowledgedAt" - "createdAt"))
              FILTER (WHERE "acknowledgedAt" IS NOT NULL) AS tta
       FROM inc`,
    a.mspId,
    a.companyId ?? null,
    a.since.toISOString().replace('Z', ''),
  );
  const r = rows[0]!;
  return {
    incidents: Number(r.incidents),
    notified: Number(r.notified),
    acknowledged: Number(r.acknowledged),
    medianSecondsToFirstNotification: r.ttfn === null ? null : Math.round(Number(r.ttfn)),
    medianSecondsToAcknowledge: r.tta === null ? null : Math.round(Number(r.tta)),
  };
}
