import { explainAlert } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const explainAlertProcedure = protectedProcedure
  .input(z.object({ alertId: z.string().regex(/^\d{1,19}$/) }))
  .query(({ ctx, input }) => explainAlert(ctx, input));
