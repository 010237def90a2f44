import { protectedProcedure } from '../../trpc';

/** Who is signed in: user, MSP, role and (for client people) their company. */
export const meProcedure = protectedProcedure.query(async ({ ctx }) => {
  const user = await ctx.prisma.user.findUniqueOrThrow({
    where: { id: ctx.userId },
    select: { id: true, email: true, name: true },
  });
  const msp = await ctx.prisma.msp.findUniqueOrThrow({
    where: { id: ctx.viewer.membership.mspId },
    select: { id: true, name: true },
  });
  return { user, msp, role: ctx.viewer.membership.role, companyId: ctx.viewer.membership.companyId };
});
