import { deletePolicy } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

export const deleteProcedure = mspProcedure('notification.policy.manage')
  .input(z.object({ id: z.string().uuid() }))
  .mutation(({ ctx, input }) =>
    deletePolicy(ctx.prisma, { mspId: ctx.mspId, actorId: ctx.userId, id: input.id }),
  );
