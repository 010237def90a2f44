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

/** Role rules live in the service (`canInvite`); the URL is returned so the inviter can copy it. */
export const inviteProcedure = protectedProcedure
  .input(ZInvite)
  .mutation(({ ctx, input }) =>
    createInvitation(ctx.prisma, ctx.viewer, input, { mailer, baseUrl: appBaseUrl() }),
  );
