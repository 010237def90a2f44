// The compliance figures (docs/KPI_TRACKING.md): a pure function over one sync's snapshots, the
// worst nodes, and the 30-day trends built from each day's last successful sync.
import type { PrismaClient } from '@aw/db';

/** The fields of a snapshot the figures read. */
export interface SnapshotLike {
  instanceId: string;
  nodeName: string | null;
  platformType: string | null;
  scanned: boolean;
  compliant: boolean;
  missingCount: number;
  failedCount: number;
  pendingRebootCount: number;
  criticalMissing: number;
  securityMissing: number;
  otherMissing: number;
  operationEndedAt: Date | null;
  operation: string | null;
  baselineId: string | null;
  patchGroup: string | null;
}

export interface TComplianceFigures {
  /** Managed nodes in the sync. */
  nodes: number;
  /** Nodes with a Patch Manager result (DescribeInstancePatchStates returned them). */
  scanned: number;
  compliant: number;
  nonCompliant: number;
  /** compliant ÷ scanned × 100, one decimal; null without any scanned node. */
  compliancePercent: number | null;
  /** Σ CriticalNonCompliantCount. */
  criticalMissing: number;
  /** Σ SecurityNonCompliantCount. */
  securityMissing: number;
  /** Nodes with a critical patch open. */
  nodesWithCriticalMissing: number;
  /** Nodes with InstalledPendingRebootCount > 0. */
  pendingReboot: number;
  /** Scanned nodes whose OperationEndTime is older than the stale threshold. */
  stale: number;
  /** Nodes with no Patch Manager result at all. */
  noScan: number;
}

export const percent = (part: number, whole: number): number | null =>
  whole ? Math.round((part / whole) * 1000) / 10 : null;

export function computeFigures(
  rows: SnapshotLike[],
  opts: { now: Date; staleAfterDays: number },
): TComplianceFigures {
  const scanned = rows.filter((r) => r.scanned);
  const compliant = scanned.filter((r) => r.compliant).length;
  const staleBefore = opts.now.getTime() - opts.staleAfterDays * 86_400_000;
  return {
    nodes: rows.length,
    scanned: scanned.length,
    compliant,
    nonCompliant: scanned.length - compliant,
    compliancePercent: percent(compliant, scanned.length),
    criticalMissing: scanned.reduce((a, r) => a + r.criticalMissing, 0),
    securityMissing: scanned.reduce((a, r) => a + r.securityMissing, 0),
    nodesWithCriticalMissing: scanned.filter((r) => r.criticalMissing > 0).length,
    pendingReboot: scanned.filter((r) => r.pendingRebootCount > 0).length,
    stale: scanned.filter((r) => !r.operationEndedAt || r.operationEndedAt.getTime() < staleBefore).length,
    noScan: rows.length - scanned.length,
  };
}

/** Non-compliant nodes, worst first: critical open, then security, then all open patches, then name. */
export function worstNodes<T extends SnapshotLike>(rows: T[], limit = 5): T[] {
  const open = (r: SnapshotLike) => r.missingCount + r.failedCount + r.pendingRebootCount;
  return rows
    .filter((r) => r.scanned && !r.compliant)
    .sort(
      (a, b) =>
        b.criticalMissing - a.criticalMissing ||
        b.securityMissing - a.securityMissing ||
        open(b) - open(a) ||
        (a.nodeName ?? a.instanceId).localeCompare(b.nodeName ?? b.instanceId),
    )
    .slice(0, limit);
}

export interface TrendPoint {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  compliant: number;
  scanned: number;
  compliancePercent: number | null;
  criticalMissing: number;
}

/**
 * Per UTC day of the last `days`, the figures of each company's last successful sync that day,
 * summed over the companies (one company: its own trend). Days without a sync have no point.
 */
export async function trend(
  prisma: PrismaClient,
  input: { companyIds: string[]; now: Date; days?: number },
): Promise<TrendPoint[]> {
  const days = input.days ?? 30;
  const since = new Date(
    Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth(), input.now.getUTCDate()) -
      (days - 1) * 86_400_000,
  );
  const syncs = await prisma.patchComplianceSync.findMany({
    where: { companyId: { in: input.companyIds }, status: 'SUCCEEDED', startedAt: { gte: since } },
    select: { id: true, companyId: true, startedAt: true },
    orderBy: { startedAt: 'asc' },
  });
  const lastOfDay = new Map<string, string>(); // `${day}|${companyId}` → sync id (later ones overwrite)
  for (const s of syncs) lastOfDay.set(`${s.startedAt.toISOString().slice(0, 10)}|${s.companyId}`, s.id);
  const ids = [...lastOfDay.values()];
  if (!ids.length) return [];
  const groups = await prisma.patchComplianceSnapshot.groupBy({
    by: ['syncId', 'scanned', 'compliant'],
    where: { syncId: { in: ids } },
    _count: { _all: true },
    _sum: { criticalMissing: true },
  });
  const bySync = new Map<string, { compliant: number; scanned: number; critical: number }>();
  for (const g of groups) {
    const e = bySync.get(g.syncId!) ?? { compliant: 0, scanned: 0, critical: 0 };
    if (g.scanned) {
      e.scanned += g._count._all;
      if (g.compliant) e.compliant += g._count._all;
      e.critical += g._sum.criticalMissing ?? 0;
    }
    bySync.set(g.syncId!, e);
  }
  const byDay = new Map<string, TrendPoint>();
  for (const [key, syncId] of lastOfDay) {
    const day = key.slice(0, 10);
    const e = bySync.get(syncId) ?? { compliant: 0, scanned: 0, critical: 0 };
    const p = byDay.get(day) ?? {
      day,
      compliant: 0,
      scanned: 0,
      compliancePercent: null,
      criticalMissing: 0,
    };
    p.compliant += e.compliant;
    p.scanned += e.scanned;
    p.criticalMissing += e.critical;
    byDay.set(day, p);
  }
  return [...byDay.values()]
    .map((p) => ({ ...p, compliancePercent: percent(p.compliant, p.scanned) }))
    .sort((a, b) => (a.day < b.day ? -1 : 1));
}
