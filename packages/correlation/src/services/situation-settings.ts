// Per-company situation settings (CorrelationSettings) and the hub values currently excluded from
// linking, for the settings page. Reads: anyone in scope; writes: correlation.configure.
import { AppError } from '@aw/core/errors';
import { DEFAULT_SITUATION_CONFIG, hubKeys, type SituationConfig } from '../engine/situations.ts';
import { prismaRunner } from '../sql-runner.ts';
import { loadCompanyConfig } from '../store/rows.ts';
import { companyFilter, requireCompany, requirePermission, type Actor } from './access.ts';

const MIN = 60_000;

export interface HubValue {
  key: string;
  incidents: number;
  sharePct: number;
}

/** Validates a situation configuration (AppError BAD_REQUEST naming the field). */
export function validateSituationConfig(c: SituationConfig): void {
  const bad = (field: string, reason: string) => {
    throw new AppError('BAD_REQUEST', `${field}: ${reason}`, [{ field, reason }]);
  };
  const int = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!int(c.windowMinutes, 1, 1440)) bad('windowMinutes', 'must be 1-1440 minutes');
  if (c.entities.length > 12) bad('entities', 'at most 12');
  for (const e of c.entities)
    if (e !== 'asset' && e !== 'topology' && !/^label:[A-Za-z0-9_.\-/]{1,100}$/.test(e))
      bad('entities', `"${e}" is not asset, topology or label:<name>`);
  if (!(c.hubShare > 0 && c.hubShare <= 1)) bad('hubShare', 'must be above 0 and at most 1');
  if (!int(c.hubMinIncidents, 1, 100_000)) bad('hubMinIncidents', 'must be 1-100000');
  if (!int(c.hubLookbackMinutes, 60, 43_200)) bad('hubLookbackMinutes', 'must be 60-43200 minutes');
  if (!int(c.maxIncidents, 2, 500)) bad('maxIncidents', 'must be 2-500');
  if (!int(c.maxSpanMinutes, 1, 10_080)) bad('maxSpanMinutes', 'must be 1-10080 minutes');
  if (Object.keys(c.topology).length > 5000) bad('topology', 'at most 5000 assets');
}

/** Values carried by more than the hub share of the company's incidents of the lookback. */
export async function currentHubs(a: Actor, companyId: string, c: SituationConfig, now = new Date()) {
  const from = new Date(now.getTime() - c.hubLookbackMinutes * MIN);
  const rows = await a.prisma.$queryRawUnsafe<{ k: string; n: bigint }[]>(
    `SELECT k, count(*) AS n FROM "Incident" i, unnest(i."entityKeys") AS k
      WHERE i."companyId" = $1::uuid AND i."firstSeenAt" >= $2::timestamp GROUP BY k ORDER BY count(*) DESC LIMIT 200`,
    companyId,
    from.toISOString(),
  );
  const total = await a.prisma.incident.count({ where: { companyId, firstSeenAt: { gte: from } } });
  const counts = new Map(rows.map((r) => [r.k, Number(r.n)]));
  const hubs = hubKeys(counts, total, c);
  return {
    recentIncidents: total,
    hubs: [...hubs].map((key): HubValue => ({
      key,
      incidents: counts.get(key)!,
      sharePct: Math.round((counts.get(key)! / total) * 1000) / 10,
    })),
  };
}

/**
 * The values of one incident the hub guardrail keeps out of linking right now (for the incident
 * page: "not linked by src_ip=10.0.0.5, a hub"). Scoped like the incident itself.
 */
export async function incidentHubValues(a: Actor, input: { incidentId: string }) {
  const scope = await companyFilter(a);
  const inc = await a.prisma.incident.findFirst({
    where: {
      id: input.incidentId,
      mspId: scope.mspId,
      ...(scope.companyId ? { companyId: scope.companyId } : {}),
    },
    select: { companyId: true, entityKeys: true },
  });
  if (!inc) throw new AppError('NOT_FOUND', 'incident not found');
  const row = await loadCompanyConfig(prismaRunner(a.prisma), inc.companyId);
  const config = row?.situations ?? DEFAULT_SITUATION_CONFIG;
  const cur = await currentHubs(a, inc.companyId, config);
  return {
    recentIncidents: cur.recentIncidents,
    hubSharePct: Math.round(config.hubShare * 1000) / 10,
    hubs: cur.hubs.filter((h) => inc.entityKeys.includes(h.key)),
  };
}

export async function getSituationSettings(a: Actor, companyId: string) {
  await requireCompany(a, companyId);
  const row = await loadCompanyConfig(prismaRunner(a.prisma), companyId);
  const config = row?.situations ?? DEFAULT_SITUATION_CONFIG;
  return { config, ...(await currentHubs(a, companyId, config)) };
}

export async function updateSituationSettings(a: Actor, companyId: string, patch: Partial<SituationConfig>) {
  requirePermission(a.viewer, 'correlation.configure');
  const company = await requireCompany(a, companyId);
  const cur = (await getSituationSettings(a, companyId)).config;
  const next: SituationConfig = { ...cur, ...patch };
  validateSituationConfig(next);
  const data = {
    situationsEnabled: next.enabled,
    situationWindowMinutes: next.windowMinutes,
    situationEntities: next.entities,
    hubShare: next.hubShare,
    hubMinIncidents: next.hubMinIncidents,
    hubLookbackMinutes: next.hubLookbackMinutes,
    situationMaxIncidents: next.maxIncidents,
    situationMaxSpanMinutes: next.maxSpanMinutes,
    topology: next.topology,
  };
  await a.prisma.correlationSettings.upsert({
    where: { companyId },
    create: { companyId, mspId: company.mspId, ...data },
    update: data,
  });
  await a.prisma.auditLog.create({
    data: {
      mspId: company.mspId,
      companyId,
      actorId: a.viewer.userId,
      action: 'situations.configured',
      targetType: 'company',
      targetId: companyId,
      data: data as object,
    },
  });
  return next;
}

/** The alert kind of one API key's alerts when an alert does not choose (null: the source default). */
export async function setApiKeyAlertKind(
  a: Actor,
  input: { companyId: string; keyId: string; kind: 'STATEFUL' | 'EVENT' | null },
): Promise<{ kind: 'STATEFUL' | 'EVENT' | null }> {
  requirePermission(a.viewer, 'apiKey.update');
  const company = await requireCompany(a, input.companyId);
  const r = await a.prisma.apiKey.updateMany({
    where: { id: input.keyId, companyId: input.companyId, revokedAt: null },
    data: { alertKind: input.kind },
  });
  if (r.count === 0) throw new AppError('NOT_FOUND', 'API key not found');
  await a.prisma.auditLog.create({
    data: {
      mspId: company.mspId,
      companyId: input.companyId,
      actorId: a.viewer.userId,
      action: 'apiKey.alertKind',
      targetType: 'apiKey',
      targetId: input.keyId,
      data: { kind: input.kind },
    },
  });
  return { kind: input.kind };
}
