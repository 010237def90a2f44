// A company's patch compliance settings: read with defaults, changed only through the validated input.
import { AppError } from '@aw/core/errors';
import type { PrismaClient } from '@aw/db';
import { z } from 'zod';

export const DEFAULT_SETTINGS = {
  enabled: true,
  syncIntervalHours: 6,
  retentionDays: 90,
  staleAfterDays: 7,
  minCompliancePercent: null as number | null,
  criticalMissingDays: null as number | null,
  alertOnStale: false,
  exportEnabled: false,
  exportBucket: null as string | null,
  exportPrefix: null as string | null,
};

export type TComplianceSettings = typeof DEFAULT_SETTINGS & {
  lastExportAt: Date | null;
  lastExportError: string | null;
};

/** S3 bucket naming rules (lowercase, 3–63, no dots-in-a-row / IP form checks beyond the pattern). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^[A-Za-z0-9!_.*'()/-]{0,200}$/;

export const ZComplianceSettingsInput = z
  .object({
    enabled: z.boolean(),
    syncIntervalHours: z.number().int().min(1).max(168),
    retentionDays: z.number().int().min(7).max(730),
    staleAfterDays: z.number().int().min(1).max(90),
    minCompliancePercent: z.number().int().min(1).max(100).nullable(),
    criticalMissingDays: z.number().int().min(0).max(365).nullable(),
    alertOnStale: z.boolean(),
    exportEnabled: z.boolean(),
    exportBucket: z.string().regex(BUCKET, 'not a valid S3 bucket name').nullable(),
    exportPrefix: z
      .string()
      .regex(PREFIX, "letters, digits and !_.*'()/- only, at most 200")
      .refine((p) => !p.startsWith('/') && !p.includes('..'), 'must not start with / or contain ..')
      .nullable(),
  })
  .partial()
  .superRefine((v, ctx) => {
    if (v.exportEnabled && !v.exportBucket)
      ctx.addIssue({ code: 'custom', path: ['exportBucket'], message: 'required when the export is on' });
  });
export type TComplianceSettingsInput = z.infer<typeof ZComplianceSettingsInput>;

export async function settingsOf(prisma: PrismaClient, companyId: string): Promise<TComplianceSettings> {
  const row = await prisma.patchComplianceSettings.findUnique({ where: { companyId } });
  if (!row) return { ...DEFAULT_SETTINGS, lastExportAt: null, lastExportError: null };
  const { companyId: _c, mspId: _m, updatedAt: _u, ...rest } = row;
  return rest;
}

/** Merges the change over the current settings; the merged result must be valid as a whole. */
export async function updateSettings(
  prisma: PrismaClient,
  input: { mspId: string; companyId: string; actorId: string | null; change: TComplianceSettingsInput },
): Promise<TComplianceSettings> {
  const current = await settingsOf(prisma, input.companyId);
  const { lastExportAt: _l, lastExportError: _e, ...editable } = current;
  const merged = { ...editable, ...input.change };
  const parsed = ZComplianceSettingsInput.safeParse(merged);
  if (!parsed.success)
    throw new AppError(
      'BAD_REQUEST',
      'Invalid compliance settings',
      parsed.error.issues.map((i) => ({ field: i.path.join('.') || 'settings', reason: i.message })),
    );
  await prisma.$transaction([
    prisma.patchComplianceSettings.upsert({
      where: { companyId: input.companyId },
      create: { companyId: input.companyId, mspId: input.mspId, ...merged },
      update: merged,
    }),
    prisma.auditLog.create({
      data: {
        mspId: input.mspId,
        companyId: input.companyId,
        actorId: input.actorId,
        action: 'compliance.settings.updated',
        targetType: 'company',
        targetId: input.companyId,
        data: JSON.parse(JSON.stringify(input.change)),
      },
    }),
  ]);
  return settingsOf(prisma, input.companyId);
}
