import { ROLES } from '@aw/core/domain';
import { changeRole } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const changeRoleProcedure = protectedProcedure
  .input(
    z.object({
      membershipId: z.string().uuid(),
      role: z.enum(ROLES),
    }),
  )
  .mutation(({ ctx, input }) => changeRole(ctx.prisma, ctx.viewer, input.membershipId, input.role));
