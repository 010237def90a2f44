// The reference for store/situation-links.ts: situation linking with queries per incident, as the
// store did it before linking became set-based per batch (each incident reading its current row). A test drives the same alerts through
// both and expects the same situations, links and incidents (situation-links.integration.test.ts).
import {
  entityKeys,
  hubKeys,
  linkIncident,
  type SituationConfig,
  type SituationIncident,
  type SituationSummary,
} from '../engine/situations.ts';
import type { LinkInput, SituationChange } from '../store/situation-links.ts';
import { q, type Queryable } from '../store/sql.ts';

const MIN = 60_000;

const SIT_INCIDENT = `id, title, asset, "firstSeenAt", "lastSeenAt", status, "entityKeys", "situationId"`;

function toSitIncident(r: Record<string, unknown>): SituationIncident {
  return {
    id: r.id as string,
    title: r.title as string,
    asset: r.asset as string,
    firstSeenAt: r.firstSeenAt as Date,
    lastSeenAt: r.lastSeenAt as Date,
    open: r.status !== 'RESOLVED',
    entityKeys: (r.entityKeys as string[]) ?? [],
    situationId: (r.situationId as string | null) ?? null,
  };
}

/** Adds the decided alerts' entity keys to their incidents and links those that gained keys. */
export async function linkSituationsPerIncident(c: Queryable, p: LinkInput): Promise<SituationChange[]> {
  const { companyId, config } = p;
  if (!config.enabled || !config.entities.length) return [];
  const byId = new Map(p.alerts.map((a) => [a.id, a]));
  const fresh = new Map<string, { keys: Set<string>; t: Date }>();
  for (const d of p.decisions) {
    const a = byId.get(d.alertId);
    if (!d.incidentId || !a || a.status !== 'FIRING') continue;
    const cur = fresh.get(d.incidentId) ?? { keys: new Set<string>(), t: a.occurredAt };
    for (const k of entityKeys(a, config)) cur.keys.add(k);
    if (a.occurredAt > cur.t) cur.t = a.occurredAt;
    fresh.set(d.incidentId, cur);
  }
  if (!fresh.size) return [];
  const rows = await q<Record<string, unknown>>(
    c,
    `SELECT ${SIT_INCIDENT} FROM "Incident" WHERE "companyId" = $1 AND id = ANY($2::uuid[]) ORDER BY "firstSeenAt", id`,
    [companyId, [...fresh.keys()]],
  );
  const changes = new Map<string, SituationChange>();
  for (const row of rows.rows) {
    const inc = toSitIncident(row);
    const f = fresh.get(inc.id)!;
    const added = [...f.keys].filter((k) => !inc.entityKeys.includes(k));
    if (!added.length) continue;
    inc.entityKeys = [...inc.entityKeys, ...added].sort();
    await q(c, `UPDATE "Incident" SET "entityKeys" = $2::text[] WHERE id = $1::uuid`, [
      inc.id,
      inc.entityKeys,
    ]);
    if (!inc.open) continue;
    // Its situation as of now: an incident linked earlier in this batch may have taken it in.
    // (The store before the set-based linker used the value read before the loop, so an incident
    // could be linked twice or moved; the set-based linker and this reference do not.)
    const cur = await q<{ situationId: string | null }>(
      c,
      `SELECT "situationId" FROM "Incident" WHERE id = $1::uuid`,
      [inc.id],
    );
    inc.situationId = cur.rows[0]?.situationId ?? null;
    await linkOne(c, p, inc, f.t, changes);
  }
  return [...changes.values()];
}

