import { updateCorrelationConfig } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany, ZConfigPatch } from './schemas';

export const updateConfigProcedure = protectedProcedure
  .input(z.object({ ...ZCompany, patch: ZConfigPatch }))
  .mutation(({ ctx, input }) => updateCorrelationConfig(ctx, input.companyId, input.patch));
