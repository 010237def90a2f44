import { listMembers } from '@aw/accounts';
import { protectedProcedure } from '../../trpc';

export const list = protectedProcedure.query(({ ctx }) => listMembers(ctx.prisma, ctx.viewer));
