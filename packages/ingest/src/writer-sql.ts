// The SQL both commit paths of the group-commit writer (writer.ts) share: one definition each of
// the replay-nonce claim and the alert insert, parameterised by the relation the rows come from.

/** The database's clock, as the UTC timestamp (without time zone) the columns hold. */
export const NOW_UTC = `(now() AT TIME ZONE 'UTC')`;

/**
 * Claims replay nonces: rows of `source` with columns `c` (company id), `sig` (signature) and `exp`
 * (expiry, ISO text). Returns `"companyId", signature` of the pairs not seen before; a pair already
 * stored is skipped (a replay).
 */
export function insertReplayNoncesSql(source: string): string {
  return `INSERT INTO "ReplayNonce" ("companyId", signature, "expiresAt")
         SELECT c, sig, exp::timestamptz AT TIME ZONE 'UTC' FROM ${source}
         ON CONFLICT ("companyId", signature) DO NOTHING RETURNING "companyId", signature`;
}

/**
 * Inserts alerts as PENDING: rows of `source` with columns m (msp), c (company), s (source), f
 * (fingerprint), d (dedup key), a (asset), sg (signature), sv (service), sm (summary), sev
 * (severity), st (status), o (occurred at, ISO text), l (labels), an (annotations), r (raw), k (API
 * key id), ik (Idempotency-Key or null) and kd (alert kind or null). A redelivered alert (same company and dedup key) is not
 * inserted. Returns `id` (as text), `"companyId"` and `"dedupKey"` of the rows inserted.
 */
export function insertAlertsSql(source: string): string {
  return `INSERT INTO "Alert" ("mspId", "companyId", source, fingerprint, "dedupKey", asset, signature, service,
           summary, severity, status, "occurredAt", "receivedAt", labels, annotations, raw, "apiKeyId",
           "idempotencyKey", decision, kind)
         SELECT m, c, s::"AlertSource", f, d, a, sg, sv, sm, sev::"Severity", st::"AlertStatus",
           o::timestamptz AT TIME ZONE 'UTC', ${NOW_UTC}, l, an, r, k, ik, 'PENDING'::"AlertDecision", kd::"AlertKind"
         FROM ${source}
         ON CONFLICT ("companyId", "dedupKey", "occurredAt") DO NOTHING
         RETURNING id::text AS id, "companyId", "dedupKey"`;
}

/**
 * Runs one statement walled in by row-level security, in one round trip: `aw_ingest_walled`
 * (prisma/migrations/20261129100000_ingest_writer_wall) switches the statement's transaction to the
 * role `aw_tenant` with `aw.ingest_scope` naming the companies (and MSPs) of `keyIds`, the API keys
 * that authenticated the requests, then runs `stmt`. `stmt` sees up to six parameters of fixed types
 * ($1 int[], $2 uuid[], $3 uuid[], $4 text[], $5 text[], $6 jsonb) and returns text columns
 * `kind, a, c, d`.
 */
export function walledQuery(
  keyIds: string[],
  stmt: string,
  p: {
    p1?: number[];
    p2?: string[];
    p3?: string[];
    p4?: (string | null)[];
    p5?: (string | null)[];
    p6?: string;
  },
): { text: string; values: unknown[] } {
  return {
    text: `SELECT kind, a, c, d FROM aw_ingest_walled($1::uuid[], $2, $3::int[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::jsonb)`,
    values: [
      [...new Set(keyIds)],
      stmt,
      p.p1 ?? null,
      p.p2 ?? null,
      p.p3 ?? null,
      p.p4 ?? null,
      p.p5 ?? null,
      p.p6 ?? null,
    ],
  };
}

/** Walls an explicit transaction (right after BEGIN) in to the companies of `keyIds`. */
export const WALL_TRANSACTION_SQL = `SELECT aw_ingest_wall($1::uuid[])`;

/**
 * The group commit in one round trip: `aw_ingest_group_commit` (prisma/migrations/
 * 20261129190000_ingest_group_commit_function) walls its own implicit transaction in (as
 * WALL_TRANSACTION_SQL does) and runs GROUP_COMMIT_SQL as static SQL, planned once per session.
 * $1 the API key ids of the batch, $2…$7 the parameters of GROUP_COMMIT_SQL. Sent outside an explicit
 * transaction: its answer comes once that transaction has committed.
 */
