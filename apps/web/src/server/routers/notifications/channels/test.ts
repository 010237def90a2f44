import { testChannel } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';
import { sendingDeps } from '../access';

/** "Send test": one message now; the outcome or the destination's error comes back. */
export const testProcedure = mspProcedure('notification.channel.test')
  .input(z.object({ id: z.string().uuid() }))
  .mutation(({ ctx, input }) =>
    testChannel(sendingDeps(ctx.services, ctx.prisma), {
      mspId: ctx.mspId,
      actorId: ctx.userId,
      id: input.id,
    }),
  );
