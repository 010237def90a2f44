-- Situation linking (packages/correlation/src/store/situation-links.ts) counts the incidents of the
-- company first seen inside the hub lookback, to tell hub keys. That count read every incident of
-- the lookback on every turn (3 ms a turn at 7,000). The linker now reads them newest first and
-- stops at the count past which no key of its batch can be a hub: this index gives that order.
-- CreateIndex
CREATE INDEX "Incident_companyId_firstSeenAt_idx" ON "Incident"("companyId", "firstSeenAt");
