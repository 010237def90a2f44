import { protectedProcedure, router } from '../trpc';

export const viewerRouter = router({
  me: protectedProcedure.query(async ({ ctx }) => {
    const user = await ctx.prisma.user.findUniqueOrThrow({
      where: { id: ctx.userId },
      select: { id: true, email: true, name: true },
    });
    const msp = await ctx.prisma.msp.findUniqueOrThrow({
      where: { id: ctx.viewer.membership.mspId },
      select: { id: true, name: true },
    });
    return { user, msp, role: ctx.viewer.membership.role, companyId: ctx.viewer.membership.companyId };
  }),
});
