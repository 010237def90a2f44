import { removeMember } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const removeProcedure = protectedProcedure
  .input(z.object({ membershipId: z.string().uuid() }))
  .mutation(({ ctx, input }) => removeMember(ctx.prisma, ctx.viewer, input.membershipId));
