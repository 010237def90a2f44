// Incident queries and actions for the portal (thin tRPC procedures call these).
import { AppError } from '@aw/core/errors';
import type { Prisma } from '@aw/db';
import type { IncidentChangedEvent, OnIncidentChanged } from '../store/apply.ts';
import { type IncidentStatus, type Severity, STAFF_ROLES } from '@aw/core/domain';
import { companyFilter, requirePermission, type Actor } from './access.ts';

export type IncidentSort = 'lastSeenAt' | 'firstSeenAt' | 'severity' | 'alertCount';

export interface ListIncidentsInput {
  companyId?: string | null;
  status?: IncidentStatus[];
  severity?: Severity[];
  signature?: string;
  asset?: string;
  search?: string;
  assigneeId?: string | null;
  flapping?: boolean;
  from?: Date;
  to?: Date;
  sort?: IncidentSort;
  order?: 'asc' | 'desc';
  cursor?: string | null;
  limit?: number;
}

const LIST_SELECT = {
  id: true,
  companyId: true,
  correlationKey: true,
  title: true,
  asset: true,
  signature: true,
  source: true,
  status: true,
  severity: true,
  alertCount: true,
  firingCount: true,
  flapping: true,
  windowMode: true,
  windowStart: true,
  windowEnd: true,
  firstSeenAt: true,
  lastSeenAt: true,
  assigneeId: true,
  acknowledgedAt: true,
  resolvedAt: true,
  resolution: true,
  company: { select: { name: true, slug: true } },
  assignee: { select: { id: true, name: true, email: true } },
  stale: true,
  situationId: true,
  situation: { select: { id: true, title: true, incidentCount: true, status: true, severity: true } },
} satisfies Prisma.IncidentSelect;

/**
 * Keyset pagination: ordered by the sort column then id, continued from the cursor row
 * (Prisma's cursor = a seek on (column, id)), so page 1000 costs what page 1 costs.
 */
export async function listIncidents(a: Actor, input: ListIncidentsInput) {
  const scope = await companyFilter(a, input.companyId);
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const where: Prisma.IncidentWhereInput = {
    mspId: scope.mspId,
    ...(scope.companyId ? { companyId: scope.companyId } : {}),
    ...(input.status?.length ? { status: { in: input.status } } : {}),
    ...(input.severity?.length ? { severity: { in: input.severity } } : {}),
    ...(input.signature ? { signature: input.signature } : {}),
    ...(input.asset ? { asset: input.asset } : {}),
    ...(input.assigneeId !== undefined ? { assigneeId: input.assigneeId } : {}),
    ...(input.flapping !== undefined ? { flapping: input.flapping } : {}),
    ...(input.from || input.to
      ? { lastSeenAt: { ...(input.from ? { gte: input.from } : {}), ...(input.to ? { lt: input.to } : {}) } }
      : {}),
    ...(input.search
      ? {
          OR: [
            { title: { contains: input.search, mode: 'insensitive' } },
            { asset: { contains: input.search, mode: 'insensitive' } },
            { signature: { contains: input.search, mode: 'insensitive' } },
          ],
        }
      : {}),
  };
  const sort = input.sort ?? 'lastSeenAt';
  const order = input.order ?? (sort === 'severity' ? 'asc' : 'desc');
  const rows = await a.prisma.incident.findMany({
    where,
    select: LIST_SELECT,
    orderBy: [{ [sort]: order }, { id: order }],
    take: limit + 1,
    ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
  });
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return { items, nextCursor: more ? items.at(-1)!.id : null };
}

async function loadScoped(a: Actor, id: string) {
  const scope = await companyFilter(a);
  const inc = await a.prisma.incident.findFirst({
    where: { id, mspId: scope.mspId, ...(scope.companyId ? { companyId: scope.companyId } : {}) },
  });
  if (!inc) throw new AppError('NOT_FOUND', 'incident not found');
  return inc;
}

