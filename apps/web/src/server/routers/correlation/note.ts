import { actOnIncidents } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const noteProcedure = protectedProcedure
  .input(z.object({ id: z.string().uuid(), note: z.string().trim().min(1).max(4000) }))
  .mutation(({ ctx, input }) =>
    actOnIncidents(ctx, { ids: [input.id], action: { kind: 'note', note: input.note } }),
  );
