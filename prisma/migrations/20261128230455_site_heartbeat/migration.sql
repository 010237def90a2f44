-- AlterTable
ALTER TABLE "Site" ADD COLUMN     "alertsForwarded" BIGINT,
ADD COLUMN     "lastDeliveryAt" TIMESTAMP(3),
ADD COLUMN     "lastError" TEXT,
ADD COLUMN     "queueBytes" BIGINT,
ADD COLUMN     "queueDepth" INTEGER;
