import { createActivation } from '@aw/aws';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';

/** Returns the activation code once, with copy-ready Linux and Windows register commands. */
export const createProcedure = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid(),
      registrationLimit: z.number().int().min(1).max(1000),
      expiresInDays: z.number().int().min(1).max(30).default(7),
      defaultInstanceName: z.string().trim().max(256).optional(),
      description: z.string().trim().max(256).optional(),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'activation.create');
    return createActivation({
      prisma: ctx.prisma,
      runtime: ctx.services.aws,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: {
        registrationLimit: input.registrationLimit,
        expiresAt: new Date(Date.now() + input.expiresInDays * 86_400_000 - 60_000),
        defaultInstanceName: input.defaultInstanceName,
        description: input.description,
      },
    });
  });