// Named: node-pg prepares it once per connection, then only binds and executes it.
export const GROUP_COMMIT_CALL_STATEMENT = 'aw_ingest_group_commit_call';
export const GROUP_COMMIT_CALL_SQL = `SELECT kind, a, c, d FROM aw_ingest_group_commit($1::uuid[], $2::int[], $3::uuid[],
  $4::uuid[], $5::text[], $6::text[], $7::jsonb)`;

/**
 * The stored alerts of redelivered alerts (not inserted again), read once the group commit has
 * committed: `aw_ingest_redelivered` (same migration) walls its transaction in and reads them with
 * static SQL. $1 the API key ids of the batch, $2 company ids, $3 dedup keys. Returns
 * `alert, <id>, <companyId>, <dedupKey>` per stored alert.
 */
export const REDELIVERED_CALL_STATEMENT = 'aw_ingest_redelivered_call';
export const REDELIVERED_CALL_SQL = `SELECT kind, a, c, d FROM aw_ingest_redelivered($1::uuid[], $2::uuid[], $3::text[])`;

/**
 * The common case of a group commit (no Idempotency-Key in the batch) as ONE statement (run by
 * `aw_ingest_group_commit`, which carries it with $1…$6 written p1…p6: change both together; the
 * migration's function is compared with it in writer-wall.integration.test.ts): data-modifying
 * CTEs re-check the keys, record the replay nonces, claim the dedup keys of the alerts of the
 * requests that passed both (one set-based INSERT into "AlertDedupKey", where the per-row trigger
 * aw_alert_dedup did it row by row) and insert the alerts whose key this statement claimed or whose
 * earlier claim has the same occurredAt (the partition's unique index then skips a second copy):
 * the rule of the trigger (migration 20261130000000_ingest_dedup_claim_set_based). The function
 * sets `aw.dedup_claimed` to on around it, so the trigger skips these rows; run without it (as
 * bench/ingest-wall.ts does) the trigger checks each row again and lets the claimed ones through.
 * Parameters: $1 request index, $2 API key id, $3 company id, $4 signature, $5 its expiry (one
 * entry per request), $6 the alerts as one JSON array (`ri` = request index). Returns `ok, <index>`
 * per accepted request and `alert, <id>, <companyId>, <dedupKey>` per inserted alert.
 */
export const GROUP_COMMIT_SQL = `WITH req AS (
         SELECT * FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::text[]) AS r(i, k, c, sig, exp)
       ), ok_key AS (
         SELECT req.* FROM req JOIN "ApiKey" ak ON ak.id = req.k
         WHERE ak."revokedAt" IS NULL AND (ak."expiresAt" IS NULL OR ak."expiresAt" > ${NOW_UTC})
       ), nonce AS (
         ${insertReplayNoncesSql('ok_key WHERE sig IS NOT NULL')}
       ), accepted AS (
         SELECT o.i FROM ok_key o
         WHERE o.sig IS NULL OR EXISTS (SELECT 1 FROM nonce n WHERE n."companyId" = o.c AND n.signature = o.sig)
       ), batch AS (
         SELECT x.*, x.o::timestamptz AT TIME ZONE 'UTC' AS occ
         FROM jsonb_to_recordset($6::jsonb) AS x(ri int, m uuid, c uuid, s text, f text, d text, a text, sg text,
              sv text, sm text, sev text, st text, o text, l jsonb, an jsonb, r jsonb, k uuid, ik text, kd text)
         WHERE x.ri IN (SELECT i FROM accepted)
       ), claim AS (
         INSERT INTO "AlertDedupKey" ("companyId", "dedupKey", "mspId", "occurredAt")
         SELECT c, d, m, occ FROM batch
         ON CONFLICT DO NOTHING RETURNING "companyId", "dedupKey", "occurredAt"
       ), ins AS (
         ${insertAlertsSql(
           `batch x WHERE (x.c, x.d, x.occ) IN (SELECT "companyId", "dedupKey", "occurredAt" FROM claim)
               OR EXISTS (SELECT 1 FROM "AlertDedupKey" dk
                           WHERE dk."companyId" = x.c AND dk."dedupKey" = x.d AND dk."occurredAt" = x.occ)`,
         )}
       )
       SELECT 'ok' AS kind, i::text AS a, NULL::text AS c, NULL::text AS d FROM accepted
       UNION ALL SELECT 'alert', id::text, "companyId"::text, "dedupKey" FROM ins`;
