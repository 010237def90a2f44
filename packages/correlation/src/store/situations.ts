// Persistence of situations, inside the correlation transaction (company lock held): the closing
// of situations whose incidents all resolved. Linking (the entity keys each decided alert adds to
// its incident and the linking decision, engine/situations.ts) is in situation-links.ts.
import type { IncidentState } from '../engine/types.ts';
import { q, type Queryable } from './sql.ts';

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
  const r = await q<{ id: string; incidentIds: string[] }>(
    c,
    `UPDATE "Situation" s SET status = 'RESOLVED', "resolvedAt" = now() AT TIME ZONE 'UTC', "updatedAt" = now()
      WHERE s."companyId" = $1 AND s.status <> 'RESOLVED'
        AND s.id IN (SELECT "situationId" FROM "Incident" WHERE "companyId" = $1 AND id = ANY($2::uuid[]))
        AND NOT EXISTS (SELECT 1 FROM "Incident" i WHERE i."situationId" = s.id AND i.status <> 'RESOLVED')
      RETURNING s.id,
        ARRAY(SELECT i.id::text FROM "Incident" i WHERE i."situationId" = s.id AND i.id = ANY($2::uuid[])) AS "incidentIds"`,
    [companyId, ids],
  );
  return r.rows.map((x) => ({ situationId: x.id, incidentIds: x.incidentIds }));
}
