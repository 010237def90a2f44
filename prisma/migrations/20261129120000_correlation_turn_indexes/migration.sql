-- Indexes for the correlation turn (issue 15).
--
-- "Incident"."situationId" had no index: closing finished situations (NOT EXISTS an open incident
-- of the situation) and the situation counts scanned every incident of the table, per situation.
-- "mspId" is the condition of the tenant wall (row-level security), so the wall adds no second index.
CREATE INDEX "Incident_situationId_mspId_idx" ON "Incident"("situationId", "mspId");

-- Situation linking reads the incidents that share an entity key with the batch (&&): without an
-- index that read went through every incident of the company, on every turn.
CREATE INDEX "Incident_entityKeys_idx" ON "Incident" USING GIN ("entityKeys");

-- The PENDING alerts of a company, in id order. The correlation turn reads the first 2,000 of them.
-- The old ("companyId", decision) index held every alert ever stored and made each turn read the
-- whole backlog and sort it. This one holds only the undecided alerts, already in turn order, and
-- the new row version of a decided alert adds nothing to it. (The Prisma schema cannot express a partial
-- index, so the migration history carries it.)
DROP INDEX "Alert_companyId_decision_idx";
CREATE INDEX "Alert_pending_idx" ON "Alert"("companyId", "id") WHERE decision = 'PENDING';
