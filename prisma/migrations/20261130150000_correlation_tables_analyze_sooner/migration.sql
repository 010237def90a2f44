-- The tables a correlation turn reads by tenant are analyzed after 1 % of their rows changed, not
-- PostgreSQL's default 10 %. Until the statistics see a company, the planner estimates it at a row or
-- two, and a turn's statements can then read its incidents through a company (or MSP) index: every
-- one of them, on every turn (docs/PERFORMANCE.md, "Plans that do not depend on the statistics").
-- With 10 %, a table of 1,000,000 incidents waits for 100,050 changed rows before the statistics see
-- a new client's storm. The threshold (50 rows) stays, so a new install's tables are analyzed as soon as before.
-- ANALYZE reads a fixed sample (30,000 rows at the default statistics target), whatever the size.
ALTER TABLE "Incident" SET (autovacuum_analyze_scale_factor = 0.01);
ALTER TABLE "IncidentEntityKey" SET (autovacuum_analyze_scale_factor = 0.01);
ALTER TABLE "AlertState" SET (autovacuum_analyze_scale_factor = 0.01);
ALTER TABLE "Situation" SET (autovacuum_analyze_scale_factor = 0.01);
