import { setKillSwitch } from '@aw/runbooks';
import { z } from 'zod';
import { mspProcedure } from '../../trpc';

/** Pauses (or resumes) runbooks for one company, or for the whole MSP when companyId is absent. */
export const killSwitchProcedure = mspProcedure('runbook.killSwitch')
  .input(z.object({ companyId: z.string().uuid().optional(), paused: z.boolean() }))
  .mutation(({ ctx, input }) =>
    setKillSwitch(ctx.prisma, {
      mspId: ctx.mspId,
      companyId: input.companyId,
      paused: input.paused,
      actorId: ctx.userId,
    }),
  );
