import { kpis as kpiService, kpisCsv, runBacktest } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZConfigPatch, ZPeriod } from './schemas';

export const kpis = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid().nullish(),
      ...ZPeriod,
      limit: z.number().int().min(1).max(100).optional(),
    }),
  )
  .query(({ ctx, input }) => kpiService(ctx, input));

export const kpiCsv = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid().nullish(),
      ...ZPeriod,
      kind: z.enum(['noise', 'mttr', 'self-healed', 'top-assets', 'top-signatures', 'runbooks']),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
  )
  .query(({ ctx, input }) => kpisCsv(ctx, input));

export const backtest = protectedProcedure
  .input(z.object({ companyId: z.string().uuid(), ...ZPeriod, candidate: ZConfigPatch }))
  .mutation(({ ctx, input, signal }) => runBacktest(ctx, { ...input, signal }));
