import { deletePolicy } from '@aw/runbooks';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

export const deleteProcedure = mspProcedure('runbook.policy.manage')
  .input(z.object({ id: z.string().uuid() }))
  .mutation(({ ctx, input }) => deletePolicy(ctx.prisma, ctx.mspId, ctx.userId, input.id));
