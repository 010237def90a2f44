import { listPolicies } from '@aw/notifications';
import { mspProcedure } from '../../../trpc';

export const listProcedure = mspProcedure().query(({ ctx }) => listPolicies(ctx.prisma, ctx.mspId));
