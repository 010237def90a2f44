import { isMspStaff } from '@aw/accounts';
import { companyCompliance, mspCompliance, nodeDetail, toCsv } from '@aw/compliance';
import { AppError } from '@aw/core/errors';
import { z } from 'zod';
import { companyAccess } from '../../company-access';
import { protectedProcedure } from '../../trpc';

export const ZComplianceCsvInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['nodes', 'worst', 'trend']), companyId: z.string().uuid() }),
  z.object({
    kind: z.literal('patches'),
    companyId: z.string().uuid(),
    instanceId: z.string().regex(/^(i|mi)-[0-9a-f]{8,17}$/),
  }),
  z.object({ kind: z.enum(['ranking', 'msp-trend']) }),
]);

const trendColumns = [
  { header: 'day', value: (p: { day: string }) => p.day },
  { header: 'compliant', value: (p: { compliant: number }) => p.compliant },
  { header: 'scanned', value: (p: { scanned: number }) => p.scanned },
  { header: 'compliancePercent', value: (p: { compliancePercent: number | null }) => p.compliancePercent },
  { header: 'criticalMissing', value: (p: { criticalMissing: number }) => p.criticalMissing },
];

/** Every compliance table as CSV (the company's for its viewers; the MSP ranking for staff). */
export const csvProcedure = protectedProcedure.input(ZComplianceCsvInput).query(async ({ ctx, input }) => {
  const now = new Date();
  const day = now.toISOString().slice(0, 10);
  if (!('companyId' in input)) {
    if (!isMspStaff(ctx.viewer)) throw new AppError('FORBIDDEN', 'only MSP staff see all companies');
    const m = await mspCompliance(ctx.prisma, { mspId: ctx.viewer.membership.mspId, now });
    if (input.kind === 'msp-trend')
      return { filename: `compliance-msp-trend-${day}.csv`, csv: toCsv(trendColumns, m.trend) };
    return {
      filename: `compliance-ranking-${day}.csv`,
      csv: toCsv(
        [
          { header: 'company', value: (r) => r.name },
          { header: 'compliancePercent', value: (r) => r.figures?.compliancePercent },
          { header: 'compliant', value: (r) => r.figures?.compliant },
          { header: 'scanned', value: (r) => r.figures?.scanned },
          { header: 'criticalMissing', value: (r) => r.figures?.criticalMissing },
          { header: 'pendingReboot', value: (r) => r.figures?.pendingReboot },
          { header: 'asOf', value: (r) => r.asOf },
        ],
        m.ranking,
      ),
    };
  }
  const company = await companyAccess(ctx, input.companyId);
  if (input.kind === 'patches') {
    const d = await nodeDetail(ctx.prisma, { ...input, now });
    return {
      filename: `compliance-${company.slug}-${input.instanceId}-patches-${day}.csv`,
      csv: toCsv(
        [
          { header: 'severity', value: (p) => p.severity },
          { header: 'state', value: (p) => p.state },
          { header: 'kbId', value: (p) => p.kbId },
          { header: 'title', value: (p) => p.title },
          { header: 'classification', value: (p) => p.classification },
          { header: 'cveIds', value: (p) => p.cveIds },
        ],
        d.bySeverity.flatMap((g) => g.patches),
      ),
    };
  }
  const v = await companyCompliance(ctx.prisma, { companyId: input.companyId, now });
  if (input.kind === 'trend')
    return { filename: `compliance-${company.slug}-trend-${day}.csv`, csv: toCsv(trendColumns, v.trend) };
  const rows =
    input.kind === 'worst'
      ? v.nodes.filter((n) => v.worstNodes.some((w) => w.instanceId === n.instanceId))
      : v.nodes;
  return {
    filename: `compliance-${company.slug}-${input.kind}-${day}.csv`,
    csv: toCsv(
      [
        { header: 'instanceId', value: (n) => n.instanceId },
        { header: 'name', value: (n) => n.name },
        { header: 'platform', value: (n) => n.platformType },
        { header: 'scanned', value: (n) => n.scanned },
        { header: 'compliant', value: (n) => n.compliant },
        { header: 'stale', value: (n) => n.stale },
        { header: 'criticalMissing', value: (n) => n.criticalMissing },
        { header: 'securityMissing', value: (n) => n.securityMissing },
        { header: 'missing', value: (n) => n.missingCount },
        { header: 'failed', value: (n) => n.failedCount },
        { header: 'pendingReboot', value: (n) => n.pendingRebootCount },
        { header: 'operation', value: (n) => n.operation },
        { header: 'lastOperationAt', value: (n) => n.operationEndedAt },
        { header: 'baselineId', value: (n) => n.baselineId },
        { header: 'patchGroup', value: (n) => n.patchGroup },
      ],
      rows,
    ),
  };
});
