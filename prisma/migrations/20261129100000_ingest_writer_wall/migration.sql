-- The intake's group-commit writer walled in by row-level security (issue 17), and the per-company
-- alert budget shared by every intake process.
--
-- One writer transaction commits the requests of many companies of several MSPs, so it cannot name
-- one tenant in "aw.msp_id"/"aw.company_id". It runs as "aw_tenant" with its own transaction-local
-- setting, "aw.ingest_scope": a JSON object {"<companyId>": "<mspId>", ...} built by
-- aw_ingest_wall() from the API keys that authenticated the batch's requests (read from "ApiKey"
-- before the role switch, so the scope can never hold a company whose key did not sign in). The
-- policies below let such a transaction read and write only rows of those companies, with the MSP of
-- each company's key, and only what the writer does: read and insert alerts, replay nonces and
-- idempotency records, update idempotency responses, read keys and companies and update their
-- bookkeeping columns. Nothing can be deleted under the ingest scope.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon,
-- so the PL/pgSQL bodies are E-strings with \x3B.)

-- The shared budget's buckets: UNLOGGED (no WAL, emptied by a crash, which only refills the buckets).
CREATE UNLOGGED TABLE "IngestCompanyBudget" (
    "companyId" UUID NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "atMs" DOUBLE PRECISION NOT NULL,
    "lastTaken" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "IngestCompanyBudget_pkey" PRIMARY KEY ("companyId")
);
SELECT aw_enable_tenant_rls('IngestCompanyBudget');

-- The scope of the current transaction ('{}' when unset). Policies call it as (SELECT aw_ingest_scope()),
-- so it is parsed once per statement, not once per row.
CREATE OR REPLACE FUNCTION aw_ingest_scope() RETURNS jsonb
  LANGUAGE sql STABLE AS $$ SELECT coalesce(nullif(current_setting('aw.ingest_scope', true), ''), '{}')::jsonb $$;

-- Walls the current transaction in to the companies (and MSPs) of the given API keys.
CREATE OR REPLACE FUNCTION aw_ingest_wall(key_ids uuid[]) RETURNS void
  LANGUAGE plpgsql AS E'
BEGIN
  PERFORM set_config(\'aw.ingest_scope\',
    coalesce((SELECT jsonb_object_agg(k."companyId", k."mspId") FROM "ApiKey" k WHERE k.id = ANY(key_ids))::text, \'{}\'),
    true)\x3B
  PERFORM set_config(\'role\', \'aw_tenant\', true)\x3B
END
';

-- One round trip for a walled statement outside an explicit transaction: walls the statement's own
-- (implicit) transaction in, then runs `stmt` with up to six parameters of fixed types.
CREATE OR REPLACE FUNCTION aw_ingest_walled(key_ids uuid[], stmt text, p1 int[], p2 uuid[], p3 uuid[],
  p4 text[], p5 text[], p6 jsonb) RETURNS TABLE(kind text, a text, c text, d text)
  LANGUAGE plpgsql AS E'
BEGIN
  PERFORM aw_ingest_wall(key_ids)\x3B
  RETURN QUERY EXECUTE stmt USING p1, p2, p3, p4, p5, p6\x3B
END
';
-- Both stay executable by every role (an app that logs in with another role than the migrating one
-- calls them too). They widen nothing: the scope is read from "ApiKey" as the caller, so a session
-- already walled in as aw_tenant can only name its own tenant's companies.

-- The tables the writer touches keep their tenant policy (re-applied here, idempotent, also for an
-- "Alert" rebuilt by an earlier migration) and get the ingest policies, per command.
SELECT aw_enable_tenant_rls(t) FROM unnest(ARRAY['Alert', 'ApiKey', 'Company', 'ReplayNonce', 'IdempotencyRecord']) AS t;

DROP POLICY IF EXISTS aw_ingest_read ON "Alert";
DROP POLICY IF EXISTS aw_ingest_insert ON "Alert";
CREATE POLICY aw_ingest_read ON "Alert" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text);
CREATE POLICY aw_ingest_insert ON "Alert" FOR INSERT TO aw_tenant
  WITH CHECK ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text);

DROP POLICY IF EXISTS aw_ingest_read ON "ApiKey";
DROP POLICY IF EXISTS aw_ingest_update ON "ApiKey";
CREATE POLICY aw_ingest_read ON "ApiKey" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text);
CREATE POLICY aw_ingest_update ON "ApiKey" FOR UPDATE TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text)
  WITH CHECK ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text);

