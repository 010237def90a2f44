// Persistence of situations, inside the correlation transaction (company lock held): the closing
// of situations whose incidents all resolved. Linking (the entity keys each decided alert adds to
// its incident and the linking decision, engine/situations.ts) is in situation-links.ts.
import type { IncidentState } from '../engine/types.ts';
import { qp, type Queryable } from './sql.ts';

export { linkSituations, type SituationChange } from './situation-links.ts';

/** A situation closed because its last open incidents (`incidentIds`, of the batch) resolved. */
export interface ClosedSituation {
  situationId: string;
  incidentIds: string[];
}

/** Closes the open situations among `ids` whose incidents are all resolved. */
export async function closeFinishedSituations(
  c: Queryable,
  companyId: string,
  resolved: IncidentState[],
): Promise<ClosedSituation[]> {
  if (!resolved.length) return [];
  const ids = resolved.map((i) => i.id);
  // The situations of the resolved incidents, found through the incidents' primary key, then the
  // ones with no open incident left (through the situation index): no scan of the company's
  // incidents or situations, whatever the planner believes about the tenant's share of them.
  const r = await qp<{ id: string; incidentIds: string[] }>(
    c,
    `WITH hit AS MATERIALIZED (
       SELECT i."situationId" AS id, array_agg(i.id::text ORDER BY i.id) AS ids
         FROM "Incident" i WHERE i.id = ANY($2::uuid[]) AND i."situationId" IS NOT NULL GROUP BY 1
     ), done AS MATERIALIZED (
       SELECT h.id, h.ids FROM hit h
        WHERE NOT EXISTS (SELECT 1 FROM "Incident" o WHERE o."situationId" = h.id AND o.status <> 'RESOLVED')
     )
     UPDATE "Situation" s SET status = 'RESOLVED', "resolvedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now()
       FROM done WHERE s.id = done.id AND s."companyId" = $1 AND s.status <> 'RESOLVED'
     RETURNING s.id, done.ids AS "incidentIds"`,
    [companyId, ids],
  );
  return r.rows.map((x) => ({ situationId: x.id, incidentIds: x.incidentIds }));
}
