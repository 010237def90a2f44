// Acknowledge links: `<base>/api/notifications/ack/<id>.<signature>`. The id names a stored token
// (single use, expiring, bound to one incident of one company of one MSP); the signature is
// HMAC-SHA256 over all of that under a key derived from APP_ENCRYPTION_KEY, so a guessed id or an
// edited row is refused before anything changes. GET only shows a confirm button (mail scanners
// open links); the POST acknowledges, without sign-in.
import { createHmac, randomUUID } from 'node:crypto';
import { timingSafeEqualStr } from '@aw/core/crypto';
import type { IncidentChangedEvent } from '@aw/correlation';
import { type NotificationDeps, now } from './deps.ts';

export const ACK_TTL_MS = 24 * 3_600_000;

interface TokenRow {
  id: string;
  mspId: string;
  companyId: string;
  incidentId: string;
  expiresAt: Date;
}

function sign(key: string, t: TokenRow): string {
  return createHmac('sha256', `aw-ack-link:${key}`)
    .update(`${t.id}.${t.mspId}.${t.companyId}.${t.incidentId}.${t.expiresAt.getTime()}`)
    .digest('hex');
}

export function ackPath(token: string): string {
  return `/api/notifications/ack/${token}`;
}

/** One link per delivery (a retried delivery reuses its link). */
export async function createAckLink(
  deps: NotificationDeps,
  a: { deliveryId: string; mspId: string; companyId: string; incidentId: string; ttlMs?: number },
): Promise<string> {
  const existing = await deps.prisma.notificationAckToken.findUnique({ where: { deliveryId: a.deliveryId } });
  const row =
    existing ??
    (await deps.prisma.notificationAckToken.create({
      data: {
        id: randomUUID(),
        mspId: a.mspId,
        companyId: a.companyId,
        incidentId: a.incidentId,
        deliveryId: a.deliveryId,
        expiresAt: new Date(now(deps).getTime() + (a.ttlMs ?? ACK_TTL_MS)),
      },
    }));
  return `${deps.baseUrl.replace(/\/+$/, '')}${ackPath(`${row.id}.${sign(deps.encryptionKey, row)}`)}`;
}

export type AckResult =
  | { ok: true; incidentId: string; title: string; event: IncidentChangedEvent }
  | { ok: false; reason: 'invalid' | 'expired' | 'used' | 'not_open'; incidentId?: string };

const TOKEN = /^([0-9a-f-]{36})\.([0-9a-f]{64})$/;

/** Looks the link up without using it (for the confirm page). */
export async function inspectAckToken(deps: NotificationDeps, token: string) {
  const m = TOKEN.exec(token);
  if (!m) return { ok: false as const, reason: 'invalid' as const };
  const row = await deps.prisma.notificationAckToken.findUnique({ where: { id: m[1] } });
  if (!row || !timingSafeEqualStr(sign(deps.encryptionKey, row), m[2]!))
    return { ok: false as const, reason: 'invalid' as const };
  if (row.usedAt) return { ok: false as const, reason: 'used' as const };
  if (row.expiresAt <= now(deps)) return { ok: false as const, reason: 'expired' as const };
  const inc = await deps.prisma.incident.findFirst({
    where: { id: row.incidentId, mspId: row.mspId, companyId: row.companyId },
    select: { id: true, title: true, status: true },
  });
  if (!inc) return { ok: false as const, reason: 'invalid' as const };
  return { ok: true as const, row, incident: inc };
}

/** Uses the link: marks it used and acknowledges the incident in one transaction. */
export async function acknowledgeByToken(deps: NotificationDeps, token: string): Promise<AckResult> {
  const look = await inspectAckToken(deps, token);
  if (!look.ok) return look;
  const { row } = look;
  const at = now(deps);
  return deps.prisma.$transaction(async (tx) => {
    const used = await tx.notificationAckToken.updateMany({
      where: { id: row.id, usedAt: null, expiresAt: { gt: at } },
      data: { usedAt: at },
    });
    if (!used.count) return { ok: false as const, reason: 'used' as const };
    // Tenant check again under the row lock: the incident of this token's company and MSP only.
    const locked = await tx.$queryRawUnsafe<{ status: string }[]>(
      `SELECT status FROM "Incident" WHERE id = $1::uuid AND "mspId" = $2::uuid AND "companyId" = $3::uuid FOR UPDATE`,
      row.incidentId,
      row.mspId,
      row.companyId,
    );
    if (!locked.length) throw new Error('incident vanished');
    if (locked[0]!.status !== 'OPEN') {
      // Someone acknowledged or resolved it first: the link is spent all the same.
      return { ok: false as const, reason: 'not_open' as const, incidentId: row.incidentId };
    }
    const after = await tx.incident.update({
      where: { id: row.incidentId },
      data: { status: 'ACKNOWLEDGED', acknowledgedAt: at, acknowledgedById: null },
    });
    await tx.incidentEvent.create({
      data: {
        mspId: row.mspId,
        companyId: row.companyId,
        incidentId: row.incidentId,
        type: 'acknowledged',
        message: 'Acknowledged from a notification link',
        data: { via: 'ack-link', tokenId: row.id },
      },
    });
    await tx.auditLog.create({
      data: {
        mspId: row.mspId,
        companyId: row.companyId,
        action: 'incident.acknowledged',
        targetType: 'incident',
        targetId: row.incidentId,
        data: { via: 'ack-link', tokenId: row.id },
      },
    });
    const event: IncidentChangedEvent = {
      type: 'incident.updated',
      mspId: after.mspId,
      companyId: after.companyId,
      incidentId: after.id,
      status: after.status,
      severity: after.severity,
      title: after.title,
      correlationKey: after.correlationKey,
      alertCount: after.alertCount,
      firingCount: after.firingCount,
      flapping: after.flapping,
      lastSeenAt: after.lastSeenAt.toISOString(),
    };
    return { ok: true as const, incidentId: after.id, title: after.title, event };
  });
}
