// The optional daily S3 export (the QuickSight path): the current snapshots as JSON Lines and CSV
// under `<prefix>/snapshots/dt=<day>/`, and a QuickSight manifest at `<prefix>/manifest.json` that
// points at the CSV files. Written through the company's assumed role, which the template grants
// s3:PutObject on that prefix only when the export is on.
import { putExportObject, s3Client } from '@aw/aws';
import { AppError } from '@aw/core/errors';
import { toCsv } from './csv.ts';
import { now, type ComplianceDeps } from './deps.ts';
import { currentSnapshots } from './queries.ts';
import { settingsOf } from './settings.ts';

export const EXPORT_COLUMNS = [
  'capturedAt',
  'companySlug',
  'instanceId',
  'nodeName',
  'platformType',
  'scanned',
  'compliant',
  'installedCount',
  'missingCount',
  'failedCount',
  'pendingRebootCount',
  'criticalMissing',
  'securityMissing',
  'otherMissing',
  'operation',
  'operationEndedAt',
  'baselineId',
  'patchGroup',
] as const;

export interface ExportResult {
  keys: string[];
  rows: number;
}

/** Writes today's export for one company; throws AppError when the export is off or has no data. */
export async function exportSnapshots(deps: ComplianceDeps, companyId: string): Promise<ExportResult> {
  const { prisma } = deps;
  const settings = await settingsOf(prisma, companyId);
  if (!settings.exportEnabled || !settings.exportBucket)
    throw new AppError('BAD_REQUEST', 'The S3 export is not enabled for this company');
  const company = await prisma.company.findUniqueOrThrow({ where: { id: companyId } });
  const current = await currentSnapshots(prisma, companyId);
  if (!current) throw new AppError('CONFLICT', 'No successful sync to export yet');
  const target = deps.runtime.forCompany(company);
  const fake = company.simulated ? deps.runtime.options.fake : undefined;
  const s3 = s3Client({ region: target.region, credentials: target.credentials, endpoint: fake?.endpoint });
  const prefix = (settings.exportPrefix ?? '').replace(/\/+$/, '');
  const base = prefix ? `${prefix}/` : '';
  const day = now(deps).toISOString().slice(0, 10);
  const records = current.rows.map((r) => ({
    capturedAt: r.capturedAt.toISOString(),
    companySlug: company.slug,
    instanceId: r.instanceId,
    nodeName: r.nodeName,
    platformType: r.platformType,
    scanned: r.scanned,
    compliant: r.compliant,
    installedCount: r.installedCount,
    missingCount: r.missingCount,
    failedCount: r.failedCount,
    pendingRebootCount: r.pendingRebootCount,
    criticalMissing: r.criticalMissing,
    securityMissing: r.securityMissing,
    otherMissing: r.otherMissing,
    operation: r.operation,
    operationEndedAt: r.operationEndedAt?.toISOString() ?? null,
    baselineId: r.baselineId,
    patchGroup: r.patchGroup,
  }));
  const jsonl = records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '');
  const csv = toCsv(
    EXPORT_COLUMNS.map((c) => ({ header: c, value: (r: (typeof records)[number]) => r[c] })),
    records,
  );
  const manifest = {
    fileLocations: [{ URIPrefixes: [`s3://${settings.exportBucket}/${base}snapshots/`] }],
    globalUploadSettings: { format: 'CSV', delimiter: ',', textqualifier: '"', containsHeader: 'true' },
  };
  const objects: [string, string, string][] = [
    [`${base}snapshots/dt=${day}/snapshots.csv`, csv, 'text/csv'],
    [`${base}jsonl/dt=${day}/snapshots.jsonl`, jsonl, 'application/x-ndjson'],
    [`${base}manifest.json`, JSON.stringify(manifest, null, 2), 'application/json'],
  ];
  try {
    for (const [key, body, contentType] of objects)
      await putExportObject(s3, { bucket: settings.exportBucket, key, body, contentType });
  } catch (e) {
    const err = e as { name?: string; message?: string };
    const reason = `${err.name ?? 'Error'}: ${err.message ?? String(e)}`.slice(0, 500);
    await prisma.patchComplianceSettings.update({ where: { companyId }, data: { lastExportError: reason } });
    throw new AppError('UNAVAILABLE', `S3 export failed: ${reason}`);
  } finally {
    s3.destroy();
  }
  await prisma.patchComplianceSettings.update({
    where: { companyId },
    data: { lastExportAt: now(deps), lastExportError: null },
  });
  return { keys: objects.map((o) => o[0]), rows: records.length };
}
