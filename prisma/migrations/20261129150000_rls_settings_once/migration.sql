-- Row-level security policies read the tenant settings (aw.msp_id, aw.company_id) once per statement
-- instead of once per row. Written as aw_setting_uuid(...) the setting was parsed into a uuid for every
-- row a walled statement read or wrote (PostgreSQL inlines the STABLE function into the row filter).
-- Wrapped in a scalar subquery it is an InitPlan: evaluated once, then compared like a parameter. The
-- rule itself is unchanged (same tables, same conditions). The function is redefined so that later
-- tables and new monthly partitions of Alert get the same form, then every existing aw_tenant policy
-- is made again.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon,
-- so the PL/pgSQL bodies are E-strings with \x3B.)

CREATE OR REPLACE FUNCTION aw_enable_tenant_rls(tbl text) RETURNS void
  LANGUAGE plpgsql AS E'
DECLARE
  msp text := \'(SELECT aw_setting_uuid(\'\'aw.msp_id\'\'))\'\x3B
  company text := \'(SELECT aw_setting_uuid(\'\'aw.company_id\'\'))\'\x3B
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
    expr := format(\'"mspId" = %s AND (%s IS NULL OR "companyId" IS NULL OR "companyId" = %s)\', msp, company, company)\x3B
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
  FOR t IN SELECT tablename AS name FROM pg_policies
            WHERE schemaname = current_schema() AND policyname = \'aw_tenant\' ORDER BY tablename
  LOOP
    PERFORM aw_enable_tenant_rls(t.name)\x3B
  END LOOP\x3B
END
';
