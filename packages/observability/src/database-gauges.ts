// One set of database reads per scrape for the cluster-wide gauges: each gauge's collect() awaits
// the same snapshot, and a snapshot younger than 250 ms is reused. A slow or unreachable database
// yields `ok: false` after the timeout instead of hanging the scrape.

export interface Queryable {
  query<R extends object = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export type Snapshot =
  | {
      ok: true;
      pendingAlerts: number;
      oldestPendingSeconds: number;
      jobs: { name: string; state: string; count: number }[];
      runbooks: { status: string; count: number }[];
      syncs: { status: string; count: number }[];
    }
  | { ok: false; error: string };

export interface DatabaseSnapshot {
  read(): Promise<Snapshot>;
}

const PENDING_SQL = `SELECT count(*)::int AS n,
  COALESCE(EXTRACT(EPOCH FROM (now() - min("receivedAt"))), 0)::float8 AS oldest
  FROM "Alert" WHERE decision = 'PENDING'`;
const JOBS_SQL = `SELECT name, state::text AS state, count(*)::int AS n FROM "Job"
  WHERE state IN ('QUEUED', 'ACTIVE', 'FAILED') GROUP BY name, state`;
const RUNBOOKS_SQL = `SELECT status::text AS status, count(*)::int AS n FROM "RunbookExecution" GROUP BY status`;
const SYNCS_SQL = `SELECT status, count(*)::int AS n FROM "PatchComplianceSync" GROUP BY status`;

export function createDatabaseSnapshot(
  db: Queryable,
  o: { timeoutMs?: number; maxAgeMs?: number } = {},
): DatabaseSnapshot {
  const timeoutMs = o.timeoutMs ?? 2_000;
  const maxAgeMs = o.maxAgeMs ?? 250;
  let last: { at: number; value: Promise<Snapshot> } | null = null;

  async function load(): Promise<Snapshot> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`database did not answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const [p, j, r, c] = await Promise.race([
        Promise.all([
          db.query<{ n: number; oldest: number }>(PENDING_SQL),
          db.query<{ name: string; state: string; n: number }>(JOBS_SQL),
          db.query<{ status: string; n: number }>(RUNBOOKS_SQL),
          db.query<{ status: string; n: number }>(SYNCS_SQL),
        ]),
        timeout,
      ]);
      return {
        ok: true,
        pendingAlerts: p.rows[0]?.n ?? 0,
        oldestPendingSeconds: Number(p.rows[0]?.oldest ?? 0),
        jobs: j.rows.map((x) => ({ name: x.name, state: x.state, count: x.n })),
        runbooks: r.rows.map((x) => ({ status: x.status, count: x.n })),
        syncs: c.rows.map((x) => ({ status: x.status, count: x.n })),
      };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    read() {
      const now = Date.now();
      if (!last || now - last.at > maxAgeMs) last = { at: now, value: load() };
      return last.value;
    },
  };
}
