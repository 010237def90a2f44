-- CreateEnum
CREATE TYPE "Role" AS ENUM ('OWNER', 'ADMIN', 'TECHNICIAN', 'CLIENT_ADMIN', 'CLIENT_VIEWER');

-- CreateEnum
CREATE TYPE "Severity" AS ENUM ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFO');

-- CreateEnum
CREATE TYPE "AlertSource" AS ENUM ('NATIVE', 'ALERTMANAGER', 'PAGERDUTY', 'CLOUDWATCH', 'GRAFANA', 'GENERIC', 'OPERATOR');

-- CreateEnum
CREATE TYPE "AlertStatus" AS ENUM ('FIRING', 'RESOLVED');

-- CreateEnum
CREATE TYPE "AlertDecision" AS ENUM ('PENDING', 'CORRELATED', 'DEDUPLICATED', 'SUPPRESSED', 'INHIBITED', 'RESOLVED_SIGNAL');

-- CreateEnum
CREATE TYPE "IncidentStatus" AS ENUM ('OPEN', 'ACKNOWLEDGED', 'RESOLVED');

-- CreateEnum
CREATE TYPE "ResolutionKind" AS ENUM ('MANUAL', 'AUTO', 'RUNBOOK');

-- CreateEnum
CREATE TYPE "WindowMode" AS ENUM ('FIXED', 'ROLLING');

-- CreateEnum
CREATE TYPE "AwsConnectionStatus" AS ENUM ('NOT_CONFIGURED', 'PENDING', 'CONNECTED', 'FAILED');

-- CreateEnum
CREATE TYPE "RunbookKind" AS ENUM ('COMMAND', 'AUTOMATION');

-- CreateEnum
CREATE TYPE "PolicyMode" AS ENUM ('AUTO', 'APPROVAL', 'DISABLED');

-- CreateEnum
CREATE TYPE "ExecutionStatus" AS ENUM ('PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'CANCELLED', 'TIMED_OUT');

-- CreateEnum
CREATE TYPE "SiteKind" AS ENUM ('KUBERNETES', 'ON_PREM');

-- CreateTable
CREATE TABLE "Msp" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "awsAccountId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Msp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "failedLogins" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "lastLoginAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID,
    "role" "Role" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "invitedById" UUID,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acceptedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PasswordResetToken" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PasswordResetToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Company" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "simulated" BOOLEAN NOT NULL DEFAULT false,
    "awsExternalId" TEXT NOT NULL,
    "awsRoleArn" TEXT,
    "awsRegion" TEXT NOT NULL DEFAULT 'us-east-1',
    "awsStatus" "AwsConnectionStatus" NOT NULL DEFAULT 'NOT_CONFIGURED',
    "awsLastTestedAt" TIMESTAMP(3),
    "awsLastError" TEXT,
    "webhookOnly" BOOLEAN NOT NULL DEFAULT false,
    "correlationWindowMinutes" INTEGER NOT NULL DEFAULT 15,
    "correlationWindowMode" "WindowMode" NOT NULL DEFAULT 'FIXED',
    "correlationMaxSpanMinutes" INTEGER NOT NULL DEFAULT 1440,
    "aggregationKey" TEXT NOT NULL DEFAULT 'asset|signature',
    "minAlertsToOpen" INTEGER NOT NULL DEFAULT 1,
    "autoResolveQuietMinutes" INTEGER NOT NULL DEFAULT 0,
    "autoCloseAfterMinutes" INTEGER,
    "flapThreshold" INTEGER NOT NULL DEFAULT 4,
    "flapWindowMinutes" INTEGER NOT NULL DEFAULT 30,
    "hmacRequired" BOOLEAN NOT NULL DEFAULT true,
    "onboardingStep" TEXT NOT NULL DEFAULT 'profile',
    "onboardingDoneAt" TIMESTAMP(3),
    "firstAlertAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Company_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "scopes" TEXT[] DEFAULT ARRAY['alerts:write']::TEXT[],
    "allowUnsigned" BOOLEAN NOT NULL DEFAULT false,
    "routingKeyHash" TEXT,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "rotatedFromId" UUID,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookSecret" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "ciphertext" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookSecret_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GenericMapping" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "paths" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GenericMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReplayNonce" (
    "companyId" UUID NOT NULL,
    "signature" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReplayNonce_pkey" PRIMARY KEY ("companyId","signature")
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "companyId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IdempotencyRecord_pkey" PRIMARY KEY ("companyId","key")
);

