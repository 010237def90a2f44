// Situation linking for one correlation batch, inside its transaction (company lock held), with a
// fixed number of round trips whatever the batch holds: the incidents that gained entity keys, the
// incidents that can count towards a hub or be a candidate (those sharing a key of the batch), and
// their situations are read once; the linking decisions (engine/situations.ts) are then taken
// incident by incident in memory, in the same order and on the same view as one query per incident
// would give (each incident sees the keys and situations of the incidents linked before it). The
// linker runs before the turn's write (apply.ts) and reads the database as it stood before the turn:
// it takes the turn's incidents from the turn, adds the turn's new incidents to the hub count, and
// its results are written with the turn's own writes (SituationWrites, aw_turn_write), so that an
// incident that gains keys or a situation is written once a turn.
import {
  byFirstSeen,
  entityKeys,
  hubKeys,
  linkIncident,
  type SituationConfig,
  type SituationEdge,
  type SituationIncident,
  type SituationSummary,
} from '../engine/situations.ts';
import type { AlertDecisionOut, EngineAlert } from '../engine/types.ts';
import { qp, type Queryable } from './sql.ts';

const MIN = 60_000;

export interface SituationChange {
  situationId: string;
  incidentIds: string[];
  created: boolean;
}

const SIT_INCIDENT = `id, title, asset, "firstSeenAt", "lastSeenAt", status, "entityKeys", "situationId"`;

