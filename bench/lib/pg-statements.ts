// `npm run bench -- --pg-statements`: where PostgreSQL spends its time in each app run. The bench's
// own server then preloads pg_stat_statements (track = all, so statements inside the app's
// PL/pgSQL functions count too); the counters are reset before each app run and read after its
// drain, so a run's table covers its intake, its correlation turns and the listeners that followed.
// Diagnostic only: the extension's bookkeeping costs a little CPU, so runs with it are not
// comparable with runs without it.
import type pg from 'pg';

export const PG_STATEMENTS_FLAGS = [
  '-c',
  'shared_preload_libraries=pg_stat_statements',
  '-c',
  'pg_stat_statements.track=all',
  '-c',
  'pg_stat_statements.track_planning=on',
];

export interface StatementCost {
  /** The statement's text, whitespace collapsed, cut at 140 characters. */
  query: string;
  calls: number;
  /** Execution plus planning time, in µs per accepted alert of the run. */
  microsPerAlert: number;
  /** Share of all the statements' time in the run (%). */
  share: number;
  /** Mean time per call (ms). */
  meanMs: number;
  /** Of which planning, per call (ms): a statement planned on every call shows it here. */
  planMeanMs: number;
  rows: number;
}

export async function enableStatements(pool: pg.Pool): Promise<void> {
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
}

export async function resetStatements(pool: pg.Pool): Promise<void> {
  await pool.query('SELECT pg_stat_statements_reset()');
}

export interface TableScans {
  table: string;
  seqScans: number;
  seqRowsRead: number;
  indexScans: number;
  live: number;
  dead: number;
}

/** Scan counters of the tables (cumulative; subtract two readings for a run). */
export async function tableScans(pool: pg.Pool): Promise<Map<string, TableScans>> {
  const { rows } = await pool.query<Record<string, string>>(
    `SELECT relname, seq_scan::text, seq_tup_read::text, COALESCE(idx_scan, 0)::text AS idx_scan,
            n_live_tup::text, n_dead_tup::text FROM pg_stat_user_tables`,
  );
  return new Map(
    rows.map((r) => [
      r.relname!,
      {
        table: r.relname!,
        seqScans: Number(r.seq_scan),
        seqRowsRead: Number(r.seq_tup_read),
        indexScans: Number(r.idx_scan),
        live: Number(r.n_live_tup),
        dead: Number(r.n_dead_tup),
      },
    ]),
  );
}

/** The tables read by sequential scans between two readings, most rows read first. */
export function seqScanDelta(before: Map<string, TableScans>, after: Map<string, TableScans>): TableScans[] {
  return [...after.values()]
    .map((a) => {
      const b = before.get(a.table);
      return {
        ...a,
        seqScans: a.seqScans - (b?.seqScans ?? 0),
        seqRowsRead: a.seqRowsRead - (b?.seqRowsRead ?? 0),
        indexScans: a.indexScans - (b?.indexScans ?? 0),
      };
    })
    .filter((t) => t.seqScans > 0)
    .sort((x, y) => y.seqRowsRead - x.seqRowsRead)
    .slice(0, 8);
}

/** The statements of this database that took the most time since the last reset. */
export async function topStatements(pool: pg.Pool, alerts: number, top = 15): Promise<StatementCost[]> {
  const { rows } = await pool.query<{
    query: string;
    calls: string;
    ms: number;
    planMs: number;
    rows: string;
  }>(
    `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, sum(calls)::text AS calls,
            sum(total_exec_time + total_plan_time) AS ms, sum(total_plan_time) AS "planMs",
            sum(rows)::text AS rows
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%pg_stat_statements%'
      GROUP BY 1`,
  );
  const total = rows.reduce((s, r) => s + r.ms, 0) || 1;
  return rows
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top)
    .map((r) => ({
      query: r.query.trim().slice(0, 140),
      calls: Number(r.calls),
      microsPerAlert: alerts ? Math.round((r.ms * 1000) / alerts) : 0,
      share: Math.round((1000 * r.ms) / total) / 10,
      meanMs: Math.round((1000 * r.ms) / Math.max(1, Number(r.calls))) / 1000,
      planMeanMs: Math.round((1000 * r.planMs) / Math.max(1, Number(r.calls))) / 1000,
      rows: Number(r.rows),
    }));
}

/** Every statement of the run together, per accepted alert. */
export interface StatementTotals {
  /** Statements the clients sent (pg_stat_statements' `toplevel`): round trips, COMMITs included. */
  clientStatementsPerAlert: number;
  /** Those and the statements run inside functions and triggers. */
  statementsPerAlert: number;
  /** Planning and execution time of the client statements (nested time is inside them), µs. */
  planMicrosPerAlert: number;
  execMicrosPerAlert: number;
}

export async function statementTotals(pool: pg.Pool, alerts: number): Promise<StatementTotals> {
  const { rows } = await pool.query<{ top: string; all: string; plan: number; exec: number }>(
    `SELECT sum(calls) FILTER (WHERE toplevel)::text AS top, sum(calls)::text AS all,
            COALESCE(sum(total_plan_time) FILTER (WHERE toplevel), 0) AS plan,
            COALESCE(sum(total_exec_time) FILTER (WHERE toplevel), 0) AS exec
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND query NOT ILIKE '%pg_stat_statements%'`,
  );
  const r = rows[0]!;
  const per = (x: number) => (alerts ? Math.round((x * 100) / alerts) / 100 : 0);
  return {
    clientStatementsPerAlert: per(Number(r.top ?? 0)),
    statementsPerAlert: per(Number(r.all ?? 0)),
    planMicrosPerAlert: per(r.plan * 1000),
    execMicrosPerAlert: per(r.exec * 1000),
  };
}

export function statementsTable(
  title: string,
  list: StatementCost[],
  scans: TableScans[] = [],
  totals?: StatementTotals,
): string {
  const lines = [
    `  PostgreSQL statements, ${title} (µs per alert · share · calls · mean ms · of it planning · rows):`,
  ];
  if (totals)
    lines.push(
      `    per alert: ${totals.clientStatementsPerAlert} statements from clients (${totals.statementsPerAlert} with those inside functions), ${totals.planMicrosPerAlert} µs planning, ${totals.execMicrosPerAlert} µs executing`,
    );
  for (const s of list)
    lines.push(
      `    ${String(s.microsPerAlert).padStart(6)}  ${s.share.toFixed(1).padStart(5)}%  ${String(s.calls).padStart(7)}  ${s.meanMs.toFixed(3).padStart(8)}  ${s.planMeanMs.toFixed(3).padStart(8)}  ${String(s.rows).padStart(8)}  ${s.query}`,
    );
  if (scans.length)
    lines.push(
      `  sequential scans: ${scans.map((t) => `${t.table} ${t.seqScans}× (${t.seqRowsRead} rows read; ${t.live} live, ${t.dead} dead)`).join(', ')}`,
    );
  return lines.join('\n');
}
