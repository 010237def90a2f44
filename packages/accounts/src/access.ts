import { isStaffRole } from '@aw/core/domain';
import { AppError } from '@aw/core/errors';
import type { Membership, PrismaClient } from '@aw/db';

export interface Viewer {
  userId: string;
  membership: Membership;
}

/**
 * The one membership a signed-in user acts through, loaded fresh on every request: removing a
 * member or disabling a user takes effect on their next request, whatever their session says.
 */
export async function loadViewer(prisma: PrismaClient, userId: string): Promise<Viewer | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    include: { memberships: { orderBy: { createdAt: 'asc' }, take: 1 } },
  });
  if (!user || user.disabled) return null;
  const membership = user.memberships[0];
  if (!membership) return null;
  return { userId, membership };
}

export function isMspStaff(v: Viewer): boolean {
  return isStaffRole(v.membership.role);
}

/**
 * Where a viewer may read: MSP staff see every company of their MSP; client people see only
 * their own company. Returned as a Prisma `where` fragment that every tenant query must include.
 */
export function tenantScope(v: Viewer): { mspId: string; companyId?: string } {
  if (isMspStaff(v)) return { mspId: v.membership.mspId };
  if (!v.membership.companyId) throw new AppError('FORBIDDEN', 'membership has no company');
  return { mspId: v.membership.mspId, companyId: v.membership.companyId };
}

/** Verifies that `companyId` is inside the viewer's tenancy, else NOT_FOUND (no hint it exists). */
export async function assertCompanyAccess(prisma: PrismaClient, v: Viewer, companyId: string) {
  const scope = tenantScope(v);
  // Both conditions must hold: the requested id, and the viewer's own company for client people.
  if (scope.companyId && scope.companyId !== companyId) throw new AppError('NOT_FOUND', 'company not found');
  const company = await prisma.company.findFirst({ where: { id: companyId, mspId: scope.mspId } });
  if (!company) throw new AppError('NOT_FOUND', 'company not found');
  return company;
}
