import { updateSettings, ZComplianceSettingsInput } from '@aw/compliance';
import { z } from 'zod';
import { companyAccess } from '../../company-access';
import { protectedProcedure } from '../../trpc';

/** Schedule, retention, thresholds and the S3 export of one company. */
export const saveSettingsProcedure = protectedProcedure
  .input(z.object({ companyId: z.string().uuid(), change: ZComplianceSettingsInput }))
  .mutation(async ({ ctx, input }) => {
    const company = await companyAccess(ctx, input.companyId, 'compliance.configure');
    return updateSettings(ctx.prisma, {
      mspId: company.mspId,
      companyId: input.companyId,
      actorId: ctx.userId,
      change: input.change,
    });
  });
