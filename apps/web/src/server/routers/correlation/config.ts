import { getCorrelationConfig } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany } from './schemas';

export const configProcedure = protectedProcedure
  .input(z.object(ZCompany))
  .query(({ ctx, input }) => getCorrelationConfig(ctx, input.companyId));
