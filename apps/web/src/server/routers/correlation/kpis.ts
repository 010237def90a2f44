import { kpis } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZPeriod } from './schemas';

export const kpisProcedure = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid().nullish(),
      ...ZPeriod,
      limit: z.number().int().min(1).max(100).optional(),
    }),
  )
  .query(({ ctx, input }) => kpis(ctx, input));
