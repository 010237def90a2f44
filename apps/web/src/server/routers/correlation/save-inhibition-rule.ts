import { saveInhibitionRule } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany, ZMatchers } from './schemas';

export const saveInhibitionRuleProcedure = protectedProcedure
  .input(
    z.object({
      ...ZCompany,
      id: z.string().uuid().optional(),
      name: z.string().trim().min(1).max(200),
      sourceMatchers: ZMatchers.min(1),
      targetMatchers: ZMatchers.min(1),
      equal: z.array(z.string().trim().min(1).max(110)).max(10).default([]),
      enabled: z.boolean().default(true),
    }),
  )
  .mutation(({ ctx, input: { companyId, ...r } }) => saveInhibitionRule(ctx, companyId, r));
