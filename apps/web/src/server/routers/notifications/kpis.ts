import { notificationKpis } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../trpc';

/** Time to first notification and time to acknowledge over the last `days`. */
export const kpisProcedure = mspProcedure()
  .input(z.object({ days: z.number().int().min(1).max(90).default(7) }))
  .query(({ ctx, input }) =>
    notificationKpis(ctx.prisma, { mspId: ctx.mspId, since: new Date(Date.now() - input.days * 86_400_000) }),
  );
