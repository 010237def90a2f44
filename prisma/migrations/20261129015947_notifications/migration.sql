-- CreateEnum
CREATE TYPE "NotificationChannelKind" AS ENUM ('EMAIL', 'TEAMS', 'SLACK', 'WEBHOOK', 'PAGERDUTY', 'DEMO_INBOX');

-- CreateEnum
CREATE TYPE "NotificationDeliveryStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'GROUPED');

-- CreateTable
CREATE TABLE "NotificationChannel" (
    "id" UUID NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID,
    "name" TEXT NOT NULL,
    "kind" "NotificationChannelKind" NOT NULL,
    "config" JSONB NOT NULL DEFAULT '{}',
    "secretCiphertext" TEXT,
    "ratePerMinute" INTEGER NOT NULL DEFAULT 20,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationChannel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationPolicy" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "severities" "Severity"[] DEFAULT ARRAY[]::"Severity"[],
    "matchers" JSONB NOT NULL DEFAULT '[]',
    "triggers" TEXT[],
    "channelIds" UUID[],
    "quietHours" JSONB,
    "businessHours" JSONB,
    "groupWaitSeconds" INTEGER NOT NULL DEFAULT 30,
    "groupIntervalSeconds" INTEGER NOT NULL DEFAULT 300,
    "digestThreshold" INTEGER NOT NULL DEFAULT 3,
    "escalationPolicyId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationDelivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "incidentId" UUID,
    "policyId" UUID,
    "channelId" UUID,
    "recipient" TEXT,
    "trigger" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "status" "NotificationDeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "grouped" BOOLEAN NOT NULL DEFAULT false,
    "digestId" UUID,
    "message" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "notBefore" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationGroup" (
    "key" TEXT NOT NULL,
    "mspId" UUID NOT NULL,
    "lastFlushAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationGroup_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "EscalationPolicy" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "repeat" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EscalationPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OnCallRotation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "userIds" UUID[],
    "startsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OnCallRotation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OnCallOverride" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "rotationId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OnCallOverride_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationAckToken" (
    "id" UUID NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "deliveryId" UUID,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationAckToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "NotificationInboxMessage" (
    "id" BIGSERIAL NOT NULL,
    "mspId" UUID NOT NULL,
    "channelId" UUID NOT NULL,
    "deliveryId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "NotificationInboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "NotificationChannel_mspId_idx" ON "NotificationChannel"("mspId");

-- CreateIndex
CREATE INDEX "NotificationPolicy_mspId_idx" ON "NotificationPolicy"("mspId");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationDelivery_key_key" ON "NotificationDelivery"("key");

-- CreateIndex
CREATE INDEX "NotificationDelivery_mspId_status_createdAt_idx" ON "NotificationDelivery"("mspId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "NotificationDelivery_channelId_sentAt_idx" ON "NotificationDelivery"("channelId", "sentAt");

-- CreateIndex
CREATE INDEX "NotificationDelivery_incidentId_idx" ON "NotificationDelivery"("incidentId");

-- CreateIndex
CREATE INDEX "EscalationPolicy_mspId_idx" ON "EscalationPolicy"("mspId");

-- CreateIndex
CREATE INDEX "OnCallRotation_mspId_idx" ON "OnCallRotation"("mspId");

-- CreateIndex
CREATE INDEX "OnCallOverride_rotationId_startsAt_idx" ON "OnCallOverride"("rotationId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationAckToken_deliveryId_key" ON "NotificationAckToken"("deliveryId");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationInboxMessage_deliveryId_key" ON "NotificationInboxMessage"("deliveryId");

-- CreateIndex
CREATE INDEX "NotificationInboxMessage_mspId_id_idx" ON "NotificationInboxMessage"("mspId", "id");

-- AddForeignKey
ALTER TABLE "OnCallOverride" ADD CONSTRAINT "OnCallOverride_rotationId_fkey" FOREIGN KEY ("rotationId") REFERENCES "OnCallRotation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
