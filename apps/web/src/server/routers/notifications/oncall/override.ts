import { addOverride, ZOverrideInput } from '@aw/notifications';
import { mspProcedure } from '../../../trpc';

export const overrideProcedure = mspProcedure('notification.oncall.manage')
  .input(ZOverrideInput)
  .mutation(({ ctx, input }) => addOverride(ctx.prisma, { mspId: ctx.mspId, actorId: ctx.userId, input }));
