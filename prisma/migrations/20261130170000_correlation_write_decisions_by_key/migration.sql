-- aw_correlation_write (migration 20261130160000_correlation_write_ids_first) stores a turn's decisions
-- with one UPDATE of "Alert" joined with the turn's rows (jsonb_to_recordset, which the planner always
-- estimates at 100 rows). Against that estimate it hashed the rows and read every PENDING alert of the
-- company through the PENDING index to find them: a turn of one alert with 2,700 alerts waiting touched
-- about 75 buffers and took 0.8-1.2 ms in that UPDATE alone, and the cost grew with the backlog, so the
-- busier the company the slower each of its turns. The UPDATE now also names the turn's alert ids as an
-- array, an index condition on (companyId, id) of the PENDING index: each turn reads its own alerts only.
-- Nothing else changes.
CREATE OR REPLACE FUNCTION aw_correlation_write(msp uuid, company uuid, w jsonb) RETURNS void
  LANGUAGE plpgsql AS E'
DECLARE
  n bigint\x3B
  want int\x3B
  ids uuid[]\x3B
  dids bigint[]\x3B
BEGIN
  IF jsonb_array_length(w->\'updated\') > 0 THEN
    -- The updated incidents of this company, read by primary key alone (the fence keeps the company
    -- condition out of the index scan).
    ids := ARRAY(SELECT c.id FROM (SELECT id, "companyId" FROM "Incident"
                                     WHERE id = ANY (ARRAY(SELECT (u->>\'id\')::uuid
                                                             FROM jsonb_array_elements(w->\'updated\') AS u))
                                    OFFSET 0) AS c
                  WHERE c."companyId" = company)\x3B
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
     WHERE i.id = v.id AND i.id = ANY (ids)\x3B
    -- The open state of their entity keys (the turn keeps "IncidentEntityKey" itself: no trigger).
    UPDATE "IncidentEntityKey" e SET open = (v.status <> \'RESOLVED\')
      FROM jsonb_to_recordset(w->\'updated\') AS v(id uuid, status text)
     WHERE e."incidentId" = v.id AND e.open <> (v.status <> \'RESOLVED\') AND e."incidentId" = ANY (ids)\x3B
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
    dids := ARRAY(SELECT (d->>\'id\')::bigint FROM jsonb_array_elements(w->\'decisions\') AS d)\x3B
    UPDATE "Alert" a SET decision = v.decision::"AlertDecision", "correlationKey" = v.key, "incidentId" = v.inc,
           "decisionReason" = v.reason, "decidedAt" = clock_timestamp()
      FROM jsonb_to_recordset(w->\'decisions\') AS v(id bigint, at timestamp, decision text, key text, inc uuid,
           reason jsonb)
     WHERE a."companyId" = company AND a.id = v.id AND a."occurredAt" = v.at AND a.decision = \'PENDING\'
       AND a.id = ANY (dids)\x3B
    GET DIAGNOSTICS n = ROW_COUNT\x3B
    IF n <> want THEN
      RAISE EXCEPTION \'expected % pending alerts, updated %\', want, n\x3B
    END IF\x3B
  END IF\x3B
END
';
