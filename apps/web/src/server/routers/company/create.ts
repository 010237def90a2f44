import { createCompany } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const createProcedure = protectedProcedure
  .input(z.object({ name: z.string().trim().min(2).max(100) }))
  .mutation(({ ctx, input }) => createCompany(ctx.prisma, ctx.viewer, input));
