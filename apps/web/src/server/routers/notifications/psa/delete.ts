import { deletePsaConnection } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

export const deleteProcedure = mspProcedure('notification.channel.manage')
  .input(z.object({ id: z.string().uuid() }))
  .mutation(({ ctx, input }) =>
    deletePsaConnection(ctx.prisma, { mspId: ctx.mspId, actorId: ctx.userId, id: input.id }),
  );
