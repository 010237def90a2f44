// Generic mappings per company: the service the portal calls to save, list and preview them.
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import {
  parseGenericMapping,
  previewGenericMapping,
  type GenericMappingPaths,
} from './normalizers/generic.ts';

interface Svc<I> {
  prisma: PrismaClient;
  companyId: string;
  actorId: string | null;
  input: I;
}

/** Creates or replaces the mapping `name` (used as `/api/v1/webhooks/generic?mapping=<name>`). */
export async function saveGenericMapping({
  prisma,
  companyId,
  actorId,
  input,
}: Svc<{ name: string; paths: unknown }>): Promise<{ id: string; name: string; paths: GenericMappingPaths }> {
  const name = input.name.trim();
  if (!/^[\w.-]{1,100}$/.test(name))
    throw new AppError('BAD_REQUEST', 'invalid name', [
      { field: 'name', reason: 'must be 1..100 letters, digits, . _ -' },
    ]);
  const paths = parseGenericMapping(input.paths);
  const company = await prisma.company.findUnique({ where: { id: companyId }, select: { mspId: true } });
  if (!company) throw new AppError('NOT_FOUND', 'company not found');
  const row = await prisma.genericMapping.upsert({
    where: { companyId_name: { companyId, name } },
    create: { mspId: company.mspId, companyId, name, paths: paths as object },
    update: { paths: paths as object },
  });
  await prisma.auditLog.create({
    data: {
      mspId: company.mspId,
      companyId,
      actorId,
      action: 'genericMapping.saved',
      targetType: 'genericMapping',
      targetId: row.id,
    },
  });
  return { id: row.id, name, paths };
}

export async function listGenericMappings({
  prisma,
  companyId,
}: {
  prisma: PrismaClient;
  companyId: string;
}) {
  return prisma.genericMapping.findMany({
    where: { companyId },
    orderBy: { name: 'asc' },
    select: { id: true, name: true, paths: true, updatedAt: true },
  });
}

export async function deleteGenericMapping({
  prisma,
  companyId,
  input,
}: Svc<{ name: string }>): Promise<void> {
  const r = await prisma.genericMapping.deleteMany({ where: { companyId, name: input.name } });
  if (r.count === 0) throw new AppError('NOT_FOUND', 'mapping not found');
}

export { previewGenericMapping };