export function toSitIncident(r: Record<string, unknown>): SituationIncident {
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

/** The entity keys each decided firing alert adds to its incident, and the latest time per incident. */
function freshKeys(
  alerts: EngineAlert[],
  decisions: AlertDecisionOut[],
  config: SituationConfig,
): Map<string, { keys: Set<string>; t: Date }> {
  const byId = new Map(alerts.map((a) => [a.id, a]));
  const fresh = new Map<string, { keys: Set<string>; t: Date }>();
  for (const d of decisions) {
    const a = byId.get(d.alertId);
    if (!d.incidentId || !a || a.status !== 'FIRING') continue;
    const cur = fresh.get(d.incidentId) ?? { keys: new Set<string>(), t: a.occurredAt };
    for (const k of entityKeys(a, config)) cur.keys.add(k);
    if (a.occurredAt > cur.t) cur.t = a.occurredAt;
    fresh.set(d.incidentId, cur);
  }
  return fresh;
}

/** Incidents by key, for hub counts and candidates; kept current as incidents gain keys. */
class KeyIndex {
  private readonly byKey = new Map<string, Set<SituationIncident>>();
  add(inc: SituationIncident, keys: string[]) {
    for (const k of keys) {
      let s = this.byKey.get(k);
      if (!s) this.byKey.set(k, (s = new Set()));
      s.add(inc);
    }
  }
  of(k: string): Iterable<SituationIncident> {
    return this.byKey.get(k) ?? [];
  }
}

/** A batch as the situation linker takes it: the turn's alerts and their decisions. */
export interface LinkInput {
  mspId: string;
  companyId: string;
  config: SituationConfig;
  alerts: EngineAlert[];
  decisions: AlertDecisionOut[];
  newId: () => string;
}

/** What the linker decided for a batch, and the writes that record it (none: nothing to write). */
export interface SituationPlan {
  changes: SituationChange[];
  writes: SituationWrites | null;
}

/**
 * Decides what the decided alerts' entity keys add to their incidents and links those that gained
 * keys, before the turn writes anything: the caller writes `writes` with the turn's own writes.
 */
export async function planSituationLinks(
  c: Queryable,
  p: LinkInput & {
    /**
     * The turn's incidents as they will stand after its writes (apply.ts): the linker takes them
     * from here, never as the database holds them before the write.
     */
    known: Map<string, SituationIncident>;
    /** The turn's new incidents (not in the database yet): they count towards the hub count. */
    created: { firstSeenAt: Date; lastSeenAt: Date }[];
  },
): Promise<SituationPlan> {
  const { companyId, config } = p;
  const none: SituationPlan = { changes: [], writes: null };
  if (!config.enabled || !config.entities.length) return none;
  const fresh = freshKeys(p.alerts, p.decisions, config);
  if (!fresh.size) return none;
  // The incidents the batch's alerts went to, in linking order (byFirstSeen, as the read orders
  // them). From the turn; one the turn did not load (it did not write it either) is read.
  const { known } = p;
  const freshIds = [...fresh.keys()];
  const unknown = freshIds.filter((id) => !known.has(id));
  const incidents = [
    ...freshIds
      .filter((id) => known.has(id))
      .map((id) => ({ ...known.get(id)!, entityKeys: [...known.get(id)!.entityKeys] })),
    ...(unknown.length
      ? (
          await qp<Record<string, unknown>>(
            c,
            // By primary key alone, as every read and write of incidents by id below (see SituationWrites).
            `SELECT ${SIT_INCIDENT} FROM "Incident" WHERE id = ANY($1::uuid[]) ORDER BY "firstSeenAt", id`,
            [unknown],
          )
        ).rows.map(toSitIncident)
      : []),
  ].sort(byFirstSeen);
  // The incidents that gain keys, in linking order, and what they gain.
  const gaining: { inc: SituationIncident; added: string[]; t: Date }[] = [];
  const allKeys = new Set<string>();
  for (const inc of incidents) {
    const f = fresh.get(inc.id)!;
    const added = [...f.keys].filter((k) => !inc.entityKeys.includes(k));
    if (!added.length) continue;
    gaining.push({ inc, added, t: f.t });
    for (const k of [...inc.entityKeys, ...added]) allKeys.add(k);
  }
  if (!gaining.length) return none;
  const open = gaining.filter((g) => g.inc.open);
  if (!open.length) {
    // Resolved incidents keep their keys but link to nothing.
    const w = new SituationWrites();
    for (const { inc, added } of gaining) w.setKeys(inc.id, [...inc.entityKeys, ...added].sort(), added);
    return { changes: [], writes: w };
  }
  const keys = [...allKeys];
  const fromOf = (t: Date) => new Date(t.getTime() - config.hubLookbackMinutes * MIN);
  const froms = open.map((g) => fromOf(g.t).getTime());
  const minFrom = new Date(Math.min(...froms));
  const maxFrom = new Date(Math.max(...froms));
  // The turn's new incidents that the hub count would read after the write (first and last seen
  // since the earliest lookback start): the read adds their first-seen times to the database's.
  const createdTimes = p.created
    .filter((i) => i.firstSeenAt >= minFrom && i.lastSeenAt >= minFrom)
    .map((i) => i.firstSeenAt.toISOString());

  // Every other incident that shares a key of the batch: hub counts (first seen in the lookback)
  // and candidates (open). The gaining incidents are the objects above, updated as they gain keys.
  const byId = new Map(gaining.map((g) => [g.inc.id, g.inc]));
  // The situations of the incidents that take part come in the same round trip (they were a read of
  // their own): those of the batch's incidents (known here) and those of the incidents read.
  const ownSits = [...new Set(gaining.map((g) => g.inc.situationId).filter((x): x is string => !!x))];
  // Every key each incident of the batch has or gains, as (id, key) pairs, for the hub count's cap
  // (the statement's UNION drops repeats).
  const pairIds: string[] = [];
  const pairKeys: string[] = [];
  for (const g of gaining)
    for (const k of [...g.inc.entityKeys, ...g.added]) {
      pairIds.push(g.inc.id);
      pairKeys.push(k);
    }
  const read = await qp<Record<string, unknown>>(
    c,
    // The incidents that share a key of the batch, by index ("IncidentEntityKey": migration
    // 20261130130000_incident_entity_keys; a turn writes its rows itself, triggers on "Incident" for
    // every other writer): for each key, the open ones and the resolved ones first seen since the
    // earliest lookback start. The incidents are then read by primary key and kept if live: open,
    // or resolved and first and last seen in the lookback. Before, this read every live incident of
    // the company and unnested its keys (11-13 ms a turn at 7,000).
    // The ids go in as one array (an InitPlan, evaluated once), never as a join, and the incidents
    // are found by primary key alone (see SituationWrites): on a database without statistics the
    // prepared statement's plan joined the two as a nested loop that read the keys again for every
    // incident of the company (0.5-1 s a turn at 1,000 incidents). The situations likewise, by
    // primary key from one array.
    // The hub count comes in the same round trip (it was a statement of its own). Incidents first
    // seen in the lookback decide hubs: a key is a hub when it is on more than hubShare of them. The
    // most incidents any key can count in this batch is `most` (every key each incident has or
    // gains: the pairs of the batch's incidents and the keys of those read, whose stored keys the
    // pairs already hold for the batch's own), so a total of `cap` = floor(most / hubShare) + 1 or
    // more makes no key a hub, whatever the exact figure: the times are read newest first and the
    // read stops at `cap` (no cap when hubShare is not positive: $7 is NULL, and so is the LIMIT).
    // Of the times read, those from the latest lookback start ($8) are counted, and those between
    // the earliest and the latest start (the batch's span) are kept, to count from any start. The
    // company is a one-time subquery (an InitPlan), estimated at an average company: as a literal
    // id unseen by the statistics it was estimated at a row, and the planner read every incident of
    // the company through another company index (fresh-database-plans.integration.test.ts).
    // Rows of kind 'h' are the hub count (one row), of kind 'i' incidents, of kind 's' situations.
    `WITH o AS MATERIALIZED (
       SELECT ${SIT_INCIDENT} FROM "Incident"
        WHERE id = ANY (ARRAY(
                SELECT "incidentId" FROM "IncidentEntityKey"
                 WHERE "companyId" = $1 AND key = ANY($2::text[]) AND open = true
                UNION
                SELECT "incidentId" FROM "IncidentEntityKey"
                 WHERE "companyId" = $1 AND key = ANY($2::text[]) AND open = false AND "firstSeenAt" >= $3::timestamp))
          AND (status IN ('OPEN', 'ACKNOWLEDGED')
               OR (status = 'RESOLVED' AND "lastSeenAt" >= $3::timestamp AND "firstSeenAt" >= $3::timestamp))),
     cap AS (
       SELECT floor(coalesce(max(n), 0) / $7::float8)::int + 1 AS cap
         FROM (SELECT count(*) AS n
                 FROM (SELECT id, unnest("entityKeys") AS key FROM o
                       UNION SELECT * FROM unnest($5::uuid[], $6::text[])) p
                GROUP BY key) per_key),
     recent AS (
       SELECT f FROM (
         SELECT "firstSeenAt" AS f FROM "Incident"
          WHERE "companyId" = (SELECT $1::uuid) AND "firstSeenAt" >= $3::timestamp AND "lastSeenAt" >= $3::timestamp
          ORDER BY "firstSeenAt" DESC LIMIT (SELECT cap FROM cap)) d
       UNION ALL SELECT unnest($9::timestamp[])
       ORDER BY f DESC LIMIT (SELECT cap FROM cap))
     SELECT 'h' AS kind, NULL::uuid AS id, NULL::text AS title, NULL::text AS asset, min(f) AS "firstSeenAt",
            NULL::timestamp AS "lastSeenAt", NULL::text AS status, NULL::text[] AS "entityKeys", NULL::uuid AS "situationId",
            (count(*) FILTER (WHERE f >= $8::timestamp))::int AS "incidentCount",
            array_agg(f) FILTER (WHERE f < $8::timestamp) AS early, count(*)::int AS n, (SELECT cap FROM cap) AS cap
       FROM recent
     UNION ALL
     SELECT 'i', id, title, asset, "firstSeenAt", "lastSeenAt", status::text, "entityKeys", "situationId", NULL::int,
            NULL::timestamp[], NULL::int, NULL::int
       FROM o
     UNION ALL
     SELECT 's', s.id, NULL::text, NULL::text, s."firstSeenAt", s."lastSeenAt", s.status::text, NULL::text[], NULL::uuid,
            s."incidentCount", NULL::timestamp[], NULL::int, NULL::int
       FROM "Situation" s
      WHERE s.id = ANY (ARRAY(SELECT "situationId" FROM o WHERE "situationId" IS NOT NULL
                              UNION SELECT unnest($4::uuid[])))
     ORDER BY 1, 2`,
    [
      companyId,
      keys,
      minFrom.toISOString(),
      ownSits,
      pairIds,
      pairKeys,
      config.hubShare > 0 ? config.hubShare : null,
      maxFrom.toISOString(),
      createdTimes,
    ],
  );
  const others = read.rows.filter((r) => r.kind === 'i');
  const index = new KeyIndex();
  for (const r of others) {
    // The batch's own incidents are the objects above (excluded here, not by `id <> ALL(…)`,
    // which compared every row read with every id of the batch).
    if (byId.has(r.id as string)) continue;
    // An incident of the turn is read as it stood before the turn's write: take it as the write
    // leaves it, and keep it only if the read would have kept it after the write (open, or
    // resolved and first and last seen in the lookback). It was open before the turn (the turn
    // loads open incidents only), so the read did find it.
    const turns = known.get(r.id as string);
    const inc = turns ? { ...turns, entityKeys: [...turns.entityKeys] } : toSitIncident(r);
    if (turns && !inc.open && !(inc.lastSeenAt >= minFrom && inc.firstSeenAt >= minFrom)) continue;
    byId.set(inc.id, inc);
    index.add(inc, inc.entityKeys);
  }
  for (const g of gaining) index.add(g.inc, g.inc.entityKeys);
  // The hub count (an aggregate without GROUP BY: always one row): `base` counted from the latest
  // start, `early` the times before it, `n` times read of at most `cap` (null: no cap), the oldest of
  // them as the row's "firstSeenAt".
  const hub = read.rows.find((r) => r.kind === 'h')!;
  const base = Number(hub.incidentCount);
  const early = (hub.early as Date[] | null) ?? [];
  const cap = hub.cap == null ? null : Number(hub.cap);
  // Cut short: from a start at or before the oldest time read, there are at least `cap`.
  const oldest = cap !== null && Number(hub.n) >= cap ? (hub.firstSeenAt as Date) : null;
  const totalFrom = (from: Date) =>
    oldest && from <= oldest ? cap! : base + early.filter((d) => d >= from).length;

  // Situations of every incident that may take part (read with them above).
  const situations = new Map<string, SituationSummary>();
  for (const r of read.rows)
    if (r.kind === 's')
      situations.set(r.id as string, {
        id: r.id as string,
        firstSeenAt: r.firstSeenAt as Date,
        lastSeenAt: r.lastSeenAt as Date,
        incidentCount: Number(r.incidentCount),
        open: r.status !== 'RESOLVED',
      });

  const w = new SituationWrites();
  const changes = new Map<string, SituationChange>();
  for (const { inc, added, t } of gaining) {
    inc.entityKeys = [...inc.entityKeys, ...added].sort();
    index.add(inc, added);
    w.setKeys(inc.id, inc.entityKeys, added);
    if (!inc.open) continue;
    const from = fromOf(t);
    const counts = new Map<string, number>();
    for (const k of inc.entityKeys) {
      let n = 0;
      for (const j of index.of(k)) if (j.firstSeenAt >= from) n++;
      if (n) counts.set(k, n);
    }
    const hubs = hubKeys(counts, totalFrom(from), config);
    const usable = inc.entityKeys.filter((k) => !hubs.has(k));
    if (!usable.length) continue;
    const cand = new Set<SituationIncident>();
    for (const k of usable) for (const j of index.of(k)) if (j.open && j.id !== inc.id) cand.add(j);
    const candidates = [...cand].sort(byFirstSeen).slice(0, 500);
    const res = linkIncident({ incident: inc, candidates, situations, hubs, config, t, newId: p.newId });
    if (res.created) {
      // Titled after its earliest incident.
      const first = [inc, ...candidates]
        .filter((x) => res.assigned.some((a) => a.incidentId === x.id))
        .sort(byFirstSeen)[0]!;
      situations.set(res.created.id, { ...res.created, lastSeenAt: t, incidentCount: 0 });
      w.created.push({
        id: res.created.id,
        title: first.title.slice(0, 500),
        first: res.created.firstSeenAt,
        t,
      });
    }
    for (const a of res.assigned) {
      const j = byId.get(a.incidentId)!;
      j.situationId = a.situationId;
      w.assigned.set(a.incidentId, a.situationId);
      const s = situations.get(a.situationId)!;
      s.incidentCount += 1;
      if (j.firstSeenAt < s.firstSeenAt) s.firstSeenAt = j.firstSeenAt;
      if (t > s.lastSeenAt) s.lastSeenAt = t;
      const prev = w.touched.get(a.situationId);
      if (!prev || t > prev) w.touched.set(a.situationId, t);
      const ch = changes.get(a.situationId) ?? {
        situationId: a.situationId,
        incidentIds: [],
        created: false,
      };
      ch.incidentIds.push(a.incidentId);
      if (res.created?.id === a.situationId) ch.created = true;
      changes.set(a.situationId, ch);
    }
    for (const e of res.edges) w.edges.push({ e, t });
  }
  return { changes: [...changes.values()], writes: w };
}

/**
 * What the batch's linking changes, written with the turn's own writes in one round trip
 * (aw_turn_write, migration 20261203150000_turn_write_links_before), in foreign-key order: the new
 * situations, then the turn's incidents (each carrying its new keys and situation in the row the
 * turn writes anyway: `take`), then the rows of "IncidentEntityKey" for the keys gained, the keys and
 * situation of the incidents the turn does not write (a candidate that joins a new situation), the
 * links' explanations and the touched situations' counts.
 * Its statements find incidents by primary key only (one probe per id in a LATERAL subquery that
 * conditions from outside cannot enter, or `id = ANY(<ids>)`), never beside a condition on the
 * company: the planner would weigh the company's index on its estimate of the company's incidents,
 * and for a company new to the statistics (or a database without them) that estimate is a row or
 * two. Such plans rescanned the arrays once per incident of the MSP (60-130 ms a turn on a database
 * without statistics) or read the company's incidents once per key (1.1-1.3 s a turn for a company
 * the statistics had not seen). The turn is walled in to its company (tenant policies), and the ids
 * come from rows read for it. The touched situations' recount joins nothing (migration
 * 20261203070000_situation_recount_per_situation): each situation's members are counted by its id
 * in a subquery, and its time comes from a jsonb object keyed by id, so no plan can rescan the
 * arrays once per situation.
 */
export class SituationWrites {
  keys = new Map<string, string[]>();
  /** The keys each incident gains, for "IncidentEntityKey" (the turn keeps it: no trigger). */
  added: { id: string; key: string }[] = [];
  created: { id: string; title: string; first: Date; t: Date }[] = [];
  assigned = new Map<string, string>();
  edges: { e: SituationEdge; t: Date }[] = [];
  /** Situations that gained incidents, with the latest link time. */
  touched = new Map<string, Date>();

  setKeys(id: string, keys: string[], added: string[]) {
    this.keys.set(id, keys);
    for (const key of added) this.added.push({ id, key });
  }

  /**
   * The keys and situation to write in the row of incident `id` (one the turn writes), taken out of
   * the writes that follow the turn's.
   */
  take(id: string): { keys?: string[]; sit?: string } {
    const out: { keys?: string[]; sit?: string } = {};
    const k = this.keys.get(id);
    const s = this.assigned.get(id);
    if (k) out.keys = k;
    if (s) out.sit = s;
    this.keys.delete(id);
    this.assigned.delete(id);
    return out;
  }

  /** aw_turn_write's arguments after the turn's document ($4 on). */
  args(): unknown[] {
    const ids = [...new Set([...this.keys.keys(), ...this.assigned.keys()])];
    const n = this.created;
    const e = this.edges;
    return [
      n.map((x) => x.id),
      n.map((x) => x.title),
      n.map((x) => x.first.toISOString()),
      n.map((x) => x.t.toISOString()),
      ids,
      ids.map((id) => {
        const k = this.keys.get(id);
        return k ? JSON.stringify(k) : null;
      }),
      ids.map((id) => this.assigned.get(id) ?? null),
      this.added.map((a) => a.id),
      this.added.map((a) => a.key),
      e.map((x) => x.e.situationId),
      e.map((x) => x.e.incidentId),
      e.map((x) => x.e.linkedIncidentId),
      e.map((x) => x.e.entity),
      e.map((x) => x.e.value),
      e.map((x) => x.e.explanation),
      e.map((x) => x.t.toISOString()),
      [...this.touched.keys()],
      [...this.touched.values()].map((t) => t.toISOString()),
    ];
  }
}

/** aw_turn_write's call: the turn's document ($3) and the linker's writes. */
export const TURN_WRITE_SQL = `SELECT aw_turn_write($1::uuid, $2::uuid, $3::jsonb, $4::uuid[], $5::text[], $6::text[],
       $7::text[], $8::uuid[], $9::text[], $10::uuid[], $11::uuid[], $12::text[], $13::uuid[], $14::uuid[],
       $15::uuid[], $16::text[], $17::text[], $18::text[], $19::text[], $20::uuid[], $21::text[])`;
