import { incidentNotifications } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../trpc';

/** Every notification and ticket action of one incident of this MSP (the incident page's panel). */
export const forIncidentProcedure = mspProcedure()
  .input(z.object({ incidentId: z.string().uuid() }))
  .query(({ ctx, input }) =>
    incidentNotifications(ctx.prisma, { mspId: ctx.mspId, incidentId: input.incidentId }),
  );
