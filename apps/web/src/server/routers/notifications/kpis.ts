import { notificationKpiCsv, notificationKpiRows, notificationKpis } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../trpc';

/** A period: the last `days`, or `from`–`to` (the KPI page's range), optionally one company. */
const ZPeriod = z.object({
  days: z.number().int().min(1).max(90).default(7),
  from: z.date().optional(),
  to: z.date().optional(),
  companyId: z.string().uuid().nullable().optional(),
});
const period = (input: z.infer<typeof ZPeriod>) => ({
  companyId: input.companyId ?? null,
  since: input.from ?? new Date(Date.now() - input.days * 86_400_000),
  until: input.to,
});

/** Time to first notification and time to acknowledge (medians) over the period. */
export const kpisProcedure = mspProcedure()
  .input(ZPeriod)
  .query(({ ctx, input }) => notificationKpis(ctx.prisma, { mspId: ctx.mspId, ...period(input) }));

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
