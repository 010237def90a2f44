import { getAwsRuntime, testConnection } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { awsCompanyAccess } from './access';

/** AssumeRole, then a read call; the result, time and error are stored on the company. */
export const testConnectionProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid() }))
  .mutation(async ({ ctx, input }) => {
    await awsCompanyAccess(ctx, input.companyId, 'manage');
    return testConnection({
      prisma: ctx.prisma,
      runtime: getAwsRuntime(),
      companyId: input.companyId,
      actorId: ctx.userId,
    });
  });
