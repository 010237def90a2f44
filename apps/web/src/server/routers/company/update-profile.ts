import { updateCompanyProfile } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompanyId } from './schemas';

export const updateProfileProcedure = protectedProcedure
  .input(ZCompanyId.extend({ name: z.string().trim().min(2).max(100), timezone: z.string().min(1).max(64) }))
  .mutation(({ ctx, input }) =>
    updateCompanyProfile(ctx.prisma, ctx.viewer, input.companyId, {
      name: input.name,
      timezone: input.timezone,
    }),
  );