-- CreateTable
CREATE TABLE "Alert" (
    "id" BIGSERIAL NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "source" "AlertSource" NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "dedupKey" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "service" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "severity" "Severity" NOT NULL,
    "status" "AlertStatus" NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "raw" JSONB NOT NULL,
    "apiKeyId" UUID,
    "idempotencyKey" TEXT,
    "decision" "AlertDecision" NOT NULL DEFAULT 'PENDING',
    "correlationKey" TEXT,
    "incidentId" UUID,
    "decisionReason" JSONB,
    "decidedAt" TIMESTAMP(3),

    CONSTRAINT "Alert_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Incident" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "correlationKey" TEXT NOT NULL,
    "openKey" TEXT,
    "title" TEXT NOT NULL,
    "asset" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "source" "AlertSource" NOT NULL,
    "status" "IncidentStatus" NOT NULL DEFAULT 'OPEN',
    "severity" "Severity" NOT NULL,
    "alertCount" INTEGER NOT NULL DEFAULT 0,
    "firingCount" INTEGER NOT NULL DEFAULT 0,
    "windowMode" "WindowMode" NOT NULL DEFAULT 'FIXED',
    "windowStart" TIMESTAMP(3) NOT NULL,
    "windowEnd" TIMESTAMP(3) NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL,
    "flapping" BOOLEAN NOT NULL DEFAULT false,
    "transitions" INTEGER NOT NULL DEFAULT 0,
    "assigneeId" UUID,
    "acknowledgedAt" TIMESTAMP(3),
    "acknowledgedById" UUID,
    "resolvedAt" TIMESTAMP(3),
    "resolvedById" UUID,
    "resolution" "ResolutionKind",
    "resolutionNote" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Incident_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IncidentEvent" (
    "id" BIGSERIAL NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "incidentId" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" UUID,
    "message" TEXT NOT NULL DEFAULT '',
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "IncidentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MaintenanceWindow" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "matchers" JSONB NOT NULL DEFAULT '[]',
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "recurrence" JSONB,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MaintenanceWindow_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Silence" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "matchers" JSONB NOT NULL DEFAULT '[]',
    "comment" TEXT NOT NULL DEFAULT '',
    "startsAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Silence_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InhibitionRule" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sourceMatchers" JSONB NOT NULL DEFAULT '[]',
    "targetMatchers" JSONB NOT NULL DEFAULT '[]',
    "equal" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InhibitionRule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Runbook" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "kind" "RunbookKind" NOT NULL DEFAULT 'COMMAND',
    "documentName" TEXT NOT NULL,
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "platform" TEXT NOT NULL DEFAULT 'Linux',
    "signatures" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Runbook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunbookPolicy" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "runbookId" UUID NOT NULL,
    "signature" TEXT NOT NULL,
    "mode" "PolicyMode" NOT NULL DEFAULT 'APPROVAL',
    "maxPerHour" INTEGER NOT NULL DEFAULT 3,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RunbookPolicy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RunbookExecution" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "runbookId" UUID NOT NULL,
    "incidentId" UUID,
    "status" "ExecutionStatus" NOT NULL DEFAULT 'PENDING',
    "automatic" BOOLEAN NOT NULL DEFAULT false,
    "targets" JSONB NOT NULL DEFAULT '[]',
    "parameters" JSONB NOT NULL DEFAULT '{}',
    "commandId" TEXT,
    "automationExecutionId" TEXT,
    "output" TEXT,
    "error" TEXT,
    "requestedById" UUID,
    "approvedById" UUID,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "RunbookExecution_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatchComplianceSnapshot" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "instanceId" TEXT NOT NULL,
    "compliant" BOOLEAN NOT NULL,
    "installedCount" INTEGER NOT NULL DEFAULT 0,
    "missingCount" INTEGER NOT NULL DEFAULT 0,
    "failedCount" INTEGER NOT NULL DEFAULT 0,
    "criticalMissing" INTEGER NOT NULL DEFAULT 0,
    "securityMissing" INTEGER NOT NULL DEFAULT 0,
    "baselineId" TEXT,
    "operationEndedAt" TIMESTAMP(3),
    "capturedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "raw" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "PatchComplianceSnapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HybridActivation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "siteId" UUID,
    "activationId" TEXT NOT NULL,
    "codeCiphertext" TEXT,
    "iamRole" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "registrationLimit" INTEGER NOT NULL,
    "registrationsCount" INTEGER NOT NULL DEFAULT 0,
    "defaultInstanceName" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdById" UUID,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HybridActivation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ManagedNode" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "instanceId" TEXT NOT NULL,
    "name" TEXT,
    "pingStatus" TEXT NOT NULL,
    "platformType" TEXT,
    "platformName" TEXT,
    "agentVersion" TEXT,
    "ipAddress" TEXT,
    "isHybrid" BOOLEAN NOT NULL DEFAULT false,
    "activationId" TEXT,
    "lastPingAt" TIMESTAMP(3),
    "syncedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ManagedNode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Site" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "SiteKind" NOT NULL DEFAULT 'KUBERNETES',
    "clusterUid" TEXT,
    "operatorVersion" TEXT,
    "apiKeyId" UUID,
    "lastSeenAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditLog" (
    "id" BIGSERIAL NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID,
    "actorId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RealtimeEvent" (
    "id" BIGSERIAL NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RealtimeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Msp_slug_key" ON "Msp"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Membership_mspId_role_idx" ON "Membership"("mspId", "role");

-- CreateIndex
CREATE INDEX "Membership_companyId_idx" ON "Membership"("companyId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_mspId_key" ON "Membership"("userId", "mspId");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_mspId_createdAt_idx" ON "Invitation"("mspId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PasswordResetToken_tokenHash_key" ON "PasswordResetToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Company_awsExternalId_key" ON "Company"("awsExternalId");

-- CreateIndex
CREATE INDEX "Company_mspId_idx" ON "Company"("mspId");

-- CreateIndex
CREATE UNIQUE INDEX "Company_mspId_slug_key" ON "Company"("mspId", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_routingKeyHash_key" ON "ApiKey"("routingKeyHash");

-- CreateIndex
CREATE INDEX "ApiKey_companyId_idx" ON "ApiKey"("companyId");

-- CreateIndex
CREATE INDEX "WebhookSecret_companyId_createdAt_idx" ON "WebhookSecret"("companyId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "GenericMapping_companyId_name_key" ON "GenericMapping"("companyId", "name");

-- CreateIndex
CREATE INDEX "ReplayNonce_expiresAt_idx" ON "ReplayNonce"("expiresAt");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_createdAt_idx" ON "IdempotencyRecord"("createdAt");

-- CreateIndex
CREATE INDEX "Alert_companyId_receivedAt_idx" ON "Alert"("companyId", "receivedAt");

-- CreateIndex
CREATE INDEX "Alert_companyId_occurredAt_idx" ON "Alert"("companyId", "occurredAt");

-- CreateIndex
CREATE INDEX "Alert_mspId_receivedAt_idx" ON "Alert"("mspId", "receivedAt");

-- CreateIndex
CREATE INDEX "Alert_incidentId_idx" ON "Alert"("incidentId");

-- CreateIndex
CREATE INDEX "Alert_companyId_decision_idx" ON "Alert"("companyId", "decision");

-- CreateIndex
CREATE UNIQUE INDEX "Alert_companyId_dedupKey_key" ON "Alert"("companyId", "dedupKey");

-- CreateIndex
CREATE INDEX "Incident_companyId_status_lastSeenAt_idx" ON "Incident"("companyId", "status", "lastSeenAt");

-- CreateIndex
CREATE INDEX "Incident_mspId_status_lastSeenAt_idx" ON "Incident"("mspId", "status", "lastSeenAt");

-- CreateIndex
CREATE INDEX "Incident_companyId_signature_idx" ON "Incident"("companyId", "signature");

-- CreateIndex
CREATE UNIQUE INDEX "Incident_companyId_openKey_key" ON "Incident"("companyId", "openKey");

-- CreateIndex
CREATE INDEX "IncidentEvent_incidentId_createdAt_idx" ON "IncidentEvent"("incidentId", "createdAt");

-- CreateIndex
CREATE INDEX "MaintenanceWindow_companyId_endsAt_idx" ON "MaintenanceWindow"("companyId", "endsAt");

-- CreateIndex
CREATE INDEX "Silence_companyId_endsAt_idx" ON "Silence"("companyId", "endsAt");

-- CreateIndex
CREATE INDEX "InhibitionRule_companyId_idx" ON "InhibitionRule"("companyId");

-- CreateIndex
CREATE UNIQUE INDEX "Runbook_mspId_name_key" ON "Runbook"("mspId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "RunbookPolicy_companyId_runbookId_signature_key" ON "RunbookPolicy"("companyId", "runbookId", "signature");

-- CreateIndex
CREATE INDEX "RunbookExecution_companyId_createdAt_idx" ON "RunbookExecution"("companyId", "createdAt");

-- CreateIndex
CREATE INDEX "RunbookExecution_incidentId_idx" ON "RunbookExecution"("incidentId");

-- CreateIndex
CREATE INDEX "PatchComplianceSnapshot_companyId_capturedAt_idx" ON "PatchComplianceSnapshot"("companyId", "capturedAt");

-- CreateIndex
CREATE INDEX "PatchComplianceSnapshot_companyId_instanceId_capturedAt_idx" ON "PatchComplianceSnapshot"("companyId", "instanceId", "capturedAt");

-- CreateIndex
CREATE UNIQUE INDEX "HybridActivation_companyId_activationId_key" ON "HybridActivation"("companyId", "activationId");

-- CreateIndex
CREATE UNIQUE INDEX "ManagedNode_companyId_instanceId_key" ON "ManagedNode"("companyId", "instanceId");

-- CreateIndex
CREATE UNIQUE INDEX "Site_companyId_name_key" ON "Site"("companyId", "name");

-- CreateIndex
CREATE INDEX "AuditLog_mspId_createdAt_idx" ON "AuditLog"("mspId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditLog_companyId_createdAt_idx" ON "AuditLog"("companyId", "createdAt");

-- CreateIndex
CREATE INDEX "RealtimeEvent_mspId_id_idx" ON "RealtimeEvent"("mspId", "id");

-- CreateIndex
CREATE INDEX "RealtimeEvent_createdAt_idx" ON "RealtimeEvent"("createdAt");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PasswordResetToken" ADD CONSTRAINT "PasswordResetToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Company" ADD CONSTRAINT "Company_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookSecret" ADD CONSTRAINT "WebhookSecret_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GenericMapping" ADD CONSTRAINT "GenericMapping_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Alert" ADD CONSTRAINT "Alert_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Incident" ADD CONSTRAINT "Incident_assigneeId_fkey" FOREIGN KEY ("assigneeId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "IncidentEvent" ADD CONSTRAINT "IncidentEvent_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MaintenanceWindow" ADD CONSTRAINT "MaintenanceWindow_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Silence" ADD CONSTRAINT "Silence_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InhibitionRule" ADD CONSTRAINT "InhibitionRule_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Runbook" ADD CONSTRAINT "Runbook_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunbookPolicy" ADD CONSTRAINT "RunbookPolicy_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunbookPolicy" ADD CONSTRAINT "RunbookPolicy_runbookId_fkey" FOREIGN KEY ("runbookId") REFERENCES "Runbook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunbookExecution" ADD CONSTRAINT "RunbookExecution_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunbookExecution" ADD CONSTRAINT "RunbookExecution_runbookId_fkey" FOREIGN KEY ("runbookId") REFERENCES "Runbook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RunbookExecution" ADD CONSTRAINT "RunbookExecution_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatchComplianceSnapshot" ADD CONSTRAINT "PatchComplianceSnapshot_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HybridActivation" ADD CONSTRAINT "HybridActivation_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HybridActivation" ADD CONSTRAINT "HybridActivation_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ManagedNode" ADD CONSTRAINT "ManagedNode_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Site" ADD CONSTRAINT "Site_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;
