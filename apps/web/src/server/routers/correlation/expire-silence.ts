import { expireSilence } from '@aw/correlation';
import { protectedProcedure } from '../../trpc';
import { ZById } from './schemas';

export const expireSilenceProcedure = protectedProcedure
  .input(ZById)
  .mutation(({ ctx, input }) => expireSilence(ctx, input.companyId, input.id));
