// Persistence of situations, inside the correlation transaction (company lock held): the closing
// of situations whose incidents all resolved. Linking (the entity keys each decided alert adds to
// its incident and the linking decision, engine/situations.ts) is in situation-links.ts.
import type { IncidentState } from '../engine/types.ts';
import { qp, type Queryable } from './sql.ts';

export {
  planSituationLinks,
  SituationWrites,
  TURN_WRITE_SQL,
  type LinkInput,
  type SituationChange,
  type SituationPlan,
} from './situation-links.ts';

/** A situation closed because its last open incidents (`incidentIds`, of the batch) resolved. */
export interface ClosedSituation {
  situationId: string;
  incidentIds: string[];
}

/**
 * Closes the open situations of the `resolved` incidents whose incidents are all resolved (in the
 * company's turn: the tenant policies wall it in to the company).
 */
export async function closeFinishedSituations(
  c: Queryable,
  resolved: IncidentState[],
): Promise<ClosedSituation[]> {
  if (!resolved.length) return [];
  const ids = resolved.map((i) => i.id);
  // The situations of the resolved incidents, found through the incidents' primary key (one probe
  // per id, in a LATERAL subquery no outer condition can enter), then the ones with no open
  // incident left (one probe of the situation index per situation): no scan of the company's
  // incidents or situations, whatever the planner believes about the tenant's share of them. With
  // `id = ANY(ids)` a generic plan (small turns run them: GENERIC_TURN_MAX) read the MSP's
  // incidents through the tenant policy's MSP condition on a database never analyzed, once per
  // situation (the fresh-database-plans test with every turn on generic plans). The situations are
  // named by id alone (the tenant policies wall the turn in to its company): beside the company,
  // the planner read the company's situations through its index.
  const r = await qp<{ id: string; incidentIds: string[] }>(
    c,
    `WITH hit AS MATERIALIZED (
       SELECT i."situationId" AS id, array_agg(i.id::text ORDER BY i.id) AS ids
         FROM unnest($1::uuid[]) AS v(id)
         CROSS JOIN LATERAL (SELECT id, "situationId" FROM "Incident" WHERE id = v.id OFFSET 0) i
        WHERE i."situationId" IS NOT NULL GROUP BY 1
     ), done AS MATERIALIZED (
       SELECT h.id, h.ids FROM hit h
        WHERE NOT EXISTS (SELECT 1 FROM "Incident" o WHERE o."situationId" = h.id AND o.status <> 'RESOLVED' OFFSET 0)
     )
     UPDATE "Situation" s SET status = 'RESOLVED', "resolvedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now()
       FROM done WHERE s.id = done.id AND s.id = ANY (ARRAY(SELECT id FROM done)) AND s.status <> 'RESOLVED'
     RETURNING s.id, done.ids AS "incidentIds"`,
    [ids],
  );
  return r.rows.map((x) => ({ situationId: x.id, incidentIds: x.incidentIds }));
}
