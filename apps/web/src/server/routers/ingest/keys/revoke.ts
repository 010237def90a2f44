import { revokeApiKey } from '@aw/ingest';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZKeyRef } from '../schemas';

export const revokeProcedure = protectedProcedure.input(ZKeyRef).mutation(async ({ ctx, input }) => {
  await companyAccess(ctx, input.companyId, 'apiKey.revoke');
  await revokeApiKey({
    prisma: ctx.prisma,
    companyId: input.companyId,
    actorId: ctx.userId,
    input: { id: input.id },
  });
  ctx.services.forgetCachedCredentials();
  return { revoked: true };
});
