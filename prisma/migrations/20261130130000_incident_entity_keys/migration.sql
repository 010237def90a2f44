-- CreateTable
CREATE TABLE "IncidentEntityKey" (
    "incidentId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "mspId" UUID NOT NULL,
    "companyId" UUID NOT NULL,
    "open" BOOLEAN NOT NULL,
    "firstSeenAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "IncidentEntityKey_pkey" PRIMARY KEY ("incidentId","key")
);

-- CreateIndex
CREATE INDEX "IncidentEntityKey_companyId_key_open_firstSeenAt_idx" ON "IncidentEntityKey"("companyId", "key", "open", "firstSeenAt");

-- AddForeignKey
ALTER TABLE "IncidentEntityKey" ADD CONSTRAINT "IncidentEntityKey_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- (The statements above are Prisma's diff of schema.prisma. Below: what the schema language cannot
-- say.) Issue 15: situation linking read every live incident of the company on every turn (the open
-- ones and those resolved inside the hub lookback) and unnested their entity keys to find the ones
-- that share a key of the batch: 9 ms a turn at 4,300 live incidents on the bench stream, 11-13 ms
-- at 7,000, growing with them. This table holds one row per (incident, entity key), with whether
-- the incident is open and when it was first seen, so the linker reads by index only the incidents
-- that share a key of its batch: the open ones, and the resolved ones first seen since the start of
-- the lookback.
--
-- Who keeps the rows:
-- * A correlation turn (packages/correlation/src/store: openTurn sets aw.entity_keys_kept = on for
--   its transaction) keeps them itself, set-based: aw_correlation_write updates the open state of
--   the incidents it updates, and the situation linker inserts the keys it adds.
-- * Every other writer (a technician resolving or reopening on the board, runbooks, seeds, tests)
--   through the row triggers below, which fire only for a row whose keys, open state (RESOLVED or
--   not), first-seen time or tenant changed.
-- Deleting an incident deletes its rows (foreign key). The triggers run as their caller: a
-- walled-in writer writes the rows of its own tenant, which the policy at the end allows.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon,
-- so the PL/pgSQL bodies are E-strings with \x3B.)

