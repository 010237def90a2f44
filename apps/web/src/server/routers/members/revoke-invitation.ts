import { revokeInvitation } from '@aw/accounts';
import { z } from 'zod';
import { protectedProcedure } from '../../trpc';

export const revokeInvitationProcedure = protectedProcedure
  .input(z.object({ invitationId: z.string().uuid() }))
  .mutation(({ ctx, input }) => revokeInvitation(ctx.prisma, ctx.viewer, input.invitationId));
