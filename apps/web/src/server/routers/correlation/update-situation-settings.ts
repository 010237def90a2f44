import { updateSituationSettings } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompany } from './schemas';

export const ZSituationPatch = z
  .object({
    enabled: z.boolean(),
    windowMinutes: z.number().int().min(1).max(1440),
    entities: z.array(z.string().trim().min(1).max(110)).max(12),
    hubShare: z.number().gt(0).max(1),
    hubMinIncidents: z.number().int().min(1).max(100_000),
    hubLookbackMinutes: z.number().int().min(60).max(43_200),
    maxIncidents: z.number().int().min(2).max(500),
    maxSpanMinutes: z.number().int().min(1).max(10_080),
    topology: z.record(z.string().min(1).max(255), z.array(z.string().min(1).max(255)).max(50)),
  })
  .partial();

export const updateSituationSettingsProcedure = protectedProcedure
  .input(z.object({ ...ZCompany, patch: ZSituationPatch }))
  .mutation(({ ctx, input }) => updateSituationSettings(ctx, input.companyId, input.patch));
