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
