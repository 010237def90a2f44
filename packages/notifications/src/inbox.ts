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
  a: { mspId: string; companyId?: string | null; since: Date; until?: Date },
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
        WHERE i."mspId" = $1::uuid AND ($2::uuid IS NULL OR i."companyId" = $2::uuid) AND i."createdAt" >= $3::timestamp
          AND ($4::timestamp IS NULL OR i."createdAt" < $4::timestamp))
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
    a.until ? a.until.toISOString().replace('Z', '') : null,
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

/** Every notification and ticket action of one incident (the incident page's panel). */
export async function incidentNotifications(prisma: PrismaClient, a: { mspId: string; incidentId: string }) {
  const [deliveries, tickets] = await Promise.all([
    prisma.notificationDelivery.findMany({
      where: { mspId: a.mspId, incidentId: a.incidentId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      take: 500,
      select: {
        id: true,
        trigger: true,
        status: true,
        channelId: true,
        psaConnectionId: true,
        recipient: true,
        digestId: true,
        attempts: true,
        lastError: true,
        notBefore: true,
        sentAt: true,
        createdAt: true,
      },
    }),
    prisma.psaTicketLink.findMany({
      where: { mspId: a.mspId, incidentId: a.incidentId },
      select: {
        connectionId: true,
        ticketId: true,
        status: true,
        closedBy: true,
        createdAt: true,
        closedAt: true,
      },
    }),
  ]);
  const channelIds = [...new Set(deliveries.flatMap((d) => (d.channelId ? [d.channelId] : [])))];
  const psaIds = [
    ...new Set([
      ...deliveries.flatMap((d) => (d.psaConnectionId ? [d.psaConnectionId] : [])),
      ...tickets.map((t) => t.connectionId),
    ]),
  ];
  const [channels, conns] = await Promise.all([
    prisma.notificationChannel.findMany({
      where: { id: { in: channelIds }, mspId: a.mspId },
      select: { id: true, name: true, kind: true },
    }),
    prisma.psaConnection.findMany({
      where: { id: { in: psaIds }, mspId: a.mspId },
      select: { id: true, name: true },
    }),
  ]);
  const target = (d: (typeof deliveries)[number]) => {
    if (d.psaConnectionId) return `PSA ${conns.find((c) => c.id === d.psaConnectionId)?.name ?? '(deleted)'}`;
    if (d.channelId) {
      const c = channels.find((x) => x.id === d.channelId);
      return c ? `${c.kind.toLowerCase()} ${c.name}` : '(deleted channel)';
    }
    return d.recipient ?? '';
  };
  return {
    deliveries: deliveries.map((d) => ({ ...d, target: target(d) })),
    tickets: tickets.map((t) => ({
      ...t,
      connection: conns.find((c) => c.id === t.connectionId)?.name ?? '(deleted)',
    })),
  };
}
