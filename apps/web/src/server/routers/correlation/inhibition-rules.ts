import { listInhibitionRules } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany } from './schemas';

export const inhibitionRulesProcedure = protectedProcedure
  .input(z.object(ZCompany))
  .query(({ ctx, input }) => listInhibitionRules(ctx, input.companyId));
