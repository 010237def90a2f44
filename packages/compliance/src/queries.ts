// What the pages read: a company's figures, nodes, worst nodes and trend; the MSP-wide ranking;
// one node's drill-down. Every query is scoped by the company (or MSP) id the caller was allowed.
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import { computeFigures, trend, worstNodes, type TComplianceFigures, type TrendPoint } from './figures.ts';
import { settingsOf } from './settings.ts';

export interface OpenPatch {
  title?: string;
  kbId?: string;
  classification?: string;
  severity?: string;
  state?: string;
  cveIds?: string | null;
}

/** The company's last successful sync and its snapshots (the current state), or null. */
export async function currentSnapshots(prisma: PrismaClient, companyId: string) {
  const sync = await prisma.patchComplianceSync.findFirst({
    where: { companyId, status: 'SUCCEEDED' },
    orderBy: { startedAt: 'desc' },
  });
  if (!sync) return null;
  const rows = await prisma.patchComplianceSnapshot.findMany({
    where: { companyId, syncId: sync.id },
    orderBy: [{ nodeName: 'asc' }, { instanceId: 'asc' }],
  });
  return { sync, rows };
}

export async function companyCompliance(prisma: PrismaClient, input: { companyId: string; now: Date }) {
  const settings = await settingsOf(prisma, input.companyId);
  const current = await currentSnapshots(prisma, input.companyId);
  const lastSync = await prisma.patchComplianceSync.findFirst({
    where: { companyId: input.companyId },
    orderBy: { startedAt: 'desc' },
    select: {
      id: true,
      status: true,
      startedAt: true,
      finishedAt: true,
      error: true,
      nodesDone: true,
      nodesTotal: true,
      trigger: true,
    },
  });
  const rows = current?.rows ?? [];
  const figures: TComplianceFigures | null = current
    ? computeFigures(rows, { now: input.now, staleAfterDays: settings.staleAfterDays })
    : null;
  const staleBefore = input.now.getTime() - settings.staleAfterDays * 86_400_000;
  return {
    figures,
    asOf: current?.sync.startedAt ?? null,
    lastSync,
    settings,
    nodes: rows.map((r) => ({
      instanceId: r.instanceId,
      name: r.nodeName,
      platformType: r.platformType,
      scanned: r.scanned,
      compliant: r.compliant,
      stale: r.scanned && (!r.operationEndedAt || r.operationEndedAt.getTime() < staleBefore),
      criticalMissing: r.criticalMissing,
      securityMissing: r.securityMissing,
      otherMissing: r.otherMissing,
      missingCount: r.missingCount,
      failedCount: r.failedCount,
      pendingRebootCount: r.pendingRebootCount,
      installedCount: r.installedCount,
      operation: r.operation,
      operationEndedAt: r.operationEndedAt,
      baselineId: r.baselineId,
      patchGroup: r.patchGroup,
    })),
    worstNodes: worstNodes(rows).map((r) => ({
      instanceId: r.instanceId,
      name: r.nodeName,
      criticalMissing: r.criticalMissing,
      securityMissing: r.securityMissing,
      openPatches: r.missingCount + r.failedCount + r.pendingRebootCount,
    })),
    trend: await trend(prisma, { companyIds: [input.companyId], now: input.now }),
  };
}

export interface CompanyRank {
  companyId: string;
  name: string;
  slug: string;
  figures: TComplianceFigures | null;
  asOf: Date | null;
  trend: TrendPoint[];
}

/** Every company of the MSP with its figures and trend, worst compliance first (none last). */
export async function mspCompliance(prisma: PrismaClient, input: { mspId: string; now: Date }) {
  const companies = await prisma.company.findMany({
    where: { mspId: input.mspId },
    select: { id: true, name: true, slug: true },
    orderBy: { name: 'asc' },
  });
  const ranking: CompanyRank[] = [];
  for (const c of companies) {
    const settings = await settingsOf(prisma, c.id);
    const current = await currentSnapshots(prisma, c.id);
    ranking.push({
      companyId: c.id,
      name: c.name,
      slug: c.slug,
      figures: current
        ? computeFigures(current.rows, { now: input.now, staleAfterDays: settings.staleAfterDays })
        : null,
      asOf: current?.sync.startedAt ?? null,
      trend: await trend(prisma, { companyIds: [c.id], now: input.now }),
    });
  }
  const pct = (r: CompanyRank) => r.figures?.compliancePercent ?? Number.POSITIVE_INFINITY;
  ranking.sort((a, b) => pct(a) - pct(b) || a.name.localeCompare(b.name));
  const withData = ranking.filter((r) => r.figures);
  const compliant = withData.reduce((a, r) => a + r.figures!.compliant, 0);
  const scanned = withData.reduce((a, r) => a + r.figures!.scanned, 0);
  return {
    ranking,
    totals: {
      companies: withData.length,
      compliant,
      scanned,
      compliancePercent: scanned ? Math.round((compliant / scanned) * 1000) / 10 : null,
      criticalMissing: withData.reduce((a, r) => a + r.figures!.criticalMissing, 0),
      pendingReboot: withData.reduce((a, r) => a + r.figures!.pendingReboot, 0),
    },
    trend: await trend(prisma, { companyIds: companies.map((c) => c.id), now: input.now }),
  };
}

const SEVERITY_ORDER = ['Critical', 'Important', 'High', 'Medium', 'Moderate', 'Low'];

/** One node: its current snapshot, open patches grouped by severity, and its 30-day history. */
export async function nodeDetail(
  prisma: PrismaClient,
  input: { companyId: string; instanceId: string; now: Date },
) {
  const current = await currentSnapshots(prisma, input.companyId);
  const row = current?.rows.find((r) => r.instanceId === input.instanceId);
  if (!row) throw new AppError('NOT_FOUND', 'No compliance data for this node');
  const raw = (row.raw ?? {}) as {
    openPatches?: OpenPatch[];
    overallSeverity?: string | null;
    baselineName?: string | null;
  };
  const patches = raw.openPatches ?? [];
  const severities = [...new Set(patches.map((p) => p.severity ?? 'Unspecified'))].sort(
    (a, b) => (SEVERITY_ORDER.indexOf(a) + 1 || 99) - (SEVERITY_ORDER.indexOf(b) + 1 || 99),
  );
  const history = await prisma.patchComplianceSnapshot.findMany({
    where: {
      companyId: input.companyId,
      instanceId: input.instanceId,
      capturedAt: { gte: new Date(input.now.getTime() - 30 * 86_400_000) },
      sync: { status: 'SUCCEEDED' },
    },
    orderBy: { capturedAt: 'asc' },
    select: {
      capturedAt: true,
      compliant: true,
      criticalMissing: true,
      securityMissing: true,
      missingCount: true,
    },
  });
  return {
    node: {
      instanceId: row.instanceId,
      name: row.nodeName,
      platformType: row.platformType,
      scanned: row.scanned,
      compliant: row.compliant,
      operation: row.operation,
      operationEndedAt: row.operationEndedAt,
      baselineId: row.baselineId,
      patchGroup: row.patchGroup,
      overallSeverity: raw.overallSeverity ?? null,
      baselineName: raw.baselineName ?? null,
      installedCount: row.installedCount,
      missingCount: row.missingCount,
      failedCount: row.failedCount,
      pendingRebootCount: row.pendingRebootCount,
      criticalMissing: row.criticalMissing,
      securityMissing: row.securityMissing,
    },
    bySeverity: severities.map((severity) => ({
      severity,
      patches: patches.filter((p) => (p.severity ?? 'Unspecified') === severity),
    })),
    history,
  };
}
