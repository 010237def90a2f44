import { createSilence } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany, ZMatchers } from './schemas';

export const createSilenceProcedure = protectedProcedure
  .input(
    z.object({
      ...ZCompany,
      matchers: ZMatchers.min(1),
      startsAt: z.coerce.date().optional(),
      endsAt: z.coerce.date(),
      comment: z.string().trim().max(1000).default(''),
    }),
  )
  .mutation(({ ctx, input: { companyId, ...s } }) => createSilence(ctx, companyId, s));
