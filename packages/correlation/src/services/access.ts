// Tenancy for correlation services: the scope always comes from the viewer's membership.
import { assertCompanyAccess, tenantScope, type Viewer } from '@aw/accounts';
import { AppError } from '@aw/core/errors';
import type { PrismaClient, Role } from '@aw/db';

export interface Actor {
  prisma: PrismaClient;
  viewer: Viewer;
}

export const STAFF: readonly Role[] = ['OWNER', 'ADMIN', 'TECHNICIAN'];

export function requireRole(viewer: Viewer, roles: readonly Role[], what: string): void {
  if (!roles.includes(viewer.membership.role)) throw new AppError('FORBIDDEN', `your role cannot ${what}`);
}

/** The companies a query may touch: one requested company (checked) or the viewer's whole scope. */
export async function companyFilter(
  { prisma, viewer }: Actor,
  companyId?: string | null,
): Promise<{ mspId: string; companyId?: string }> {
  const scope = tenantScope(viewer);
  if (companyId) {
    await assertCompanyAccess(prisma, viewer, companyId);
    return { mspId: scope.mspId, companyId };
  }
  return scope;
}

export async function requireCompany(a: Actor, companyId: string) {
  return assertCompanyAccess(a.prisma, a.viewer, companyId);
}
