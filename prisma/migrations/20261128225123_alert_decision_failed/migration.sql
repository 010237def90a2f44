-- AlterEnum
ALTER TYPE "AlertDecision" ADD VALUE 'FAILED';

-- AlterTable
ALTER TABLE "Alert" ADD COLUMN     "decisionAttempts" INTEGER NOT NULL DEFAULT 0;
