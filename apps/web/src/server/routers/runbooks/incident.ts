import { incidentRunbooks } from '@aw/runbooks';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

/** The incident page's runbook panel; client people get it too, and the UI shows it read-only. */
export const incidentProcedure = protectedProcedure
  .input(z.object({ incidentId: z.string().uuid() }))
  .query(({ ctx, input }) => incidentRunbooks(ctx.prisma, ctx.scope, input.incidentId));
