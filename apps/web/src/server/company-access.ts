import { assertCompanyAccess, type Viewer } from '@aw/accounts';
import { assertCan, type Permission } from '@aw/core/permissions';
import type { PrismaClient } from '@aw/db';

/**
 * The check every company-scoped procedure makes: the company must be inside the viewer's tenancy
 * (NOT_FOUND otherwise, the same answer as for an id that does not exist), and a change needs its
 * permission in the matrix (`@aw/core/permissions`; FORBIDDEN otherwise). Reads pass no permission.
 */
export async function companyAccess(
  ctx: { prisma: PrismaClient; viewer: Viewer },
  companyId: string,
  permission?: Permission,
) {
  const company = await assertCompanyAccess(ctx.prisma, ctx.viewer, companyId);
  if (permission) assertCan(ctx.viewer.membership.role, permission);
  return company;
}