DROP POLICY IF EXISTS aw_ingest_read ON "Company";
DROP POLICY IF EXISTS aw_ingest_update ON "Company";
CREATE POLICY aw_ingest_read ON "Company" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ->> id::text = "mspId"::text);
CREATE POLICY aw_ingest_update ON "Company" FOR UPDATE TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ->> id::text = "mspId"::text)
  WITH CHECK ((SELECT aw_ingest_scope()) ->> id::text = "mspId"::text);

DROP POLICY IF EXISTS aw_ingest_read ON "ReplayNonce";
DROP POLICY IF EXISTS aw_ingest_insert ON "ReplayNonce";
CREATE POLICY aw_ingest_read ON "ReplayNonce" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ? "companyId"::text);
CREATE POLICY aw_ingest_insert ON "ReplayNonce" FOR INSERT TO aw_tenant
  WITH CHECK ((SELECT aw_ingest_scope()) ? "companyId"::text);

DROP POLICY IF EXISTS aw_ingest_read ON "IdempotencyRecord";
DROP POLICY IF EXISTS aw_ingest_insert ON "IdempotencyRecord";
DROP POLICY IF EXISTS aw_ingest_update ON "IdempotencyRecord";
CREATE POLICY aw_ingest_read ON "IdempotencyRecord" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ? "companyId"::text);
CREATE POLICY aw_ingest_insert ON "IdempotencyRecord" FOR INSERT TO aw_tenant
  WITH CHECK ((SELECT aw_ingest_scope()) ? "companyId"::text);
CREATE POLICY aw_ingest_update ON "IdempotencyRecord" FOR UPDATE TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ? "companyId"::text)
  WITH CHECK ((SELECT aw_ingest_scope()) ? "companyId"::text);

-- The shared per-company alert budget (packages/ingest/src/company-budget.ts): taken walled in to the
-- company of the key that sent the request (INSERT … ON CONFLICT DO UPDATE needs all three).
DROP POLICY IF EXISTS aw_ingest_read ON "IngestCompanyBudget";
DROP POLICY IF EXISTS aw_ingest_insert ON "IngestCompanyBudget";
DROP POLICY IF EXISTS aw_ingest_update ON "IngestCompanyBudget";
CREATE POLICY aw_ingest_read ON "IngestCompanyBudget" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ? "companyId"::text);
CREATE POLICY aw_ingest_insert ON "IngestCompanyBudget" FOR INSERT TO aw_tenant
  WITH CHECK ((SELECT aw_ingest_scope()) ? "companyId"::text);
CREATE POLICY aw_ingest_update ON "IngestCompanyBudget" FOR UPDATE TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ? "companyId"::text)
  WITH CHECK ((SELECT aw_ingest_scope()) ? "companyId"::text);

-- "AlertDedupKey" (20261129080000_alert_time_partitions, when present): the BEFORE INSERT trigger on
-- "Alert" claims each alert's dedup key there as the inserting role, so under the ingest scope it may
-- read and insert the keys of the scope's companies (with the MSP of each company's key).
DO E'
BEGIN
  IF to_regclass(\'"AlertDedupKey"\') IS NOT NULL THEN
    PERFORM aw_enable_tenant_rls(\'AlertDedupKey\')\x3B
    DROP POLICY IF EXISTS aw_ingest_read ON "AlertDedupKey"\x3B
    DROP POLICY IF EXISTS aw_ingest_insert ON "AlertDedupKey"\x3B
    CREATE POLICY aw_ingest_read ON "AlertDedupKey" FOR SELECT TO aw_tenant
      USING ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text)\x3B
    CREATE POLICY aw_ingest_insert ON "AlertDedupKey" FOR INSERT TO aw_tenant
      WITH CHECK ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text)\x3B
  END IF\x3B
END
';

-- The intake's other reads for the key's company: its signing secrets (handler and site
-- authentication) and its generic mappings, read-only under the ingest scope.
DROP POLICY IF EXISTS aw_ingest_read ON "WebhookSecret";
CREATE POLICY aw_ingest_read ON "WebhookSecret" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text);
DROP POLICY IF EXISTS aw_ingest_read ON "GenericMapping";
CREATE POLICY aw_ingest_read ON "GenericMapping" FOR SELECT TO aw_tenant
  USING ((SELECT aw_ingest_scope()) ->> "companyId"::text = "mspId"::text);
