import { kpisCsv } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZPeriod } from './schemas';

export const kpiCsvProcedure = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid().nullish(),
      ...ZPeriod,
      kind: z.enum(['noise', 'mttr', 'self-healed', 'top-assets', 'top-signatures', 'runbooks']),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
  )
  .query(({ ctx, input }) => kpisCsv(ctx, input));
