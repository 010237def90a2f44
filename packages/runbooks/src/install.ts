// Installs the shipped MSP-* documents into a company's account through its assumed role.
// Idempotent by content hash: a document whose hash the company already has is not sent again
// (unless forced), and SSM's own DuplicateDocumentContent answer counts as "unchanged".
import { mapAwsError, upsertMspDocument, type AwsRuntime } from '@aw/aws';
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import { SHIPPED_DOCUMENTS } from './documents/index.ts';

export interface DocumentStatus {
  name: string;
  type: 'Command' | 'Automation';
  description: string;
  hash: string;
  installedHash: string | null;
  installedVersion: string | null;
  installedAt: Date | null;
  state: 'not_installed' | 'current' | 'update_available';
}

export async function listDocuments({ prisma, companyId }: { prisma: PrismaClient; companyId: string }) {
  const installs = await prisma.runbookDocumentInstall.findMany({ where: { companyId } });
  return SHIPPED_DOCUMENTS.map((d): DocumentStatus => {
    const i = installs.find((x) => x.documentName === d.name);
    return {
      name: d.name,
      type: d.type,
      description: (JSON.parse(d.content) as { description: string }).description,
      hash: d.hash,
      installedHash: i?.contentHash ?? null,
      installedVersion: i?.documentVersion ?? null,
      installedAt: i?.installedAt ?? null,
      state: !i ? 'not_installed' : i.contentHash === d.hash ? 'current' : 'update_available',
    };
  });
}

export async function installDocuments({
  prisma,
  runtime,
  companyId,
  actorId,
  names,
  force = false,
}: {
  prisma: PrismaClient;
  runtime: AwsRuntime;
  companyId: string;
  actorId: string | null;
  names?: string[];
  force?: boolean;
}): Promise<{ name: string; result: 'created' | 'updated' | 'unchanged'; version: string }[]> {
  const company = await prisma.company.findUnique({ where: { id: companyId } });
  if (!company) throw new AppError('NOT_FOUND', 'company not found');
  const unknown = (names ?? []).filter((n) => !SHIPPED_DOCUMENTS.some((d) => d.name === n));
  if (unknown.length) throw new AppError('BAD_REQUEST', `unknown documents: ${unknown.join(', ')}`);
  const docs = SHIPPED_DOCUMENTS.filter((d) => !names || names.includes(d.name));
  const target = runtime.forCompany(company);
  const out: { name: string; result: 'created' | 'updated' | 'unchanged'; version: string }[] = [];
  for (const d of docs) {
    const current = await prisma.runbookDocumentInstall.findUnique({
      where: { companyId_documentName: { companyId, documentName: d.name } },
    });
    if (current?.contentHash === d.hash && !force) {
      out.push({ name: d.name, result: 'unchanged', version: current.documentVersion });
      continue;
    }
    let result: 'created' | 'updated' | 'unchanged';
    try {
      result = await upsertMspDocument(target.ssm, { name: d.name, content: d.content, type: d.type });
    } catch (e) {
      throw mapAwsError(e, {
        roleArn: company.awsRoleArn,
        externalId: company.awsExternalId,
        region: company.awsRegion,
      });
    }
    const version =
      result === 'created'
        ? '1'
        : result === 'updated'
          ? String(Number(current?.documentVersion ?? '1') + 1)
          : (current?.documentVersion ?? '1');
    await prisma.runbookDocumentInstall.upsert({
      where: { companyId_documentName: { companyId, documentName: d.name } },
      create: {
        mspId: company.mspId,
        companyId,
        documentName: d.name,
        contentHash: d.hash,
        documentVersion: version,
        installedById: actorId,
      },
      update: {
        contentHash: d.hash,
        documentVersion: version,
        installedById: actorId,
        installedAt: new Date(),
      },
    });
    await prisma.auditLog.create({
      data: {
        mspId: company.mspId,
        companyId,
        actorId,
        action: 'runbook.document.installed',
        targetType: 'company',
        targetId: companyId,
        data: { document: d.name, result, version, hash: d.hash },
      },
    });
    out.push({ name: d.name, result, version });
  }
  return out;
}
