import { setHmacRequired } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZCompanyId } from '../schemas';

export const setHmacRequiredProcedure = protectedProcedure
  .input(z.object({ companyId: ZCompanyId, required: z.boolean() }))
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'company.hmacRequired.set');
    const out = await setHmacRequired({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      input: { required: input.required },
    });
    ctx.services.forgetCachedCredentials();
    return out;
  });
