import { listInbox } from '@aw/notifications';
import { z } from 'zod';
import { mspProcedure } from '../../trpc';

/** What the demo inbox channel received (the demo MSP's policy delivers there). */
export const inboxProcedure = mspProcedure()
  .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
  .query(({ ctx, input }) => listInbox(ctx.prisma, ctx.mspId, input.limit));
