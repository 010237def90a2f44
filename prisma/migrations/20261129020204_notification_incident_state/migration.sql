-- CreateTable
CREATE TABLE "NotificationIncidentState" (
    "incidentId" UUID NOT NULL,
    "mspId" UUID NOT NULL,
    "maxSeverity" "Severity" NOT NULL,
    "flapping" BOOLEAN NOT NULL DEFAULT false,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationIncidentState_pkey" PRIMARY KEY ("incidentId")
);
