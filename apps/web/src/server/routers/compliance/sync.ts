import { requestSync } from '@aw/compliance';
import { z } from 'zod';
import { companyAccess } from '../../company-access';
import { protectedProcedure } from '../../trpc';

/** Queues a sync now (or returns the one already queued or running); progress arrives live. */
export const syncProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'compliance.sync');
    return requestSync(ctx.services.compliance, {
      companyId: input.companyId,
      trigger: 'manual',
      requestedById: ctx.userId,
    });
  });
