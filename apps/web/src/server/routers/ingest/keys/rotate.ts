import { rotateApiKey } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZKeyRef } from '../schemas';

export const rotateProcedure = protectedProcedure
  .input(ZKeyRef.extend({ overlapMinutes: z.number().int().min(0).max(43_200).default(1440) }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'apiKey.rotate');
    const out = await rotateApiKey({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { id: input.id, overlapMinutes: input.overlapMinutes },
    });
    ctx.services.forgetCachedCredentials();
    return out;
  });
