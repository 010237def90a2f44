import { saveMaintenanceWindow } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany, ZMatchers, ZRecurrence } from './schemas';

export const saveMaintenanceWindowProcedure = protectedProcedure
  .input(
    z.object({
      ...ZCompany,
      id: z.string().uuid().optional(),
      name: z.string().trim().min(1).max(200),
      matchers: ZMatchers,
      startsAt: z.coerce.date(),
      endsAt: z.coerce.date(),
      recurrence: ZRecurrence.default(null),
      timezone: z.string().trim().min(1).max(64).default('UTC'),
    }),
  )
  .mutation(({ ctx, input: { companyId, ...w } }) => saveMaintenanceWindow(ctx, companyId, w));
