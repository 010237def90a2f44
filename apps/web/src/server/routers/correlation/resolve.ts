import { actOnIncidents } from '@aw/correlation';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';
import { ZIds, ZNote } from './schemas';

export const resolveProcedure = protectedProcedure
  .input(z.object({ ids: ZIds, note: ZNote }))
  .mutation(({ ctx, input }) =>
    actOnIncidents(ctx, { ids: input.ids, action: { kind: 'resolve', note: input.note } }),
  );
