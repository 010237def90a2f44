import {
  createSilence,
  deleteInhibitionRule,
  deleteMaintenanceWindow,
  expireSilence,
  getCorrelationConfig,
  listInhibitionRules,
  listMaintenanceWindows,
  listSilences,
  saveInhibitionRule,
  saveMaintenanceWindow,
  updateCorrelationConfig,
} from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZConfigPatch, ZMatchers, ZRecurrence } from './schemas';

const ZCompany = { companyId: z.string().uuid() };
const ZById = z.object({ ...ZCompany, id: z.string().uuid() });

export const getConfig = protectedProcedure
  .input(z.object(ZCompany))
  .query(({ ctx, input }) => getCorrelationConfig(ctx, input.companyId));

export const updateConfig = protectedProcedure
  .input(z.object({ ...ZCompany, patch: ZConfigPatch }))
  .mutation(({ ctx, input }) => updateCorrelationConfig(ctx, input.companyId, input.patch));

export const maintenanceWindows = protectedProcedure
  .input(z.object(ZCompany))
  .query(({ ctx, input }) => listMaintenanceWindows(ctx, input.companyId));

export const saveMaintenance = protectedProcedure
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

export const deleteMaintenance = protectedProcedure
  .input(ZById)
  .mutation(({ ctx, input }) => deleteMaintenanceWindow(ctx, input.companyId, input.id));

export const silences = protectedProcedure
  .input(z.object({ ...ZCompany, includeExpired: z.boolean().optional() }))
  .query(({ ctx, input }) => listSilences(ctx, input.companyId, input));

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

export const expireSilenceProcedure = protectedProcedure
  .input(ZById)
  .mutation(({ ctx, input }) => expireSilence(ctx, input.companyId, input.id));

export const inhibitionRules = protectedProcedure
  .input(z.object(ZCompany))
  .query(({ ctx, input }) => listInhibitionRules(ctx, input.companyId));

export const saveInhibition = protectedProcedure
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

export const deleteInhibition = protectedProcedure
  .input(ZById)
  .mutation(({ ctx, input }) => deleteInhibitionRule(ctx, input.companyId, input.id));
