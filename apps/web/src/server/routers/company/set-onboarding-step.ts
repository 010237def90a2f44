import { ONBOARDING_STEPS, setOnboardingStep } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZCompanyId } from './schemas';

export const setOnboardingStepProcedure = protectedProcedure
  .input(ZCompanyId.extend({ step: z.enum(ONBOARDING_STEPS), webhookOnly: z.boolean().optional() }))
  .mutation(({ ctx, input }) =>
    setOnboardingStep(ctx.prisma, ctx.viewer, input.companyId, input.step, {
      webhookOnly: input.webhookOnly,
    }),
  );
