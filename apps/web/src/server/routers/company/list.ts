import { protectedProcedure } from '../../trpc';

/** Companies the viewer may see: all of the MSP for staff, only their own for client people. */
export const listProcedure = protectedProcedure.query(async ({ ctx }) => {
  const where = ctx.scope.companyId
    ? { mspId: ctx.scope.mspId, id: ctx.scope.companyId }
    : { mspId: ctx.scope.mspId };
  const companies = await ctx.prisma.company.findMany({
    where,
    orderBy: { name: 'asc' },
    select: {
      id: true,
      name: true,
      slug: true,
      simulated: true,
      webhookOnly: true,
      awsStatus: true,
      hmacRequired: true,
      onboardingStep: true,
      onboardingDoneAt: true,
      firstAlertAt: true,
      _count: { select: { incidents: { where: { status: { not: 'RESOLVED' } } }, alerts: true } },
    },
  });
  return companies.map(({ _count, ...c }) => ({
    ...c,
    openIncidents: _count.incidents,
    alerts: _count.alerts,
  }));
});
