import { saveChannel, ZChannelInput } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';
import { settingsDeps } from '../access';

export const saveProcedure = mspProcedure('notification.channel.manage')
  .input(z.object({ id: z.string().uuid().optional(), channel: ZChannelInput }))
  .mutation(({ ctx, input }) =>
    saveChannel(settingsDeps(ctx.services, ctx.prisma), {
      mspId: ctx.mspId,
      actorId: ctx.userId,
      id: input.id,
      input: input.channel,
    }),
  );
