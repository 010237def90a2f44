import { listRotations } from '@aw/notifications';
import { mspProcedure } from '../../../trpc';

/** Rotations with upcoming overrides and who is on call right now. */
export const listProcedure = mspProcedure().query(({ ctx }) =>
  listRotations(ctx.prisma, ctx.mspId, new Date()),
);
