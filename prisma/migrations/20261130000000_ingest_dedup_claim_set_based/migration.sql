-- The group commit claims the dedup keys of its batch in one set-based INSERT instead of through the
-- per-row trigger aw_alert_dedup (issue 15). The trigger ran a PL/pgSQL function per alert row, with
-- an INSERT and a SELECT of its own: bench/group-commit-cpu.ts measured the group-commit
-- statement at about a third less PostgreSQL CPU per alert without it (docs/PERFORMANCE.md).
-- The rule is unchanged (20261129080000_alert_time_partitions): an alert is stored only when its
-- (companyId, dedupKey) was not claimed before, or was claimed with the same occurredAt (the unique
-- index of the partition then refuses a second copy). aw_ingest_group_commit claims the keys of the
-- batch (ON CONFLICT DO NOTHING, so concurrent claims of one key wait for each other as before),
-- inserts the alerts whose claim it made or whose earlier claim has the same occurredAt, and marks its
-- transaction with the setting aw.dedup_claimed = on while it does. The trigger stays for every
-- other insert (the writer with an Idempotency-Key, seeding, tests) and skips only rows inserted
-- while that setting is on.
-- The statement is GROUP_COMMIT_SQL of packages/ingest/src/writer-sql.ts with $1 to $6 written
-- p1 to p6 (writer-wall.integration.test.ts compares them): change both together.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon.)

DROP TRIGGER aw_alert_dedup ON "Alert";

CREATE TRIGGER aw_alert_dedup BEFORE INSERT ON "Alert" FOR EACH ROW
  WHEN (current_setting('aw.dedup_claimed', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION aw_alert_dedup();

CREATE OR REPLACE FUNCTION aw_ingest_group_commit(key_ids uuid[], p1 int[], p2 uuid[], p3 uuid[],
  p4 text[], p5 text[], p6 jsonb) RETURNS TABLE(kind text, a text, c text, d text)
  LANGUAGE plpgsql AS E'
#variable_conflict use_column
BEGIN
  PERFORM aw_ingest_wall(key_ids)\x3B
  PERFORM set_config(\'aw.dedup_claimed\', \'on\', true)\x3B
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
       ), batch AS (
         SELECT x.*, x.o::timestamptz AT TIME ZONE \'UTC\' AS occ
         FROM jsonb_to_recordset(p6::jsonb) AS x(ri int, m uuid, c uuid, s text, f text, d text, a text, sg text,
              sv text, sm text, sev text, st text, o text, l jsonb, an jsonb, r jsonb, k uuid, ik text, kd text)
         WHERE x.ri IN (SELECT i FROM accepted)
       ), claim AS (
         INSERT INTO "AlertDedupKey" ("companyId", "dedupKey", "mspId", "occurredAt")
         SELECT c, d, m, occ FROM batch
         ON CONFLICT DO NOTHING RETURNING "companyId", "dedupKey", "occurredAt"
       ), ins AS (
         INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, service,
           summary, severity, status, "occurredAt", "receivedAt", labels, annotations, raw, "apiKeyId",
           "idempotencyKey", decision, kind)
         SELECT m, c, s::"AlertSource", f, d, a, sg, sv, sm, sev::"Severity", st::"AlertStatus",
           o::timestamptz AT TIME ZONE \'UTC\', (now() AT TIME ZONE \'UTC\'), l, an, r, k, ik, \'PENDING\'::"AlertDecision", kd::"AlertKind"
         FROM batch x WHERE (x.c, x.d, x.occ) IN (SELECT "companyId", "dedupKey", "occurredAt" FROM claim)
               OR EXISTS (SELECT 1 FROM "AlertDedupKey" dk
                           WHERE dk."companyId" = x.c AND dk."dedupKey" = x.d AND dk."occurredAt" = x.occ)
         ON CONFLICT ("companyId", "dedupKey", "occurredAt") DO NOTHING
         RETURNING id::text AS id, "companyId", "dedupKey"
       )
       SELECT \'ok\' AS kind, i::text AS a, NULL::text AS c, NULL::text AS d FROM accepted
       UNION ALL SELECT \'alert\', id::text, "companyId"::text, "dedupKey" FROM ins\x3B
  PERFORM set_config(\'aw.dedup_claimed\', \'off\', true)\x3B
END
';
