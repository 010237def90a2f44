import { assertCompanyAccess, type Viewer } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';

/**
 * Tenancy for the AWS procedures: the company must be inside the viewer's scope (NOT_FOUND
 * otherwise); changing anything needs MSP staff or the company's client admin, viewers only read.
 */
export async function awsCompanyAccess(
  ctx: { prisma: PrismaClient; viewer: Viewer },
  companyId: string,
  mode: 'read' | 'manage',
) {
  const company = await assertCompanyAccess(ctx.prisma, ctx.viewer, companyId);
  if (mode === 'manage' && ctx.viewer.membership.role === 'CLIENT_VIEWER')
    throw new AppError('FORBIDDEN', 'viewers cannot change the AWS connection');
  return company;
}
