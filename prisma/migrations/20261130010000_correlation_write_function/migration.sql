-- The writes of a correlation turn in one round trip (issue 15). applyBatch sent each of them as its
-- own statement: the incidents updated and created, the alert states, the incident events, the held
-- alerts linked to their new incident and the decisions, six round trips, each waiting its turn on
-- the event loop it shares with the intake. aw_correlation_write takes them as one JSON document and
-- runs the same statements in the same order (existing incidents first: one that resolved frees its
-- open key for a new one of the batch), with static SQL that PL/pgSQL plans once per session. It runs
-- as its caller (the turn is walled in to one company as aw_tenant by openTurn, packages/correlation/
-- src/store/sql.ts), and names the company in every statement that reads rows. An open key taken by
-- another writer (never expected under the company lock) raises SQLSTATE AW409, which the worker
-- retries, and a decision for an alert no longer pending raises, as before.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon,
-- so the PL/pgSQL body is an E-string with \x3B.)

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
     WHERE i.id = v.id AND i."companyId" = company\x3B
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
