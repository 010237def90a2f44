// KPI and backtest entry points with tenancy: a company in scope, or the viewer's whole scope.
import { AppError } from '@aw/core/errors';
import { backtest, type BacktestProgress } from '../backtest/index.ts';
import type { SituationConfig } from '../engine/situations.ts';
import type { CorrelationConfig } from '../engine/types.ts';
import { kpiCsv, kpiReport, type KpiCsvKind } from '../kpi/index.ts';
import { prismaRunner } from '../sql-runner.ts';
import { companyFilter, requireCompany, requirePermission, type Actor } from './access.ts';

const MAX_PERIOD_DAYS = 400;

function checkPeriod(from: Date, to: Date) {
  if (!(to > from)) throw new AppError('BAD_REQUEST', '`to` must be after `from`');
  if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 86_400_000)
    throw new AppError('BAD_REQUEST', `period longer than ${MAX_PERIOD_DAYS} days`);
}

export async function kpis(
  a: Actor,
  input: { companyId?: string | null; from: Date; to: Date; limit?: number },
) {
  checkPeriod(input.from, input.to);
  const scope = await companyFilter(a, input.companyId);
  return kpiReport(prismaRunner(a.prisma), scope, { from: input.from, to: input.to }, input.limit ?? 10);
}

export async function kpisCsv(
  a: Actor,
  input: { companyId?: string | null; from: Date; to: Date; kind: KpiCsvKind; limit?: number },
) {
  const report = await kpis(a, input);
  return {
    filename: `${input.kind}-${input.from.toISOString().slice(0, 10)}.csv`,
    csv: kpiCsv(report, input.kind),
  };
}

export async function runBacktest(
  a: Actor,
  input: {
    companyId: string;
    from: Date;
    to: Date;
    candidate: Partial<CorrelationConfig>;
    candidateSituations?: Partial<SituationConfig>;
    onProgress?: (p: BacktestProgress) => void;
    signal?: AbortSignal;
  },
) {
  requirePermission(a.viewer, 'backtest.run');
  checkPeriod(input.from, input.to);
  await requireCompany(a, input.companyId);
  return backtest({ sql: prismaRunner(a.prisma), ...input });
}
