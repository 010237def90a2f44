import { testConnection } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';

/** AssumeRole, then a read call; the result, time and error are stored on the company. */
export const testConnectionProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'company.awsConnection.test');
    return testConnection({
      prisma: ctx.prisma,
      runtime: ctx.services.aws,
      companyId: input.companyId,
      actorId: ctx.userId,
    });
  });
