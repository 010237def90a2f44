import { listSilences } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany } from './schemas';

export const silencesProcedure = protectedProcedure
  .input(z.object({ ...ZCompany, includeExpired: z.boolean().optional() }))
  .query(({ ctx, input }) => listSilences(ctx, input.companyId, input));
