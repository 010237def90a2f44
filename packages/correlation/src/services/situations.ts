// Situations for the portal: the situation of an incident and why (per-edge explanations), and
// acting on every incident of a situation at once. Scope always comes from the viewer.
import { AppError } from '@aw/core/errors';
import type { OnIncidentChanged } from '../store/apply.ts';
import { companyFilter, type Actor } from './access.ts';
import { actOnIncidents } from './incidents.ts';

async function scopedSituation(a: Actor, situationId: string) {
  const scope = await companyFilter(a);
  const s = await a.prisma.situation.findFirst({
    where: {
      id: situationId,
      mspId: scope.mspId,
      ...(scope.companyId ? { companyId: scope.companyId } : {}),
    },
  });
  if (!s) throw new AppError('NOT_FOUND', 'situation not found');
  return s;
}

/** The situation with its incidents and the links that explain each one; null when in none. */
export async function situationOfIncident(a: Actor, input: { incidentId: string }) {
  const scope = await companyFilter(a);
  const inc = await a.prisma.incident.findFirst({
    where: {
      id: input.incidentId,
      mspId: scope.mspId,
      ...(scope.companyId ? { companyId: scope.companyId } : {}),
    },
    select: { situationId: true },
  });
  if (!inc) throw new AppError('NOT_FOUND', 'incident not found');
  if (!inc.situationId) return null;
  return situationDetail(a, { situationId: inc.situationId });
}

export async function situationDetail(a: Actor, input: { situationId: string }) {
  const s = await scopedSituation(a, input.situationId);
  const [incidents, links] = await Promise.all([
    a.prisma.incident.findMany({
      where: { situationId: s.id, companyId: s.companyId },
      orderBy: [{ firstSeenAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        title: true,
        asset: true,
        signature: true,
        severity: true,
        status: true,
        stale: true,
        alertCount: true,
        firstSeenAt: true,
        lastSeenAt: true,
        assigneeId: true,
      },
    }),
    a.prisma.situationLink.findMany({
      where: { situationId: s.id, companyId: s.companyId },
      orderBy: { id: 'asc' },
    }),
  ]);
  return {
    situation: s,
    incidents,
    links: links.map((l) => ({ ...l, id: l.id.toString() })),
  };
}

export type SituationAction =
  | { kind: 'acknowledge'; note?: string }
  | { kind: 'resolve'; note?: string }
  | { kind: 'assign'; assigneeId: string | null };

/** Acknowledge, resolve or assign every incident of the situation (each as actOnIncidents does it). */
export async function actOnSituation(
  a: Actor & { onIncidentChanged?: OnIncidentChanged },
  input: { situationId: string; action: SituationAction },
) {
  const s = await scopedSituation(a, input.situationId);
  const ids = (
    await a.prisma.incident.findMany({
      where: { situationId: s.id, companyId: s.companyId, status: { not: 'RESOLVED' } },
      select: { id: true },
      take: 500,
    })
  ).map((x) => x.id);
  if (!ids.length) return { updated: [], skipped: [] };
  return actOnIncidents(a, { ids, action: input.action });
}
