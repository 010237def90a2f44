import { ROLES } from '@aw/core/domain';
import { createInvitation } from '@aw/accounts';
import { z } from 'zod';
import { appBaseUrl, mailer } from '../../mail';
import { protectedProcedure } from '../../trpc';

export const ZInvite = z.object({
  email: z.string().trim().email().max(320),
  role: z.enum(ROLES),
  companyId: z.string().uuid().nullable(),
});

/**
 * Role rules live in the service (`canInvite`). The link is mailed to the invitee only; the inviter
 * gets the invitation's id, address and expiry, never its token.
 */
export const inviteProcedure = protectedProcedure
  .input(ZInvite)
  .mutation(({ ctx, input }) =>
    createInvitation(ctx.prisma, ctx.viewer, input, { mailer: mailer(), baseUrl: appBaseUrl() }),
  );
