import { runBacktest } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZConfigPatch, ZPeriod } from './schemas';
import { ZSituationPatch } from './update-situation-settings';

export const backtestProcedure = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid(),
      ...ZPeriod,
      candidate: ZConfigPatch,
      candidateSituations: ZSituationPatch.optional(),
    }),
  )
  .mutation(({ ctx, input, signal }) => runBacktest(ctx, { ...input, signal }));
