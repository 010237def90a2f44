-- The situation linker's writes of a turn (packages/correlation/src/store/situation-links.ts,
-- Writes.flush) in one round trip: the new situations, the incidents' new entity keys and situations
-- (with their rows of "IncidentEntityKey"), the links' explanations and the touched situations'
-- counts were up to four statements, each a round trip of its own inside the turn's transaction (the
-- company lock held meanwhile). The statements are those four, unchanged and in the same order (the
-- new situations before the incidents that point at them, the counts after the incidents that make
-- them), each still finding incidents and situations by primary key alone (see Writes.flush).
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon.)
CREATE OR REPLACE FUNCTION aw_situation_link_write(msp uuid, company uuid,
  c_id uuid[], c_title text[], c_fs text[], c_ls text[], c_inc uuid[],
  k_id uuid[], k_keys text[], k_sit uuid[], a_id uuid[], a_key text[],
  e_sit uuid[], e_inc uuid[], e_linked uuid[], e_entity text[], e_value text[], e_expl text[], e_t text[],
  t_id uuid[], t_t text[]) RETURNS void
  LANGUAGE plpgsql AS E'
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
    WITH agg AS (
      SELECT i."situationId" AS id, count(*)::int AS n, min(i."firstSeenAt") AS fs,
             (array_agg(i.severity ORDER BY array_position(ARRAY[\'CRITICAL\',\'HIGH\',\'MEDIUM\',\'LOW\',\'INFO\'],
                                                          i.severity::text)))[1] AS sev
        FROM "Incident" i WHERE i."situationId" = ANY (t_id) GROUP BY 1)
    UPDATE "Situation" s SET "incidentCount" = agg.n, "firstSeenAt" = LEAST(s."firstSeenAt", agg.fs),
           "lastSeenAt" = GREATEST(s."lastSeenAt", v.t::timestamp), severity = agg.sev, "updatedAt" = now()
      FROM unnest(t_id, t_t) AS v(id, t) JOIN agg ON agg.id = v.id
     WHERE s.id = v.id AND s.id = ANY (t_id)\x3B
  END IF\x3B
END
';
