import { assertCompanyAccess } from '@aw/accounts';
import { installDocuments } from '@aw/runbooks';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

/** Installs or updates the MSP-* documents in the company's account (idempotent by content hash). */
export const installProcedure = mspProcedure('runbook.install')
  .input(z.object({ companyId: z.string().uuid(), names: z.array(z.string().max(128)).max(20).optional() }))
  .mutation(async ({ ctx, input }) => {
    await assertCompanyAccess(ctx.prisma, ctx.viewer, input.companyId);
    return installDocuments({
      prisma: ctx.prisma,
      runtime: ctx.services.aws,
      companyId: input.companyId,
      actorId: ctx.userId,
      names: input.names,
    });
  });
