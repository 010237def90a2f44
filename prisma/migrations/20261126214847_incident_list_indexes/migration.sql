-- CreateIndex
CREATE INDEX "Incident_companyId_lastSeenAt_id_idx" ON "Incident"("companyId", "lastSeenAt", "id");

-- CreateIndex
CREATE INDEX "Incident_mspId_lastSeenAt_id_idx" ON "Incident"("mspId", "lastSeenAt", "id");
