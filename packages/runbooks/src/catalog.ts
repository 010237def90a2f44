// The MSP's Runbook rows, one per shipped document, with the signatures each heals by default.
import type { PrismaClient } from '@aw/db';
import { AppError } from '@aw/core/errors';
import { SHIPPED_DOCUMENTS, type ShippedDocument } from './documents/index.ts';

export const DEFAULT_SIGNATURES: Record<string, string[]> = {
  'MSP-DiskCleanup': ['disk_full', 'disk_space_low'],
  'MSP-ServiceRestart': ['service_down'],
  'MSP-LogRotation': ['log_too_large'],
  'MSP-ServiceRecovery': ['service_down'],
};

export function shippedDocument(name: string): ShippedDocument {
  const d = SHIPPED_DOCUMENTS.find((x) => x.name === name);
  if (!d) throw new AppError('NOT_FOUND', `no shipped document ${name}`);
  return d;
}

/** Creates (or refreshes) the MSP's Runbook row for every shipped document. */
export async function ensureRunbooks(prisma: PrismaClient, mspId: string) {
  for (const d of SHIPPED_DOCUMENTS) {
    const parsed = JSON.parse(d.content) as { description: string };
    const data = {
      description: parsed.description,
      kind: d.type === 'Automation' ? ('AUTOMATION' as const) : ('COMMAND' as const),
      documentName: d.name,
      platform: d.type === 'Automation' ? 'Linux' : 'Linux, Windows',
      signatures: DEFAULT_SIGNATURES[d.name] ?? [],
    };
    await prisma.runbook.upsert({
      where: { mspId_name: { mspId, name: d.name } },
      create: { mspId, name: d.name, ...data },
      update: data,
    });
  }
  return prisma.runbook.findMany({ where: { mspId }, orderBy: { name: 'asc' } });
}
