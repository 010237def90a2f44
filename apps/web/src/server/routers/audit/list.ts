import { listAuditLog } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

/** The audit log of the viewer's tenancy, newest first, by cursor. */
export const listProcedure = protectedProcedure
  .input(z.object({ cursor: z.bigint().nullish(), limit: z.number().int().min(1).max(200).default(50) }))
  .query(({ ctx, input }) =>
    listAuditLog(ctx.prisma, ctx.viewer, { cursor: input.cursor ?? undefined, limit: input.limit }),
  );
