-- AlterTable
ALTER TABLE "NotificationDelivery" ADD COLUMN     "psaConnectionId" UUID;

-- AlterTable
ALTER TABLE "NotificationPolicy" ADD COLUMN     "psaConnectionId" UUID;

-- CreateTable
CREATE TABLE "PsaConnection" (
    "id" UUID NOT NULL,
    "mspId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secretCiphertext" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastPolledAt" TIMESTAMP(3),
    "lastPollError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PsaConnection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PsaCompanyMapping" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "psaCompany" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PsaCompanyMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PsaTicketLink" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "ticketId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'OPEN',
    "closedBy" TEXT,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PsaTicketLink_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PsaConnection_mspId_idx" ON "PsaConnection"("mspId");

-- CreateIndex
CREATE INDEX "PsaCompanyMapping_mspId_idx" ON "PsaCompanyMapping"("mspId");

-- CreateIndex
CREATE UNIQUE INDEX "PsaCompanyMapping_connectionId_companyId_key" ON "PsaCompanyMapping"("connectionId", "companyId");

-- CreateIndex
CREATE INDEX "PsaTicketLink_connectionId_status_idx" ON "PsaTicketLink"("connectionId", "status");

-- CreateIndex
CREATE INDEX "PsaTicketLink_mspId_idx" ON "PsaTicketLink"("mspId");

-- CreateIndex
CREATE UNIQUE INDEX "PsaTicketLink_incidentId_connectionId_key" ON "PsaTicketLink"("incidentId", "connectionId");

-- Row-level security (tenant tables of the PSA connector).
SELECT aw_enable_tenant_rls('PsaConnection');
SELECT aw_enable_tenant_rls('PsaCompanyMapping');
SELECT aw_enable_tenant_rls('PsaTicketLink');
