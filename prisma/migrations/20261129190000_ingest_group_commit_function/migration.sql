-- The group commit of the intake in one round trip (issue 15). The writer sent BEGIN, aw_ingest_wall(),
-- the group-commit statement and COMMIT: four round trips per batch, and each waited its turn on
-- the event loop of the web server (at a paced 1,000 alerts/s a group commit took 21 ms at the median
-- for about 4 ms of statement: docs/PERFORMANCE.md). This function walls the transaction of its caller
-- in exactly as aw_ingest_wall() does (role aw_tenant, aw.ingest_scope from the API keys of the batch)
-- and runs the same statement, with static SQL: PL/pgSQL prepares it once per session and keeps
-- its plan, where aw_ingest_walled() planned its EXECUTE again on every call. Called outside an
-- explicit transaction, its answer comes only once its implicit transaction has committed.
-- The statement is GROUP_COMMIT_SQL of packages/ingest/src/writer-sql.ts with $1 to $6 written
-- p1 to p6 (writer-wall.integration.test.ts compares them): change both together.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon.)
CREATE OR REPLACE FUNCTION aw_ingest_group_commit(key_ids uuid[], p1 int[], p2 uuid[], p3 uuid[],
  p4 text[], p5 text[], p6 jsonb) RETURNS TABLE(kind text, a text, c text, d text)
  LANGUAGE plpgsql AS E'
#variable_conflict use_column
BEGIN
  PERFORM aw_ingest_wall(key_ids)\x3B
  RETURN QUERY WITH req AS (
         SELECT * FROM unnest(p1::int[], p2::uuid[], p3::uuid[], p4::text[], p5::text[]) AS r(i, k, c, sig, exp)
       ), ok_key AS (
         SELECT req.* FROM req JOIN "ApiKey" ak ON ak.id = req.k
         WHERE ak."revokedAt" IS NULL AND (ak."expiresAt" IS NULL OR ak."expiresAt" > (now() AT TIME ZONE \'UTC\'))
       ), nonce AS (
         INSERT INTO "ReplayNonce" ("companyId", signature, "expiresAt")
         SELECT c, sig, exp::timestamptz AT TIME ZONE \'UTC\' FROM ok_key WHERE sig IS NOT NULL
         ON CONFLICT ("companyId", signature) DO NOTHING RETURNING "companyId", signature
       ), accepted AS (
         SELECT o.i FROM ok_key o
         WHERE o.sig IS NULL OR EXISTS (SELECT 1 FROM nonce n WHERE n."companyId" = o.c AND n.signature = o.sig)
       ), ins AS (
         INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, service,
           summary, severity, status, "occurredAt", "receivedAt", labels, annotations, raw, "apiKeyId",
           "idempotencyKey", decision, kind)
         SELECT m, c, s::"AlertSource", f, d, a, sg, sv, sm, sev::"Severity", st::"AlertStatus",
           o::timestamptz AT TIME ZONE \'UTC\', (now() AT TIME ZONE \'UTC\'), l, an, r, k, ik, \'PENDING\'::"AlertDecision", kd::"AlertKind"
         FROM jsonb_to_recordset(p6::jsonb) AS x(ri int, m uuid, c uuid, s text, f text, d text, a text, sg text,
              sv text, sm text, sev text, st text, o text, l jsonb, an jsonb, r jsonb, k uuid, ik text, kd text)
            WHERE x.ri IN (SELECT i FROM accepted)
         ON CONFLICT ("companyId", "dedupKey", "occurredAt") DO NOTHING
         RETURNING id::text AS id, "companyId", "dedupKey"
       )
       SELECT \'ok\' AS kind, i::text AS a, NULL::text AS c, NULL::text AS d FROM accepted
       UNION ALL SELECT \'alert\', id::text, "companyId"::text, "dedupKey" FROM ins\x3B
END
';

-- The stored ids of alerts redelivered in a batch that aw_ingest_group_commit has just committed
-- (the writer asks only when some alert of an accepted request was not inserted), walled in the
-- same way, with static SQL: one round trip, planned once per session.
CREATE OR REPLACE FUNCTION aw_ingest_redelivered(key_ids uuid[], company_ids uuid[], dedup_keys text[])
  RETURNS TABLE(kind text, a text, c text, d text)
  LANGUAGE plpgsql AS E'
#variable_conflict use_column
BEGIN
  PERFORM aw_ingest_wall(key_ids)\x3B
  RETURN QUERY SELECT \'alert\'::text, al.id::text, al."companyId"::text, al."dedupKey"
    FROM "Alert" al JOIN unnest(company_ids, dedup_keys) AS x(cid, dk)
      ON al."companyId" = x.cid AND al."dedupKey" = x.dk\x3B
END
';
