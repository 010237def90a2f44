import { listIncidents } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZSeverity, ZStatus } from './schemas';

export const incidentsProcedure = protectedProcedure
  .input(
    z.object({
      companyId: z.string().uuid().nullish(),
      status: z.array(ZStatus).max(3).optional(),
      severity: z.array(ZSeverity).max(5).optional(),
      signature: z.string().max(255).optional(),
      asset: z.string().max(255).optional(),
      search: z.string().trim().max(100).optional(),
      assigneeId: z.string().uuid().nullish(),
      flapping: z.boolean().optional(),
      from: z.coerce.date().optional(),
      to: z.coerce.date().optional(),
      sort: z.enum(['lastSeenAt', 'firstSeenAt', 'severity', 'alertCount']).optional(),
      order: z.enum(['asc', 'desc']).optional(),
      cursor: z.string().uuid().nullish(),
      limit: z.number().int().min(1).max(200).default(50),
    }),
  )
  .query(({ ctx, input }) => listIncidents(ctx, input));
