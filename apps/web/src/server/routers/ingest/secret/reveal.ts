import { revealWebhookSecret } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { encryptionKey } from '../access';
import { ZCompanyId } from '../schemas';

export const revealProcedure = protectedProcedure
  .input(z.object({ companyId: ZCompanyId }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'signingSecret.reveal');
    return revealWebhookSecret({
      prisma: ctx.prisma,
      companyId: input.companyId,
      encryptionKey: encryptionKey(),
    });
  });