/** The incident, its alert timeline (each with its decision and why) and its event timeline. */
export async function incidentDetail(
  a: Actor,
  input: { id: string; alertsCursor?: string | null; alertsLimit?: number },
) {
  await loadScoped(a, input.id);
  const limit = Math.min(Math.max(input.alertsLimit ?? 200, 1), 1000);
  const [incident, alerts, events] = await Promise.all([
    a.prisma.incident.findUniqueOrThrow({
      where: { id: input.id },
      include: {
        company: { select: { id: true, name: true, slug: true } },
        assignee: { select: { id: true, name: true, email: true } },
      },
    }),
    a.prisma.alert.findMany({
      where: {
        incidentId: input.id,
        ...(input.alertsCursor ? { id: { gt: BigInt(input.alertsCursor) } } : {}),
      },
      orderBy: { id: 'asc' },
      take: limit + 1,
      select: {
        id: true,
        source: true,
        fingerprint: true,
        asset: true,
        signature: true,
        service: true,
        summary: true,
        severity: true,
        status: true,
        occurredAt: true,
        receivedAt: true,
        labels: true,
        decision: true,
        correlationKey: true,
        decisionReason: true,
        decidedAt: true,
      },
    }),
    a.prisma.incidentEvent.findMany({
      where: { incidentId: input.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    }),
  ]);
  const more = alerts.length > limit;
  const page = more ? alerts.slice(0, limit) : alerts;
  return {
    incident,
    alerts: page.map((x) => ({ ...x, id: x.id.toString() })),
    alertsNextCursor: more ? page.at(-1)!.id.toString() : null,
    events: events.map((e) => ({ ...e, id: e.id.toString() })),
  };
}

/** One alert's decision and explanation (also for alerts that joined no incident). */
export async function explainAlert(a: Actor, input: { alertId: string }) {
  const scope = await companyFilter(a);
  const alert = await a.prisma.alert.findFirst({
    where: {
      id: BigInt(input.alertId),
      mspId: scope.mspId,
      ...(scope.companyId ? { companyId: scope.companyId } : {}),
    },
    select: {
      id: true,
      companyId: true,
      asset: true,
      signature: true,
      status: true,
      occurredAt: true,
      decision: true,
      correlationKey: true,
      incidentId: true,
      decisionReason: true,
      decidedAt: true,
    },
  });
  if (!alert) throw new AppError('NOT_FOUND', 'alert not found');
  return { ...alert, id: alert.id.toString() };
}

type Action =
  | { kind: 'acknowledge'; note?: string }
  | { kind: 'resolve'; note?: string }
  | { kind: 'assign'; assigneeId: string | null }
  | { kind: 'note'; note: string };

function changed(inc: {
  id: string;
  mspId: string;
  companyId: string;
  status: IncidentStatus;
  severity: IncidentChangedEvent['severity'];
  title: string;
  correlationKey: string;
  alertCount: number;
  firingCount: number;
  flapping: boolean;
  lastSeenAt: Date;
  situationId: string | null;
}): IncidentChangedEvent {
  return {
    ...(inc.situationId ? { situationId: inc.situationId, situationChange: 'updated' as const } : {}),
    type: inc.status === 'RESOLVED' ? 'incident.resolved' : 'incident.updated',
    mspId: inc.mspId,
    companyId: inc.companyId,
    incidentId: inc.id,
    status: inc.status,
    severity: inc.severity,
    title: inc.title,
    correlationKey: inc.correlationKey,
    alertCount: inc.alertCount,
    firingCount: inc.firingCount,
    flapping: inc.flapping,
    lastSeenAt: inc.lastSeenAt.toISOString(),
  };
}

/**
 * Acknowledge / resolve / assign / note on one or many incidents (at most 500), each in its own
 * row-locked update. Resolving frees the open key (openKey = NULL), so the next alert of that key
 * opens a new incident. Incidents outside the viewer's scope are reported as not found.
 */
export async function actOnIncidents(
  a: Actor & { onIncidentChanged?: OnIncidentChanged },
  input: { ids: string[]; action: Action },
): Promise<{ updated: string[]; skipped: { id: string; reason: string }[] }> {
  requirePermission(a.viewer, `incident.${input.action.kind}`);
  if (input.ids.length < 1 || input.ids.length > 500)
    throw new AppError('BAD_REQUEST', 'between 1 and 500 incidents');
  const scope = await companyFilter(a);
  const actorId = a.viewer.userId;
  const act = input.action;
  if (act.kind === 'assign' && act.assigneeId) {
    const m = await a.prisma.membership.findFirst({
      where: { userId: act.assigneeId, mspId: scope.mspId, role: { in: [...STAFF_ROLES] } },
    });
    if (!m) throw new AppError('BAD_REQUEST', 'assignee must be a member of your MSP staff');
  }
  const updated: string[] = [];
  const skipped: { id: string; reason: string }[] = [];
  const events: IncidentChangedEvent[] = [];
  for (const id of [...new Set(input.ids)]) {
    const res = await a.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id FROM "Incident" WHERE id = $1::uuid AND "mspId" = $2::uuid AND ($3::uuid IS NULL OR "companyId" = $3::uuid) FOR UPDATE`,
        id,
        scope.mspId,
        scope.companyId ?? null,
      );
      if (!locked.length) return { skip: 'not found' };
      const inc = await tx.incident.findUniqueOrThrow({ where: { id } });
      const now = new Date();
      let data: Prisma.IncidentUpdateInput;
      let type: string;
      let message: string;
      switch (act.kind) {
        case 'acknowledge':
          if (inc.status !== 'OPEN') return { skip: `already ${inc.status.toLowerCase()}` };
          data = { status: 'ACKNOWLEDGED', acknowledgedAt: now, acknowledgedById: actorId };
          type = 'acknowledged';
          message = act.note ?? '';
          break;
        case 'resolve':
          if (inc.status === 'RESOLVED') return { skip: 'already resolved' };
          data = {
            status: 'RESOLVED',
            openKey: null,
            resolvedAt: now,
            resolvedById: actorId,
            resolution: 'MANUAL',
            resolutionNote: act.note ?? null,
          };
          type = 'resolved';
          message = act.note ?? 'Resolved by a technician';
          break;
        case 'assign':
          data = act.assigneeId
            ? { assignee: { connect: { id: act.assigneeId } } }
            : { assignee: { disconnect: true } };
          type = 'assigned';
          message = act.assigneeId ? `Assigned` : 'Unassigned';
          break;
        case 'note':
          if (!act.note.trim()) return { skip: 'empty note' };
          data = {};
          type = 'note';
          message = act.note;
          break;
      }
      const after = await tx.incident.update({ where: { id }, data });
      await tx.incidentEvent.create({
        data: {
          mspId: inc.mspId,
          companyId: inc.companyId,
          incidentId: id,
          type,
          actorId,
          message: message.slice(0, 4000),
          data:
            act.kind === 'assign'
              ? { assigneeId: act.assigneeId }
              : act.kind === 'resolve'
                ? { resolution: 'MANUAL' }
                : {},
        },
      });
      if (act.kind === 'resolve')
        await tx.auditLog.create({
          data: {
            mspId: inc.mspId,
            companyId: inc.companyId,
            actorId,
            action: 'incident.resolved',
            targetType: 'incident',
            targetId: id,
            data: { note: act.note ?? null },
          },
        });
      return { after };
    });
    if ('skip' in res) skipped.push({ id, reason: res.skip! });
    else {
      updated.push(id);
      events.push(changed(res.after));
    }
  }
  if (act.kind === 'resolve' && updated.length) {
    // A situation whose incidents are all resolved is resolved too.
    const closed = await a.prisma.$queryRawUnsafe<{ id: string }[]>(
      `UPDATE "Situation" s SET status = 'RESOLVED', "resolvedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now()
        WHERE s."mspId" = $1::uuid AND s.status <> 'RESOLVED'
          AND s.id IN (SELECT "situationId" FROM "Incident" WHERE id = ANY($2::uuid[]))
          AND NOT EXISTS (SELECT 1 FROM "Incident" i WHERE i."situationId" = s.id AND i.status <> 'RESOLVED')
        RETURNING s.id::text AS id`,
      scope.mspId,
      updated,
    );
    const done = new Set(closed.map((r) => r.id));
    for (const e of events) if (e.situationId && done.has(e.situationId)) e.situationChange = 'closed';
  }
  for (const e of events) await Promise.resolve(a.onIncidentChanged?.(e)).catch(() => undefined);
  return { updated, skipped };
}
