import { actOnIncidents } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZIds } from './schemas';

export const assignProcedure = protectedProcedure
  .input(z.object({ ids: ZIds, assigneeId: z.string().uuid().nullable() }))
  .mutation(({ ctx, input }) =>
    actOnIncidents(ctx, { ids: input.ids, action: { kind: 'assign', assigneeId: input.assigneeId } }),
  );
