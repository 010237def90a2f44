-- Row-level security per company for client users (issue 17). A client user's tRPC call now runs
-- walled in to their company (aw.company_id set), not only to their MSP. Rows of a table that has both
-- "mspId" and a nullable "companyId" with companyId NULL are the MSP's shared rows (the runbook
-- catalog's MSP-wide policies, MSP-wide notification policies, staff memberships): a company-walled
-- session sees those of its own MSP, and no row of a sibling company. Unchanged: MSP staff (no
-- company setting) see their whole MSP, "Company" shows a company-walled session only its company,
-- tables without "mspId" reach their MSP through "Company".
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon,
-- so the PL/pgSQL bodies are E-strings with \x3B.)

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
  FOR t IN
    SELECT table_name AS name FROM information_schema.columns
    WHERE table_schema = current_schema() AND (column_name IN (\'mspId\', \'companyId\') OR table_name = \'Msp\')
      AND table_name IN (SELECT tablename FROM pg_tables WHERE schemaname = current_schema())
    GROUP BY table_name
  LOOP
    PERFORM aw_enable_tenant_rls(t.name)\x3B
  END LOOP\x3B
END
';
