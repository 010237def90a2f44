-- The touched situations' recount (the last statement of aw_situation_link_write) grouped the
-- members of every touched situation in one aggregate and joined it, the turn's arrays and the
-- situations. On the estimates of a growing table, or a plan cached on them, the planner joined them
-- as a nested loop that read the turn's array again for every situation: work that grew with the
-- square of the situations a turn touched (234 a turn in the correlation bench: 55,000 rows thrown
-- away and up to 80 ms a turn, 0.8 s of PostgreSQL time for the bench's 36,000 alerts).
-- Now the statement joins nothing. It finds the touched situations by id, counts each one's members
-- in a subquery by the situation's id (the index on "situationId"), and takes each one's time from a
-- jsonb object keyed by id, built once. The same figures: member count, earliest first-seen, highest
-- severity, later last-seen. A joined LATERAL form, and an EXISTS for situations without members, let
-- the planner reach the MSP's incidents by the MSP's index for an MSP new to the statistics (150,000
-- rows read a situation): packages/correlation/src/store/fresh-database-plans.integration.test.ts.
-- A touched situation has a member (the incidents were just linked to it in the same call): with
-- none, its count would be 0 and its other figures unchanged. The function is otherwise unchanged.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon.)
CREATE OR REPLACE FUNCTION aw_situation_link_write(msp uuid, company uuid,
  c_id uuid[], c_title text[], c_fs text[], c_ls text[], c_inc uuid[],
  k_id uuid[], k_keys text[], k_sit uuid[], a_id uuid[], a_key text[],
  e_sit uuid[], e_inc uuid[], e_linked uuid[], e_entity text[], e_value text[], e_expl text[], e_t text[],
  t_id uuid[], t_t text[]) RETURNS void
  LANGUAGE plpgsql AS E'
DECLARE
  t_at jsonb\x3B
BEGIN
  IF cardinality(c_id) > 0 THEN
    INSERT INTO "Situation" (id, "mspId", "companyId", status, title, severity, "incidentCount", "firstSeenAt",
           "lastSeenAt", "createdAt", "updatedAt")
    SELECT v.id, msp, company, \'OPEN\', v.title, i.severity, 0, v.fs::timestamp, v.ls::timestamp, now(), now()
      FROM unnest(c_id, c_title, c_fs, c_ls, c_inc) WITH ORDINALITY AS v(id, title, fs, ls, inc, ord)
      JOIN "Incident" i ON i.id = v.inc AND i.id = ANY (c_inc)
     ORDER BY v.ord\x3B
  END IF\x3B
  IF cardinality(k_id) > 0 THEN
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
