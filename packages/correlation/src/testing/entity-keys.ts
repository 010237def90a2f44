// "IncidentEntityKey" (migration 20261130130000_incident_entity_keys) against what it must hold: one
// row per distinct entity key of each incident of the company, open unless RESOLVED, with the
// incident's first-seen time. Tests compare the two after every kind of write.
import type pg from 'pg';

export interface EntityKeyRow {
  incidentId: string;
  key: string;
  mspId: string;
  open: boolean;
  firstSeenAt: string;
}

const ORDER = `ORDER BY "incidentId", key`;

/** The rows the table holds for a company, and the rows its incidents call for. */
export async function entityKeyRows(
  db: pg.Pool | pg.PoolClient,
  companyId: string,
): Promise<{ kept: EntityKeyRow[]; derived: EntityKeyRow[] }> {
  const kept = await db.query<EntityKeyRow>(
    `SELECT "incidentId"::text AS "incidentId", key, "mspId"::text AS "mspId", open,
            to_char("firstSeenAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "firstSeenAt"
       FROM "IncidentEntityKey" WHERE "companyId" = $1 ${ORDER}`,
    [companyId],
  );
  const derived = await db.query<EntityKeyRow>(
    `SELECT DISTINCT i.id::text AS "incidentId", k.k AS key, i."mspId"::text AS "mspId",
            i.status <> 'RESOLVED' AS open, to_char(i."firstSeenAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS') AS "firstSeenAt"
       FROM "Incident" i CROSS JOIN LATERAL unnest(i."entityKeys") AS k(k)
      WHERE i."companyId" = $1 ${ORDER}`,
    [companyId],
  );
  return { kept: kept.rows, derived: derived.rows };
}
