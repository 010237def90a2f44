// Tenancy for correlation services: the scope always comes from the viewer's membership.
import { assertCompanyAccess, tenantScope, type Viewer } from '@aw/accounts';
import { assertCan, type Permission } from '@aw/core/permissions';
import type { PrismaClient } from '@aw/db';

export interface Actor {
  prisma: PrismaClient;
  viewer: Viewer;
}

/** FORBIDDEN unless the viewer's role holds `permission` (the matrix in `@aw/core/permissions`). */
export function requirePermission(viewer: Viewer, permission: Permission): void {
  assertCan(viewer.membership.role, permission);
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
