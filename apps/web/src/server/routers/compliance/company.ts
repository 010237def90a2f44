import { companyCompliance } from '@aw/compliance';
import { z } from 'zod';
import { companyAccess } from '../../company-access';
import { protectedProcedure } from '../../trpc';

/** One company's figures, nodes, worst nodes, 30-day trend, last sync and settings (read-only for clients). */
export const companyProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return companyCompliance(ctx.prisma, { companyId: input.companyId, now: new Date() });
  });
