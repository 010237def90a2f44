import { assertCompanyAccess } from '@aw/accounts';
import { listExecutions } from '@aw/runbooks';
import { z } from 'zod';
import { protectedProcedure } from '../../../trpc';

/** Executions in the viewer's scope (client people: their company only), newest first. */
export const listProcedure = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid().optional(),
      incidentId: z.string().uuid().optional(),
      limit: z.number().int().min(1).max(500).optional(),
    }),
  )
  .query(async ({ ctx, input }) => {
    if (input.companyId) await assertCompanyAccess(ctx.prisma, ctx.viewer, input.companyId);
    return listExecutions(ctx.prisma, ctx.scope, input);
  });
