-- ANALYZE no longer computes statistics for the wide columns that no statement filters, joins or
-- sorts on: the JSON of an alert (raw, labels, annotations, the reason of its decision) and its
-- summary, the labels and transitions of a fingerprint state, and the payload of a live event. No
-- plan reads them (no WHERE, JOIN or ORDER BY names them), and they were most of what an ANALYZE of
-- these tables cost. Under a steady stream autovacuum analyzes them every naptime (AlertState after
-- 1 % of its rows changed): about a second of CPU for the alert partition of the 130,000 alerts of a
-- bench run (docs/PERFORMANCE.md, "ANALYZE without the wide columns"). The columns keep their data,
-- and only pg_statistic loses their rows.
--
-- A partition created later does not take the statistics target of a column from its parent
-- (CREATE TABLE … PARTITION OF and ATTACH PARTITION leave it at the default), so the worker that
-- creates the months ahead calls aw_alert_partition_statistics on each new one
-- (packages/retention/src/partitions.ts).
-- (No literal semicolon inside a statement: the migration runner splits scripts on every semicolon.)
CREATE OR REPLACE FUNCTION aw_alert_partition_statistics(rel regclass) RETURNS void
  LANGUAGE plpgsql AS E'
BEGIN
  EXECUTE format(\'ALTER TABLE %s ALTER COLUMN raw SET STATISTICS 0, ALTER COLUMN labels SET STATISTICS 0, \'
    \'ALTER COLUMN annotations SET STATISTICS 0, ALTER COLUMN "decisionReason" SET STATISTICS 0, \'
    \'ALTER COLUMN summary SET STATISTICS 0\', rel)\x3B
END';

-- "Alert" and every partition it has now (ALTER TABLE on the parent recurses).
SELECT aw_alert_partition_statistics('"Alert"');

ALTER TABLE "AlertState" ALTER COLUMN labels SET STATISTICS 0, ALTER COLUMN transitions SET STATISTICS 0;
ALTER TABLE "RealtimeEvent" ALTER COLUMN payload SET STATISTICS 0;
