import { savePolicy, ZPolicyInput } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

export const saveProcedure = mspProcedure('notification.policy.manage')
  .input(z.object({ id: z.string().uuid().optional(), policy: ZPolicyInput }))
  .mutation(({ ctx, input }) =>
    savePolicy(ctx.prisma, { mspId: ctx.mspId, actorId: ctx.userId, id: input.id, input: input.policy }),
  );
