import { retryDeadLetter } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';
import { sendingDeps } from '../access';

export const retryProcedure = mspProcedure('notification.delivery.retry')
  .input(z.object({ id: z.string().uuid() }))
  .mutation(({ ctx, input }) =>
    retryDeadLetter(sendingDeps(ctx.services, ctx.prisma), {
      mspId: ctx.mspId,
      actorId: ctx.userId,
      id: input.id,
    }),
  );
