-- AlterEnum
ALTER TYPE "AlertSource" ADD VALUE 'PATCH_COMPLIANCE';

-- AlterTable
ALTER TABLE "PatchComplianceSnapshot" ADD COLUMN     "installedOtherCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nodeName" TEXT,
ADD COLUMN     "notApplicableCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "operation" TEXT,
ADD COLUMN     "otherMissing" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "patchGroup" TEXT,
ADD COLUMN     "pendingRebootCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "platformType" TEXT,
ADD COLUMN     "rejectedCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "scanned" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "syncId" UUID;

-- CreateTable
CREATE TABLE "PatchComplianceSync" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'RUNNING',
    "trigger" TEXT NOT NULL DEFAULT 'schedule',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "nodesTotal" INTEGER NOT NULL DEFAULT 0,
    "nodesDone" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "requestedById" UUID,

    CONSTRAINT "PatchComplianceSync_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatchComplianceSettings" (
    "companyId" UUID NOT NULL,
    "mspId" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "syncIntervalHours" INTEGER NOT NULL DEFAULT 6,
    "retentionDays" INTEGER NOT NULL DEFAULT 90,
    "staleAfterDays" INTEGER NOT NULL DEFAULT 7,
    "minCompliancePercent" INTEGER,
    "criticalMissingDays" INTEGER,
    "alertOnStale" BOOLEAN NOT NULL DEFAULT false,
    "exportEnabled" BOOLEAN NOT NULL DEFAULT false,
    "exportBucket" TEXT,
    "exportPrefix" TEXT,
    "lastExportAt" TIMESTAMP(3),
    "lastExportError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PatchComplianceSettings_pkey" PRIMARY KEY ("companyId")
);

-- CreateIndex
CREATE INDEX "PatchComplianceSync_companyId_startedAt_idx" ON "PatchComplianceSync"("companyId", "startedAt");

-- CreateIndex
CREATE INDEX "PatchComplianceSync_mspId_startedAt_idx" ON "PatchComplianceSync"("mspId", "startedAt");

-- CreateIndex
CREATE INDEX "PatchComplianceSettings_mspId_idx" ON "PatchComplianceSettings"("mspId");

-- CreateIndex
CREATE INDEX "PatchComplianceSnapshot_syncId_idx" ON "PatchComplianceSnapshot"("syncId");

-- AddForeignKey
ALTER TABLE "PatchComplianceSnapshot" ADD CONSTRAINT "PatchComplianceSnapshot_syncId_fkey" FOREIGN KEY ("syncId") REFERENCES "PatchComplianceSync"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatchComplianceSync" ADD CONSTRAINT "PatchComplianceSync_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatchComplianceSettings" ADD CONSTRAINT "PatchComplianceSettings_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;
