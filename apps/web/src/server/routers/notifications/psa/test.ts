import { testPsaConnection } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';
import { sendingDeps } from '../access';

/** "Test": an authenticated read in the PSA; its answer or error comes back. */
export const testProcedure = mspProcedure('notification.channel.test')
  .input(z.object({ id: z.string().uuid() }))
  .mutation(({ ctx, input }) =>
    testPsaConnection(sendingDeps(ctx.services, ctx.prisma), { mspId: ctx.mspId, id: input.id }),
  );
