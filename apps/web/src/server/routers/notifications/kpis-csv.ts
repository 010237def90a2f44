import { notificationKpiCsv, notificationKpiRows } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../trpc';
import { period, ZPeriod } from './schemas';

/** The same figures per incident, as CSV. */
export const kpisCsvProcedure = mspProcedure()
  .input(ZPeriod.extend({ limit: z.number().int().min(1).max(10_000).default(1000) }))
  .query(async ({ ctx, input }) => {
    const rows = await notificationKpiRows(ctx.prisma, {
      mspId: ctx.mspId,
      ...period(input),
      limit: input.limit,
    });
    return {
      filename: `notification-kpis-${new Date().toISOString().slice(0, 10)}.csv`,
      csv: notificationKpiCsv(rows),
    };
  });
