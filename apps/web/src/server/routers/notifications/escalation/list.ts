import { listEscalationPolicies } from '@aw/notifications';
import { mspProcedure } from '../../../trpc';

export const listProcedure = mspProcedure().query(({ ctx }) => listEscalationPolicies(ctx.prisma, ctx.mspId));