async function linkOne(
  c: Queryable,
  p: { mspId: string; companyId: string; config: SituationConfig; newId: () => string },
  inc: SituationIncident,
  t: Date,
  changes: Map<string, SituationChange>,
): Promise<void> {
  const { companyId, config } = p;
  const from = new Date(t.getTime() - config.hubLookbackMinutes * MIN).toISOString();
  const total = await q<{ n: string }>(
    c,
    `SELECT count(*)::text AS n FROM "Incident" WHERE "companyId" = $1 AND "firstSeenAt" >= $2::timestamp`,
    [companyId, from],
  );
  const counts = await q<{ k: string; n: string }>(
    c,
    `SELECT k, count(*)::text AS n FROM "Incident" i, unnest(i."entityKeys") AS k
      WHERE i."companyId" = $1 AND i."firstSeenAt" >= $2::timestamp AND k = ANY($3::text[]) GROUP BY k`,
    [companyId, from, inc.entityKeys],
  );
  const hubs = hubKeys(
    new Map(counts.rows.map((r) => [r.k, Number(r.n)])),
    Number(total.rows[0]?.n ?? 0),
    config,
  );
  const usable = inc.entityKeys.filter((k) => !hubs.has(k));
  if (!usable.length) return;
  const cand = await q<Record<string, unknown>>(
    c,
    `SELECT ${SIT_INCIDENT} FROM "Incident"
      WHERE "companyId" = $1 AND status <> 'RESOLVED' AND id <> $2::uuid AND "entityKeys" && $3::text[]
      ORDER BY "firstSeenAt", id LIMIT 500`,
    [companyId, inc.id, usable],
  );
  const candidates = cand.rows.map(toSitIncident);
  const sitIds = [
    ...new Set([inc.situationId, ...candidates.map((x) => x.situationId)].filter((x): x is string => !!x)),
  ];
  const sits = new Map<string, SituationSummary>();
  if (sitIds.length) {
    const s = await q<Record<string, unknown>>(
      c,
      `SELECT id, "firstSeenAt", "lastSeenAt", "incidentCount", status FROM "Situation"
        WHERE "companyId" = $1 AND id = ANY($2::uuid[])`,
      [companyId, sitIds],
    );
    for (const r of s.rows)
      sits.set(r.id as string, {
        id: r.id as string,
        firstSeenAt: r.firstSeenAt as Date,
        lastSeenAt: r.lastSeenAt as Date,
        incidentCount: Number(r.incidentCount),
        open: r.status !== 'RESOLVED',
      });
  }
  const res = linkIncident({ incident: inc, candidates, situations: sits, hubs, config, t, newId: p.newId });
  if (res.created) {
    // Titled after its earliest incident.
    const first = [inc, ...candidates]
      .filter((x) => res.assigned.some((a) => a.incidentId === x.id))
      .sort((x, y) => x.firstSeenAt.getTime() - y.firstSeenAt.getTime() || (x.id < y.id ? -1 : 1))[0]!;
    await q(
      c,
      `INSERT INTO "Situation" (id, "mspId", "companyId", status, title, severity, "incidentCount", "firstSeenAt",
              "lastSeenAt", "createdAt", "updatedAt")
       SELECT $1::uuid, $2::uuid, $3::uuid, 'OPEN', $4, i.severity, 0, $5::timestamp, $6::timestamp, now(), now()
         FROM "Incident" i WHERE i.id = $7::uuid`,
      [
        res.created.id,
        p.mspId,
        companyId,
        first.title.slice(0, 500),
        res.created.firstSeenAt.toISOString(),
        t.toISOString(),
        first.id,
      ],
    );
  }
  for (const a of res.assigned) {
    await q(c, `UPDATE "Incident" SET "situationId" = $2::uuid, "updatedAt" = now() WHERE id = $1::uuid`, [
      a.incidentId,
      a.situationId,
    ]);
    const ch = changes.get(a.situationId) ?? { situationId: a.situationId, incidentIds: [], created: false };
    ch.incidentIds.push(a.incidentId);
    if (res.created?.id === a.situationId) ch.created = true;
    changes.set(a.situationId, ch);
  }
  for (const e of res.edges)
    await q(
      c,
      `INSERT INTO "SituationLink" ("companyId", "situationId", "incidentId", "linkedIncidentId", entity, value,
              explanation, "createdAt")
       VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5, $6, $7, $8::timestamp)`,
      [
        companyId,
        e.situationId,
        e.incidentId,
        e.linkedIncidentId,
        e.entity,
        e.value,
        e.explanation,
        t.toISOString(),
      ],
    );
  for (const id of new Set(res.assigned.map((a) => a.situationId)))
    await q(
      c,
      `UPDATE "Situation" s SET "incidentCount" = (SELECT count(*) FROM "Incident" i WHERE i."situationId" = s.id),
              "firstSeenAt" = LEAST(s."firstSeenAt", (SELECT min("firstSeenAt") FROM "Incident" i WHERE i."situationId" = s.id)),
              "lastSeenAt" = GREATEST(s."lastSeenAt", $2::timestamp),
              severity = (SELECT i.severity FROM "Incident" i WHERE i."situationId" = s.id
                           ORDER BY array_position(ARRAY['CRITICAL','HIGH','MEDIUM','LOW','INFO'], i.severity::text) LIMIT 1),
              "updatedAt" = now()
        WHERE s.id = $1::uuid`,
      [id, t.toISOString()],
    );
}
