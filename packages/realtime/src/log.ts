// The short persisted event log (table "RealtimeEvent"): the source of truth every transport reads.
// Rows are written together with a NOTIFY per row. The NOTIFY carries the event itself as JSON when
// that fits (`NOTIFY_INLINE_MAX` bytes; a payload must stay under 8000), so a listener has it without
// a read; a larger event's NOTIFY carries only its id, and listeners fetch that row (`byIds`).
import type { Queryable } from '@aw/db';
import { preparedName } from '@aw/db/prepared';
import type { PublishInput, RealtimeEvent } from './events.ts';
import type { ViewerScope } from './scope.ts';

// Pass a transaction's client as `db` to publish atomically with it.
export type { Queryable } from '@aw/db';

export const DEFAULT_NOTIFY_CHANNEL = 'aw_realtime';

interface Row {
  id: string;
  mspId: string;
  companyId: string | null;
  type: string;
  payload: unknown;
  createdAt: Date;
}

const COLUMNS = `id::text AS id, "mspId"::text AS "mspId", "companyId"::text AS "companyId", type, payload,
  ("createdAt" AT TIME ZONE 'UTC') AS "createdAt"`;

function toEvent(r: Row): RealtimeEvent {
  return {
    id: r.id,
    type: r.type,
    mspId: r.mspId,
    companyId: r.companyId,
    payload: r.payload,
    createdAt: r.createdAt.toISOString(),
  } as RealtimeEvent;
}

const DIGITS = /^\d{1,19}$/;

/**
 * The largest NOTIFY payload (bytes) that carries the whole event; larger events carry their id.
 * PostgreSQL refuses payloads of 8000 bytes or more.
 */
export const NOTIFY_INLINE_MAX = 7900;

/**
 * Inserts events ($1…$4: msp ids, company ids, types, payloads as JSON text), ids in the order given,
 * and returns each one's id and "createdAt". With `notify`, each row is also NOTIFYed on channel $5:
 * the event as JSON (`parseNotifiedEvent` reads it) when that takes at most NOTIFY_INLINE_MAX bytes,
 * else its id (delivered when the statement's transaction commits).
 */
function appendSql(notify: boolean): string {
  const select = notify
    ? `, pg_notify($5, CASE WHEN octet_length(n.j) <= ${NOTIFY_INLINE_MAX} THEN n.j ELSE ins.id::text END)
         FROM ins CROSS JOIN LATERAL (SELECT json_build_object('id', ins.id::text, 'mspId', ins."mspId",
           'companyId', ins."companyId", 'type', ins.type, 'payload', ins.payload,
           'createdAt', ins."createdAt" AT TIME ZONE 'UTC')::text AS j) n`
    : ' FROM ins';
  return `WITH ins AS (
         INSERT INTO "RealtimeEvent" ("mspId", "companyId", type, payload, "createdAt")
         SELECT m, c, t, p::jsonb, now() AT TIME ZONE 'UTC'
           FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) WITH ORDINALITY AS x(m, c, t, p, n)
          ORDER BY n
         RETURNING id, "mspId", "companyId", type, payload, "createdAt")
       SELECT ins.id::text AS id, (ins."createdAt" AT TIME ZONE 'UTC') AS "createdAt"${select} ORDER BY ins.id`;
}
const APPEND = [false, true].map((notify) => {
  const text = appendSql(notify);
  return { name: preparedName(text), text };
});

/**
 * A NOTIFY payload of the log: the event it carries, its id to fetch (`{ id }`), or null when it is
 * neither (ignored).
 */
export function parseNotifiedEvent(payload: string): RealtimeEvent | { id: string } | null {
  if (DIGITS.test(payload)) return { id: payload };
  if (payload.charCodeAt(0) !== 123 /* { */) return null;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (
    typeof v.id !== 'string' ||
    !DIGITS.test(v.id) ||
    typeof v.mspId !== 'string' ||
    (v.companyId !== null && typeof v.companyId !== 'string') ||
    typeof v.type !== 'string' ||
    typeof v.createdAt !== 'string'
  )
    return null;
  const at = new Date(v.createdAt);
  if (Number.isNaN(at.getTime())) return null;
  return {
    id: v.id,
    type: v.type,
    mspId: v.mspId,
    companyId: v.companyId,
    payload: v.payload,
    createdAt: at.toISOString(),
  } as RealtimeEvent;
}

/** A client-supplied Last-Event-ID, or null when it is not one of ours. */
export function parseEventId(v: string | null | undefined): string | null {
  if (!v) return null;
  const s = v.trim();
  return DIGITS.test(s) ? s : null;
}

/**
 * The event log. Its writes and its read by ids run on every publication and every NOTIFY received,
 * so they are named prepared statements (`preparedName`): unnamed, PostgreSQL planned each of them
 * again on every call, and planning cost more than running.
 */
