import { runBacktest } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZConfigPatch, ZPeriod } from './schemas';

export const backtestProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid(), ...ZPeriod, candidate: ZConfigPatch }))
  .mutation(({ ctx, input, signal }) => runBacktest(ctx, { ...input, signal }));
