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
         ON CONFLICT ("companyId", "dedupKey") DO NOTHING
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
