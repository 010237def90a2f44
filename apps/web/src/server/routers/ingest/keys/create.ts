import { createApiKey, ZApiKeyScope } from '@aw/ingest';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';
import { companyAccess } from '../../../company-access';
import { ZCompanyId } from '../schemas';

/** Returns the plaintext key (and PagerDuty routing key) once. Scopes: packages/ingest/src/scopes.ts. */
export const createProcedure = protectedProcedure
  .input(
    z.object({
      companyId: ZCompanyId,
      name: z.string().trim().min(1).max(100),
      scopes: z.array(ZApiKeyScope).min(1, 'choose at least one scope').max(2).default(['alerts:write']),
      allowUnsigned: z.boolean().default(false),
      pagerDuty: z.boolean().default(false),
    }),
  )
  .mutation(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId, 'apiKey.create');
    const { companyId: id, ...rest } = input;
    return createApiKey({ prisma: ctx.prisma, companyId: id, actorId: ctx.userId, input: rest });
  });
