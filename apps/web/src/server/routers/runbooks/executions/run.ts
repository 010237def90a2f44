import { runAdHoc } from '@aw/runbooks';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

/** A technician runs a runbook against an incident's asset; parameters are checked before any AWS call. */
export const runProcedure = mspProcedure('runbook.run')
  .input(
    z.object({
      incidentId: z.string().uuid(),
      runbookId: z.string().uuid(),
      parameters: z.record(z.string().max(100), z.string().max(1000)),
    }),
  )
  .mutation(({ ctx, input }) =>
    runAdHoc(ctx.services.runbooks, { ...input, mspId: ctx.mspId, actorId: ctx.userId }),
  );
