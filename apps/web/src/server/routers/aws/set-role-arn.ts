import { setRoleArn } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { companyAccess } from '../../company-access';

export const setRoleArnProcedure = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid(),
      roleArn: z.string().trim().min(20).max(2048),
      region: z.string().trim().min(9).max(32).optional(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'company.awsRole.set');
    return setRoleArn({
      prisma: ctx.prisma,
      runtime: ctx.services.aws,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { roleArn: input.roleArn, region: input.region },
    });
  });
