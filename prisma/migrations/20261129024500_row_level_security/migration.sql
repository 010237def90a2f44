-- Row-level security as a second wall (issue 17). Opt-in: the policies bind only roles that neither
-- own the tables nor have BYPASSRLS, the app's own role owns them and is unaffected. A connection
-- that should be walled in uses the role "aw_tenant" (SET ROLE aw_tenant, or a login role granted
-- it) and names its tenant per transaction:
--   SELECT set_config('aw.msp_id', '<uuid>', true), set_config('aw.company_id', '<uuid or empty>', true),
-- Without the setting it sees no rows, with another tenant's it sees none of ours.
-- Every table with an "mspId" or "companyId" column (read from the schema when this runs) gets the
-- policy, as does "Msp". A table added later gets it with one line in its own migration:
--   SELECT aw_enable_tenant_rls('NewTable')
-- apps/web/src/server/rls.integration.test.ts fails on a tenant table without one.

-- (The statements below hold no literal semicolon inside a statement: the migration runner
-- splits scripts on every semicolon, so PL/pgSQL bodies are E-strings with \x3B.)

DO E'
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = \'aw_tenant\') THEN
    CREATE ROLE aw_tenant NOLOGIN NOBYPASSRLS\x3B
  END IF\x3B
END
';

CREATE OR REPLACE FUNCTION aw_setting_uuid(name text) RETURNS uuid
  LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting(name, true), '')::uuid $$;

-- Enables RLS on one tenant table with the policy for its tenant columns (and grants it to aw_tenant).
CREATE OR REPLACE FUNCTION aw_enable_tenant_rls(tbl text) RETURNS void
  LANGUAGE plpgsql AS E'
DECLARE
  msp text := \'aw_setting_uuid(\'\'aw.msp_id\'\')\'\x3B
  company text := \'aw_setting_uuid(\'\'aw.company_id\'\')\'\x3B
  has_msp boolean\x3B
  has_company boolean\x3B
  expr text\x3B
BEGIN
  SELECT bool_or(column_name = \'mspId\'), bool_or(column_name = \'companyId\') INTO has_msp, has_company
    FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = tbl\x3B
  IF tbl = \'Msp\' THEN
    expr := format(\'id = %s\', msp)\x3B
  ELSIF tbl = \'Company\' THEN
    expr := format(\'"mspId" = %s AND (%s IS NULL OR id = %s)\', msp, company, company)\x3B
  ELSIF has_msp AND has_company THEN
    expr := format(\'"mspId" = %s AND (%s IS NULL OR "companyId" = %s)\', msp, company, company)\x3B
  ELSIF has_msp THEN
    expr := format(\'"mspId" = %s\', msp)\x3B
  ELSIF has_company THEN
    expr := format(\'"companyId" IN (SELECT id FROM "Company" WHERE "mspId" = %s AND (%s IS NULL OR id = %s))\',
      msp, company, company)\x3B
  ELSE
    RAISE EXCEPTION \'table % has neither "mspId" nor "companyId"\', tbl\x3B
  END IF\x3B
  EXECUTE format(\'GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO aw_tenant\', tbl)\x3B
  EXECUTE format(\'ALTER TABLE %I ENABLE ROW LEVEL SECURITY\', tbl)\x3B
  EXECUTE format(\'DROP POLICY IF EXISTS aw_tenant ON %I\', tbl)\x3B
  EXECUTE format(\'CREATE POLICY aw_tenant ON %I TO aw_tenant USING (%s) WITH CHECK (%s)\', tbl, expr, expr)\x3B
END
';

DO E'
DECLARE
  t record\x3B
BEGIN
  EXECUTE format(\'GRANT USAGE ON SCHEMA %I TO aw_tenant\', current_schema())\x3B
  EXECUTE format(\'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO aw_tenant\', current_schema())\x3B
  FOR t IN
    SELECT table_name AS name FROM information_schema.columns
    WHERE table_schema = current_schema() AND (column_name IN (\'mspId\', \'companyId\') OR table_name = \'Msp\')
    GROUP BY table_name
  LOOP
    PERFORM aw_enable_tenant_rls(t.name)\x3B
  END LOOP\x3B
END
';
