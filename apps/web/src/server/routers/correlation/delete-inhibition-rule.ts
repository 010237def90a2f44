import { deleteInhibitionRule } from '@aw/correlation';
import { protectedProcedure } from '../../trpc';
import { ZById } from './schemas';

export const deleteInhibitionRuleProcedure = protectedProcedure
  .input(ZById)
  .mutation(({ ctx, input }) => deleteInhibitionRule(ctx, input.companyId, input.id));
