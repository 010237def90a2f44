import { approveExecution } from '@aw/runbooks';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';
import { getRunbookDeps } from '../../../runbooks';

export const approveProcedure = mspProcedure('runbook.approve')
  .input(z.object({ executionId: z.string().uuid() }))
  .mutation(({ ctx, input }) =>
    approveExecution(getRunbookDeps(), {
      executionId: input.executionId,
      mspId: ctx.mspId,
      companyIds: null,
      actorId: ctx.userId,
    }),
  );
