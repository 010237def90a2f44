import { notificationKpis } from '@aw/notifications';
import { mspProcedure } from '../../trpc';
import { period, ZPeriod } from './schemas';

/** Time to first notification and time to acknowledge (medians) over the period. */
export const kpisProcedure = mspProcedure()
  .input(ZPeriod)
  .query(({ ctx, input }) => notificationKpis(ctx.prisma, { mspId: ctx.mspId, ...period(input) }));
