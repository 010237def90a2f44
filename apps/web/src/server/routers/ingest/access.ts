import { assertCompanyAccess, type Viewer } from '@aw/accounts';
import { loadEnv } from '@aw/config';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';

/**
 * Tenancy for key and secret management: the company must be in the viewer's scope (NOT_FOUND
 * otherwise). Managing needs an MSP owner/admin or the company's own client admin; technicians and
 * client viewers may only look.
 */
export async function ingestCompanyAccess(
  ctx: { prisma: PrismaClient; viewer: Viewer },
  companyId: string,
  mode: 'read' | 'manage',
) {
  const company = await assertCompanyAccess(ctx.prisma, ctx.viewer, companyId);
  const role = ctx.viewer.membership.role;
  if (mode === 'manage' && !['OWNER', 'ADMIN', 'CLIENT_ADMIN'].includes(role))
    throw new AppError('FORBIDDEN', 'your role cannot manage API keys and signing secrets');
  return company;
}

export function encryptionKey(): string {
  const key = loadEnv().APP_ENCRYPTION_KEY;
  if (!key) throw new AppError('UNAVAILABLE', 'APP_ENCRYPTION_KEY is not configured');
  return key;
}
