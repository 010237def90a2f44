-- The situation linker now decides before the turn's write, and its writes go out with the turn's
-- in one round trip (packages/correlation/src/store/apply.ts, situation-links.ts). Before, the turn
-- wrote its incidents (aw_correlation_write), then the linker read and wrote again
-- (aw_situation_link_write): an incident that gained entity keys or joined a situation got a second
-- row version in the same transaction (nine indexes, not a HOT update), and the linker's write was a
-- round trip of its own.
-- aw_correlation_write: a created or updated incident's row may carry its entity keys (`keys`, a
-- JSON array, sorted) and its situation (`sit`). Absent, the incident keeps what it has (a tick
-- sends neither). Nothing else changes.
-- aw_turn_write: in foreign-key order, the new situations (their severity is set by the recount at
-- the end, from their members, as it was), the turn's writes (aw_correlation_write), the rows of
-- "IncidentEntityKey" for the keys the incidents gained, the keys and situation of incidents the turn
-- did not write (a candidate that joins a new situation), the links' explanations and the touched
-- situations' counts (the recount of migration 20261203070000_situation_recount_per_situation,
-- unchanged). aw_situation_link_write is no longer called.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon.)
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
           stale = v.st,
           "entityKeys" = CASE WHEN v.keys IS NULL THEN i."entityKeys"
                               ELSE ARRAY(SELECT jsonb_array_elements_text(v.keys)) END,
           "situationId" = COALESCE(v.sit, i."situationId"),
           "updatedAt" = now()
      FROM jsonb_to_recordset(w->\'updated\') AS v(id uuid, key text, open text, status text, sev text, ac int, fc int,
           we timestamp, ls timestamp, fl bool, tr int, qs timestamp, lt timestamp, ra timestamp, res text, note text,
           eu timestamp, st bool, keys jsonb, sit uuid)
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
           "windowStart", "firstSeenAt", "eventsUntil", stale, "entityKeys", "situationId", "createdAt", "updatedAt")
    SELECT v.id, v.key, v.open, v.status::"IncidentStatus", v.sev::"Severity", v.ac, v.fc, v.we, v.ls, v.fl, v.tr,
           v.qs, v.lt, v.ra, v.res::"ResolutionKind", v.note, msp, company, v.title, v.asset, v.signature,
           v.source::"AlertSource", v.mode::"WindowMode", v.ws, v.fs, v.eu, v.st,
           ARRAY(SELECT jsonb_array_elements_text(COALESCE(v.keys, \'[]\'::jsonb))), v.sit, now(), now()
      FROM ROWS FROM (jsonb_to_recordset(w->\'created\') AS (id uuid, key text, open text, status text, sev text, ac int,
           fc int, we timestamp, ls timestamp, fl bool, tr int, qs timestamp, lt timestamp, ra timestamp, res text,
           note text, eu timestamp, st bool, title text, asset text, signature text, source text, mode text,
           ws timestamp, fs timestamp, keys jsonb, sit uuid)) WITH ORDINALITY
           AS v(id, key, open, status, sev, ac, fc, we, ls, fl, tr, qs, lt, ra, res, note, eu, st, title, asset,
                signature, source, mode, ws, fs, keys, sit, ord)
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

CREATE OR REPLACE FUNCTION aw_turn_write(msp uuid, company uuid, w jsonb,
  c_id uuid[], c_title text[], c_fs text[], c_ls text[],
  k_id uuid[], k_keys text[], k_sit uuid[], a_id uuid[], a_key text[],
  e_sit uuid[], e_inc uuid[], e_linked uuid[], e_entity text[], e_value text[], e_expl text[], e_t text[],
  t_id uuid[], t_t text[]) RETURNS void
  LANGUAGE plpgsql AS E'
DECLARE
  t_at jsonb\x3B
BEGIN
  IF cardinality(c_id) > 0 THEN
    -- Before the incidents that point at them. Their severity is set by the recount below, from their
    -- members (every new situation has members: it is touched).
    INSERT INTO "Situation" (id, "mspId", "companyId", status, title, severity, "incidentCount", "firstSeenAt",
           "lastSeenAt", "createdAt", "updatedAt")
    SELECT v.id, msp, company, \'OPEN\', v.title, \'INFO\', 0, v.fs::timestamp, v.ls::timestamp, now(), now()
      FROM unnest(c_id, c_title, c_fs, c_ls) WITH ORDINALITY AS v(id, title, fs, ls, ord)
     ORDER BY v.ord\x3B
  END IF\x3B
  PERFORM aw_correlation_write(msp, company, w)\x3B
  IF cardinality(k_id) > 0 OR cardinality(a_id) > 0 THEN
    WITH keys AS (
      INSERT INTO "IncidentEntityKey" ("incidentId", key, "mspId", "companyId", open, "firstSeenAt")
      SELECT i.id, v.key, i."mspId", i."companyId", i.status <> \'RESOLVED\', i."firstSeenAt"
        FROM unnest(a_id, a_key) AS v(id, key)
        CROSS JOIN LATERAL (SELECT * FROM "Incident" i WHERE i.id = v.id OFFSET 0) i
       WHERE i."companyId" = company
      ON CONFLICT ("incidentId", key) DO NOTHING
    )
    UPDATE "Incident" i
       SET "entityKeys" = CASE WHEN v.k IS NULL THEN i."entityKeys"
                               ELSE ARRAY(SELECT jsonb_array_elements_text(v.k::jsonb)) END,
           "situationId" = COALESCE(v.s, i."situationId"),
           "updatedAt" = CASE WHEN v.s IS NULL THEN i."updatedAt" ELSE now() END
      FROM unnest(k_id, k_keys, k_sit) AS v(id, k, s)
     WHERE i.id = v.id AND i.id = ANY (k_id)\x3B
  END IF\x3B
  IF cardinality(e_sit) > 0 THEN
    INSERT INTO "SituationLink" ("companyId", "situationId", "incidentId", "linkedIncidentId", entity, value,
           explanation, "createdAt")
    SELECT company, v.s, v.inc, v.linked, v.entity, v.value, v.explanation, v.t::timestamp
      FROM unnest(e_sit, e_inc, e_linked, e_entity, e_value, e_expl, e_t)
           WITH ORDINALITY AS v(s, inc, linked, entity, value, explanation, t, ord)
     ORDER BY v.ord\x3B
  END IF\x3B
  IF cardinality(t_id) > 0 THEN
    t_at := jsonb_object(t_id::text[], t_t)\x3B
    UPDATE "Situation" s
       SET ("incidentCount", "firstSeenAt", severity) = (
             SELECT count(*)::int, LEAST(s."firstSeenAt", min(i."firstSeenAt")),
                    COALESCE((array_agg(i.severity ORDER BY array_position(
                      ARRAY[\'CRITICAL\',\'HIGH\',\'MEDIUM\',\'LOW\',\'INFO\'], i.severity::text)))[1], s.severity)
               FROM "Incident" i WHERE i."situationId" = s.id),
           "lastSeenAt" = GREATEST(s."lastSeenAt", (t_at ->> s.id::text)::timestamp), "updatedAt" = now()
     WHERE s.id = ANY (t_id)\x3B
  END IF\x3B
END
';

DROP FUNCTION IF EXISTS aw_situation_link_write(uuid, uuid, uuid[], text[], text[], text[], uuid[], uuid[], text[],
  uuid[], uuid[], text[], uuid[], uuid[], uuid[], text[], text[], text[], text[], uuid[], text[]);
