-- CreateEnum
CREATE TYPE "AlertKind" AS ENUM ('STATEFUL', 'EVENT');

-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "kind" "AlertKind";

-- AlterTable
ALTER TABLE "AlertState" ADD COLUMN     "kind" "AlertKind";

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN     "alertKind" "AlertKind";

-- AlterTable
ALTER TABLE "Incident" ADD COLUMN     "entityKeys" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "eventsUntil" TIMESTAMP(3),
ADD COLUMN     "situationId" UUID,
ADD COLUMN     "stale" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "CorrelationSettings" (
    "companyId" UUID NOT NULL,
    "mspId" UUID NOT NULL,
    "eventTtlMinutes" INTEGER,
    "staleAfterMinutes" INTEGER NOT NULL DEFAULT 360,
    "sourceKinds" JSONB NOT NULL DEFAULT '{}',
    "situationsEnabled" BOOLEAN NOT NULL DEFAULT true,
    "situationWindowMinutes" INTEGER NOT NULL DEFAULT 30,
    "situationEntities" TEXT[] DEFAULT ARRAY['asset', 'label:ip', 'label:src_ip', 'label:user', 'topology']::TEXT[],
    "hubShare" DOUBLE PRECISION NOT NULL DEFAULT 0.2,
    "hubMinIncidents" INTEGER NOT NULL DEFAULT 20,
    "hubLookbackMinutes" INTEGER NOT NULL DEFAULT 1440,
    "situationMaxIncidents" INTEGER NOT NULL DEFAULT 50,
    "situationMaxSpanMinutes" INTEGER NOT NULL DEFAULT 240,
    "topology" JSONB NOT NULL DEFAULT '{}',
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CorrelationSettings_pkey" PRIMARY KEY ("companyId")
);

-- CreateTable
CREATE TABLE "Situation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "title" TEXT NOT NULL,
    "severity" "Severity" NOT NULL,
    "incidentCount" INTEGER NOT NULL DEFAULT 0,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Situation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SituationLink" (
    "id" BIGSERIAL NOT NULL,
    "companyId" UUID NOT NULL,
    "situationId" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "linkedIncidentId" UUID,
    "entity" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "explanation" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SituationLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Situation_companyId_status_lastSeenAt_idx" ON "Situation"("companyId", "status", "lastSeenAt");

-- CreateIndex
CREATE INDEX "SituationLink_situationId_idx" ON "SituationLink"("situationId");

-- CreateIndex
CREATE INDEX "SituationLink_incidentId_idx" ON "SituationLink"("incidentId");

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_situationId_fkey" FOREIGN KEY ("situationId") REFERENCES "Situation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CorrelationSettings" ADD CONSTRAINT "CorrelationSettings_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Situation" ADD CONSTRAINT "Situation_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SituationLink" ADD CONSTRAINT "SituationLink_situationId_fkey" FOREIGN KEY ("situationId") REFERENCES "Situation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
