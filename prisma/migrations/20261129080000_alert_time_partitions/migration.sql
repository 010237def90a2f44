-- "Alert" becomes a table range-partitioned by month of "occurredAt" (issue 18, data retention):
-- retention drops a whole month once every MSP's window has passed it, instead of deleting its rows.
--   * one partition per UTC month, named Alert_yYYYYmMM, [first day, first day of next month)
--   * "Alert_default" takes rows outside every partition (a sender clock far off, an event older
--     than the oldest partition). The worker moves them into their month when it creates it.
--   * this migration creates the months from the oldest row of the last 36 months to 3 ahead (older
--     rows go to the default partition),
--     the worker (packages/retention, partitions.ts) keeps 3 months ahead from then on.
-- The key of a partitioned table must contain the partition column: the primary key becomes
-- (id, "occurredAt") (same sequence, ids keep growing) and the dedup key ("companyId", "dedupKey",
-- "occurredAt"). That alone is exact for alerts with a sender time (the time is in the dedup key)
-- but not for alerts without one, whose occurredAt is the receive time: a redelivery has the same
-- dedup key and another occurredAt. "AlertDedupKey" (not partitioned, one row per stored alert) and
-- the BEFORE INSERT trigger aw_alert_dedup keep the dedup exact across partitions: the trigger
-- claims the key there (ON CONFLICT DO NOTHING, so concurrent inserts of one key wait for each
-- other as on any unique index) and skips the alert row when the key was already claimed.
-- Row-level security: the parent and every partition get the tenant policy (aw_enable_tenant_rls),
-- so a walled connection reading a partition directly is walled too, and so does AlertDedupKey.
-- (No literal semicolon inside a statement: the migration runner splits scripts on every
-- semicolon, so the PL/pgSQL bodies are E-strings with \x3B.)

ALTER TABLE "Alert" RENAME TO "Alert_unpartitioned";

ALTER SEQUENCE "Alert_id_seq" OWNED BY NONE;

CREATE TABLE "Alert" (LIKE "Alert_unpartitioned" INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
  PARTITION BY RANGE ("occurredAt");

DO E'
DECLARE
  this_month date := date_trunc(\'month\', now() AT TIME ZONE \'UTC\')::date\x3B
  m date\x3B
BEGIN
  SELECT date_trunc(\'month\', min("occurredAt"))::date INTO m FROM "Alert_unpartitioned"
   WHERE "occurredAt" >= this_month - interval \'36 months\'\x3B
  m := least(coalesce(m, this_month), this_month)\x3B
  WHILE m <= this_month + interval \'3 months\' LOOP
    EXECUTE format(\'CREATE TABLE %I PARTITION OF "Alert" FOR VALUES FROM (%L) TO (%L)\',
      format(\'Alert_y%sm%s\', to_char(m, \'YYYY\'), to_char(m, \'MM\')),
      m::timestamp, (m + interval \'1 month\')::timestamp)\x3B
    m := (m + interval \'1 month\')::date\x3B
  END LOOP\x3B
END
';

CREATE TABLE "Alert_default" PARTITION OF "Alert" DEFAULT;

INSERT INTO "Alert" SELECT * FROM "Alert_unpartitioned";

DROP TABLE "Alert_unpartitioned";

ALTER SEQUENCE "Alert_id_seq" OWNED BY "Alert"."id";

ALTER TABLE "Alert" ADD CONSTRAINT "Alert_pkey" PRIMARY KEY ("id", "occurredAt");

CREATE UNIQUE INDEX "Alert_companyId_dedupKey_occurredAt_key" ON "Alert"("companyId", "dedupKey", "occurredAt");

CREATE INDEX "Alert_companyId_receivedAt_idx" ON "Alert"("companyId", "receivedAt");

CREATE INDEX "Alert_companyId_occurredAt_idx" ON "Alert"("companyId", "occurredAt");

CREATE INDEX "Alert_mspId_receivedAt_idx" ON "Alert"("mspId", "receivedAt");

CREATE INDEX "Alert_incidentId_idx" ON "Alert"("incidentId");

CREATE INDEX "Alert_companyId_decision_idx" ON "Alert"("companyId", "decision");

ALTER TABLE "Alert" ADD CONSTRAINT "Alert_mspId_fkey" FOREIGN KEY ("mspId") REFERENCES "Msp"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Alert" ADD CONSTRAINT "Alert_companyId_fkey" FOREIGN KEY ("companyId") REFERENCES "Company"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Alert" ADD CONSTRAINT "Alert_incidentId_fkey" FOREIGN KEY ("incidentId") REFERENCES "Incident"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "AlertDedupKey" (
    "companyId" UUID NOT NULL,
    "dedupKey" TEXT NOT NULL,
    "mspId" UUID NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AlertDedupKey_pkey" PRIMARY KEY ("companyId","dedupKey")
);

INSERT INTO "AlertDedupKey" ("companyId", "dedupKey", "mspId", "occurredAt")
  SELECT "companyId", "dedupKey", "mspId", "occurredAt" FROM "Alert";

-- A key claimed with the same occurredAt: the row goes on, and the unique index of its partition
-- refuses it as before (ON CONFLICT DO NOTHING skips it, a plain INSERT fails). Claimed with another
-- occurredAt (the original is in another partition): the row is skipped.
CREATE OR REPLACE FUNCTION aw_alert_dedup() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  claimed timestamp(3)\x3B
BEGIN
  INSERT INTO "AlertDedupKey" ("companyId", "dedupKey", "mspId", "occurredAt")
    VALUES (NEW."companyId", NEW."dedupKey", NEW."mspId", NEW."occurredAt")
    ON CONFLICT DO NOTHING\x3B
  IF FOUND THEN
    RETURN NEW\x3B
  END IF\x3B
  SELECT "occurredAt" INTO claimed FROM "AlertDedupKey"
   WHERE "companyId" = NEW."companyId" AND "dedupKey" = NEW."dedupKey"\x3B
  IF claimed IS NOT DISTINCT FROM NEW."occurredAt" THEN
    RETURN NEW\x3B
  END IF\x3B
  RETURN NULL\x3B
END
';

CREATE TRIGGER aw_alert_dedup BEFORE INSERT ON "Alert" FOR EACH ROW EXECUTE FUNCTION aw_alert_dedup();

SELECT aw_enable_tenant_rls('Alert');

SELECT aw_enable_tenant_rls('AlertDedupKey');

DO E'
DECLARE
  p record\x3B
BEGIN
  FOR p IN SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = \'"Alert"\'::regclass
  LOOP
    PERFORM aw_enable_tenant_rls(p.name)\x3B
  END LOOP\x3B
END
';
