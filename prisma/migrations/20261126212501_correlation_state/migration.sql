-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "lastTransitionAt" TIMESTAMP(3),
ADD COLUMN     "quietSince" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "AlertState" (
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "status" "AlertStatus" NOT NULL,
    "source" "AlertSource" NOT NULL,
    "asset" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "service" TEXT,
    "severity" "Severity" NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "lastAlertId" BIGINT NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "incidentId" UUID,
    "transitions" TIMESTAMP(3)[] DEFAULT ARRAY[]::TIMESTAMP(3)[],

    CONSTRAINT "AlertState_pkey" PRIMARY KEY ("companyId","fingerprint")
);

-- CreateIndex
CREATE INDEX "AlertState_companyId_status_lastSeenAt_idx" ON "AlertState"("companyId", "status", "lastSeenAt");

-- AddForeignKey
ALTER TABLE "AlertState" ADD CONSTRAINT "AlertState_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;
