import { actOnIncidents, explainAlert, incidentDetail, listIncidents } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZSeverity, ZStatus } from './schemas';

export const list = protectedProcedure
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

export const detail = protectedProcedure
  .input(
    z.object({
      id: z.string().uuid(),
      alertsCursor: z
        .string()
        .regex(/^\d{1,19}$/)
        .nullish(),
      alertsLimit: z.number().int().min(1).max(1000).optional(),
    }),
  )
  .query(({ ctx, input }) => incidentDetail(ctx, input));

export const explain = protectedProcedure
  .input(z.object({ alertId: z.string().regex(/^\d{1,19}$/) }))
  .query(({ ctx, input }) => explainAlert(ctx, input));

const ZIds = z.array(z.string().uuid()).min(1).max(500);
const ZNote = z.string().trim().max(4000).optional();

export const acknowledge = protectedProcedure
  .input(z.object({ ids: ZIds, note: ZNote }))
  .mutation(({ ctx, input }) =>
    actOnIncidents(ctx, { ids: input.ids, action: { kind: 'acknowledge', note: input.note } }),
  );

export const resolve = protectedProcedure
  .input(z.object({ ids: ZIds, note: ZNote }))
  .mutation(({ ctx, input }) =>
    actOnIncidents(ctx, { ids: input.ids, action: { kind: 'resolve', note: input.note } }),
  );

export const assign = protectedProcedure
  .input(z.object({ ids: ZIds, assigneeId: z.string().uuid().nullable() }))
  .mutation(({ ctx, input }) =>
    actOnIncidents(ctx, { ids: input.ids, action: { kind: 'assign', assigneeId: input.assigneeId } }),
  );

export const note = protectedProcedure
  .input(z.object({ id: z.string().uuid(), note: z.string().trim().min(1).max(4000) }))
  .mutation(({ ctx, input }) =>
    actOnIncidents(ctx, { ids: [input.id], action: { kind: 'note', note: input.note } }),
  );
