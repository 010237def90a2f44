import { actOnSituation } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZNote } from './schemas';

/** Acknowledge, resolve or assign every open incident of a situation. */
export const actOnSituationProcedure = protectedProcedure
  .input(
    z.object({
      situationId: z.string().uuid(),
      action: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('acknowledge'), note: ZNote }),
        z.object({ kind: z.literal('resolve'), note: ZNote }),
        z.object({ kind: z.literal('assign'), assigneeId: z.string().uuid().nullable() }),
      ]),
    }),
  )
  .mutation(({ ctx, input }) => actOnSituation(ctx, input));
