// The notification listener for a whole turn of correlation's incident events (the worker hands
// them over at once): the same triggers `triggersOf` gives event by event, with the incidents'
// trigger state read once and written once for the batch instead of one to three statements per
// event, and the deliveries dispatched only for MSPs that have something to deliver to (a
// notification policy, a PSA connection or a ticket): without them, `dispatchTrigger` finds nothing.
// Its three statements run at most once per correlation turn each, as named prepared statements
// (`qn`): planned on every call, they cost PostgreSQL more to plan than to run. The two reads take
// their arrays through a subquery (`ARRAY(SELECT unnest($1))`): with the array as a constant a
// custom plan always looked cheaper than the generic one (it knows the array's length), so
// PostgreSQL's default planned them again on every call anyway.
import type { IncidentChangedEvent } from '@aw/correlation';
import { qn, ts } from '@aw/jobs';
import { type NotificationDeps, now } from './deps.ts';
import { dispatchTrigger, type TriggerEvent } from './dispatch.ts';

/** Declared worst first in the schema: a smaller rank is a worse severity. */
const RANK: Record<string, number> = { CRITICAL: 0, HIGH: 1, MEDIUM: 2, LOW: 3, INFO: 4 };

interface State {
  mspId: string;
  maxSeverity: string;
  flapping: boolean;
  dirty: boolean;
}

/**
 * Every event's triggers in order, as `triggersOf` decides them one by one; writes the trigger
 * state of the batch's incidents in one statement (merged with any concurrent writer: the worst
 * severity and flapping once seen stay).
 */
export async function triggersOfBatch(
  deps: NotificationDeps,
  events: IncidentChangedEvent[],
): Promise<TriggerEvent[]> {
  if (!events.length) return [];
  const ids = [...new Set(events.map((e) => e.incidentId))];
  const { rows } = await qn<{ incidentId: string; mspId: string; maxSeverity: string; flapping: boolean }>(
    deps.pool,
    `SELECT "incidentId"::text AS "incidentId", "mspId"::text AS "mspId", "maxSeverity"::text AS "maxSeverity", flapping
       FROM "NotificationIncidentState" WHERE "incidentId" = ANY (ARRAY(SELECT unnest($1::uuid[])))`,
    [ids],
  );
  const state = new Map<string, State>(rows.map((r) => [r.incidentId, { ...r, dirty: false }]));
  const out: TriggerEvent[] = [];
  for (const e of events) {
    const base = { mspId: e.mspId, incidentId: e.incidentId };
    let s = state.get(e.incidentId);
    const inserted = !s;
    if (!s) {
      s = { mspId: e.mspId, maxSeverity: e.severity, flapping: e.flapping, dirty: true };
      state.set(e.incidentId, s);
    }
    if (e.type === 'incident.created') {
      out.push({ ...base, trigger: 'incident.opened' });
      if (e.flapping) out.push({ ...base, trigger: 'incident.flapping' });
      continue;
    }
    if (!inserted) {
      if (RANK[s.maxSeverity]! > RANK[e.severity]!) {
        s.maxSeverity = e.severity;
        s.dirty = true;
        out.push({
          ...base,
          trigger: 'incident.severity_raised',
          suffix: e.severity,
          detail: `now ${e.severity}`,
        });
      }
      if (e.flapping && !s.flapping) {
        s.flapping = true;
        s.dirty = true;
        out.push({ ...base, trigger: 'incident.flapping' });
      }
    }
    if (e.status === 'ACKNOWLEDGED') out.push({ ...base, trigger: 'incident.acknowledged' });
    if (e.type === 'incident.resolved' || e.status === 'RESOLVED')
      out.push({ ...base, trigger: 'incident.resolved' });
  }
  const dirty = [...state].filter(([, s]) => s.dirty);
  if (dirty.length)
    await qn(
      deps.pool,
      `INSERT INTO "NotificationIncidentState" ("incidentId", "mspId", "maxSeverity", flapping, "updatedAt")
       SELECT i, m, s::"Severity", f, $5 FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bool[]) AS x(i, m, s, f)
       ON CONFLICT ("incidentId") DO UPDATE
          SET "maxSeverity" = LEAST("NotificationIncidentState"."maxSeverity", EXCLUDED."maxSeverity"),
              flapping = "NotificationIncidentState".flapping OR EXCLUDED.flapping,
              "updatedAt" = EXCLUDED."updatedAt"`,
      [
        dirty.map(([id]) => id),
        dirty.map(([, s]) => s.mspId),
        dirty.map(([, s]) => s.maxSeverity),
        dirty.map(([, s]) => s.flapping),
        ts(now(deps)),
      ],
    );
  return out;
}

/** The MSPs of `mspIds` that have a notification policy, a PSA connection or a ticket. */
async function mspsThatDeliver(deps: NotificationDeps, mspIds: string[]): Promise<Set<string>> {
  const { rows } = await qn<{ id: string }>(
    deps.pool,
    `SELECT m.id::text AS id FROM unnest(ARRAY(SELECT unnest($1::uuid[]))) AS m(id)
      WHERE EXISTS (SELECT 1 FROM "NotificationPolicy" p WHERE p."mspId" = m.id)
         OR EXISTS (SELECT 1 FROM "PsaConnection" c WHERE c."mspId" = m.id)
         OR EXISTS (SELECT 1 FROM "PsaTicketLink" l WHERE l."mspId" = m.id)`,
    [mspIds],
  );
  return new Set(rows.map((r) => r.id));
}

/**
 * The listener for a batch of correlation's incident events: what `onIncidentChanged` does for each
 * of them, in order. Returns the ids of the deliveries queued.
 */
export async function onIncidentsChanged(
  deps: NotificationDeps,
  events: IncidentChangedEvent[],
): Promise<string[]> {
  const triggers = await triggersOfBatch(deps, events);
  if (!triggers.length) return [];
  const deliver = await mspsThatDeliver(deps, [...new Set(triggers.map((t) => t.mspId))]);
  const out: string[] = [];
  for (const t of triggers) if (deliver.has(t.mspId)) out.push(...(await dispatchTrigger(deps, t)));
  return out;
}
