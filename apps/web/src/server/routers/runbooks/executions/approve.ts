import { approveExecution } from '@aw/runbooks';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

export const approveProcedure = mspProcedure('runbook.approve')
  .input(z.object({ executionId: z.string().uuid() }))
  .mutation(({ ctx, input }) =>
    approveExecution(ctx.services.runbooks, {
      executionId: input.executionId,
      mspId: ctx.mspId,
      companyIds: null,
      actorId: ctx.userId,
    }),
  );
