-- CreateTable
CREATE TABLE "RetentionPolicy" (
    "mspId" UUID NOT NULL,
    "rawPayloadDays" INTEGER NOT NULL DEFAULT 30,
    "decidedAlertDays" INTEGER NOT NULL DEFAULT 180,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RetentionPolicy_pkey" PRIMARY KEY ("mspId")
);

-- CreateTable
CREATE TABLE "AlertDailyRollup" (
    "id" BIGSERIAL NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "asset" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "decision" "AlertDecision" NOT NULL,
    "incidentId" UUID,
    "alerts" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AlertDailyRollup_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AlertDailyRollup_mspId_day_idx" ON "AlertDailyRollup"("mspId", "day");

-- CreateIndex
CREATE INDEX "AlertDailyRollup_companyId_day_idx" ON "AlertDailyRollup"("companyId", "day");

-- AddForeignKey
ALTER TABLE "RetentionPolicy" ADD CONSTRAINT "RetentionPolicy_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDailyRollup" ADD CONSTRAINT "AlertDailyRollup_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AlertDailyRollup" ADD CONSTRAINT "AlertDailyRollup_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

SELECT aw_enable_tenant_rls('RetentionPolicy');

SELECT aw_enable_tenant_rls('AlertDailyRollup');
