import type { Prisma, PrismaClient } from '@aw/db';

type Tx = PrismaClient | Prisma.TransactionClient;

export interface AuditEntry {
  mspId: string;
  companyId?: string | null;
  actorId?: string | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  data?: Prisma.InputJsonValue;
}

/** Appends to the audit log; call inside the same transaction as the change it records. */
export async function audit(db: Tx, e: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      mspId: e.mspId,
      companyId: e.companyId ?? null,
      actorId: e.actorId ?? null,
      action: e.action,
      targetType: e.targetType,
      targetId: e.targetId ?? null,
      data: e.data ?? {},
    },
  });
}
