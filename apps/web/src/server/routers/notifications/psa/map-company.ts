import { mapPsaCompany } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

/** Our company → the PSA's company identifier (empty: remove the mapping). */
export const mapCompanyProcedure = mspProcedure('notification.channel.manage')
  .input(
    z.object({
      connectionId: z.string().uuid(),
      companyId: z.string().uuid(),
      psaCompany: z.string().max(100),
    }),
  )
  .mutation(({ ctx, input }) =>
    mapPsaCompany(ctx.prisma, { mspId: ctx.mspId, actorId: ctx.userId, ...input }),
  );
