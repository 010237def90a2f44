-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('QUEUED', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELLED');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ExecutionStatus" ADD VALUE 'PENDING_APPROVAL';
ALTER TYPE "ExecutionStatus" ADD VALUE 'VERIFYING';
ALTER TYPE "ExecutionStatus" ADD VALUE 'REFUSED';

-- AlterTable
ALTER TABLE "Company" ADD COLUMN     "runbooksPaused" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "escalationReason" TEXT;

-- AlterTable
ALTER TABLE "ManagedNode" ADD COLUMN     "computerName" TEXT,
ADD COLUMN     "onlineSince" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Msp" ADD COLUMN     "runbooksPaused" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "RunbookExecution" ADD COLUMN     "asset" TEXT,
ADD COLUMN     "escalated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "instanceId" TEXT,
ADD COLUMN     "outputUrl" TEXT,
ADD COLUMN     "policyId" UUID,
ADD COLUMN     "sendingAt" TIMESTAMP(3),
ADD COLUMN     "targetSource" TEXT,
ADD COLUMN     "timeoutSeconds" INTEGER NOT NULL DEFAULT 900,
ADD COLUMN     "verifyUntil" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "RunbookPolicy" ADD COLUMN     "asset" TEXT,
ADD COLUMN     "bootGraceMinutes" INTEGER NOT NULL DEFAULT 10,
ADD COLUMN     "cooldownMinutes" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "labelMatchers" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "maxConcurrent" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "parameters" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "timeoutSeconds" INTEGER NOT NULL DEFAULT 900,
ADD COLUMN     "verifyMinutes" INTEGER NOT NULL DEFAULT 5;

-- CreateTable
CREATE TABLE "RunbookDocumentInstall" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "documentName" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "documentVersion" TEXT NOT NULL,
    "installedById" UUID,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RunbookDocumentInstall_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" BIGSERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "state" "JobState" NOT NULL DEFAULT 'QUEUED',
    "singletonKey" TEXT,
    "activeKey" TEXT,
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 5,
    "backoffMs" INTEGER NOT NULL DEFAULT 1000,
    "lockedBy" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "RunbookDocumentInstall_companyId_documentName_key" ON "RunbookDocumentInstall"("companyId", "documentName");

-- CreateIndex
CREATE UNIQUE INDEX "Job_activeKey_key" ON "Job"("activeKey");

-- CreateIndex
CREATE INDEX "Job_name_state_runAt_idx" ON "Job"("name", "state", "runAt");

-- CreateIndex
CREATE INDEX "Job_state_leaseUntil_idx" ON "Job"("state", "leaseUntil");

-- CreateIndex
CREATE INDEX "RunbookExecution_companyId_status_idx" ON "RunbookExecution"("companyId", "status");

-- AddForeignKey
ALTER TABLE "RunbookDocumentInstall" ADD CONSTRAINT "RunbookDocumentInstall_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;