export class EventLog {
  constructor(
    private readonly db: Queryable,
    readonly notifyChannel: string = DEFAULT_NOTIFY_CHANNEL,
  ) {}

  /** Inserts the event; with `notify`, also NOTIFYs it (delivered when the statement commits). */
  async append(input: PublishInput, opts: { notify: boolean; db?: Queryable }): Promise<RealtimeEvent> {
    return (await this.appendMany([input], opts))[0]!;
  }

  /**
   * Inserts the events in one statement, ids in the order given; with `notify`, NOTIFYs each one
   * (delivered when the statement commits). One round trip however many: a turn's incident events.
   */
  async appendMany(
    inputs: PublishInput[],
    opts: { notify: boolean; db?: Queryable },
  ): Promise<RealtimeEvent[]> {
    if (!inputs.length) return [];
    const values: unknown[] = [
      inputs.map((i) => i.mspId),
      inputs.map((i) => i.companyId ?? null),
      inputs.map((i) => i.type),
      inputs.map((i) => JSON.stringify(i.payload)),
    ];
    if (opts.notify) values.push(this.notifyChannel);
    const { rows } = await (opts.db ?? this.db).query({ ...APPEND[opts.notify ? 1 : 0]!, values });
    return (rows as { id: string; createdAt: Date }[]).map(
      (row, k) =>
        ({
          id: row.id,
          type: inputs[k]!.type,
          mspId: inputs[k]!.mspId,
          companyId: inputs[k]!.companyId,
          payload: inputs[k]!.payload,
          createdAt: row.createdAt.toISOString(),
        }) as RealtimeEvent,
    );
  }

  /** The events with these ids, oldest first (`db`: another connection than the log's own). */
  async byIds(ids: string[], db: Queryable = this.db): Promise<RealtimeEvent[]> {
    const clean = ids.filter((i) => DIGITS.test(i));
    if (clean.length === 0) return [];
    // The array through a subquery, so that PostgreSQL's default settles on the generic plan (with
    // the array as a constant a custom plan always looks cheaper, and it planned on every call).
    const text = `SELECT ${COLUMNS} FROM "RealtimeEvent" WHERE id = ANY (ARRAY(SELECT unnest($1::bigint[]))) ORDER BY id`;
    const { rows } = await db.query({ name: preparedName(text), text, values: [clean] });
    return (rows as Row[]).map(toEvent);
  }

  async byId(id: string): Promise<RealtimeEvent | null> {
    return (await this.byIds([id]))[0] ?? null;
  }

  /** The newest id in the log ("0" when empty). */
  async maxId(): Promise<string> {
    const { rows } = await this.db.query(`SELECT COALESCE(max(id), 0)::text AS id FROM "RealtimeEvent"`);
    return (rows[0] as { id: string }).id;
  }

  /**
   * Events after `afterId` that `scope` may see, oldest first, at most `limit`.
   * `complete` is false when the log cannot prove nothing is missing: the requested position was
   * already pruned, or more than `limit` events wait. The caller then tells the client to refetch.
   */
  async after(
    afterId: string,
    scope: ViewerScope & { narrowToCompanyId?: string },
    limit: number,
  ): Promise<{ events: RealtimeEvent[]; complete: boolean }> {
    const company = scope.companyId ?? scope.narrowToCompanyId ?? null;
    const { rows } = await this.db.query(
      `SELECT ${COLUMNS} FROM "RealtimeEvent"
        WHERE id > $1::bigint AND "mspId" = $2::uuid AND ($3::uuid IS NULL OR "companyId" = $3::uuid)
        ORDER BY id LIMIT $4`,
      [afterId, scope.mspId, company, limit + 1],
    );
    const events = (rows as Row[]).map(toEvent);
    let complete = events.length <= limit;
    if (complete && afterId !== '0') {
      // Pruned past the client's position? The oldest retained row tells (ids only grow; a hole
      // left by a rolled-back insert can only cause a needless refetch, never a silent miss).
      const { rows: o } = await this.db.query(`SELECT min(id)::text AS id FROM "RealtimeEvent"`);
      const oldest = (o[0] as { id: string | null }).id;
      if (oldest !== null && BigInt(oldest) > BigInt(afterId) + 1n) complete = false;
    }
    return { events: events.slice(0, limit), complete };
  }

  /** Deletes events older than `olderThanMs`, in batches. Returns how many rows went. */
  async prune(olderThanMs: number, batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const r = await this.db.query(
        `DELETE FROM "RealtimeEvent" WHERE id IN (
           SELECT id FROM "RealtimeEvent"
            WHERE "createdAt" < (now() AT TIME ZONE 'UTC') - make_interval(secs => $1::double precision)
            ORDER BY id LIMIT $2)`,
        [olderThanMs / 1000, batch],
      );
      const n = r.rowCount ?? 0;
      total += n;
      if (n < batch) return total;
    }
  }
}
