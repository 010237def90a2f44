import { savePolicy } from '@aw/runbooks';
import { z } from 'zod';
import { mspProcedure } from '../../../trpc';

const label = z.string().min(1).max(200);

export const ZPolicyInput = z.object({
  id: z.string().uuid().optional(),
  companyId: z.string().uuid(),
  runbookName: z.string().min(1).max(128),
  signature: z.string().min(1).max(200),
  asset: z.string().max(255).nullish(),
  labelMatchers: z.record(z.string().max(100), label).optional(),
  /** Values may use {{labels.<name>}}, {{asset}}, {{signature}}; checked against allowedPattern at run time. */
  parameters: z.record(z.string().max(100), z.string().max(1000)).optional(),
  mode: z.enum(['AUTO', 'APPROVAL', 'DISABLED']),
  maxPerHour: z.number().int().min(1).max(100).optional(),
  cooldownMinutes: z.number().int().min(0).max(10_080).optional(),
  bootGraceMinutes: z.number().int().min(0).max(1440).optional(),
  timeoutSeconds: z.number().int().min(30).max(172_800).optional(),
  maxConcurrent: z.number().int().min(1).max(100).optional(),
  verifyMinutes: z.number().int().min(0).max(1440).optional(),
  enabled: z.boolean().optional(),
});
export type TPolicyInput = z.infer<typeof ZPolicyInput>;

export const saveProcedure = mspProcedure('runbook.policy.manage')
  .input(ZPolicyInput)
  .mutation(({ ctx, input }) => savePolicy(ctx.prisma, ctx.mspId, ctx.userId, input));
