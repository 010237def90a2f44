-- AlterTable
ALTER TABLE "HybridActivation" ADD COLUMN     "apiKeyId" UUID;

-- AddForeignKey
ALTER TABLE "HybridActivation" ADD CONSTRAINT "HybridActivation_apiKeyId_fkey" FOREIGN KEY ("apiKeyId") REFERENCES "ApiKey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Scopes become meaningful: every key issued before this migration sent alerts (the column held its
-- default or nothing), so each gets exactly `alerts:write`. A cluster's operator now needs a new key
-- with the `site` scope: an alert key must never enroll machines (issue 10).
UPDATE "ApiKey" SET "scopes" = ARRAY['alerts:write']::TEXT[];
ALTER TABLE "ApiKey" ALTER COLUMN "scopes" SET NOT NULL;
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_scopes_known" CHECK (
  cardinality("scopes") > 0 AND "scopes" <@ ARRAY['alerts:write', 'site']::TEXT[]
);

CREATE INDEX "HybridActivation_apiKeyId_idx" ON "HybridActivation"("apiKeyId");