CREATE OR REPLACE FUNCTION aw_incident_entity_keys_sync() RETURNS trigger
  LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = \'UPDATE\' THEN
    DELETE FROM "IncidentEntityKey" WHERE "incidentId" = NEW.id AND NOT (key = ANY (NEW."entityKeys"))\x3B
  END IF\x3B
  INSERT INTO "IncidentEntityKey" AS e ("incidentId", key, "mspId", "companyId", open, "firstSeenAt")
  SELECT DISTINCT NEW.id, k.k, NEW."mspId", NEW."companyId", NEW.status <> \'RESOLVED\', NEW."firstSeenAt"
    FROM unnest(NEW."entityKeys") AS k(k)
  ON CONFLICT ("incidentId", key) DO UPDATE
     SET open = EXCLUDED.open, "firstSeenAt" = EXCLUDED."firstSeenAt", "mspId" = EXCLUDED."mspId",
         "companyId" = EXCLUDED."companyId"
   WHERE (e.open, e."firstSeenAt", e."mspId", e."companyId")
         IS DISTINCT FROM (EXCLUDED.open, EXCLUDED."firstSeenAt", EXCLUDED."mspId", EXCLUDED."companyId")\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER aw_incident_entity_keys_ins AFTER INSERT ON "Incident" FOR EACH ROW
  WHEN (cardinality(NEW."entityKeys") > 0
        AND current_setting('aw.entity_keys_kept', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION aw_incident_entity_keys_sync();

CREATE TRIGGER aw_incident_entity_keys_upd AFTER UPDATE ON "Incident" FOR EACH ROW
  WHEN (current_setting('aw.entity_keys_kept', true) IS DISTINCT FROM 'on'
        AND (OLD."entityKeys" IS DISTINCT FROM NEW."entityKeys"
             OR (OLD.status = 'RESOLVED') <> (NEW.status = 'RESOLVED')
             OR OLD."firstSeenAt" <> NEW."firstSeenAt"
             OR OLD."mspId" <> NEW."mspId" OR OLD."companyId" <> NEW."companyId"))
  EXECUTE FUNCTION aw_incident_entity_keys_sync();

-- aw_correlation_write (migration 20261130010000_correlation_write_function), with two changes:
-- * It found the incidents it updates by a hash join of the batch's rows (estimated at 100, the
--   default of jsonb_to_recordset) with every incident of the company, a sequential scan that grew
--   with the company's history (3 ms a turn at 4,300 incidents). The updated incidents' ids are now
--   also given as an array, and PostgreSQL reads them by primary key.
-- * It keeps the open state of the updated incidents' rows in "IncidentEntityKey".
-- Nothing else changes.
CREATE OR REPLACE FUNCTION aw_correlation_write(msp uuid, company uuid, w jsonb) RETURNS void
  LANGUAGE plpgsql AS E'
DECLARE
  n bigint\x3B
  want int\x3B
BEGIN
  IF jsonb_array_length(w->\'updated\') > 0 THEN
    UPDATE "Incident" i SET "correlationKey" = v.key, "openKey" = v.open, status = v.status::"IncidentStatus",
           severity = v.sev::"Severity", "alertCount" = v.ac, "firingCount" = v.fc, "windowEnd" = v.we,
           "lastSeenAt" = v.ls, flapping = v.fl, transitions = v.tr, "quietSince" = v.qs,
           "lastTransitionAt" = v.lt,
           "resolvedAt" = COALESCE(i."resolvedAt", v.ra),
           resolution = COALESCE(i.resolution, v.res::"ResolutionKind"),
           "resolutionNote" = COALESCE(i."resolutionNote", v.note), "eventsUntil" = v.eu,
           stale = v.st, "updatedAt" = now()
      FROM jsonb_to_recordset(w->\'updated\') AS v(id uuid, key text, open text, status text, sev text, ac int, fc int,
           we timestamp, ls timestamp, fl bool, tr int, qs timestamp, lt timestamp, ra timestamp, res text, note text,
           eu timestamp, st bool)
     WHERE i.id = v.id AND i."companyId" = company
       AND i.id = ANY (ARRAY(SELECT (u->>\'id\')::uuid FROM jsonb_array_elements(w->\'updated\') AS u))\x3B
    -- The open state of their entity keys (the turn keeps "IncidentEntityKey" itself: no trigger).
    UPDATE "IncidentEntityKey" e SET open = (v.status <> \'RESOLVED\')
      FROM jsonb_to_recordset(w->\'updated\') AS v(id uuid, status text)
     WHERE e."incidentId" = v.id AND e."companyId" = company AND e.open <> (v.status <> \'RESOLVED\')
       AND e."incidentId" = ANY (ARRAY(SELECT (u->>\'id\')::uuid FROM jsonb_array_elements(w->\'updated\') AS u))\x3B
  END IF\x3B
  want := jsonb_array_length(w->\'created\')\x3B
  IF want > 0 THEN
    INSERT INTO "Incident" (id, "correlationKey", "openKey", status, severity, "alertCount", "firingCount",
           "windowEnd", "lastSeenAt", flapping, transitions, "quietSince", "lastTransitionAt", "resolvedAt",
           resolution, "resolutionNote", "mspId", "companyId", title, asset, signature, source, "windowMode",
           "windowStart", "firstSeenAt", "eventsUntil", stale, "createdAt", "updatedAt")
    SELECT v.id, v.key, v.open, v.status::"IncidentStatus", v.sev::"Severity", v.ac, v.fc, v.we, v.ls, v.fl, v.tr,
           v.qs, v.lt, v.ra, v.res::"ResolutionKind", v.note, msp, company, v.title, v.asset, v.signature,
           v.source::"AlertSource", v.mode::"WindowMode", v.ws, v.fs, v.eu, v.st, now(), now()
      FROM ROWS FROM (jsonb_to_recordset(w->\'created\') AS (id uuid, key text, open text, status text, sev text, ac int,
           fc int, we timestamp, ls timestamp, fl bool, tr int, qs timestamp, lt timestamp, ra timestamp, res text,
           note text, eu timestamp, st bool, title text, asset text, signature text, source text, mode text,
           ws timestamp, fs timestamp)) WITH ORDINALITY
           AS v(id, key, open, status, sev, ac, fc, we, ls, fl, tr, qs, lt, ra, res, note, eu, st, title, asset,
                signature, source, mode, ws, fs, ord)
     ORDER BY v.ord
    ON CONFLICT ("companyId", "openKey") DO NOTHING\x3B
    GET DIAGNOSTICS n = ROW_COUNT\x3B
    IF n <> want THEN
      RAISE EXCEPTION \'an open incident for one of these keys already exists\' USING ERRCODE = \'AW409\'\x3B
    END IF\x3B
  END IF\x3B
  IF jsonb_array_length(w->\'fingerprints\') > 0 THEN
    INSERT INTO "AlertState" ("mspId", "companyId", fingerprint, status, source, asset, signature, service,
           severity, labels, "lastAlertId", "lastSeenAt", "incidentId", transitions, kind)
    SELECT msp, company, v.fp, v.status::"AlertStatus", v.source::"AlertSource", v.asset, v.signature, v.service,
           v.severity::"Severity", v.labels, v.last, v.seen, v.inc,
           ARRAY(SELECT jsonb_array_elements_text(v.tr)::timestamp), v.kind::"AlertKind"
      FROM jsonb_to_recordset(w->\'fingerprints\') AS v(fp text, status text, source text, asset text, signature text,
           service text, severity text, labels jsonb, last bigint, seen timestamp, inc uuid, tr jsonb, kind text)
    ON CONFLICT ("companyId", fingerprint) DO UPDATE SET status = EXCLUDED.status, source = EXCLUDED.source,
           asset = EXCLUDED.asset, signature = EXCLUDED.signature, service = EXCLUDED.service,
           severity = EXCLUDED.severity, labels = EXCLUDED.labels, "lastAlertId" = EXCLUDED."lastAlertId",
           "lastSeenAt" = EXCLUDED."lastSeenAt", "incidentId" = EXCLUDED."incidentId",
           transitions = EXCLUDED.transitions, kind = EXCLUDED.kind\x3B
  END IF\x3B
  IF jsonb_array_length(w->\'events\') > 0 THEN
    INSERT INTO "IncidentEvent" ("mspId", "companyId", "incidentId", type, message, data, "createdAt")
    SELECT msp, company, v.inc, v.type, v.msg, v.data, v.at
      FROM jsonb_to_recordset(w->\'events\') AS v(inc uuid, type text, msg text, data jsonb, at timestamp)\x3B
  END IF\x3B
  IF jsonb_array_length(w->\'links\') > 0 THEN
    UPDATE "Alert" a SET "incidentId" = l.inc
      FROM jsonb_to_recordset(w->\'links\') AS l(inc uuid, id bigint)
     WHERE a.id = l.id AND a."companyId" = company AND a."incidentId" IS NULL\x3B
  END IF\x3B
  want := jsonb_array_length(w->\'decisions\')\x3B
  IF want > 0 THEN
    UPDATE "Alert" a SET decision = v.decision::"AlertDecision", "correlationKey" = v.key, "incidentId" = v.inc,
           "decisionReason" = v.reason, "decidedAt" = clock_timestamp()
      FROM jsonb_to_recordset(w->\'decisions\') AS v(id bigint, at timestamp, decision text, key text, inc uuid,
           reason jsonb)
     WHERE a."companyId" = company AND a.id = v.id AND a."occurredAt" = v.at AND a.decision = \'PENDING\'\x3B
    GET DIAGNOSTICS n = ROW_COUNT\x3B
    IF n <> want THEN
      RAISE EXCEPTION \'expected % pending alerts, updated %\', want, n\x3B
    END IF\x3B
  END IF\x3B
END
';

-- The incidents stored before this migration.
INSERT INTO "IncidentEntityKey" ("incidentId", key, "mspId", "companyId", open, "firstSeenAt")
SELECT DISTINCT i.id, k.k, i."mspId", i."companyId", i.status <> 'RESOLVED', i."firstSeenAt"
  FROM "Incident" i CROSS JOIN LATERAL unnest(i."entityKeys") AS k(k);

SELECT aw_enable_tenant_rls('IncidentEntityKey');
