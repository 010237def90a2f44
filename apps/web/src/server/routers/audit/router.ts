import { listAuditLog } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure, router } from '../../trpc';

export const auditRouter = router({
  list: protectedProcedure
    .input(z.object({ cursor: z.bigint().nullish(), limit: z.number().int().min(1).max(200).default(50) }))
    .query(({ ctx, input }) =>
      listAuditLog(ctx.prisma, ctx.viewer, { cursor: input.cursor ?? undefined, limit: input.limit }),
    ),
});
