import { saveEscalationPolicy, ZEscalationInput } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

export const saveProcedure = mspProcedure('notification.escalation.manage')
  .input(z.object({ id: z.string().uuid().optional(), escalation: ZEscalationInput }))
  .mutation(({ ctx, input }) =>
    saveEscalationPolicy(ctx.prisma, {
      mspId: ctx.mspId,
      actorId: ctx.userId,
      id: input.id,
      input: input.escalation,
    }),
  );
