import { setApiKeyAllowUnsigned } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZKeyRef } from '../schemas';

export const setAllowUnsignedProcedure = protectedProcedure
  .input(ZKeyRef.extend({ allowUnsigned: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'apiKey.update');
    await setApiKeyAllowUnsigned({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { id: input.id, allowUnsigned: input.allowUnsigned },
    });
    ctx.services.forgetCachedCredentials();
    return { allowUnsigned: input.allowUnsigned };
  });
