import { listMembers } from '@aw/accounts';
import { protectedProcedure } from '../../trpc';

export const listProcedure = protectedProcedure.query(({ ctx }) => listMembers(ctx.prisma, ctx.viewer));
