import { rotateWebhookSecret } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { encryptionKey } from '../access';
import { ZCompanyId } from '../schemas';

/** A new signing secret, shown once; the previous one stays valid for the overlap. */
export const rotateProcedure = protectedProcedure
  .input(
    z.object({ companyId: ZCompanyId, overlapMinutes: z.number().int().min(0).max(43_200).default(1440) }),
  )
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'signingSecret.rotate');
    const out = await rotateWebhookSecret({
      prisma: ctx.prisma,
      companyId: input.companyId,
      actorId: ctx.userId,
      encryptionKey: encryptionKey(),
      input: { overlapMinutes: input.overlapMinutes },
    });
    ctx.services.forgetCachedCredentials();
    return out;
  });
