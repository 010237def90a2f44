import { saveRotation, ZRotationInput } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

export const saveProcedure = mspProcedure('notification.oncall.manage')
  .input(z.object({ id: z.string().uuid().optional(), rotation: ZRotationInput }))
  .mutation(({ ctx, input }) =>
    saveRotation(ctx.prisma, { mspId: ctx.mspId, actorId: ctx.userId, id: input.id, input: input.rotation }),
  );
