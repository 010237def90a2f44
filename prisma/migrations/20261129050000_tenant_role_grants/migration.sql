-- Row-level security enforced on the app's queries (issue 17): the app walls each tenant-scoped
-- transaction in with SET LOCAL ROLE aw_tenant (packages/db/src/tenant-wall.ts), so that role needs
-- the app's rights on every table (tables without a tenant, such as "User", have no policy and stay
-- as open to it as to the owner), also on tables that later migrations create, and the app's own
-- login role must be a member of it to switch. (No literal semicolon inside a statement: the
-- migration runner splits scripts on every semicolon, so the PL/pgSQL body uses \x3B.)
DO E'
BEGIN
  EXECUTE format(\'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO aw_tenant\', current_schema())\x3B
  EXECUTE format(\'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO aw_tenant\', current_schema())\x3B
  EXECUTE format(\'ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO aw_tenant\', current_schema())\x3B
  EXECUTE format(\'ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO aw_tenant\', current_schema())\x3B
  IF to_regclass(\'_prisma_migrations\') IS NOT NULL THEN
    REVOKE ALL ON "_prisma_migrations" FROM aw_tenant\x3B
  END IF\x3B
  IF NOT pg_has_role(current_user, \'aw_tenant\', \'MEMBER\') THEN
    EXECUTE format(\'GRANT aw_tenant TO %I\', current_user)\x3B
  END IF\x3B
END
';
