import { situationOfIncident } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

/** The situation an incident belongs to (null when none), its incidents and why each is there. */
export const situationProcedure = protectedProcedure
  .input(z.object({ incidentId: z.string().uuid() }))
  .query(({ ctx, input }) => situationOfIncident(ctx, input));
