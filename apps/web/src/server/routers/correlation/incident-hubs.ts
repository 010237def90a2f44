import { incidentHubValues } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

/** The values of an incident that the hub guardrail keeps out of linking right now. */
export const incidentHubsProcedure = protectedProcedure
  .input(z.object({ incidentId: z.string().uuid() }))
  .query(({ ctx, input }) => incidentHubValues(ctx, input));
