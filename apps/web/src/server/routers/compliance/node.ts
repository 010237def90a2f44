import { nodeDetail } from '@aw/compliance';
import { z } from 'zod';
import { companyAccess } from '../../company-access';
import { protectedProcedure } from '../../trpc';

/** One node's drill-down: open patches by severity, last operation, baseline, patch group, history. */
export const nodeProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid(), instanceId: z.string().regex(/^(i|mi)-[0-9a-f]{8,17}$/) }))
  .query(async ({ ctx, input }) => {
    await companyAccess(ctx, input.companyId);
    return nodeDetail(ctx.prisma, { ...input, now: new Date() });
  });
