import { incidentDetail } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const incidentProcedure = protectedProcedure
  .input(
    z.object({
      id: z.string().uuid(),
      alertsCursor: z
        .string()
        .regex(/^\d{1,19}$/)
        .nullish(),
      alertsLimit: z.number().int().min(1).max(1000).optional(),
    }),
  )
  .query(({ ctx, input }) => incidentDetail(ctx, input));
